"""Converting one lead (取引開始): plan from reads, then write, in one unit of work.

The plan step reads and validates everything and decides every record's new state;
the apply step only writes. So a refused conversion never wrote anything, and a failure
while writing (a storage error, a concurrent change) is undone by the unit of work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol, TypeVar, cast

import attrs

from leadkit.convert._errors import (
    AlreadyConvertedError,
    ContactNotInAccountError,
    InvalidConvertedStatusError,
    MergedRecordError,
    OpportunityNotInAccountError,
    OwnerRequiredError,
)
from leadkit.convert._fiscal import fiscal_quarter_end
from leadkit.convert._request import ConversionRequest, ConversionSettings
from leadkit.convert._result import ConversionResult
from leadkit.errors import NotFoundError, ValidationError
from leadkit.model import (
    Account,
    Address,
    CampaignMember,
    Contact,
    CustomFields,
    EngagementEvent,
    Event,
    Lead,
    LeadConversion,
    LeadStatus,
    Opportunity,
    OwnerRef,
    Task,
    UnknownStatusError,
    active_statuses,
    use_catalogues,
)
from leadkit.repository import Record, Repository, UnitOfWork

__all__ = ["convert_lead"]

T = TypeVar("T", bound=Record)


class _HasCustom(Protocol):
    @property
    def custom(self) -> CustomFields: ...


C = TypeVar("C", bound=_HasCustom)


class _Dated(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def created_at(self) -> datetime: ...


D = TypeVar("D", bound=_Dated)


@attrs.frozen
class Plan:
    """Every write one conversion will make, decided before the first one."""

    request: ConversionRequest
    converted_lead: Lead
    account: Account
    account_new: bool
    account_changed: bool
    contact: Contact
    contact_new: bool
    contact_changed: bool
    opportunity: Opportunity | None
    opportunity_new: bool
    opportunity_changed: bool
    members_moved: tuple[CampaignMember, ...]
    members_dropped: tuple[CampaignMember, ...]
    tasks: tuple[Task, ...]
    events: tuple[Event, ...]
    engagement_events: tuple[EngagementEvent, ...]
    notes: tuple[str, ...]


def check_as_of(as_of: object) -> datetime:
    """``as_of`` must be a timezone-aware datetime."""
    if not isinstance(as_of, datetime) or as_of.utcoffset() is None:
        raise ValidationError(
            f"as_of must be a timezone-aware datetime, got {as_of!r}", path="as_of"
        )
    return as_of


def check_request(request: object) -> ConversionRequest:
    """``request`` must be a :class:`ConversionRequest`."""
    if not isinstance(request, ConversionRequest):
        raise ValidationError(
            f"expected a ConversionRequest, got {type(request).__name__}", path="request"
        )
    return request


def check_unit_of_work(uow: object, where: str = "uow") -> UnitOfWork:
    """``uow`` must look like a :class:`~leadkit.repository.UnitOfWork`."""
    if not all(hasattr(uow, name) for name in ("__enter__", "__exit__", "commit", "leads")):
        raise ValidationError(
            f"expected a unit of work (such as InMemoryUnitOfWork), got {type(uow).__name__}",
            path=where,
        )
    return cast(UnitOfWork, uow)


def _is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Address):
        return value.is_empty
    if isinstance(value, Mapping):
        return len(value) == 0
    return False


def _fill(record: C, values: Mapping[str, Any], custom: Mapping[str, Any]) -> tuple[C, list[str]]:
    """``record`` with its empty fields (and absent custom fields) taken from ``values``."""
    changes = {
        name: value
        for name, value in values.items()
        if not _is_empty(value) and _is_empty(getattr(record, name))
    }
    filled = list(changes)
    existing = record.custom
    added = {name: value for name, value in custom.items() if name not in existing}
    if added:
        changes["custom"] = CustomFields({**existing, **added})
        filled += [f"custom.{name}" for name in added]
    if not changes:
        return record, filled
    # attrs.evolve is typed for attrs classes; every record kind filled here is one.
    return cast(C, attrs.evolve(cast(Any, record), **changes)), filled


def _oldest(records: Iterable[D]) -> D | None:
    return min(records, key=lambda r: (r.created_at, r.id), default=None)


def _get(repository: Repository[T], id: str, kind: str, where: str) -> T:
    found = repository.find(id)
    if found is None:
        raise NotFoundError(f"no {kind} with id {id!r}", path=where)
    return found


def _converted_status(request: ConversionRequest, settings: ConversionSettings) -> LeadStatus:
    catalogue = settings.statuses or active_statuses()
    converting = ", ".join(repr(s.api_name) for s in catalogue.converted)
    where = "ConversionRequest.converted_status"
    try:
        status = catalogue.get(request.converted_status)
    except UnknownStatusError:
        raise InvalidConvertedStatusError(
            f"{request.converted_status!r} is not a lead status; converting statuses: {converting}",
            path=where,
        ) from None
    if not status.is_converted:
        raise InvalidConvertedStatusError(
            f"{status.api_name!r} does not count as converted; use one of {converting}",
            path=where,
        )
    return status


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


def _refuse_merged(record: Account | Contact, kind: str, where: str) -> None:
    if record.master_record_id is not None:
        raise MergedRecordError(
            f"{kind} {record.id!r} was merged into {record.master_record_id!r}; "
            "convert into that one",
            path=where,
        )


def _account_values(lead: Lead, owner: OwnerRef | None) -> dict[str, Any]:
    return {
        "website": lead.website,
        "phone": lead.phone,
        "industry": lead.industry,
        "employees": lead.employees,
        "annual_revenue": lead.annual_revenue,
        "billing_address": lead.address,
        "account_source": lead.lead_source,
        "owner": owner,
    }


def _contact_values(lead: Lead, owner: OwnerRef | None) -> dict[str, Any]:
    return {
        "title": lead.title,
        "department": lead.department,
        "email": lead.email,
        "phone": lead.phone,
        "mobile": lead.mobile,
        "mailing_address": lead.address,
        "lead_source": lead.lead_source,
        "owner": owner,
        "description": lead.description,
    }


def _filled_note(kind: str, filled: list[str]) -> list[str]:
    return [f"filled empty {kind} fields: {', '.join(filled)}"] if filled else []


def plan_conversion(
    request: ConversionRequest,
    uow: UnitOfWork,
    *,
    as_of: datetime,
    settings: ConversionSettings,
) -> Plan:
    """Read and validate; decide every write. Writes nothing."""
    notes: list[str] = []
    status = _converted_status(request, settings)
    lead = _get(uow.leads, request.lead_id, "lead", "ConversionRequest.lead_id")
    if lead.conversion is not None:
        done = lead.conversion
        raise AlreadyConvertedError(
            f"lead {lead.id!r} was already converted on {done.converted_at.date()} into "
            f"account {done.account_id!r} and contact {done.contact_id!r}; a converted lead "
            "is read-only",
            path="ConversionRequest.lead_id",
        )
    if lead.master_record_id is not None:
        raise MergedRecordError(
            f"lead {lead.id!r} was merged into {lead.master_record_id!r}; convert that one",
            path="ConversionRequest.lead_id",
        )
    owner = _owner(request, lead)
    mapping = settings.field_mapping

    # -- account -------------------------------------------------------------------------
    account: Account | None = None
    if request.account_id is not None:
        where = "ConversionRequest.account_id"
        account = _get(uow.accounts, request.account_id, "account", where)
        _refuse_merged(account, "account", where)
        notes.append(f"account {account.id!r} ({account.name}) given in the request")
    elif settings.account_matcher is not None:
        account = settings.account_matcher(lead, uow)
        if account is not None:
            _refuse_merged(account, "account", "ConversionSettings.account_matcher")
            matcher = getattr(settings.account_matcher, "__name__", "the account matcher")
            notes.append(f"existing account {account.id!r} ({account.name}) found by {matcher}")
    account_new = account is None
    if account is None:
        account = Account(
            name=lead.company,
            created_at=as_of,
            custom=mapping.carry(lead.custom, "account"),
            **_account_values(lead, owner),
        )
        notes.append(f"new account {account.id!r} ({account.name})")
        account_changed = True
    else:
        account, filled = _fill(
            account, _account_values(lead, owner), mapping.carry(lead.custom, "account")
        )
        account_changed = bool(filled)
        notes += _filled_note("account", filled)

    # -- contact -------------------------------------------------------------------------
    contact: Contact | None = None
    if request.contact_id is not None:
        where = "ConversionRequest.contact_id"
        contact = _get(uow.contacts, request.contact_id, "contact", where)
        _refuse_merged(contact, "contact", where)
        if contact.account_id != account.id:
            raise ContactNotInAccountError(
                f"contact {contact.id!r} belongs to account {contact.account_id!r}, not to "
                f"{account.id!r}; give that account or another contact",
                path=where,
            )
        notes.append(f"contact {contact.id!r} given in the request")
    elif not account_new and lead.email:
        contact = _oldest(
            c
            for c in uow.contacts.by_email_key(lead.email)
            if c.account_id == account.id and c.master_record_id is None
        )
        if contact is not None:
            notes.append(f"existing contact {contact.id!r}: same email in the account")
    contact_new = contact is None
    if contact is None:
        contact = Contact(
            account_id=account.id,
            name=lead.name,
            email_opt_out=lead.email_opt_out,
            do_not_call=lead.do_not_call,
            created_at=as_of,
            custom=mapping.carry(lead.custom, "contact"),
            **_contact_values(lead, owner),
        )
        notes.append(f"new contact {contact.id!r} ({contact.name})")
        contact_changed = True
    else:
        contact, filled = _fill(
            contact, _contact_values(lead, owner), mapping.carry(lead.custom, "contact")
        )
        notes += _filled_note("contact", filled)
        overwrite = (
            request.overwrite_lead_source
            and lead.lead_source is not None
            and contact.lead_source != lead.lead_source
        )
        if overwrite:
            contact = attrs.evolve(contact, lead_source=lead.lead_source)
            notes.append(f"contact lead source overwritten with {lead.lead_source!r}, as requested")
        contact_changed = bool(filled) or overwrite

    # -- opportunity ---------------------------------------------------------------------
    memberships = uow.campaign_members.by_lead(lead.id)
    latest = max(memberships, key=lambda m: (m.created_at, m.id), default=None)
    campaign_id = latest.campaign_id if latest is not None else None
    opportunity_values: dict[str, Any] = {
        "lead_source": lead.lead_source,
        "campaign_id": campaign_id,
        "owner": owner,
    }
    opportunity: Opportunity | None = None
    opportunity_new = opportunity_changed = False
    if request.no_opportunity:
        notes.append("no opportunity, as requested")
    elif request.opportunity_id is not None:
        where = "ConversionRequest.opportunity_id"
        opportunity = _get(uow.opportunities, request.opportunity_id, "opportunity", where)
        if opportunity.account_id != account.id:
            raise OpportunityNotInAccountError(
                f"opportunity {opportunity.id!r} belongs to account {opportunity.account_id!r}, "
                f"not to {account.id!r}",
                path=where,
            )
        opportunity, filled = _fill(
            opportunity, opportunity_values, mapping.carry(lead.custom, "opportunity")
        )
        opportunity_changed = bool(filled)
        notes.append(f"opportunity {opportunity.id!r} given in the request")
        notes += _filled_note("opportunity", filled)
    else:
        close_date = fiscal_quarter_end(as_of, start_month=settings.fiscal_year_start_month)
        opportunity = Opportunity(
            name=request.opportunity_name or lead.company[:80],
            account_id=account.id,
            close_date=close_date,
            stage=settings.opportunity_stage,
            created_at=as_of,
            custom=mapping.carry(lead.custom, "opportunity"),
            **opportunity_values,
        )
        opportunity_new = opportunity_changed = True
        notes.append(
            f"new opportunity {opportunity.id!r} ({opportunity.name}), closing {close_date} "
            "(end of the fiscal quarter)"
        )

    # -- campaign memberships, activities, engagement ------------------------------------
    already = (
        set()
        if contact_new
        else {m.campaign_id for m in uow.campaign_members.by_contact(contact.id)}
    )
    moved: list[CampaignMember] = []
    dropped: list[CampaignMember] = []
    for member in memberships:
        if member.campaign_id in already:
            dropped.append(member)
        else:
            already.add(member.campaign_id)
            moved.append(attrs.evolve(member, lead_id=None, contact_id=contact.id))
    if moved:
        notes.append(f"{len(moved)} campaign membership(s) moved to the contact")
    if dropped:
        campaigns = ", ".join(repr(m.campaign_id) for m in dropped)
        notes.append(
            f"{len(dropped)} lead campaign membership(s) dropped: the contact is already a "
            f"member of {campaigns}"
        )
    attach: dict[str, Any] = {
        "lead_id": None,
        "contact_id": contact.id,
        "account_id": account.id,
        "opportunity_id": opportunity.id if opportunity is not None else None,
    }
    tasks = tuple(attrs.evolve(t, **attach) for t in uow.tasks.by_lead(lead.id))
    events = tuple(attrs.evolve(e, **attach) for e in uow.events.by_lead(lead.id))
    if tasks or events:
        notes.append(
            f"{len(tasks)} task(s) and {len(events)} event(s) attached to the contact, "
            "account" + (" and opportunity" if opportunity is not None else "")
        )
    engagement: tuple[EngagementEvent, ...] = ()
    if settings.move_engagement_events:
        engagement = tuple(
            attrs.evolve(e, lead_id=None, contact_id=contact.id)
            for e in uow.engagement_events.by_lead(lead.id)
        )
        if engagement:
            notes.append(f"{len(engagement)} engagement event(s) moved to the contact")

    conversion = LeadConversion(
        converted_at=as_of,
        status=status.api_name,
        account_id=account.id,
        contact_id=contact.id,
        opportunity_id=opportunity.id if opportunity is not None else None,
    )
    notes.append(f"lead marked converted with status {status.api_name!r}; it is now read-only")
    return Plan(
        request=request,
        converted_lead=attrs.evolve(lead, status=status.api_name, conversion=conversion),
        account=account,
        account_new=account_new,
        account_changed=account_changed,
        contact=contact,
        contact_new=contact_new,
        contact_changed=contact_changed,
        opportunity=opportunity,
        opportunity_new=opportunity_new,
        opportunity_changed=opportunity_changed,
        members_moved=tuple(moved),
        members_dropped=tuple(dropped),
        tasks=tasks,
        events=events,
        engagement_events=engagement,
        notes=tuple(notes),
    )


def _write(repository: Repository[T], record: T, *, new: bool, changed: bool) -> T:
    if new:
        return repository.add(record)
    return repository.update(record) if changed else record


def apply_conversion(plan: Plan, uow: UnitOfWork) -> ConversionResult:
    """Make the plan's writes; the lead is written last."""
    account = _write(uow.accounts, plan.account, new=plan.account_new, changed=plan.account_changed)
    contact = _write(uow.contacts, plan.contact, new=plan.contact_new, changed=plan.contact_changed)
    opportunity = plan.opportunity
    if opportunity is not None:
        opportunity = _write(
            uow.opportunities,
            opportunity,
            new=plan.opportunity_new,
            changed=plan.opportunity_changed,
        )
    for member in plan.members_moved:
        uow.campaign_members.update(member)
    for member in plan.members_dropped:
        uow.campaign_members.remove(member)
    for task in plan.tasks:
        uow.tasks.update(task)
    for event in plan.events:
        uow.events.update(event)
    for engagement in plan.engagement_events:
        uow.engagement_events.update(engagement)
    lead = uow.leads.save_conversion(plan.converted_lead)
    return ConversionResult(
        plan.request,
        lead=lead,
        account=account,
        contact=contact,
        opportunity=opportunity,
        account_created=plan.account_new,
        contact_created=plan.contact_new,
        opportunity_created=plan.opportunity_new,
        notes=plan.notes,
    )


