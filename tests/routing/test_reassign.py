"""Reassignment, queue claims and released counts (issue 19, "A team, not a person")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest

from leadkit.errors import LeadkitError
from leadkit.model import Lead, OwnerRef, PersonName, Queue, User
from leadkit.repository import InMemoryUnitOfWork
from leadkit.routing import (
    AssignmentRules,
    InMemoryState,
    Roster,
    RoundRobin,
    Router,
    RuleEntry,
    apply_reassignment,
    claim_next,
    plan_reassignment,
    release_if_closed,
)
from leadkit.rules import field

AT = datetime(2026, 4, 1, 3, tzinfo=UTC)
QUEUE = OwnerRef.queue("q-in")


def lead(lead_id: str, owner: OwnerRef | None, *, hours: int = 0, **kw: object) -> Lead:
    return Lead(
        id=lead_id,
        name=PersonName("山田"),
        company="ABC",
        created_at=AT - timedelta(days=1) + timedelta(hours=hours),
        owner=owner,
        **kw,  # type: ignore[arg-type]
    )


def router(*, away: str | None = None, capacity: int | None = None) -> Router:
    users = [
        User(id="u-1", name="佐藤", active=away != "u-1", capacity=capacity),
        User(id="u-2", name="鈴木"),
        User(id="u-3", name="高橋"),
    ]
    rules = AssignmentRules(
        [RuleEntry(field("company") == "ABC", RoundRobin(["u-1", "u-2", "u-3"]), name="all")],
        default_owner=QUEUE,
    )
    return Router(rules, roster=Roster(users))


def stored(*leads: Lead) -> InMemoryUnitOfWork:
    uow = InMemoryUnitOfWork()
    with uow:
        for item in leads:
            uow.leads.add(item)
        uow.queues.add(Queue(id="q-in", name="Inbound", member_ids=("u-1", "u-2")))  # type: ignore[arg-type]  # converter=tuple
        uow.commit()
    return uow


U1 = OwnerRef.user("u-1")


def test_a_deactivated_reps_open_leads_are_planned_then_moved() -> None:
    uow = stored(
        lead("a", U1), lead("b", U1, hours=1), lead("c", U1, status="Closed - Not Converted")
    )
    state = InMemoryState()
    state.set_open_count("u-1", 2)
    route = router(away="u-1")
    with uow:
        plan = plan_reassignment(uow, "u-1", router=route, state=state, as_of=AT)
    # The dry run changes nothing: the state and the leads are as they were.
    assert state.open_count("u-1") == 2
    assert [(m.lead_id, str(m.to_owner), m.reason) for m in plan.moves] == [
        ("a", "user:u-2", "inactive"),
        ("b", "user:u-3", "inactive"),
    ]
    assert "all" in str(plan.moves[0])  # the routing entry that chose, in the reason
    with uow:
        assert uow.leads.get("a").owner == U1
        results = apply_reassignment(uow, plan, router=route, state=state)
        uow.commit()
    assert results == {"a": "moved", "b": "moved"}
    with uow:
        assert uow.leads.get("a").owner == OwnerRef.user("u-2")
        assert uow.leads.get("c").owner == U1  # closed: not reassigned
    assert (state.open_count("u-1"), state.open_count("u-2"), state.open_count("u-3")) == (0, 1, 1)


def test_over_capacity_moves_only_the_leads_above_it() -> None:
    uow = stored(*(lead(f"l{i}", U1, hours=i) for i in range(3)))
    state = InMemoryState()  # counts nothing: the three open leads in the store decide
    with uow:
        plan = plan_reassignment(uow, "u-1", router=router(capacity=2), state=state, as_of=AT)
    assert [m.lead_id for m in plan.moves] == ["l2"]
    assert plan.moves[0].reason.startswith("over capacity")
    assert plan.kept == {"l0": "within capacity", "l1": "within capacity"}


def test_a_rep_who_can_work_keeps_their_leads_and_a_stale_plan_is_skipped() -> None:
    uow = stored(lead("a", U1))
    state = InMemoryState()
    with uow:
        assert plan_reassignment(uow, "u-1", router=router(), state=state, as_of=AT).moves == ()
        plan = plan_reassignment(
            uow, "u-1", router=router(), state=state, as_of=AT, reason="on leave"
        )
        uow.leads.update(attrs.evolve(uow.leads.get("a"), phone="03-1234-5678"))
        results = apply_reassignment(uow, plan, router=router(), state=state)
    assert plan.moves[0].reason == "on leave"
    assert results == {"a": "skipped: the lead changed since the plan"}


def test_claims_take_the_oldest_or_the_highest_priority_and_never_the_same() -> None:
    uow = stored(lead("old", QUEUE), lead("new", QUEUE, hours=5), lead("u1", U1))
    with uow:
        first = claim_next(uow, queue="q-in", member="u-1")
        second = claim_next(uow, queue="q-in", member="u-2")
        assert claim_next(uow, queue="q-in", member="u-2") is None
        uow.commit()
    assert first is not None
    assert second is not None
    assert (first.lead.id, str(first.lead.owner)) == ("old", "user:u-1")
    assert (second.lead.id, str(second.lead.owner)) == ("new", "user:u-2")
    uow = stored(lead("old", QUEUE), lead("new", QUEUE, hours=5))
    with uow:
        hot = claim_next(uow, queue="q-in", member="u-1", order="priority",
                         priorities={"new": "A1", "old": "C3"})  # fmt: skip
    assert hot is not None
    assert hot.lead.id == "new"


def test_claims_are_for_members_only() -> None:
    uow = stored(lead("a", QUEUE))
    with uow, pytest.raises(LeadkitError):
        claim_next(uow, queue="q-in", member="u-3")
    with uow, pytest.raises(LeadkitError):
        claim_next(uow, queue="q-x", member="u-1")


def test_closing_or_converting_releases_the_count() -> None:
    state = InMemoryState()
    state.set_open_count("u-1", 2)
    before = lead("a", U1)
    assert release_if_closed(state, before, attrs.evolve(before, status="Closed - Not Converted"))
    assert state.open_count("u-1") == 1
    assert not release_if_closed(state, before, attrs.evolve(before, phone="1"))
    assert state.open_count("u-1") == 1
