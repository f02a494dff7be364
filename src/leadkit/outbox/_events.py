"""Domain events: what happened to a lead, as small frozen records.

The unit of work derives the lead events from the writes it is given (a new lead, a new
owner, a new status, a conversion, a merge), whichever code made them (intake, routing,
stages, conversion, merge), and the nurture helper raises :class:`ProgramActionDue`.
Each event has a deterministic :attr:`~DomainEvent.id` (what happened, to which lead, at
which version), so writing the same change twice never gives two events.
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

import attrs

from leadkit.errors import ValidationError
from leadkit.io import structure, unstructure
from leadkit.model import Lead

__all__ = [
    "EVENT_KINDS",
    "DomainEvent",
    "LeadAssigned",
    "LeadConverted",
    "LeadCreated",
    "LeadsMerged",
    "ProgramActionDue",
    "StageChanged",
    "event_from_json",
    "event_to_json",
    "lead_events",
]


def _digest(*parts: object) -> str:
    text = "\x1f".join(map(str, parts))
    return "evt-" + hashlib.sha256(text.encode()).hexdigest()[:24]


_FIELDS: dict[type, Callable[[object], tuple[object, ...]]] = {}


def _fields_of(cls: type) -> Callable[[object], tuple[object, ...]]:
    """The values of a class's fields in order (what ``attrs.astuple(recurse=False)``
    gives, without its per-call work: events are made by the hundred thousand)."""
    found = _FIELDS.get(cls)
    if found is None:
        names = [a.name for a in attrs.fields(cls)]
        get = operator.attrgetter(*names)
        found = _FIELDS[cls] = (lambda event: (get(event),)) if len(names) == 1 else get
    return found


@attrs.frozen
class DomainEvent:
    """What every event has: the lead it is about and a deterministic id."""

    kind: ClassVar[str] = "event"
    lead_id: str

    @property
    def id(self) -> str:
        """The same event always has the same id (kind and every field)."""
        return _digest(self.kind, *_fields_of(type(self))(self))


@attrs.frozen
class LeadCreated(DomainEvent):
    """A lead was stored for the first time."""

    kind: ClassVar[str] = "LeadCreated"
    created_at: datetime
    lead_source: str | None = None
    owner: str | None = None


@attrs.frozen
class LeadAssigned(DomainEvent):
    """A lead's owner changed (``owner``: ``user:u-1`` or ``queue:q-1``)."""

    kind: ClassVar[str] = "LeadAssigned"
    version: int
    owner: str | None
    previous_owner: str | None = None


@attrs.frozen
class StageChanged(DomainEvent):
    """A lead's status moved from ``previous`` to ``status``."""

    kind: ClassVar[str] = "StageChanged"
    version: int
    status: str
    previous: str


@attrs.frozen
class LeadConverted(DomainEvent):
    """A lead was converted into an account, a contact and maybe an opportunity."""

    kind: ClassVar[str] = "LeadConverted"
    converted_at: datetime
    account_id: str
    contact_id: str
    opportunity_id: str | None = None


@attrs.frozen
class LeadsMerged(DomainEvent):
    """A lead (``lead_id``) was merged into ``master_id``."""

    kind: ClassVar[str] = "LeadsMerged"
    master_id: str


@attrs.frozen
class ProgramActionDue(DomainEvent):
    """A nurture program's action is due (the :class:`~leadkit.nurture.Action`'s fields)."""

    kind: ClassVar[str] = "ProgramActionDue"
    action_id: str
    action: str
    program: str
    step: str
    at: datetime
    reason: str
    detail: dict[str, Any] = attrs.field(factory=dict)

    @property
    def id(self) -> str:
        """The action's own deterministic id, so an action is never announced twice."""
        return _digest(self.kind, self.action_id)


EVENT_KINDS: dict[str, type[DomainEvent]] = {
    cls.kind: cls
    for cls in (
        LeadCreated,
        LeadAssigned,
        StageChanged,
        LeadConverted,
        LeadsMerged,
        ProgramActionDue,
    )
}
"""Every event class by its ``kind``."""


def event_to_json(event: DomainEvent) -> dict[str, Any]:
    """An event as JSON-ready data (the codec's converter): ``kind`` plus its fields."""
    data = unstructure(event)
    assert isinstance(data, dict)
    return {"kind": event.kind, **data}


def event_from_json(data: object) -> DomainEvent:
    """The inverse of :func:`event_to_json`; an unknown kind is a ValidationError."""
    if not isinstance(data, dict) or data.get("kind") not in EVENT_KINDS:
        kind = data.get("kind") if isinstance(data, dict) else None
        raise ValidationError(f"not a known event kind: {kind!r}", path="kind")
    fields = {key: value for key, value in data.items() if key != "kind"}
    return structure(fields, EVENT_KINDS[data["kind"]])


def _owner(lead: Lead) -> str | None:
    return None if lead.owner is None else f"{lead.owner.kind.value}:{lead.owner.id}"


def lead_events(before: Lead | None, after: Lead) -> list[DomainEvent]:
    """The events one lead write means: ``before`` is the stored lead (None for a new
    one), ``after`` the lead as stored now (its version already bumped)."""
    if before is None:
        return [LeadCreated(after.id, after.created_at, after.lead_source, _owner(after))]
    events: list[DomainEvent] = []
    if before.owner != after.owner:
        events.append(LeadAssigned(after.id, after.version, _owner(after), _owner(before)))
    if before.status != after.status and after.conversion is None:
        events.append(StageChanged(after.id, after.version, after.status, before.status))
    if before.conversion is None and after.conversion is not None:
        c = after.conversion
        events.append(
            LeadConverted(after.id, c.converted_at, c.account_id, c.contact_id, c.opportunity_id)
        )
    if before.master_record_id is None and after.master_record_id is not None:
        events.append(LeadsMerged(after.id, after.master_record_id))
    return events
