"""classify: entry stage, MQL by thresholds or hand-raise, disqualification, holds, reasons."""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit.errors import ValidationError, format_path
from leadkit.model import EngagementEvent, Lead
from leadkit.rules import events, field
from leadkit.stages import (
    Classification,
    MqlRule,
    Stage,
    StageHistory,
    StagePolicy,
    advance,
    classify,
    reject,
)
from leadkit.testing import strategies as lks
from tests.stages._support import T0, histories, lead, walk

DAY = timedelta(days=1)
AS_OF = T0 + 10 * DAY
POLICY = StagePolicy(
    mql=MqlRule(min_score=100, min_grade="B", or_when=events("demo_request").exists()),
    disqualify_when=field("email").endswith("@rival.example"),
)


def demo_request(at: datetime) -> EngagementEvent:
    return EngagementEvent(id="ev-demo", kind="demo_request", lead_id="lead-1", occurred_at=at)


def test_stages_and_their_labels() -> None:
    assert [s.label for s in Stage] == [
        "Inquiry",
        "MQL",
        "SAL",
        "SGL",
        "SQL",
        "recycled",
        "disqualified",
        "won",
        "lost",
    ]
    assert Stage.parse("SQL") is Stage.SQL
    assert {Stage.MQL: 1}[Stage.parse("mql")] == 1
    with pytest.raises(ValidationError, match="unknown stage"):
        Stage.parse("hot")


def test_a_new_marketing_lead_is_an_inquiry() -> None:
    result = classify(
        lead(lead_source="Trade Show"), score=10, grade="C", policy=POLICY, as_of=AS_OF
    )
    assert result.stage is Stage.INQUIRY
    # It entered when it was created, not when it was classified (issue 19).
    assert [(t.from_stage, t.to_stage, t.at, t.by) for t in result.proposed] == [
        (None, Stage.INQUIRY, lead().created_at, "policy:default")
    ]
    assert not any(r.held for r in result.reasons if r.rule.startswith("mql"))


@pytest.mark.parametrize("source", ["Cold Call", "テレアポ", "飛び込み", "Referral"])
def test_a_new_lead_from_a_sales_source_is_an_sgl(source: str) -> None:
    # even with a score that would make it an MQL: it enters at the sales level
    result = classify(lead(lead_source=source), score=500, grade="A+", policy=POLICY, as_of=AS_OF)
    assert result.stage is Stage.SGL
    assert [t.to_stage for t in result.proposed] == [Stage.SGL]
    assert "sales channel" in result.proposed[0].reason


def test_sgl_when_marks_sales_generated_leads_of_custom_sources() -> None:
    policy = StagePolicy(mql=POLICY.mql, sgl_when=field("custom.sdr_sourced").is_true())
    sdr = lead(lead_source="LinkedIn", custom={"sdr_sourced": True})
    assert classify(sdr, policy=policy, as_of=AS_OF).stage is Stage.SGL
    other = lead(lead_source="LinkedIn", custom={"sdr_sourced": False})
    assert classify(other, policy=policy, as_of=AS_OF).stage is Stage.INQUIRY


@pytest.mark.parametrize(
    ("score", "grade", "stage"),
    [
        (100, "B", Stage.MQL),  # both thresholds exactly met
        (Decimal("150.5"), "A-", Stage.MQL),
        (99.9, "A+", Stage.INQUIRY),  # score just short
        (300, "B-", Stage.INQUIRY),  # grade just short
        (None, "A", Stage.INQUIRY),  # no score: the threshold cannot hold
        (120, None, Stage.INQUIRY),
    ],
)
def test_mql_needs_every_threshold(score: object, grade: str | None, stage: Stage) -> None:
    history = walk("lead-1", Stage.INQUIRY)
    result = classify(lead(), score=score, grade=grade, history=history, policy=POLICY, as_of=AS_OF)  # type: ignore[arg-type]
    assert result.stage is stage
    assert result.changed is (stage is Stage.MQL)


