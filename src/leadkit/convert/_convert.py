"""Converting one lead (取引開始): plan from reads, then write, in one unit of work.

The plan step (:mod:`leadkit.convert._plan`) reads and validates everything and decides
every record's new state; the apply step here only writes. So a refused conversion never
wrote anything, and a failure while writing (a storage error, a concurrent change) is
undone by the unit of work.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import TypeVar

from leadkit._checks import aware_datetime, unit_of_work
from leadkit.convert._plan import Plan, Write, plan_conversion
from leadkit.convert._request import ConversionRequest, ConversionSettings
from leadkit.convert._result import ConversionResult
from leadkit.errors import ValidationError
from leadkit.model import use_catalogues
from leadkit.repository import Record, Repository, UnitOfWork
from leadkit.routing import release_closed

__all__ = [
    "apply_conversion",
    "check_as_of",
    "check_request",
    "check_settings",
    "check_unit_of_work",
    "convert_lead",
    "plan_conversion",
    "use_statuses",
]

T = TypeVar("T", bound=Record)


def check_as_of(as_of: object) -> datetime:
    """``as_of`` must be a timezone-aware datetime."""
    return aware_datetime(as_of)


def check_request(request: object) -> ConversionRequest:
    """``request`` must be a :class:`ConversionRequest`."""
    if not isinstance(request, ConversionRequest):
        raise ValidationError(
            f"expected a ConversionRequest, got {type(request).__name__}", path="request"
        )
    return request


def check_unit_of_work(uow: object, where: str = "uow") -> UnitOfWork:
    """``uow`` must look like a :class:`~leadkit.repository.UnitOfWork`."""
    return unit_of_work(uow, path=where)


def _write(repository: Repository[T], write: Write[T]) -> T:
    if write.new:
        return repository.add(write.record)
    return repository.update(write.record) if write.changed else write.record


def apply_conversion(plan: Plan, uow: UnitOfWork) -> ConversionResult:
    """Make the plan's writes; the lead is written last. An open lead's count in the
    capacity strategies (``uow.routing_state``) is released in the same unit of work."""
    account = _write(uow.accounts, plan.account)
    contact = _write(uow.contacts, plan.contact)
    opportunity = None
    if plan.opportunity is not None:
        opportunity = _write(uow.opportunities, plan.opportunity)
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
    before = uow.leads.get(plan.converted_lead.id)
    lead = uow.leads.save_conversion(plan.converted_lead)
    release_closed(uow, before, lead)
    return ConversionResult(
        plan.request,
        lead=lead,
        account=account,
        contact=contact,
        opportunity=opportunity,
        account_created=plan.account.new,
        contact_created=plan.contact.new,
        opportunity_created=plan.opportunity is not None and plan.opportunity.new,
        account_match=plan.account_match,
        contact_match=plan.contact_match,
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