def convert_lead(
    request: ConversionRequest,
    uow: UnitOfWork,
    *,
    as_of: datetime,
    settings: ConversionSettings | None = None,
) -> ConversionResult:
    """Convert a lead into an account, a contact and (optionally) an opportunity.

    Runs in ``uow`` as one transaction: it enters the unit of work, reads and validates,
    writes, and commits; any error leaves storage exactly as it was. ``uow`` must not be
    active already (use :func:`convert_leads` to convert several in one transaction).
    ``as_of`` is the conversion time: the converted date, the new records' ``created_at``,
    and the day whose fiscal quarter end is the new opportunity's close date.

    Raises a :class:`ConversionError` (``already_converted``, ``invalid_converted_status``,
    ``contact_not_in_account``, ``owner_required`` ...), :class:`~leadkit.errors.NotFoundError`
    for an unknown id, or :class:`~leadkit.errors.ConcurrencyError`.

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import Lead, PersonName
    >>> from leadkit.repository import InMemoryUnitOfWork
    >>> uow = InMemoryUnitOfWork()
    >>> with uow:
    ...     _ = uow.leads.add(Lead(id="l-1", name=PersonName("山田", "太郎"), company="ABC株式会社",
    ...                            created_at=datetime(2026, 4, 1, tzinfo=UTC)))
    ...     uow.commit()
    >>> result = convert_lead(ConversionRequest("l-1", "Closed - Converted"), uow,
    ...                       as_of=datetime(2026, 5, 20, tzinfo=UTC))
    >>> result.account.name, result.contact.name.display, result.opportunity.close_date
    ('ABC株式会社', '山田 太郎', datetime.date(2026, 6, 30))
    >>> result.lead.is_converted, result.lead.conversion.contact_id == result.contact_id
    (True, True)
    """
    request = check_request(request)
    as_of = check_as_of(as_of)
    uow = check_unit_of_work(uow)
    settings = check_settings(settings)
    with use_statuses(settings), uow:
        plan = plan_conversion(request, uow, as_of=as_of, settings=settings)
        result = apply_conversion(plan, uow)
        uow.commit()
    return result


def check_settings(settings: object) -> ConversionSettings:
    """``settings`` must be ``None`` (the defaults) or :class:`ConversionSettings`."""
    if settings is None:
        return ConversionSettings()
    if not isinstance(settings, ConversionSettings):
        raise ValidationError(
            f"expected ConversionSettings, got {type(settings).__name__}", path="settings"
        )
    return settings


def use_statuses(settings: ConversionSettings) -> AbstractContextManager[None]:
    """Put the settings' status catalogue in force (records are validated against it)."""
    return use_catalogues(statuses=settings.statuses)
