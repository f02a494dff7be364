"""The next best action (issue 17): the Trailhead seed says the software proposes it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from leadkit.errors import ValidationError
from leadkit.model import Lead, Money, PersonName
from leadkit.nurture import Enrolment, next_best_action
from leadkit.stages import (
    MqlRule,
    Stage,
    StageHistory,
    StagePolicy,
    WorkingCalendar,
    accept,
    qualify,
    recycle,
    transition,
)

T0 = datetime(2026, 4, 3, 17, tzinfo=UTC)  # a Friday, 17:00
LEAD = Lead(name=PersonName("Sato"), company="ABC", created_at=T0 - timedelta(days=30))
POLICY = StagePolicy(mql=MqlRule(min_score=50), accept_within_hours=8)


def mql() -> StageHistory:
    history = transition(StageHistory(LEAD.id), Stage.INQUIRY, at=T0 - timedelta(days=9), by="p")
    return transition(history, Stage.MQL, at=T0, by="p")


def test_an_unanswered_mql_is_a_call_due_within_the_service_level() -> None:
    """The policy's 8 working hours from Friday 17:00 (9:00-18:00) end Monday 16:00."""
    calendar = WorkingCalendar(timezone="UTC", start=time(9), end=time(18))
    early = next_best_action(
        LEAD, mql(), as_of=T0 + timedelta(hours=1), policy=POLICY, calendar=calendar
    )
    assert early.kind == "call"
    assert early.due == datetime(2026, 4, 6, 16, tzinfo=UTC)
    assert not early.overdue
    assert "8 working hours" in early.reason
    late = next_best_action(
        LEAD, mql(), as_of=datetime(2026, 4, 7, tzinfo=UTC), policy=POLICY, calendar=calendar
    )
    assert late.overdue
    assert "overdue since" in str(late)
    plain = next_best_action(LEAD, mql(), as_of=T0, policy=POLICY)
    assert plain.due == T0 + timedelta(hours=8)


def test_each_stage_has_its_next_step() -> None:
    accepted = accept(mql(), at=T0 + timedelta(hours=1), by="user-sato")
    assert next_best_action(LEAD, accepted, as_of=T0 + timedelta(hours=2), policy=POLICY).kind == (
        "qualify"
    )
    qualified = qualify(
        accepted,
        at=T0 + timedelta(hours=3),
        by="user-sato",
        amount=Money("1000000", "JPY"),
        close_date=date(2026, 6, 30),
    )
    assert next_best_action(LEAD, qualified, as_of=T0 + timedelta(hours=4), policy=POLICY).kind == (
        "convert"
    )
    recycled = recycle(accepted, at=T0 + timedelta(days=1), by="user-sato", reason="no budget")
    suggestion = next_best_action(LEAD, recycled, as_of=T0 + timedelta(days=2), policy=POLICY)
    assert suggestion.kind == "enrol"
    assert suggestion.program == "re-engagement"
    fresh = next_best_action(LEAD, None, as_of=T0, policy=POLICY, programs={"inquiry": "lessons"})
    assert (fresh.kind, fresh.program) == ("enrol", "lessons")


def test_a_lead_in_a_program_waits_for_it() -> None:
    enrolment = Enrolment("lessons", LEAD.id, T0, "wait2", T0)
    suggestion = next_best_action(LEAD, None, as_of=T0, policy=POLICY, enrolments=[enrolment])
    assert suggestion.kind == "wait"
    assert "'lessons'" in suggestion.reason


def test_the_history_is_read_as_of() -> None:
    """A transition after ``as_of`` has not happened yet."""
    accepted = accept(mql(), at=T0 + timedelta(days=1), by="user-sato")
    assert next_best_action(LEAD, accepted, as_of=T0 + timedelta(hours=1), policy=POLICY).kind == (
        "call"
    )


def test_bad_arguments_name_their_path() -> None:
    with pytest.raises(ValidationError) as err:
        next_best_action("lead", None, as_of=T0, policy=POLICY)  # type: ignore[arg-type]
    assert err.value.path == ("lead",)
    with pytest.raises(ValidationError) as err:
        next_best_action(LEAD, None, as_of=T0, policy="default")  # type: ignore[arg-type]
    assert err.value.path == ("policy",)
