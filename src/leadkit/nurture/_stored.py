"""Enrolments stored through the unit of work: enrol and advance, saving the new state
and announcing the actions due (:class:`~leadkit.outbox.ProgramActionDue`) in the same
transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from leadkit._checks import aware_datetime
from leadkit.model import EngagementEvent, Lead
from leadkit.nurture._engine import Action, Advance, Enrolment, advance_many, enrol
from leadkit.nurture._program import Program

if TYPE_CHECKING:
    from leadkit.outbox import ProgramActionDue
    from leadkit.repository import UnitOfWork

__all__ = ["action_event", "advance_stored", "enrol_stored"]


def action_event(action: Action) -> ProgramActionDue:
    """The :class:`~leadkit.outbox.ProgramActionDue` event announcing ``action``."""
    from leadkit.outbox import ProgramActionDue

    return ProgramActionDue(
        action.lead_id,
        action.id,
        action.kind,
        action.program,
        action.step,
        action.at,
        action.reason,
        dict(action.detail),
    )


def _events_by_lead(uow: UnitOfWork, lead_ids: Iterable[str]) -> list[EngagementEvent]:
    wanted = set(lead_ids)
    if len(wanted) > 50:  # one scan beats a query per lead
        return [e for e in uow.engagement_events.all() if e.lead_id in wanted]
    found: list[EngagementEvent] = []
    for lead_id in sorted(wanted):
        found.extend(uow.engagement_events.by_lead(lead_id))
    return found


def enrol_stored(
    uow: UnitOfWork, program: Program, leads: Iterable[Lead], *, as_of: datetime
) -> list[Enrolment]:
    """Enrol each of ``leads`` whose entry criteria hold and whose earlier enrolments
    (read from ``uow.enrolments``) allow re-entry; the new enrolments are saved in
    ``uow``'s transaction and returned. The caller commits."""
    aware_datetime(as_of)
    chosen = list(leads)
    events: dict[str, list[EngagementEvent]] = defaultdict(list)
    if program.entry is not None:
        for event in _events_by_lead(uow, (lead.id for lead in chosen)):
            if event.lead_id is not None:
                events[event.lead_id].append(event)
    made: list[Enrolment] = []
    for lead in chosen:
        previous = uow.enrolments.history(program.name, lead.id)
        enrolment = enrol(program, lead, events.get(lead.id, ()), as_of=as_of, previous=previous)
        if enrolment is not None:
            uow.enrolments.save(enrolment)
            made.append(enrolment)
    return made


def advance_stored(uow: UnitOfWork, program: Program, *, as_of: datetime) -> dict[str, Advance]:
    """Advance every active enrolment of ``program`` stored in ``uow`` up to ``as_of``:
    the leads and their engagement events are read from ``uow``, the new enrolments are
    saved and each action due is written to the outbox as a
    :class:`~leadkit.outbox.ProgramActionDue`, all in ``uow``'s transaction (the caller
    commits: all of it is kept, or none). Running it again gives no action twice: the
    actions have deterministic ids and the outbox keeps one entry per id."""
    aware_datetime(as_of)
    enrolments = uow.enrolments.by_program(program.name, active=True)
    if not enrolments:
        return {}
    leads = uow.leads.get_many(dict.fromkeys(e.lead_id for e in enrolments))
    events = _events_by_lead(uow, (lead.id for lead in leads))
    result = advance_many(program, enrolments, leads, events, as_of=as_of)
    for enrolment in enrolments:
        step = result[enrolment.lead_id]
        if step.enrolment != enrolment:
            uow.enrolments.save(step.enrolment)
        for action in step.actions:
            uow.outbox.add(action_event(action))
    return result
