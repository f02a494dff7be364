"""score_frame: results aligned to the input frame, equal to the library's own answers.

The expected values are computed with the public API (ScoringModel.score_many,
GradingProfile.grade, priority_matrix, classify, Router.route_many), which the frame
function must agree with row by row.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from leadkit.errors import LoadError, ValidationError
from leadkit.frames import RESULT_COLUMNS, events_from_frame, leads_from_frame, score_frame
from leadkit.model import OwnerRef, User
from leadkit.routing import (
    AssignmentRules,
    InMemoryState,
    Roster,
    RoundRobin,
    Router,
    RuleEntry,
    in_region,
)
from leadkit.scoring import default_grading_profile, default_marketing_model, priority_matrix
from leadkit.stages import MqlRule, StagePolicy, classify

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")

AS_OF = datetime(2026, 5, 1, tzinfo=UTC)
MODEL = default_marketing_model()
GRADING = default_grading_profile()
POLICY = StagePolicy(mql=MqlRule(min_score=50))
RULES = AssignmentRules(
    [RuleEntry(in_region("関東"), RoundRobin(["u-1", "u-2"]), name="Kanto")],
    default_owner=OwnerRef.queue("inbound"),
)
ROUTER = Router(RULES, roster=Roster([User(id="u-1", name="佐藤"), User(id="u-2", name="鈴木")]))
NAMES = {
    "姓": "family_name",
    "会社名": "company",
    "役職": "title",
    "従業員数": "employees",
    "都道府県": "address_state",
    "created": "created_at",
}


def _leads() -> dict[str, Any]:
    return {
        "crm_id": [101, 102, 103, 104],
        "姓": ["山田", "Smith", "佐藤", "田中"],
        "会社名": ["ABC", "Acme", "XYZ", "株式会社サンプル"],
        "役職": ["営業部長", None, "Director", "担当"],
        "従業員数": [1200, None, 40, 300],
        "都道府県": ["東京都", None, "大阪府", "神奈川県"],
        "created": [datetime(2026, 4, 1, 9)] * 4,
        "segment": ["a", "b", "a", "c"],
    }


def _events() -> dict[str, Any]:
    return {
        "lead_id": ["101", "101", "103", "104"],
        "kind": ["form_submit", "page_view", "form_submit", "file_download"],
        "occurred_at": [datetime(2026, 4, 5, 10), datetime(2026, 4, 5, 11)] * 2,
    }


def _pandas_frame() -> Any:
    data = _leads()
    data["従業員数"] = pd.array(data["従業員数"], dtype="Int64")
    data["segment"] = pd.Categorical(data["segment"])
    return pd.DataFrame(data, index=["r1", "r2", "r3", "r4"])


def _run(frame: Any, events: Any, **options: Any) -> Any:
    return score_frame(
        frame,
        as_of=AS_OF,
        events=events,
        model=MODEL,
        grading=GRADING,
        policy=POLICY,
        router=ROUTER,
        columns={**NAMES, "segment": None},  # the user's own column, not a lead's
        timezone="Asia/Tokyo",
        **options,
    )


def test_pandas_result_is_aligned_to_the_input_and_agrees_with_the_library() -> None:
    frame = _pandas_frame()
    events = pd.DataFrame(_events())
    out = _run(frame, events, key="crm_id", keep=["segment"])
    assert out.index.tolist() == frame.index.tolist()
    assert list(out.columns) == ["crm_id", "segment", *RESULT_COLUMNS]
    assert out["segment"].dtype == frame["segment"].dtype  # the user's column untouched
    # The same answers, row by row, as the public API gives for the same leads.
    leads = leads_from_frame(
        frame, columns={**NAMES, "crm_id": "id", "segment": None}, timezone="Asia/Tokyo"
    )
    read = events_from_frame(events, timezone="Asia/Tokyo")
    scores = MODEL.score_many(leads, read, as_of=AS_OF)
    grades = [GRADING.grade(lead, as_of=AS_OF).grade for lead in leads]
    by_lead = {lead.id: [e for e in read if e.lead_id == lead.id] for lead in leads}
    decisions = ROUTER.route_many(leads, as_of=AS_OF, state=InMemoryState(), events=by_lead)
    expected_stage = [
        classify(
            lead, score=scores[lead.id], grade=g, policy=POLICY, as_of=AS_OF,
            events=by_lead[lead.id],
        ).stage.label
        for lead, g in zip(leads, grades, strict=True)
    ]  # fmt: skip
    assert out["score"].tolist() == [scores[lead.id] for lead in leads]
    assert out["grade"].tolist() == [str(g) for g in grades]
    assert out["priority"].tolist() == [
        priority_matrix(g, scores[lead.id]) for lead, g in zip(leads, grades, strict=True)
    ]
    assert out["stage"].tolist() == expected_stage
    assert out["owner"].tolist() == [str(d.owner) for d in decisions]
    assert out["owner"].tolist() == ["user:u-1", "queue:inbound", "queue:inbound", "user:u-2"]
    assert out["score"].tolist()[:3] == [51.0, 0.0, 50.0]


def test_why_says_what_counted() -> None:
    out = _run(_pandas_frame(), pd.DataFrame(_events()), key="crm_id")
    first = out.loc["r1", "why"]
    assert "form submission +50" in first
    assert "page view +1" in first
    assert "MQL: score 51 ≥ 50" in first
    assert "owner by entry #1 'Kanto'" in first
    assert "owner by default owner" in out.loc["r2", "why"]


def test_join_back_on_the_index_and_on_the_key() -> None:
    frame = _pandas_frame()
    out = _run(frame, pd.DataFrame(_events()), key="crm_id")
    joined = frame.join(out.drop(columns=["crm_id"]))
    assert joined.loc["r4", "会社名"] == "株式会社サンプル"
    assert joined.loc["r4", "owner"] == "user:u-2"
    merged = frame.reset_index(drop=True).merge(out, on="crm_id")
    assert merged["score"].tolist() == out["score"].tolist()


def test_keep_true_puts_every_input_column_beside_the_results() -> None:
    frame = _pandas_frame()
    out = _run(frame, None, keep=True, key="crm_id")
    assert list(out.columns) == [*frame.columns, *RESULT_COLUMNS]
    pd.testing.assert_frame_equal(out[list(frame.columns)], frame)


def test_polars_result_keeps_the_row_order_and_the_key() -> None:
    data = _leads()
    frame = pl.DataFrame(data)
    events = pl.DataFrame(_events())
    out = _run(frame, events, key="crm_id")
    pandas_out = _run(_pandas_frame(), pd.DataFrame(_events()), key="crm_id")
    assert out.columns == ["crm_id", *RESULT_COLUMNS]
    assert out["crm_id"].to_list() == data["crm_id"]
    for column in RESULT_COLUMNS:
        assert out[column].to_list() == pandas_out[column].tolist(), column


def test_only_the_parts_asked_for_and_no_why_without_explain() -> None:
    out = score_frame(
        _pandas_frame(),
        as_of=AS_OF,
        model=MODEL,
        columns=NAMES,
        unknown="ignore",
        timezone="Asia/Tokyo",
        explain=False,
    )
    assert list(out.columns) == ["score"]


def test_an_id_column_is_the_lead_id_and_the_key_is_only_carried() -> None:
    frame = pd.DataFrame(
        {
            "id": ["a", "b"],
            "row": [1, 2],
            "family_name": ["x", "y"],
            "company": ["c", "d"],
            "created_at": pd.to_datetime(["2026-04-01"] * 2, utc=True),
        }
    )
    one = {"lead_id": ["b"], "kind": ["form_submit"], "occurred_at": ["2026-04-02T00:00Z"]}
    events = events_from_frame(pd.DataFrame(one).astype({"occurred_at": "datetime64[us, UTC]"}))
    out = score_frame(frame, as_of=AS_OF, model=MODEL, events=events, key="row")
    assert out["row"].tolist() == [1, 2]
    assert out["score"].tolist() == [0.0, 50.0]


def test_duplicate_ids_are_refused_with_their_rows() -> None:
    data = _leads()
    data["crm_id"] = [1, 2, 1, 3]
    with pytest.raises(LoadError) as raised:
        _run(pd.DataFrame(data), None, key="crm_id", keep=["segment"])
    assert raised.value.problems[0].path == ("rows", 2, "crm_id")


def test_bad_events_in_a_frame_are_reported_under_events() -> None:
    events = pd.DataFrame({"lead_id": ["101"], "kind": ["form_submit"], "occurred_at": [None]})
    with pytest.raises(LoadError) as raised:
        _run(_pandas_frame(), events, key="crm_id", keep=["segment"])
    assert raised.value.problems[0].path == ("events", "rows", 0, "occurred_at")


@pytest.mark.parametrize(
    ("options", "path"),
    [
        ({"key": "nope"}, ("key", "nope")),
        ({"keep": ["nope"]}, ("keep", "nope")),
        ({"keep": "segment"}, ("keep",)),
        ({"explain": "yes"}, ("explain",)),
        ({"events": 5, "key": "crm_id"}, ("events",)),
    ],
)
def test_bad_options_name_the_option(options: dict[str, Any], path: tuple[str, ...]) -> None:
    with pytest.raises(ValidationError) as raised:
        _run(_pandas_frame(), options.pop("events", None), **options)
    assert raised.value.path == path


def test_a_kept_column_named_like_a_result_is_refused() -> None:
    frame = _pandas_frame().rename(columns={"segment": "score"})
    with pytest.raises(ValidationError) as raised:
        _run(frame, None, keep=["score"], key="crm_id")
    assert raised.value.path == ("keep", "score")


def test_nothing_to_do_is_an_error() -> None:
    with pytest.raises(ValidationError, match="nothing to do"):
        score_frame(_pandas_frame(), as_of=AS_OF)


@pytest.mark.parametrize("part", ["model", "grading", "policy", "router"])
def test_parts_of_the_wrong_type_are_refused(part: str) -> None:
    options: dict[str, Any] = {part: "not it"}
    with pytest.raises(ValidationError) as raised:
        score_frame(_pandas_frame(), as_of=AS_OF, **options)
    assert raised.value.path == (part,)


def test_an_empty_key_is_refused_with_its_row() -> None:
    data = _leads()
    data["crm_id"] = [1, None, 3, 4]
    frame = pd.DataFrame(data).astype({"crm_id": "Int64"})
    with pytest.raises(LoadError) as raised:
        _run(frame, None, key="crm_id")
    assert [p.path for p in raised.value.problems] == [("rows", 1, "crm_id")]
