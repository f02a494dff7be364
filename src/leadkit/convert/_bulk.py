"""Converting many leads: one result per request, in order."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import datetime

from leadkit.convert._convert import (
    apply_conversion,
    check_as_of,
    check_request,
    check_settings,
    convert_lead,
    plan_conversion,
    use_statuses,
)
from leadkit.convert._errors import ConversionRolledBackError
from leadkit.convert._request import ConversionRequest, ConversionSettings
from leadkit.convert._result import ConversionResult
from leadkit.errors import LeadkitError, ValidationError
from leadkit.model import company_key, email_key
from leadkit.repository import UnitOfWork, UnitOfWorkFactory

__all__ = ["convert_leads"]


def convert_leads(
    requests: Iterable[ConversionRequest],
    uow_factory: UnitOfWorkFactory,
    *,
    as_of: datetime,
    all_or_none: bool = False,
    settings: ConversionSettings | None = None,
    chunk_size: int = 500,
) -> list[ConversionResult]:
    """Convert several leads; one :class:`ConversionResult` per request, in order.

    By default each request succeeds or fails on its own: the ones that succeed are
    kept, the others report their errors. The requests run ``chunk_size`` at a time in
    one unit of work from ``uow_factory`` (a request refused before it writes leaves the
    others alone); if a write or the commit of a chunk fails, that chunk is rolled back
    and run again one unit of work per request, so each request still gets its own
    outcome. A result is returned only after its chunk is committed. ``chunk_size=1``
    gives every request its own unit of work from the start. With
    ``all_or_none=True`` all run in one unit of work that is committed only if every
    request succeeds; otherwise nothing is written, the failing requests report their
    errors and the others a :class:`ConversionRolledBackError` (``rolled_back``). Later
    requests see what earlier ones did (a second lead of the same company joins the
    account the first one created).

    Errors that are not :class:`~leadkit.errors.LeadkitError` (bugs, a broken disk)
    propagate.
    """
    batch = [check_request(r) for r in requests]
    as_of = check_as_of(as_of)
    if not isinstance(all_or_none, bool):
        raise ValidationError(f"expected True or False, got {all_or_none!r}", path="all_or_none")
    settings = check_settings(settings)
    if not callable(uow_factory):
        raise ValidationError(
            "uow_factory is a callable returning a fresh unit of work "
            "(such as InMemoryStore().unit_of_work)",
            path="uow_factory",
        )
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValidationError(
            f"expected a positive number of requests, got {chunk_size!r}", path="chunk_size"
        )
    if all_or_none:
        return _all_or_none(batch, uow_factory, as_of=as_of, settings=settings)
    results: list[ConversionResult] = []
    for start in range(0, len(batch), chunk_size):
        chunk = batch[start : start + chunk_size]
        done = None
        if len(chunk) > 1:
            done = _chunk(chunk, uow_factory, as_of=as_of, settings=settings)
        if done is None:  # one unit of work per request: each gets its own outcome
            done = [_one(request, uow_factory, as_of=as_of, settings=settings) for request in chunk]
        results.extend(done)
    return results


def _one(
    request: ConversionRequest,
    uow_factory: UnitOfWorkFactory,
    *,
    as_of: datetime,
    settings: ConversionSettings,
) -> ConversionResult:
    try:
        return convert_lead(request, uow_factory(), as_of=as_of, settings=settings)
    except LeadkitError as error:
        return ConversionResult.failure(request, error)


def _chunk(
    chunk: list[ConversionRequest],
    uow_factory: UnitOfWorkFactory,
    *,
    as_of: datetime,
    settings: ConversionSettings,
) -> list[ConversionResult] | None:
    """The chunk's outcomes from one unit of work, or ``None`` (nothing written) when a
    write or the commit failed: then the caller runs the requests one by one."""
    outcomes: list[ConversionResult] = []
    try:
        with use_statuses(settings), uow_factory() as uow:
            _prefetch(chunk, uow)
            for request in chunk:
                try:
                    plan = plan_conversion(request, uow, as_of=as_of, settings=settings)
                except LeadkitError as error:
                    # Refused before writing: the unit of work is intact.
                    outcomes.append(ConversionResult.failure(request, error))
                    continue
                try:
                    outcomes.append(apply_conversion(plan, uow))
                except LeadkitError:
                    return None  # failed half-way: leaving the block rolls the chunk back
            uow.commit()
    except LeadkitError:
        return None  # the unit of work could not begin or commit: nothing was written
    return outcomes


def _prefetch(batch: list[ConversionRequest], uow: UnitOfWork) -> None:
    """Read what the batch's conversions will read in a handful of queries (adapters
    with a per-transaction cache then serve the per-lead reads from memory). Only a
    hint: an adapter without ``prefetch`` is left alone, and a record that cannot be read
    here is reported by the conversion that reads it, as without the hint."""
    if getattr(uow.leads, "prefetch", None) is None:
        return
    with contextlib.suppress(LeadkitError):
        _prefetch_reads(batch, uow)


def _prefetch_reads(batch: list[ConversionRequest], uow: UnitOfWork) -> None:
    ids = [request.lead_id for request in batch]
    _hint(uow.leads, "id", ids)
    found = [lead for lead in map(uow.leads.find, dict.fromkeys(ids)) if lead is not None]
    leads = [lead.id for lead in found]
    for repository in (uow.campaign_members, uow.tasks, uow.events, uow.engagement_events):
        _hint(repository, "lead_id", leads)
    companies = {company_key(lead.company) for lead in found}
    _hint(uow.accounts, "company_key", [key for key in companies if key])
    emails = {email_key(lead.email) for lead in found if lead.email}
    _hint(uow.contacts, "email_key", [key for key in emails if key])


def _hint(repository: object, column: str, values: list[str]) -> None:
    prefetch = getattr(repository, "prefetch", None)
    if prefetch is not None and values:
        prefetch(column, values)


def _all_or_none(
    batch: list[ConversionRequest],
    uow_factory: UnitOfWorkFactory,
    *,
    as_of: datetime,
    settings: ConversionSettings,
) -> list[ConversionResult]:
    outcomes: list[ConversionResult] = []
    first_failure: int | None = None
    try:
        with use_statuses(settings), uow_factory() as uow:
            _prefetch(batch, uow)
            for position, request in enumerate(batch):
                try:
                    plan = plan_conversion(request, uow, as_of=as_of, settings=settings)
                except LeadkitError as error:
                    # Refused before writing: the unit of work is intact, so the remaining
                    # requests are still checked and can report their own errors.
                    outcomes.append(ConversionResult.failure(request, error))
                    first_failure = position if first_failure is None else first_failure
                    continue
                try:
                    outcomes.append(apply_conversion(plan, uow))
                except LeadkitError as error:
                    # Failed half-way: later requests would see a partial state; stop.
                    outcomes.append(ConversionResult.failure(request, error))
                    first_failure = position if first_failure is None else first_failure
                    break
            if first_failure is None:
                uow.commit()
                return outcomes
    except LeadkitError as error:
        # The unit of work could not begin or commit: nothing was written for anyone.
        return [ConversionResult.failure(request, error) for request in batch]
    reason = f"request {first_failure} (lead {batch[first_failure].lead_id!r}) failed"
    results = []
    for position, request in enumerate(batch):
        if position >= len(outcomes):
            why = f"not attempted: {reason}"
        elif not outcomes[position].success:
            results.append(outcomes[position])
            continue
        else:
            why = f"not written: {reason}"
        results.append(
            ConversionResult.failure(request, ConversionRolledBackError(why, path="all_or_none"))
        )
    return results