def test_a_hand_raise_qualifies_on_its_own_and_is_the_reason() -> None:
    history = walk("lead-1", Stage.INQUIRY)
    result = classify(
        lead(),
        score=5,
        grade="D",
        history=history,
        policy=POLICY,
        as_of=AS_OF,
        events=[demo_request(AS_OF - DAY)],
    )
    assert result.stage is Stage.MQL
    assert result.proposed_transition is not None
    assert result.proposed_transition.reason == "exists(demo_request)"
    held = {r.rule for r in result.held}
    assert held == {"mql.or_when"}
    text = str(result)
    assert "Inquiry → MQL" in text
    assert "✗ mql.min_score: score 5 < 100" in text
    assert "✓ mql.or_when" in text
    assert "ev-demo" in text  # the explanation names the event that counted


def test_a_new_lead_that_already_qualifies_gets_two_moves() -> None:
    result = classify(lead(lead_source="Web"), score=150, grade="A", policy=POLICY, as_of=AS_OF)
    assert result.stage is Stage.MQL
    assert [(t.from_stage, t.to_stage) for t in result.proposed] == [
        (None, Stage.INQUIRY),
        (Stage.INQUIRY, Stage.MQL),
    ]
    history = advance(StageHistory("lead-1"), result)
    assert history.current is Stage.MQL
    assert history.transitions[1].reason == "score 150 ≥ 100; grade A ≥ B"


def test_disqualify_when_wins_over_qualification() -> None:
    rival = lead(email="spy@rival.example")
    result = classify(rival, score=500, grade="A+", policy=POLICY, as_of=AS_OF)
    assert result.stage is Stage.DISQUALIFIED
    assert [t.to_stage for t in result.proposed] == [Stage.INQUIRY, Stage.DISQUALIFIED]
    assert "@rival.example" in result.proposed[-1].reason
    # an MQL is still marketing's: disqualified too; an SAL belongs to sales: left alone
    mql = walk("lead-1", Stage.INQUIRY, Stage.MQL)
    assert classify(rival, history=mql, policy=POLICY, as_of=AS_OF).stage is Stage.DISQUALIFIED
    sal = walk("lead-1", Stage.INQUIRY, Stage.MQL, Stage.SAL)
    assert classify(rival, history=sal, policy=POLICY, as_of=AS_OF).stage is Stage.SAL


@pytest.mark.parametrize(
    "stages",
    [
        (Stage.INQUIRY, Stage.MQL),
        (Stage.INQUIRY, Stage.MQL, Stage.SAL),
        (Stage.SGL,),
        (Stage.SGL, Stage.SQL),
        (Stage.SGL, Stage.SQL, Stage.WON),
        (Stage.SGL, Stage.SQL, Stage.LOST),
        (Stage.INQUIRY, Stage.DISQUALIFIED),
    ],
)
def test_stages_people_own_are_not_moved(stages: tuple[Stage, ...]) -> None:
    history = walk("lead-1", *stages)
    result = classify(lead(), score=0, grade="F", history=history, policy=POLICY, as_of=AS_OF)
    assert result.stage is stages[-1]
    assert result.proposed == ()
    assert advance(history, result) == history


def test_a_rejected_mql_waits_before_it_can_requalify() -> None:
    history = reject(
        walk("lead-1", Stage.INQUIRY, Stage.MQL), at=T0 + 2 * DAY, by="u-1", reason="no budget"
    )
    early = classify(
        lead(), score=200, grade="A", history=history, policy=POLICY, as_of=T0 + 31 * DAY
    )
    assert early.stage is Stage.RECYCLED
    assert "requalify" in str(early)
    later = classify(
        lead(), score=200, grade="A", history=history, policy=POLICY, as_of=T0 + 32 * DAY
    )
    assert later.stage is Stage.MQL
    no_hold = StagePolicy(mql=POLICY.mql, requalify_after_days=0)
    assert (
        classify(
            lead(), score=200, grade="A", history=history, policy=no_hold, as_of=T0 + 2 * DAY
        ).stage
        is Stage.MQL
    )


class LetterGrade(enum.Enum):
    """Stands in for leadkit.scoring.Grade: an enum whose value is the letter."""

    A_MINUS = "A-"
    C = "C"


def test_grades_as_objects_or_typographic_text_plug_in() -> None:
    history = walk("lead-1", Stage.INQUIRY)
    for grade, stage in [
        (LetterGrade.A_MINUS, Stage.MQL),
        (LetterGrade.C, Stage.INQUIRY),
        ("Ａ−", Stage.MQL),  # full-width letter, typographic minus
        (" b+ ", Stage.MQL),
    ]:
        result = classify(
            lead(), score=100, grade=grade, history=history, policy=POLICY, as_of=AS_OF
        )
        assert result.stage is stage, grade


