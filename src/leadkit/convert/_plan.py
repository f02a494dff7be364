"""Deciding a conversion: every read and check, and the new state of every record,
before the first write."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar, cast

import attrs

from leadkit.convert import _fields
from leadkit.convert._errors import (
    AlreadyConvertedError,
    ContactNotInAccountError,
    InvalidConvertedStatusError,
    MergedRecordError,
    OpportunityNotInAccountError,
    OwnerRequiredError,
)
from leadkit.convert._fiscal import fiscal_quarter_end
from leadkit.convert._matching import AccountMatch, ContactMatch, match_contact
from leadkit.convert._request import (
    AS_CHOSEN,
    HEAD_OFFICE,
    MATCH,
    ConversionRequest,
    ConversionSettings,
)
from leadkit.errors import NotFoundError, ValidationError
from leadkit.model import (
    Account,
    CampaignMember,
    Contact,
    EngagementEvent,
    Event,
    Lead,
    LeadConversion,
    LeadStatus,
    Opportunity,
    OwnerRef,
    StatusEvent,
    Task,
    active_statuses,
    company_key,
)
from leadkit.repository import Record, Repository, UnitOfWork

R = TypeVar("R", bound=Record)
_NAME_LENGTH = 80
T = TypeVar("T")


A = TypeVar("A", Task, Event)
F = TypeVar("F", Account, Contact, Opportunity)


@attrs.frozen
class Write(Generic[T]):
    """A record the conversion writes: new (add), changed (update) or neither."""

    record: T
    new: bool
    changed: bool


@attrs.frozen
class Plan:
    """Every write one conversion will make, decided before the first one."""

    request: ConversionRequest
    converted_lead: Lead
    account: Write[Account]
    contact: Write[Contact]
    opportunity: Write[Opportunity] | None
    account_match: AccountMatch | None
    contact_match: ContactMatch | None
    members_moved: tuple[CampaignMember, ...]
    members_dropped: tuple[CampaignMember, ...]
    tasks: tuple[Task, ...]
    events: tuple[Event, ...]
    engagement_events: tuple[EngagementEvent, ...]
    notes: tuple[str, ...]


def _get(repository: Repository[R], id: str, kind: str, where: str) -> R:
    found = repository.find(id)
    if found is None:
        raise NotFoundError(f"no {kind} with id {id!r}", path=where)
    return found


def _refuse_merged(record: Account | Contact, kind: str, where: str) -> None:
    if record.master_record_id is not None:
        raise MergedRecordError(
            f"{kind} {record.id!r} was merged into {record.master_record_id!r}; "
            "convert into that one",
            path=where,
        )


def _converted_status(request: ConversionRequest, settings: ConversionSettings) -> LeadStatus:
    catalogue = settings.statuses or active_statuses()
    converting = ", ".join(repr(s.api_name) for s in catalogue.converted)
    where = "ConversionRequest.converted_status"
    named = request.converted_status
    if named is None:
        named = catalogue.status_for(StatusEvent.CONVERTED) or catalogue.converted[0].api_name
    try:
        status = catalogue.get(named)
    except ValidationError:
        raise InvalidConvertedStatusError(
            f"{named!r} is not a lead status; converting statuses: {converting}",
            path=where,
        ) from None
    if not status.is_converted:
        raise InvalidConvertedStatusError(
            f"{status.api_name!r} does not count as converted; use one of {converting}",
            path=where,
        )
    return status


def _convertible_lead(request: ConversionRequest, uow: UnitOfWork) -> Lead:
    where = "ConversionRequest.lead_id"
    lead = _get(uow.leads, request.lead_id, "lead", where)
    if lead.conversion is not None:
        done = lead.conversion
        raise AlreadyConvertedError(
            f"lead {lead.id!r} was already converted on {done.converted_at.date()} into "
            f"account {done.account_id!r} and contact {done.contact_id!r}; a converted lead "
            "is read-only",
            path=where,
        )
    if lead.master_record_id is not None:
        raise MergedRecordError(
            f"lead {lead.id!r} was merged into {lead.master_record_id!r}; convert that one",
            path=where,
        )
    return lead


def _owner(request: ConversionRequest, lead: Lead) -> OwnerRef | None:
    if request.owner is not None:
        return request.owner
    if lead.owner is not None and lead.owner.is_queue:
        raise OwnerRequiredError(
            f"lead {lead.id!r} is owned by queue {lead.owner.id!r}; accounts, contacts and "
            "opportunities need a user as owner: set ConversionRequest.owner",
            path="ConversionRequest.owner",
        )
    return lead.owner


class _Planner:
    """One conversion being decided; collects the notes that explain it."""

    def __init__(
        self,
        request: ConversionRequest,
        uow: UnitOfWork,
        *,
        as_of: datetime,
        settings: ConversionSettings,
    ) -> None:
        self.request = request
        self.uow = uow
        self.as_of = as_of
        self.settings = settings
        self.notes: list[str] = []
        self.account_match: AccountMatch | None = None
        self.contact_match: ContactMatch | None = None

    def carry(self, lead: Lead, target: _fields.ConversionTarget) -> Any:
        return self.settings.field_mapping.carry(lead.custom, target)

    def fill(
        self, record: F, lead: Lead, target: _fields.ConversionTarget, values: dict[str, Any]
    ) -> tuple[F, bool]:
        """An existing ``record`` with its empty fields filled from the lead (noted), and
        whether any was."""
        record, filled = _fields.fill(record, values, self.carry(lead, target))
        if filled:
            self.notes.append(f"filled empty {target} fields: {', '.join(filled)}")
        return record, bool(filled)

    def account(self, lead: Lead, owner: OwnerRef | None) -> Write[Account]:
        request, settings = self.request, self.settings
        account: Account | None = None
        if request.account_id is not None:
            where = "ConversionRequest.account"
            account = _get(self.uow.accounts, request.account_id, "account", where)
            _refuse_merged(account, "account", where)
            self.notes.append(f"account {account.id!r} ({account.name}) given in the request")
        elif request.account == MATCH:
            found: AccountMatch | Account | None = self.linked(lead)
            if found is None and settings.account_matcher:
                found = settings.account_matcher(lead, self.uow)
            if isinstance(found, Account):
                matcher = getattr(settings.account_matcher, "__name__", "the account matcher")
                found = AccountMatch(found, f"found by {matcher}")
            if found is not None:
                account = found.account
                _refuse_merged(account, "account", "ConversionSettings.account_matcher")
                self.account_match = found
                self.notes.append(
                    f"existing account {account.id!r} ({account.name}) matched: {found.reason}"
                )
            else:
                self.notes.append("no existing account matched")
        if account is not None and request.account_level != AS_CHOSEN:
            account = self.level(lead, account)
        values = _fields.account_values(lead, owner)
        if account is None:
            account = Account(
                name=lead.company,
                created_at=self.as_of,
                custom=self.carry(lead, "account"),
                **values,
            )
            self.notes.append(f"new account {account.id!r} ({account.name})")
            return Write(account, new=True, changed=True)
        account, filled = self.fill(account, lead, "account", values)
        return Write(account, new=False, changed=filled)

    def linked(self, lead: Lead) -> AccountMatch | None:
        """The account the open lead was linked to (``Lead.account_id``), if it is still
        there and not merged away."""
        if lead.account_id is None:
            return None
        linked = self.uow.accounts.find(lead.account_id)
        if linked is None or linked.master_record_id is not None:
            gone = "is gone" if linked is None else "was merged away"
            self.notes.append(f"the lead's linked account {lead.account_id!r} {gone}")
            return None
        return AccountMatch(linked, "linked to the lead before conversion (Lead.account_id)")

    def _hierarchy_of(self, account: Account) -> list[Account]:
        """The account's head office and every account under it, head office first."""
        head, seen = account, {account.id}
        while head.parent_id is not None:
            parent = self.uow.accounts.find(head.parent_id)
            if parent is None or parent.id in seen:
                break
            seen.add(parent.id)
            head = parent
        found, queue = [head], [head.id]
        known = {head.id}
        while queue:
            for child in self.uow.accounts.by_parent(queue.pop(0)):
                if child.id not in known and child.master_record_id is None:
                    known.add(child.id)
                    found.append(child)
                    queue.append(child.id)
        return found

    def level(self, lead: Lead, account: Account) -> Account:
        """The head office or the branch the request's ``account_level`` asks for, in
        the hierarchy of the chosen ``account`` (noted; the match follows it)."""
        family = self._hierarchy_of(account)
        level = self.request.account_level
        chosen = account
        if level == HEAD_OFFICE:
            chosen = family[0]
            why = f"its head office (account_level={level!r})"
        else:
            key = company_key(lead.company)
            named = [a for a in family if key and company_key(a.name) == key]
            if named:
                chosen = min(named, key=lambda a: (a.created_at, a.id))
                why = f"the branch named like the lead's company {lead.company!r}"
            else:
                self.notes.append(
                    f"no account in the hierarchy of {account.id!r} is named like the "
                    f"lead's company {lead.company!r}: kept {account.id!r} ({account.name})"
                )
        if chosen.id != account.id:
            self.notes.append(
                f"account {chosen.id!r} ({chosen.name}) instead of {account.id!r}: {why}"
            )
            if self.account_match is not None:
                self.account_match = AccountMatch(
                    chosen, f"{self.account_match.reason}; then {why}"
                )
        return chosen

    def contact(
        self, lead: Lead, owner: OwnerRef | None, account: Write[Account]
    ) -> Write[Contact]:
        request, account_id = self.request, account.record.id
        contact: Contact | None = None
        if request.contact_id is not None:
            where = "ConversionRequest.contact"
            contact = _get(self.uow.contacts, request.contact_id, "contact", where)
            _refuse_merged(contact, "contact", where)
            if contact.account_id != account_id:
                raise ContactNotInAccountError(
                    f"contact {contact.id!r} belongs to account {contact.account_id!r}, not "
                    f"to {account_id!r}; give that account or another contact",
                    path=where,
                )
            self.notes.append(f"contact {contact.id!r} given in the request")
        elif request.contact == MATCH:
            found = None if account.new else match_contact(lead, account_id, self.uow)
            if found is not None:
                contact = found.contact
                self.contact_match = found
                self.notes.append(f"existing contact {contact.id!r} matched: {found.reason}")
            else:
                self.notes.append("no existing contact matched")
        values = _fields.contact_values(lead, owner)
        if contact is None:
            contact = Contact(
                account_id=account_id,
                name=lead.name,
                email_opt_out=lead.email_opt_out,
                do_not_call=lead.do_not_call,
                created_at=self.as_of,
                custom=self.carry(lead, "contact"),
                **values,
            )
            self.notes.append(f"new contact {contact.id!r} ({contact.name})")
            return Write(contact, new=True, changed=True)
        contact, filled = self.fill(contact, lead, "contact", values)
        overwrite = (
            request.overwrite_lead_source
            and lead.lead_source is not None
            and contact.lead_source != lead.lead_source
        )
        if overwrite:
            contact = attrs.evolve(contact, lead_source=lead.lead_source)
            self.notes.append(
                f"contact lead source overwritten with {lead.lead_source!r}, as requested"
            )
        return Write(contact, new=False, changed=filled or overwrite)

    def opportunity(
        self,
        lead: Lead,
        owner: OwnerRef | None,
        account: Write[Account],
        memberships: list[CampaignMember],
    ) -> Write[Opportunity] | None:
        request, account_id = self.request, account.record.id
        if request.no_opportunity:
            self.notes.append("no opportunity, as requested")
            return None
        # The primary campaign source is the campaign the lead joined last.
        latest = max(memberships, key=lambda m: (m.created_at, m.id), default=None)
        values = _fields.opportunity_values(
            lead, owner, latest.campaign_id if latest is not None else None
        )
        if request.opportunity_id is not None:
            where = "ConversionRequest.opportunity_id"
            found = _get(self.uow.opportunities, request.opportunity_id, "opportunity", where)
            if found.account_id != account_id:
                raise OpportunityNotInAccountError(
                    f"opportunity {found.id!r} belongs to account {found.account_id!r}, "
                    f"not to {account_id!r}",
                    path=where,
                )
            self.notes.append(f"opportunity {found.id!r} given in the request")
            opportunity, filled = self.fill(found, lead, "opportunity", values)
            return Write(opportunity, new=False, changed=filled)
        settings = self.settings
        close_date = request.opportunity_close_date
        when = "as requested"
        if close_date is None:
            close_date = fiscal_quarter_end(
                self.as_of, start_month=settings.fiscal_year_start_month
            )
            when = "end of the fiscal quarter"
        opportunity = Opportunity(
            name=request.opportunity_name or lead.company[:_NAME_LENGTH],
            account_id=account_id,
            close_date=close_date,
            stage=request.opportunity_stage or settings.opportunity_stage,
            amount=request.opportunity_amount,
            created_at=self.as_of,
            custom=self.carry(lead, "opportunity"),
            **values,
        )
        amount = opportunity.amount
        worth = f", {amount.amount} {amount.currency}" if amount is not None else ""
        self.notes.append(
            f"new opportunity {opportunity.id!r} ({opportunity.name}{worth}), stage "
            f"{opportunity.stage!r}, closing {close_date} ({when})"
        )
        return Write(opportunity, new=True, changed=True)

    def memberships(
        self, memberships: list[CampaignMember], contact: Write[Contact]
    ) -> tuple[tuple[CampaignMember, ...], tuple[CampaignMember, ...]]:
        """The lead's memberships moved to the contact, and those dropped because the
        contact is already a member of that campaign (the contact's own is kept)."""
        contact_id = contact.record.id
        joined = (
            set()
            if contact.new
            else {m.campaign_id for m in self.uow.campaign_members.by_contact(contact_id)}
        )
        moved: list[CampaignMember] = []
        dropped: list[CampaignMember] = []
        for member in memberships:
            if member.campaign_id in joined:
                dropped.append(member)
            else:
                joined.add(member.campaign_id)
                moved.append(attrs.evolve(member, lead_id=None, contact_id=contact_id))
        if moved:
            self.notes.append(f"{len(moved)} campaign membership(s) moved to the contact")
        if dropped:
            campaigns = ", ".join(repr(m.campaign_id) for m in dropped)
            self.notes.append(
                f"{len(dropped)} lead campaign membership(s) dropped: the contact is already "
                f"a member of {campaigns}"
            )
        return tuple(moved), tuple(dropped)

    def activities(
        self, lead: Lead, owner: OwnerRef | None, relations: dict[str, Any]
    ) -> tuple[tuple[Task, ...], tuple[Event, ...]]:
        """The lead's tasks and events, attached to the contact, account and opportunity;
        when the new records get another owner than the lead's, the open ones move to it
        (with ``converted_by``: that user's open tasks and events)."""
        new_owner = owner if owner is not None and owner != lead.owner else None
        by = self.request.converted_by
        as_of = self.as_of

        def moves(activity: Task | Event) -> bool:
            if new_owner is None or activity.owner == new_owner:
                return False
            if by is None:
                return activity.is_open(as_of=as_of)
            if activity.owner != by:
                return False
            return isinstance(activity, Event) or activity.is_open(as_of=as_of)

        moved = 0

        def attach(activity: A) -> A:
            nonlocal moved
            changes = dict(relations)
            if moves(activity):
                changes["owner"] = new_owner
                moved += 1
            # attrs.evolve is typed for attrs classes; tasks and events are.
            return cast(A, attrs.evolve(cast(Any, activity), **changes))

        tasks = tuple(attach(t) for t in self.uow.tasks.by_lead(lead.id))
        events = tuple(attach(e) for e in self.uow.events.by_lead(lead.id))
        if tasks or events:
            also = " and opportunity" if relations["opportunity_id"] is not None else ""
            self.notes.append(
                f"{len(tasks)} task(s) and {len(events)} event(s) attached to the contact, "
                f"account{also}"
            )
        if moved:
            whose = f"of {by.id!r} " if by is not None else ""
            assert new_owner is not None
            self.notes.append(
                f"{moved} open activit{'y' if moved == 1 else 'ies'} {whose}moved to the new "
                f"owner {new_owner.id!r}; completed ones keep their owner"
            )
        return tasks, events

    def engagement(self, lead: Lead, contact_id: str) -> tuple[EngagementEvent, ...]:
        """The lead's engagement events, moved to the contact (if the settings say so)."""
        if not self.settings.move_engagement_events:
            return ()
        moved = tuple(
            attrs.evolve(e, lead_id=None, contact_id=contact_id)
            for e in self.uow.engagement_events.by_lead(lead.id)
        )
        if moved:
            self.notes.append(f"{len(moved)} engagement event(s) moved to the contact")
        return moved


