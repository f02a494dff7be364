"""A team, not a person: reassigning a rep's open leads through the routing rules (a
plan first, then applied), queue members claiming the next lead, and releasing a closed
or converted lead's count in the capacity strategies."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from leadkit.model import Lead, OwnerRef, active_statuses
from leadkit.repository import UnitOfWork
from leadkit.routing._availability import Roster
from leadkit.routing._errors import routing_error
from leadkit.routing._router import Router, RoutingDecision, _check_as_of
from leadkit.routing._state import RoutingState, open_key
from leadkit.routing._strategies import Caps as _Caps
from leadkit.routing._strategies import _open_limit, record_assignment

__all__ = [
    "Claim",
    "Reassignment",
    "ReassignmentPlan",
    "apply_reassignment",
    "claim_next",
    "is_open_lead",
    "plan_reassignment",
    "release_closed",
    "release_if_closed",
]


def is_open_lead(lead: Lead) -> bool:
    """Not converted, not merged away, and in a status that is not closed."""
    if lead.is_converted or lead.is_merged:
        return False
    return not active_statuses().get(lead.status).is_closed


def release_if_closed(state: RoutingState, before: Lead, after: Lead) -> bool:
    """Release the owner's open count when ``after`` closes or converts the open lead
    ``before`` (call it with the stored lead and the one you save; capacity strategies
    then count the rep's real load). True when a count was released."""
    owner = before.owner
    if owner is None or owner.is_queue or not is_open_lead(before) or is_open_lead(after):
        return False
    state.release(owner.id)  # type: ignore[attr-defined]
    return True


def release_closed(uow: UnitOfWork, before: Lead, after: Lead) -> bool:
    """:func:`release_if_closed` inside an open unit of work: lower the owner's open
    count in ``uow.routing_state`` (the state capacity strategies read), so that the
    count and the lead's new status are committed together or not at all. Conversion
    (:func:`~leadkit.convert.convert_lead`) and :func:`~leadkit.stages.save_status` call
    it themselves. True when a count was released (never below 0)."""
    owner = before.owner
    if owner is None or owner.is_queue or not is_open_lead(before) or is_open_lead(after):
        return False
    key = open_key(owner.id)
    state = uow.routing_state
    state.set(key, max(0, (state.get(key) or 0) - 1))
    return True


def _why_move(rep: str, router: Router, held: int, as_of: datetime) -> str | None:
    reason = router.roster.unavailable_reason(rep, as_of)
    if reason is not None:
        return reason
    limit = _open_limit(rep, router.roster, _Caps())
    if limit is not None and held > limit:
        return f"over capacity ({held} open, capacity {limit})"
    return None


@attrs.frozen(slots=True)
class Reassignment:
    """One lead of the plan: from whom, to whom, why it moves, and the routing decision
    (entry, strategy and its reasoning) that chose the new owner."""

    lead_id: str
    version: int
    from_owner: OwnerRef
    to_owner: OwnerRef
    reason: str
    decision: RoutingDecision

    def __str__(self) -> str:
        return (
            f"{self.lead_id}: {self.from_owner} -> {self.to_owner} ({self.reason}; {self.decision})"
        )


@attrs.frozen(slots=True)
class ReassignmentPlan:
    """What :func:`apply_reassignment` will do: ``moves``, and the leads that stay with
    the reason (``kept``: lead id -> why)."""

    rep: str
    as_of: datetime
    moves: tuple[Reassignment, ...]
    kept: Mapping[str, str]


def _without(router: Router, rep: str) -> Router:
    """``router`` with ``rep`` inactive: the strategies pass over them."""
    users = dict(router.roster.users)
    if rep in users:
        users[rep] = attrs.evolve(users[rep], active=False)
    return Router(router.rules, roster=attrs.evolve(router.roster, users=users))


def plan_reassignment(
    uow: UnitOfWork,
    rep: str,
    *,
    router: Router,
    state: RoutingState,
    as_of: datetime,
    reason: str | None = None,
    limit: int | None = None,
) -> ReassignmentPlan:
    """A dry run: where each open lead of user ``rep`` would go through ``router``'s rules,
    routed against a copy of ``state`` (``state`` does not change, nor does any lead).

    ``reason`` is why the rep's leads move; by default it comes from the roster (not in
    the roster, inactive, on leave) or from more open leads in ``uow`` than the rep's
    capacity, and a rep
    with none of those keeps every lead. Over capacity, only the leads above capacity move
    (newest first); ``limit`` caps how many move in any case. The strategies pass over
    ``rep``; a lead the rules still give back to ``rep`` (an entry naming them) stays,
    with the reason.
    """
    when = _check_as_of(as_of)
    leads = sorted(
        (lead for lead in uow.leads.by_owner(OwnerRef.user(rep)) if is_open_lead(lead)),
        key=lambda lead: (lead.created_at, lead.id),
    )
    # The open leads in the store are the rep's load, whatever the routing counts say.
    why = reason or _why_move(rep, router, len(leads), when)
    kept: dict[str, str] = {}
    if why is None:
        return ReassignmentPlan(rep, when, (), {lead.id: f"{rep} can take leads" for lead in leads})
    movable = leads
    capacity = _open_limit(rep, router.roster, _Caps())
    if reason is None and why.startswith("over capacity") and capacity is not None:
        movable = leads[capacity:]
        kept.update({lead.id: "within capacity" for lead in leads[:capacity]})
    if limit is not None:
        kept.update({lead.id: f"over the limit of {limit}" for lead in movable[limit:]})
        movable = movable[:limit]
    copy = state.snapshot()
    without = _without(router, rep)
    moves = []
    for lead in movable:
        # Route the lead as if it had no owner, so that keep-owner entries do not keep it.
        decision = without.route(attrs.evolve(lead, owner=None), as_of=when, state=copy)
        if decision.owner == lead.owner:
            kept[lead.id] = f"the rules give it back to {rep} ({decision})"
            continue
        assert lead.owner is not None
        moves.append(Reassignment(lead.id, lead.version, lead.owner, decision.owner, why, decision))
    return ReassignmentPlan(rep, when, tuple(moves), kept)


def apply_reassignment(
    uow: UnitOfWork, plan: ReassignmentPlan, *, router: Router, state: RoutingState
) -> dict[str, str]:
    """Carry out ``plan`` in ``uow`` (commit it yourself): each lead gets its new owner
    unless it changed since the plan (then it is skipped, with the reason). The routing
    counts move with it: the new owner's open count and period counts go up, the old
    one's open count down, and each move's routing decision is kept in
    ``uow.routing_decisions`` (at the plan's ``as_of``, with the old owner). Returns a
    result per lead: ``"moved"`` or why not."""
    from leadkit.routing._record import RecordedDecision

    results: dict[str, str] = {}
    with state.transaction() as txn:
        for move in plan.moves:
            lead = uow.leads.find(move.lead_id)
            if lead is None:
                results[move.lead_id] = "skipped: the lead no longer exists"
                continue
            if lead.version != move.version or lead.owner != move.from_owner:
                results[move.lead_id] = "skipped: the lead changed since the plan"
                continue
            uow.leads.update(attrs.evolve(lead, owner=move.to_owner))
            uow.routing_decisions.add(
                RecordedDecision.of(move.decision, at=plan.as_of, previous_owner=move.from_owner)
            )
            if not move.to_owner.is_queue:
                record_assignment(txn, move.to_owner.id, router.roster, plan.as_of)
            old = open_key(move.from_owner.id)
            txn.set(old, max(0, (txn.get(old) or 0) - 1))
            results[move.lead_id] = "moved"
    return results


@attrs.frozen(slots=True)
class Claim:
    """A lead a queue member took: the lead as saved, and from which queue."""

    lead: Lead
    queue_id: str
    member_id: str


def claim_next(
    uow: UnitOfWork,
    *,
    queue: str,
    member: str,
    order: str = "oldest",
    priorities: Mapping[str, str] | None = None,
    state: RoutingState | None = None,
    as_of: datetime | None = None,
    roster: Roster | None = None,
) -> Claim | None:
    """Queue member ``member`` takes the next open lead of queue ``queue``: the oldest
    (``order="oldest"``) or the highest priority (``order="priority"``: ``priorities``
    maps lead ids to A1..D4, missing ones last, ties oldest first). None when the queue
    is empty. Commit ``uow`` to keep the claim.

    Two members claiming at once never get the same lead: on SQLite the unit of work
    holds the write lock from its first read, so a second claim sees the first; on other
    stores the owner change is a versioned update, and a lost race raises
    :class:`~leadkit.errors.ConcurrencyError` (roll back and claim again). With
    ``state`` (and ``as_of``), the member's routing counts go up as for an assignment,
    by ``roster``'s periods.
    """
    found = uow.queues.find(queue)
    if found is None:
        raise routing_error(f"no queue {queue!r}", path="queue")
    if member not in found.member_ids:
        raise routing_error(f"{member!r} is not a member of queue {queue!r}", path="member")
    if order not in ("oldest", "priority"):
        raise routing_error(f"order is 'oldest' or 'priority', got {order!r}", path="order")
    rank = dict(priorities or {})
    waiting = [lead for lead in uow.leads.by_owner(OwnerRef.queue(queue)) if is_open_lead(lead)]
    if not waiting:
        return None

    def key(lead: Lead) -> tuple[str, object, str]:
        cell = rank.get(lead.id, "~") if order == "priority" else ""
        return (cell, lead.created_at, lead.id)

    lead = min(waiting, key=key)
    saved = uow.leads.update(attrs.evolve(lead, owner=OwnerRef.user(member)))
    if state is not None:
        if as_of is None:
            raise routing_error("give as_of with state: the counts are per day", path="as_of")
        when = _check_as_of(as_of)
        with state.transaction() as txn:
            record_assignment(txn, member, roster if roster is not None else Roster(), when)
    return Claim(saved, queue, member)