@attrs.frozen
class Card:
    """Stands in for the scoring package's cards: a total, a grade."""

    total: float
    grade: LetterGrade


def test_score_and_grade_cards_plug_in() -> None:
    history = walk("lead-1", Stage.INQUIRY)
    card = Card(total=150.0, grade=LetterGrade.A_MINUS)
    result = classify(lead(), score=card, grade=card, history=history, policy=POLICY, as_of=AS_OF)
    assert result.stage is Stage.MQL
    assert "score 150 ≥ 100" in str(result)
    assert "grade A- ≥ B" in str(result)
    low = Card(total=99.0, grade=LetterGrade.A_MINUS)
    assert (
        classify(lead(), score=low, history=history, policy=POLICY, as_of=AS_OF).stage
        is Stage.INQUIRY
    )


def test_a_fit_condition_joins_the_thresholds() -> None:
    policy = StagePolicy(mql=MqlRule(min_score=50, when=field("employees") >= 100))
    history = walk("lead-1", Stage.INQUIRY)
    big = lead(employees=500)
    small = lead(employees=20)
    assert classify(big, score=60, history=history, policy=policy, as_of=AS_OF).stage is Stage.MQL
    assert (
        classify(small, score=60, history=history, policy=policy, as_of=AS_OF).stage
        is Stage.INQUIRY
    )
    assert (
        classify(big, score=40, history=history, policy=policy, as_of=AS_OF).stage is Stage.INQUIRY
    )


def test_stale_classifications_are_refused() -> None:
    history = walk("lead-1", Stage.INQUIRY)
    result = classify(lead(), score=150, grade="A", history=history, policy=POLICY, as_of=AS_OF)
    moved = advance(history, result)
    with pytest.raises(ValidationError, match="classify again"):
        advance(moved, result)
    with pytest.raises(ValidationError, match="classify again"):
        advance(StageHistory("lead-2"), result)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"score": "lots"}, "score"),
        ({"score": True}, "score"),
        ({"score": float("nan")}, "score"),
        ({"grade": "Z"}, "grade"),
        ({"as_of": datetime(2026, 5, 1)}, "as_of"),
        ({"history": StageHistory("lead-2")}, "history.lead_id"),
        ({"history": walk("lead-1", Stage.INQUIRY, start=AS_OF + DAY)}, "as_of"),
    ],
)
def test_bad_inputs_name_the_argument(kwargs: dict[str, object], path: str) -> None:
    arguments: dict[str, object] = {"policy": POLICY, "as_of": AS_OF, **kwargs}
    with pytest.raises(ValidationError) as caught:
        classify(lead(), **arguments)  # type: ignore[arg-type]
    assert format_path(caught.value.path) == path


@given(
    lks.leads(),
    st.none() | st.integers(min_value=-50, max_value=300),
    st.none() | st.sampled_from(["A+", "A", "B+", "B", "B-", "C", "D", "F"]),
    histories(lead_id="lead-x", max_steps=5),
)
def test_classification_is_deterministic_and_its_moves_are_legal(
    some_lead: Lead, score: int | None, grade: str | None, history: StageHistory
) -> None:
    history = StageHistory(some_lead.id, history.transitions)
    as_of = (history.last_at or datetime(2026, 1, 1, tzinfo=UTC)) + timedelta(days=40)
    first = classify(
        some_lead, score=score, grade=grade, history=history, policy=POLICY, as_of=as_of
    )
    again = classify(
        some_lead, score=score, grade=grade, history=history, policy=POLICY, as_of=as_of
    )
    assert first == again
    assert isinstance(first, Classification)
    quick = classify(
        some_lead,
        score=score,
        grade=grade,
        history=history,
        policy=POLICY,
        as_of=as_of,
        explain=False,
    )
    # without explanation trees the verdicts are the same
    assert (quick.stage, quick.proposed) == (first.stage, first.proposed)
    assert [(r.rule, r.held) for r in quick.reasons] == [(r.rule, r.held) for r in first.reasons]
    assert all(r.explanation is None for r in quick.reasons)
    moved = advance(history, first)  # the proposed moves are legal, or this raises
    assert moved.current is first.stage
    assert moved.transitions[: len(history)] == history.transitions
