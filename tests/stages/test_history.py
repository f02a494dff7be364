"""Transitions and history: the table, who/when/why, order, and serialisation."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit.errors import LeadkitError, LoadError, ValidationError, format_path
from leadkit.io import dumps, loads, structure, unstructure
from leadkit.model import Money, Opportunity
from leadkit.stages import (
    TRANSITIONS,
    IllegalTransitionError,
    Qualification,
    Stage,
    StageHistory,
    Transition,
    accept,
    disqualify,
    mark_lost,
    mark_won,
    qualify,
    recycle,
    reject,
    transition,
)
from tests.stages._support import ALLOWED, T0, histories, walk

DAY = timedelta(days=1)


def test_table_matches_the_documented_one() -> None:
    assert {k: set(v) for k, v in TRANSITIONS.items()} == ALLOWED


def test_marketing_lead_through_the_waterfall_records_who_when_why() -> None:
    h = walk("lead-1", Stage.INQUIRY, Stage.MQL)
    h = accept(h, at=T0 + 2 * DAY, by="u-sato")
    deal = Opportunity(
        name="ABC - CRM",
        account_id="acc-1",
        close_date=date(2026, 6, 30),
        amount=Money(1_200_000, "JPY"),
        created_at=T0,
    )
    h = qualify(h, at=T0 + 3 * DAY, by="u-sato", opportunity=deal)
    h = mark_won(h, at=T0 + 40 * DAY, by="u-sato")
    assert [t.to_stage for t in h] == [
        Stage.INQUIRY,
        Stage.MQL,
        Stage.SAL,
        Stage.SQL,
        Stage.WON,
    ]
    sal = h.transitions[2]
    assert (sal.from_stage, sal.by, sal.at) == (Stage.MQL, "u-sato", T0 + 2 * DAY)
    assert deal.id in h.transitions[3].reason
    assert "1200000 JPY" in h.transitions[3].reason
    assert h.current is Stage.WON
    assert h.entered_at(Stage.SAL) == T0 + 2 * DAY


def test_functions_are_pure() -> None:
    h = walk("lead-1", Stage.INQUIRY, Stage.MQL)
    accepted = accept(h, at=T0 + 2 * DAY, by="u-1")
    assert h.current is Stage.MQL
    assert len(h) == 2
    assert accepted.current is Stage.SAL
    assert len(accepted) == 3


@pytest.mark.parametrize(
    ("stages", "to"),
    [
        ((Stage.INQUIRY,), Stage.SQL),  # a marketing lead cannot skip MQL and SAL
        ((Stage.INQUIRY,), Stage.SAL),
        ((Stage.INQUIRY, Stage.DISQUALIFIED), Stage.MQL),  # out of disqualified: recycle only
        ((Stage.SGL, Stage.SQL, Stage.WON), Stage.RECYCLED),  # won is final
        ((), Stage.MQL),  # a lead starts at Inquiry or SGL
    ],
)
def test_illegal_moves_name_both_stages(stages: tuple[Stage, ...], to: Stage) -> None:
    h = walk("lead-1", *stages)
    with pytest.raises(IllegalTransitionError) as caught:
        transition(h, to, at=T0 + 10 * DAY, by="u-1", reason="try")
    assert caught.value.to_stage is to
    assert caught.value.from_stage is h.current
    assert to.label in str(caught.value)
    if h.current is not None:
        assert h.current.label in str(caught.value)
    assert isinstance(caught.value, LeadkitError)
    assert caught.value.code == "illegal_transition"


def test_named_moves_check_their_own_source_stage() -> None:
    sgl = walk("lead-1", Stage.SGL)
    with pytest.raises(IllegalTransitionError, match="accept applies to a lead in MQL"):
        accept(sgl, at=T0 + DAY, by="u-1")
    # recycle from SGL is allowed, but reject is only sales' answer to an MQL
    with pytest.raises(IllegalTransitionError, match="reject"):
        reject(sgl, at=T0 + DAY, by="u-1", reason="no budget")
    inquiry = walk("lead-1", Stage.INQUIRY)
    with pytest.raises(IllegalTransitionError, match="from Inquiry to SQL"):
        qualify(inquiry, at=T0 + DAY, by="u-1", amount=Money(1, "JPY"), close_date=date(2026, 5, 1))


def test_disqualified_comes_back_only_through_recycle() -> None:
    h = disqualify(walk("lead-1", Stage.INQUIRY), at=T0 + DAY, by="u-1", reason="学生")
    assert h.transitions[-1].reason == "学生"
    with pytest.raises(IllegalTransitionError):
        transition(h, Stage.MQL, at=T0 + 2 * DAY, by="policy:default")
    h = recycle(h, at=T0 + 2 * DAY, by="u-1", reason="new job, new budget")
    h = transition(h, Stage.MQL, at=T0 + 3 * DAY, by="policy:default")
    assert h.current is Stage.MQL


def test_reject_sends_an_mql_back_to_nurturing_with_a_reason() -> None:
    h = walk("lead-1", Stage.INQUIRY, Stage.MQL)
    with pytest.raises(ValidationError, match="reason"):
        reject(h, at=T0 + 2 * DAY, by="u-1", reason="  ")
    h = reject(h, at=T0 + 2 * DAY, by="u-1", reason="予算なし")
    # 予算なし is a label of the catalogue reason No Budget: recorded by its api name
    assert (h.current, h.transitions[-1].reason) == (Stage.RECYCLED, "No Budget")


def test_lost_needs_a_reason_and_won_does_not() -> None:
    sql = walk("lead-1", Stage.SGL, Stage.SQL)
    with pytest.raises(ValidationError):
        mark_lost(sql, at=T0 + 5 * DAY, by="u-1", reason="")
    assert mark_lost(sql, at=T0 + 5 * DAY, by="u-1", reason="競合に敗退").current is Stage.LOST
    assert mark_won(sql, at=T0 + 5 * DAY, by="u-1").current is Stage.WON


def test_qualify_needs_a_real_opportunity() -> None:
    sal = walk("lead-1", Stage.INQUIRY, Stage.MQL, Stage.SAL)
    no_amount = Opportunity(name="x", account_id="a", close_date=date(2026, 6, 1), created_at=T0)
    with pytest.raises(ValidationError, match="amount"):
        qualify(sal, at=T0 + 5 * DAY, by="u-1", opportunity=no_amount)
    with pytest.raises(ValidationError, match="close date"):
        qualify(sal, at=T0 + 5 * DAY, by="u-1", amount=Money(100, "JPY"))
    done = qualify(
        sal, at=T0 + 5 * DAY, by="u-1", amount=Money(100, "JPY"), close_date=date(2026, 6, 1)
    )
    assert done.current is Stage.SQL
    assert "closes 2026-06-01" in done.transitions[-1].reason


def test_time_must_not_go_backwards_and_must_be_aware() -> None:
    h = walk("lead-1", Stage.INQUIRY, Stage.MQL)
    with pytest.raises(ValidationError, match="before the last transition"):
        accept(h, at=T0, by="u-1")
    with pytest.raises(ValidationError, match="timezone"):
        accept(h, at=datetime(2026, 5, 1), by="u-1")
    same_time = accept(h, at=h.last_at, by="u-1")  # type: ignore[arg-type]
    assert same_time.current is Stage.SAL


def test_who_is_required() -> None:
    with pytest.raises(ValidationError, match="who"):
        accept(walk("lead-1", Stage.INQUIRY, Stage.MQL), at=T0 + 5 * DAY, by="")


def test_a_history_built_by_hand_is_checked_too() -> None:
    with pytest.raises(IllegalTransitionError, match="was in Inquiry"):
        StageHistory(
            "lead-1",
            [
                Transition(None, Stage.INQUIRY, T0, "u-1"),
                Transition(Stage.MQL, Stage.SAL, T0 + DAY, "u-1"),
            ],
        )
    with pytest.raises(ValidationError, match="ordered"):
        StageHistory(
            "lead-1",
            [
                Transition(None, Stage.INQUIRY, T0, "u-1"),
                Transition(Stage.INQUIRY, Stage.MQL, T0 - DAY, "u-1"),
            ],
        )


def test_stays_stage_at_and_until() -> None:
    h = walk("lead-1", Stage.INQUIRY, Stage.MQL, Stage.SAL)
    stays = list(h.stays())
    assert [(s.stage, s.since, s.until) for s in stays] == [
        (Stage.INQUIRY, T0, T0 + DAY),
        (Stage.MQL, T0 + DAY, T0 + 2 * DAY),
        (Stage.SAL, T0 + 2 * DAY, None),
    ]
    assert h.stage_at(T0 - DAY) is None
    assert h.stage_at(T0 + DAY + timedelta(hours=3)) is Stage.MQL
    assert h.until(T0 + DAY).current is Stage.MQL
    assert len(h.until(T0 + DAY)) == 2


def test_history_round_trips_through_json() -> None:
    h = walk("lead-1", Stage.INQUIRY, Stage.MQL, Stage.SAL)
    data = unstructure(h)
    assert data["transitions"][0] == {
        "from_stage": None,
        "to_stage": "inquiry",
        "at": T0.isoformat(),
        "by": "u-1",
        "reason": "test",
        "qualification": None,
    }
    assert loads(dumps(h), StageHistory) == h


def test_a_qualification_round_trips_and_old_data_without_one_loads() -> None:
    """An SQL carries its deal (amount, close date); data written before the
    qualification was recorded (no key) loads with none."""
    h = walk("lead-1", Stage.INQUIRY, Stage.MQL, Stage.SAL)
    h = qualify(
        h, at=T0 + 5 * DAY, by="u-1", amount=Money(5_000, "JPY"), close_date=date(2026, 9, 30),
        opportunity_name="ABC 導入", opportunity_stage="Proposal",
    )  # fmt: skip
    assert h.qualification == Qualification(
        Money(5_000, "JPY"), date(2026, 9, 30), opportunity_name="ABC 導入", stage="Proposal"
    )
    assert loads(dumps(h), StageHistory) == h
    data = unstructure(h)
    for step in data["transitions"]:
        del step["qualification"]
    assert structure(data, StageHistory).qualification is None


def test_loading_an_illegal_or_naive_history_names_the_path() -> None:
    with pytest.raises(LoadError) as caught:
        structure(
            {
                "lead_id": "lead-9",
                "transitions": [
                    {
                        "from_stage": None,
                        "to_stage": "sql",
                        "at": "2026-04-01T09:00:00+09:00",
                        "by": "u",
                    }
                ],
            },
            StageHistory,
            root="history",
        )
    assert format_path(caught.value.problems[0].path) == "history.transitions[0]"
    assert "SQL" in str(caught.value)
    with pytest.raises(LoadError) as naive:
        structure(
            {
                "lead_id": "lead-9",
                "transitions": [
                    {"from_stage": None, "to_stage": "inquiry", "at": "2026-04-01T09:00", "by": "u"}
                ],
            },
            StageHistory,
            root="history",
        )
    assert format_path(naive.value.problems[0].path) == "history.transitions[0].at"


@given(histories())
def test_histories_round_trip(history: StageHistory) -> None:
    assert loads(dumps(history), StageHistory) == history


_ACTIONS = ("accept", "reject", "qualify", "recycle", "disqualify", "won", "lost", "mql", "start")


@given(
    st.lists(
        st.tuples(st.sampled_from(_ACTIONS), st.integers(min_value=-2, max_value=5)), max_size=25
    )
)
def test_no_history_ever_contains_an_illegal_step(moves: list[tuple[str, int]]) -> None:
    """Throw random moves (legal or not, some back in time) at a history: each either
    raises a LeadkitError and changes nothing, or appends one step the table allows."""
    history = StageHistory("lead-1")
    now = T0
    for action, days in moves:
        at = now + days * DAY
        kwargs = {"at": at, "by": "u-1"}
        try:
            if action == "accept":
                after = accept(history, **kwargs)  # type: ignore[arg-type]
            elif action == "reject":
                after = reject(history, reason="no", **kwargs)  # type: ignore[arg-type]
            elif action == "qualify":
                after = qualify(
                    history,
                    amount=Money(5, "JPY"),
                    close_date=date(2027, 1, 1),
                    **kwargs,  # type: ignore[arg-type]
                )
            elif action == "recycle":
                after = recycle(history, reason="later", **kwargs)  # type: ignore[arg-type]
            elif action == "disqualify":
                after = disqualify(history, reason="no fit", **kwargs)  # type: ignore[arg-type]
            elif action == "won":
                after = mark_won(history, **kwargs)  # type: ignore[arg-type]
            elif action == "lost":
                after = mark_lost(history, reason="price", **kwargs)  # type: ignore[arg-type]
            elif action == "mql":
                after = transition(history, Stage.MQL, **kwargs)  # type: ignore[arg-type]
            else:
                after = transition(history, Stage.INQUIRY if days % 2 else Stage.SGL, **kwargs)  # type: ignore[arg-type]
        except LeadkitError:
            continue
        assert after.transitions[:-1] == history.transitions  # append-only
        history, now = after, at
    previous: Stage | None = None
    for index, step in enumerate(history):
        assert step.from_stage is previous
        assert step.to_stage in ALLOWED[previous]
        if index:
            assert step.at >= history.transitions[index - 1].at
        previous = step.to_stage
