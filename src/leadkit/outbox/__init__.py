"""Domain events and the outbox (the cosmicpython pattern).

A unit of work made with ``record_events=True`` turns every lead write into events
(:class:`LeadCreated`, :class:`LeadAssigned`, :class:`StageChanged`,
:class:`LeadConverted`, :class:`LeadsMerged`) and writes them to its outbox in the same
transaction as the change; :func:`leadkit.nurture.advance_stored` adds
:class:`ProgramActionDue`. A change that rolls back leaves no event; a committed one
always leaves its events. A :class:`Dispatcher` hands them to the application.
"""

from leadkit.outbox._dispatcher import Dispatcher, DispatchReport
from leadkit.outbox._events import (
    EVENT_KINDS,
    DomainEvent,
    LeadAssigned,
    LeadConverted,
    LeadCreated,
    LeadsMerged,
    ProgramActionDue,
    StageChanged,
    event_from_json,
    event_to_json,
    lead_events,
)
from leadkit.repository._outbox import OutboxEntry

__all__ = [
    "EVENT_KINDS",
    "DispatchReport",
    "Dispatcher",
    "DomainEvent",
    "LeadAssigned",
    "LeadConverted",
    "LeadCreated",
    "LeadsMerged",
    "OutboxEntry",
    "ProgramActionDue",
    "StageChanged",
    "event_from_json",
    "event_to_json",
    "lead_events",
]