def plan_conversion(
    request: ConversionRequest,
    uow: UnitOfWork,
    *,
    as_of: datetime,
    settings: ConversionSettings,
) -> Plan:
    """Read and validate; decide every write. Writes nothing."""
    planner = _Planner(request, uow, as_of=as_of, settings=settings)
    status = _converted_status(request, settings)
    lead = _convertible_lead(request, uow)
    owner = _owner(request, lead)
    account = planner.account(lead, owner)
    contact = planner.contact(lead, owner, account)
    memberships = uow.campaign_members.by_lead(lead.id)
    opportunity = planner.opportunity(lead, owner, account, memberships)
    opportunity_id = opportunity.record.id if opportunity is not None else None
    moved, dropped = planner.memberships(memberships, contact)
    relations = {
        "lead_id": None,
        "contact_id": contact.record.id,
        "account_id": account.record.id,
        "opportunity_id": opportunity_id,
    }
    tasks, events = planner.activities(lead, owner, relations)
    engagement = planner.engagement(lead, contact.record.id)
    conversion = LeadConversion(
        converted_at=as_of,
        status=status.api_name,
        account_id=account.record.id,
        contact_id=contact.record.id,
        opportunity_id=opportunity_id,
    )
    planner.notes.append(
        f"lead marked converted with status {status.api_name!r}; it is now read-only"
    )
    return Plan(
        request=request,
        converted_lead=attrs.evolve(lead, status=status.api_name, conversion=conversion),
        account=account,
        contact=contact,
        opportunity=opportunity,
        account_match=planner.account_match,
        contact_match=planner.contact_match,
        members_moved=moved,
        members_dropped=dropped,
        tasks=tasks,
        events=events,
        engagement_events=engagement,
        notes=tuple(planner.notes),
    )
