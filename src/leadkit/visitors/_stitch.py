"""Visitor events, visitor links, and stitching them to leads and contacts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

import attrs

from leadkit._checks import aware_datetime
from leadkit.errors import ValidationError
from leadkit.model import CustomFields, CustomValue, EngagementEvent, new_id

if TYPE_CHECKING:
    from leadkit.repository import UnitOfWork

__all__ = [
    "InMemoryVisitorStore",
    "StitchResult",
    "VisitorEvent",
    "VisitorLink",
    "VisitorStore",
    "identify",
    "identify_in",
    "merge_visitors",
    "stitched_event",
]


def _visitor_id(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise ValidationError(
            f"a visitor id is a non-empty text (a cookie value), got {value!r}",
            path=f"{type(instance).__name__}.{attribute.name}",
        )


def _time(instance: object, attribute: attrs.Attribute[datetime], value: object) -> None:
    aware_datetime(value, error=ValidationError)


def _properties(value: Mapping[str, CustomValue | None] | None) -> CustomFields:
    return value if isinstance(value, CustomFields) else CustomFields(dict(value or {}))


@attrs.frozen(slots=True)
class VisitorEvent:
    """An engagement event of an anonymous visitor (a cookie's id), before anyone knows
    who they are. Its ``id`` becomes the id of the stitched event, so stitching it again
    finds it already there."""

    visitor_id: str = attrs.field(validator=_visitor_id)
    kind: str = attrs.field(converter=str, kw_only=True)
    occurred_at: datetime = attrs.field(validator=_time, kw_only=True)
    properties: CustomFields = attrs.field(
        factory=CustomFields, converter=_properties, kw_only=True
    )
    id: str = attrs.field(factory=lambda: new_id("event"), kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not self.kind.strip():
            raise ValidationError("an event kind is a non-empty text", path="VisitorEvent.kind")


@attrs.frozen(slots=True)
class VisitorLink:
    """A visitor id known to belong to a lead or a contact, since ``linked_at``."""

    visitor_id: str = attrs.field(validator=_visitor_id)
    lead_id: str | None = attrs.field(default=None, kw_only=True)
    contact_id: str | None = attrs.field(default=None, kw_only=True)
    linked_at: datetime = attrs.field(validator=_time, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if (self.lead_id is None) == (self.contact_id is None):
            raise ValidationError(
                "a visitor is linked to exactly one of a lead or a contact",
                path="VisitorLink.lead_id",
            )


def stitched_event(event: VisitorEvent, link: VisitorLink) -> EngagementEvent:
    """``event`` as the linked person's engagement event: same id, kind and time; the
    visitor id kept in ``properties["visitor_id"]``."""
    return EngagementEvent(
        id=event.id,
        kind=event.kind,
        occurred_at=event.occurred_at,
        lead_id=link.lead_id,
        contact_id=link.contact_id,
        properties={**event.properties, "visitor_id": event.visitor_id},
    )


@attrs.frozen(slots=True)
class StitchResult:
    """What :func:`identify` did: the ``link`` (new, or the one already there) and the
    ``events`` it attached (none when they were attached before)."""

    link: VisitorLink
    events: tuple[EngagementEvent, ...]
    new_link: bool


def identify(
    visitor_events: Iterable[VisitorEvent],
    links: Iterable[VisitorLink],
    existing_event_ids: Iterable[str],
    *,
    visitor_id: str,
    lead_id: str | None = None,
    contact_id: str | None = None,
    as_of: datetime,
) -> StitchResult:
    """Attach the events of ``visitor_id`` to the lead (or contact): the link to store
    and the engagement events to add, in time order, skipping those whose ids are in
    ``existing_event_ids`` (already stitched), so identifying twice adds nothing.

    A visitor already linked to someone else keeps that link (a shared computer must
    not hand one person's history to another): :class:`ValidationError` names it.

    >>> from datetime import datetime, UTC
    >>> at = datetime(2026, 4, 1, tzinfo=UTC)
    >>> seen = [VisitorEvent("v-1", kind="page_view", occurred_at=at, id="event_1")]
    >>> first = identify(seen, [], [], visitor_id="v-1", lead_id="lead-1", as_of=at)
    >>> [(e.id, e.lead_id) for e in first.events], first.new_link
    ([('event_1', 'lead-1')], True)
    >>> again = identify(seen, [first.link], ["event_1"], visitor_id="v-1",
    ...                  lead_id="lead-1", as_of=at)
    >>> again.events, again.new_link
    ((), False)
    """
    wanted = VisitorLink(visitor_id, lead_id=lead_id, contact_id=contact_id, linked_at=as_of)
    link = wanted
    new_link = True
    for known in links:
        if known.visitor_id != visitor_id:
            continue
        if (known.lead_id, known.contact_id) != (lead_id, contact_id):
            owner = known.lead_id or known.contact_id
            raise ValidationError(
                f"visitor {visitor_id!r} is already linked to {owner!r}", path="visitor_id"
            )
        link, new_link = known, False
    have = set(existing_event_ids)
    mine = sorted(
        (e for e in visitor_events if e.visitor_id == visitor_id and e.id not in have),
        key=lambda e: (e.occurred_at, e.id),
    )
    return StitchResult(link, tuple(stitched_event(e, link) for e in mine), new_link)


def merge_visitors(
    links: Iterable[VisitorLink], *, master_id: str, merged_ids: Iterable[str]
) -> list[VisitorLink]:
    """The visitor links of leads ``merged_ids`` moved to the lead ``master_id`` (the
    links to update); every visitor then belongs to the master, once."""
    merged = set(merged_ids) - {master_id}
    return [
        attrs.evolve(link, lead_id=master_id)
        for link in links
        if link.lead_id is not None and link.lead_id in merged
    ]


class VisitorStore(Protocol):
    """Where visitor events and links live: what :func:`identify_in` needs. A unit of
    work's ``uow.visitors`` (stored in its transaction, in memory, SQLite or PostgreSQL)
    and :class:`InMemoryVisitorStore` (one process, outside any transaction) implement
    it."""

    def events_of(self, visitor_id: str, /) -> list[VisitorEvent]:
        """The visitor's events, in time order."""
        ...

    def link_of(self, visitor_id: str, /) -> VisitorLink | None:
        """The visitor's link, if it is known."""
        ...

    def save_link(self, link: VisitorLink, /) -> object:
        """Store (or replace) the link of ``link.visitor_id`` (what it returns is not
        used)."""
        ...


class InMemoryVisitorStore:
    """Visitor events and links for one process (tests, notebooks, the demo)."""

    def __init__(self) -> None:
        self._events: dict[str, VisitorEvent] = {}
        self._links: dict[str, VisitorLink] = {}

    def add_event(self, event: VisitorEvent) -> None:
        """Keep an anonymous event (again with one id: replaced, not duplicated)."""
        self._events[event.id] = event

    def events_of(self, visitor_id: str) -> list[VisitorEvent]:
        """The visitor's events, in time order."""
        found = [e for e in self._events.values() if e.visitor_id == visitor_id]
        return sorted(found, key=lambda e: (e.occurred_at, e.id))

    def link_of(self, visitor_id: str) -> VisitorLink | None:
        """The visitor's link, if it is known."""
        return self._links.get(visitor_id)

    def links_of(
        self, *, lead_id: str | None = None, contact_id: str | None = None
    ) -> list[VisitorLink]:
        """The visitors of a lead or a contact."""
        return [
            link
            for link in self._links.values()
            if (lead_id is not None and link.lead_id == lead_id)
            or (contact_id is not None and link.contact_id == contact_id)
        ]

    def save_link(self, link: VisitorLink) -> None:
        """Store (or replace) the link of ``link.visitor_id``."""
        self._links[link.visitor_id] = link


def identify_in(
    uow: UnitOfWork,
    store: VisitorStore | None = None,
    *,
    visitor_id: str,
    lead_id: str | None = None,
    contact_id: str | None = None,
    as_of: datetime,
) -> StitchResult:
    """:func:`identify` against stored records: the stitched events are added to
    ``uow.engagement_events`` (active; the caller commits) unless an event of that id is
    there already, and the link is saved in ``store`` (by default ``uow.visitors``, in
    the same transaction)."""
    chosen: VisitorStore = uow.visitors if store is None else store
    events = chosen.events_of(visitor_id)
    existing = [e.id for e in events if e.id in uow.engagement_events]
    link = chosen.link_of(visitor_id)
    result = identify(
        events,
        [link] if link is not None else [],
        existing,
        visitor_id=visitor_id,
        lead_id=lead_id,
        contact_id=contact_id,
        as_of=as_of,
    )
    for event in result.events:
        uow.engagement_events.add(event)
    if result.new_link:
        chosen.save_link(result.link)
    return result
