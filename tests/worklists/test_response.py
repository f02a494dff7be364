"""First response against a service level (issue 19, "Response tracking")."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from leadkit.errors import ValidationError
from leadkit.model import Event, Task
from leadkit.stages import WorkingCalendar
from leadkit.worklists import ResponseSla, done_at, first_responses
from tests.worklists._support import AT, U2, done, lead, planned, visit


def test_a_planned_task_is_not_a_response() -> None:
    """Issue 19: "A planned, not yet done task is not a response"."""
    responses = first_responses(
        [lead("a")], [planned("a")], as_of=AT + timedelta(hours=5), sla=ResponseSla(4)
    )
    assert [(r.state, r.responded_at, r.breached) for r in responses] == [("overdue", None, True)]
    assert responses[0].elapsed == timedelta(hours=5)


def test_first_done_activity_answers_and_an_unfinished_event_does_not() -> None:
    later = AT + timedelta(hours=3)
    acts: list[Task | Event] = [
        done("a", later),
        visit("a", AT + timedelta(hours=1)),
        visit("b", AT + timedelta(hours=30)),
    ]
    responses = first_responses([lead("a"), lead("b")], acts, as_of=AT + timedelta(hours=8))
    a, b = responses
    # The visit ended (10:00) before the call (12:00): it is the first response, by u-2.
    assert (a.responded_at, a.responder_id, a.state) == (AT + timedelta(hours=1), "u-2", "answered")
    assert (b.responded_at, b.state, b.due) == (None, "waiting", None)


def test_activity_before_the_assignment_does_not_count() -> None:
    responses = first_responses(
        [lead("a")],
        [done("a", AT + timedelta(minutes=5))],
        as_of=AT + timedelta(hours=3),
        assigned_at={"a": AT + timedelta(hours=1)},
        sla=ResponseSla(1),
    )
    assert responses[0].started_at == AT + timedelta(hours=1)
    assert responses[0].state == "overdue"


def test_working_time_sla_skips_the_night_and_the_weekend() -> None:
    """Working time as stages.WorkingCalendar counts it: Fri 17:00 + 2 working hours is
    Mon 10:00 on a 9-18 calendar."""
    calendar = WorkingCalendar(start=time(9), end=time(18))
    friday_5pm = AT - timedelta(days=3) + timedelta(hours=8)
    assert friday_5pm.weekday() == 4
    sla = ResponseSla(2, calendar=calendar)
    on_time = first_responses(
        [lead("a")],
        [done("a", AT + timedelta(minutes=30))],  # Monday 9:30
        as_of=AT + timedelta(hours=4),
        assigned_at={"a": friday_5pm},
        sla=sla,
    )[0]
    assert on_time.due == AT + timedelta(hours=1)
    assert (on_time.state, on_time.elapsed) == ("answered", timedelta(hours=1, minutes=30))
    late = first_responses(
        [lead("a")],
        [done("a", AT + timedelta(hours=2))],
        as_of=AT + timedelta(hours=4),
        assigned_at={"a": friday_5pm},
        sla=sla,
    )[0]
    assert late.state == "late"


def test_sla_per_owner_then_team_then_default() -> None:
    fast, team, default = ResponseSla(1), ResponseSla(2), ResponseSla(8)
    leads = [lead("a"), lead("b", owner=U2), lead("c", owner=None)]
    responses = first_responses(
        leads,
        [],
        as_of=AT + timedelta(hours=1, minutes=30),
        slas={"u-1": fast, "inside-sales": team},
        teams={"u-2": "inside-sales"},
        sla=default,
    )
    assert [r.due for r in responses] == [AT + timedelta(hours=h) for h in (1, 2, 8)]
    assert [r.state for r in responses] == ["overdue", "waiting", "waiting"]


def test_done_at_rules_and_bad_inputs() -> None:
    assert done_at(planned("a"), as_of=AT) is None
    assert done_at(done("a", AT), as_of=AT) == AT
    assert done_at(done("a", AT + timedelta(hours=1)), as_of=AT) is None
    with pytest.raises(ValidationError):
        ResponseSla(0)
    with pytest.raises(ValidationError):
        done_at("call", as_of=AT)  # type: ignore[arg-type]


def test_stored_responses_start_the_clock_at_the_kept_routing_decision() -> None:
    """Issue 19: first response runs from the assignment; the assignment time is the
    routing decision kept by ``Router.route_in``, not the lead's creation."""
    import attrs

    from leadkit.model import Lead, OwnerRef, PersonName, Task, TaskStatus
    from leadkit.repository import InMemoryUnitOfWork
    from leadkit.routing import AssignmentRules, Router
    from leadkit.worklists import ResponseSla, assignment_times, stored_first_responses

    t0 = datetime(2026, 4, 6, 9, tzinfo=UTC)
    router = Router(AssignmentRules([], default_owner=OwnerRef.user("u-1")))
    routed_at = t0 + timedelta(days=1)
    with InMemoryUnitOfWork() as uow:
        for n in (1, 2):
            lead = Lead(id=f"l-{n}", name=PersonName("佐藤"), company="ABC", created_at=t0)
            owner = router.route_in(uow, lead, as_of=routed_at).owner if n == 1 else None
            uow.leads.add(attrs.evolve(lead, owner=owner))
            uow.tasks.add(
                Task(subject="架電", lead_id=lead.id, created_at=t0,
                     status=TaskStatus.COMPLETED, completed_at=routed_at + timedelta(hours=1))
            )  # fmt: skip
        # A decision after as_of does not count yet.
        router.route_in(uow, uow.leads.get("l-2"), as_of=routed_at + timedelta(days=5))
        uow.commit()
        as_of = routed_at + timedelta(days=1)
        assert assignment_times(uow, as_of=as_of) == {"l-1": routed_at}
        routed, unrouted = stored_first_responses(uow, as_of=as_of, sla=ResponseSla(4))
        (only,) = stored_first_responses(uow, as_of=as_of, lead_ids=["l-2"])
    assert (routed.started_at, routed.elapsed, routed.state) == (
        routed_at,
        timedelta(hours=1),
        "answered",
    )
    assert (unrouted.started_at, unrouted.state) == (t0, "late")  # 25 h after creation
    assert only.lead_id == "l-2"
