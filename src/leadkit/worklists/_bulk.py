"""Bulk operations on leads in one unit of work, with a result per record: change the
status, transfer the owner, add to a campaign, reassign through the routing rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

import attrs

from leadkit._checks import aware_datetime
from leadkit.errors import LeadkitError, ValidationError
from leadkit.model import CampaignMember, Lead, OwnerRef, active_statuses
from leadkit.repository import UnitOfWork
from leadkit.routing import Router, RoutingState, is_open_lead, release_if_closed

__all__ = [
    "BulkReport",
    "BulkResult",
    "add_to_campaign",
    "bulk_reassign",
    "change_status",
    "transfer_owner",
]


@attrs.frozen(slots=True)
class BulkResult:
    """What happened to one record: ``ok`` and a message (the error's, when not ok)."""

    id: str
    ok: bool
    message: str


@attrs.frozen(slots=True)
class BulkReport:
    """One bulk operation's results, in the order the ids were given."""

    operation: str
    results: tuple[BulkResult, ...]

    @property
    def ok(self) -> bool:
        """True when every record succeeded."""
        return all(r.ok for r in self.results)

    @property
    def failed(self) -> tuple[BulkResult, ...]:
        """The records that did not."""
        return tuple(r for r in self.results if not r.ok)


def _run(
    uow: UnitOfWork, operation: str, ids: Iterable[str], step: Callable[[Lead], str]
) -> BulkReport:
    """Apply ``step`` to each lead; a failing record is written nothing and reported.
    Everything runs in ``uow``'s transaction: commit it (all the successful records) or
    roll it back (none), for instance only when ``report.ok``."""
    results = []
    seen: set[str] = set()
    for lead_id in ids:
        if lead_id in seen:
            results.append(BulkResult(lead_id, False, "given twice"))
            continue
        seen.add(lead_id)
        lead = uow.leads.find(lead_id)
        if lead is None:
            results.append(BulkResult(lead_id, False, "no such lead"))
            continue
        try:
            results.append(BulkResult(lead_id, True, step(lead)))
        except LeadkitError as err:
            results.append(BulkResult(lead_id, False, str(err)))
    return BulkReport(operation, tuple(results))


def _editable(lead: Lead) -> None:
    if lead.is_converted:
        raise ValidationError("the lead is converted and read-only", path=(lead.id,))
    if lead.is_merged:
        raise ValidationError("the lead was merged away", path=(lead.id,))


def change_status(
    uow: UnitOfWork, ids: Iterable[str], status: str, *, state: RoutingState | None = None
) -> BulkReport:
    """Set the status of the leads ``ids`` (a value or a label of the status catalogue;
    a converting status only comes with a conversion). With ``state``, a lead closed
    releases its owner's open count in the capacity strategies."""
    entry = active_statuses().get(status)
    if entry.is_converted:
        raise ValidationError(
            f"{status!r} is a converting status: convert the leads instead", path="status"
        )

    def step(lead: Lead) -> str:
        _editable(lead)
        after = attrs.evolve(lead, status=entry.api_name)
        uow.leads.update(after)
        if state is not None:
            release_if_closed(state, lead, after)
        return f"{lead.status} -> {entry.api_name}"

    return _run(uow, "change_status", ids, step)


def _move_count(state: RoutingState | None, before: Lead, owner: OwnerRef) -> None:
    if state is None or not is_open_lead(before):
        return
    if before.owner is not None and not before.owner.is_queue:
        state.release(before.owner.id)  # type: ignore[attr-defined]
    if not owner.is_queue:
        state.set_open_count(owner.id, state.open_count(owner.id) + 1)  # type: ignore[attr-defined]


def transfer_owner(
    uow: UnitOfWork,
    ids: Iterable[str],
    owner: OwnerRef | str,
    *,
    state: RoutingState | None = None,
) -> BulkReport:
    """Give the leads ``ids`` to ``owner`` (``user:u-1`` or ``queue:q-1``). With ``state``,
    the open counts move from the old owner to the new one."""
    target = OwnerRef.parse(owner) if isinstance(owner, str) else owner

    def step(lead: Lead) -> str:
        _editable(lead)
        uow.leads.update(attrs.evolve(lead, owner=target))
        _move_count(state, lead, target)
        return f"{lead.owner or '(nobody)'} -> {target}"

    return _run(uow, "transfer_owner", ids, step)


def add_to_campaign(
    uow: UnitOfWork,
    ids: Iterable[str],
    campaign_id: str,
    *,
    as_of: datetime,
    status: str = "Sent",
) -> BulkReport:
    """Make the leads ``ids`` members of campaign ``campaign_id`` with ``status``; a lead
    already a member is left as it is (and reported ok)."""
    when = aware_datetime(as_of)
    if uow.campaigns.find(campaign_id) is None:
        raise ValidationError(f"no campaign {campaign_id!r}", path="campaign_id")

    def step(lead: Lead) -> str:
        if any(m.campaign_id == campaign_id for m in uow.campaign_members.by_lead(lead.id)):
            return "already a member"
        uow.campaign_members.add(
            CampaignMember(campaign_id=campaign_id, lead_id=lead.id, status=status, created_at=when)
        )
        return f"added as {status!r}"

    return _run(uow, "add_to_campaign", ids, step)


def bulk_reassign(
    uow: UnitOfWork,
    ids: Iterable[str],
    *,
    router: Router,
    state: RoutingState,
    as_of: datetime,
) -> BulkReport:
    """Route the leads ``ids`` again through ``router``'s rules (as if they had no owner)
    and give each to the owner chosen; the message is the routing decision. The routing
    bookkeeping is written to ``state`` per lead, the old owner's open count released,
    and the decision kept in ``uow.routing_decisions`` (with the old owner)."""
    from leadkit.routing import RecordedDecision

    when = aware_datetime(as_of)

    def step(lead: Lead) -> str:
        _editable(lead)
        decision = router.route(attrs.evolve(lead, owner=None), as_of=when, state=state)
        uow.leads.update(attrs.evolve(lead, owner=decision.owner))
        uow.routing_decisions.add(RecordedDecision.of(decision, at=when, previous_owner=lead.owner))
        if lead.owner is not None and not lead.owner.is_queue and is_open_lead(lead):
            state.release(lead.owner.id)  # type: ignore[attr-defined]
        return str(decision)

    return _run(uow, "reassign", ids, step)
