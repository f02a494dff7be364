"""Anonymous visitor events and visitor links stored beside the records (issue 20).

A visitor event (:class:`~leadkit.visitors.VisitorEvent`) is keyed by its id: adding it
again changes nothing, so a tracker that resends a batch never doubles a visit. A visitor
link (:class:`~leadkit.visitors.VisitorLink`) is keyed by the visitor id: a visitor
belongs to at most one lead or contact, and :meth:`VisitorStoreBase.save_link` adds or
replaces it (a merge moves it to the master). In memory, writes go to an overlay checked
and applied at commit; in SQLite and PostgreSQL, to the ``leadkit_visitor_event`` and
``leadkit_visitor_link`` tables (JSON through :mod:`leadkit.io`'s converter) on the unit
of work's connection. Every adapter returns a visitor's events in time order (ties by
id, compared by code point) and a person's links by visitor id.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from leadkit.errors import ValidationError
from leadkit.io import structure, unstructure
from leadkit.repository._keyed import KeyedOverlay
from leadkit.repository._state import to_micros

if TYPE_CHECKING:
    from leadkit.visitors import VisitorEvent, VisitorLink

__all__ = [
    "VISITOR_SCHEMA_POSTGRES",
    "VISITOR_SCHEMA_SQLITE",
    "MemoryVisitors",
    "PostgresVisitors",
    "SqliteVisitors",
    "VisitorStoreBase",
]

Guard = Callable[[], None]

VISITOR_SCHEMA_SQLITE = (
    "CREATE TABLE leadkit_visitor_event (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
    "id TEXT NOT NULL UNIQUE, visitor_id TEXT NOT NULL, occurred_at INTEGER NOT NULL, "
    "data TEXT NOT NULL);"
    "CREATE INDEX leadkit_visitor_event_visitor ON leadkit_visitor_event "
    "(visitor_id, occurred_at);"
    "CREATE TABLE leadkit_visitor_link (visitor_id TEXT PRIMARY KEY, lead_id TEXT, "
    "contact_id TEXT, data TEXT NOT NULL);"
    "CREATE INDEX leadkit_visitor_link_lead ON leadkit_visitor_link (lead_id);"
    "CREATE INDEX leadkit_visitor_link_contact ON leadkit_visitor_link (contact_id)"
)
VISITOR_SCHEMA_POSTGRES = (
    "CREATE TABLE leadkit_visitor_event (seq BIGINT GENERATED ALWAYS AS IDENTITY "
    "PRIMARY KEY, id TEXT NOT NULL UNIQUE, visitor_id TEXT NOT NULL, "
    "occurred_at BIGINT NOT NULL, data JSON NOT NULL);"
    "CREATE INDEX leadkit_visitor_event_visitor ON leadkit_visitor_event "
    "(visitor_id, occurred_at);"
    "CREATE TABLE leadkit_visitor_link (visitor_id TEXT PRIMARY KEY, lead_id TEXT, "
    "contact_id TEXT, data JSON NOT NULL);"
    "CREATE INDEX leadkit_visitor_link_lead ON leadkit_visitor_link (lead_id);"
    "CREATE INDEX leadkit_visitor_link_contact ON leadkit_visitor_link (contact_id)"
)


def _types() -> tuple[type[VisitorEvent], type[VisitorLink]]:
    from leadkit.visitors import VisitorEvent, VisitorLink

    return VisitorEvent, VisitorLink


def _check_event(event: object, where: str) -> VisitorEvent:
    cls = _types()[0]
    if not isinstance(event, cls):
        raise ValidationError(f"expects a VisitorEvent, got {type(event).__name__}", path=where)
    return event


def _check_link(link: object) -> VisitorLink:
    cls = _types()[1]
    if not isinstance(link, cls):
        raise ValidationError(
            f"expects a VisitorLink, got {type(link).__name__}", path="visitors.save_link"
        )
    return link


def _check_text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValidationError(f"expected a non-empty str, got {value!r}", path=where)
    return value


def _person(lead_id: str | None, contact_id: str | None) -> tuple[str, str]:
    if (lead_id is None) == (contact_id is None):
        raise ValidationError("give exactly one of lead_id or contact_id", path="visitors.links_of")
    if lead_id is not None:
        return "lead_id", _check_text(lead_id, "visitors.links_of.lead_id")
    return "contact_id", _check_text(contact_id, "visitors.links_of.contact_id")


def _dump(record: object) -> str:
    return json.dumps(unstructure(record), ensure_ascii=False, separators=(",", ":"))


def _load_event(data: object) -> VisitorEvent:
    raw = json.loads(data) if isinstance(data, str) else data
    return structure(raw, _types()[0], root="visitors.events")


def _load_link(data: object) -> VisitorLink:
    raw = json.loads(data) if isinstance(data, str) else data
    return structure(raw, _types()[1], root="visitors.links")


class VisitorStoreBase:
    """The operations every adapter shares (a :class:`~leadkit.visitors.VisitorStore`)."""

    def add_event(self, event: VisitorEvent, /) -> bool:
        """Store an anonymous event; False (and nothing written) if an event with its id
        is stored already."""
        raise NotImplementedError

    def add_events(self, events: Iterable[VisitorEvent], /) -> int:
        """:meth:`add_event` each of ``events``; how many were new."""
        return sum(self.add_event(event) for event in events)

    def events_of(self, visitor_id: str, /) -> list[VisitorEvent]:
        """The visitor's events, in time order (ties by id)."""
        raise NotImplementedError

    def link_of(self, visitor_id: str, /) -> VisitorLink | None:
        """The visitor's link, if it is known."""
        raise NotImplementedError

    def links_of(
        self, *, lead_id: str | None = None, contact_id: str | None = None
    ) -> list[VisitorLink]:
        """The visitors of a lead or (exclusive) of a contact, by visitor id."""
        raise NotImplementedError

    def save_link(self, link: VisitorLink, /) -> VisitorLink:
        """Store (or replace) the link of ``link.visitor_id``; returns it."""
        raise NotImplementedError


def _event_order(event: VisitorEvent) -> tuple[int, str]:
    return (to_micros(event.occurred_at), event.id)


class MemoryVisitors(VisitorStoreBase):
    """Visitor events and links of an in-memory store, through one unit's overlays."""

    def __init__(
        self, events: dict[str, VisitorEvent], links: dict[str, VisitorLink], guard: Guard
    ) -> None:
        self.events: KeyedOverlay[str, VisitorEvent] = KeyedOverlay(events, guard)
        self.links: KeyedOverlay[str, VisitorLink] = KeyedOverlay(links, guard)

    def add_event(self, event: VisitorEvent, /) -> bool:
        """Store an anonymous event; False if one with its id is stored already."""
        event = _check_event(event, "visitors.add_event")
        if self.events.get(event.id) is not None:
            return False
        self.events.put(event.id, event)
        return True

    def events_of(self, visitor_id: str, /) -> list[VisitorEvent]:
        """The visitor's events, in time order (ties by id)."""
        visitor_id = _check_text(visitor_id, "visitors.events_of")
        found = [e for e in self.events.values() if e.visitor_id == visitor_id]
        return sorted(found, key=_event_order)

    def link_of(self, visitor_id: str, /) -> VisitorLink | None:
        """The visitor's link, if it is known."""
        return self.links.get(_check_text(visitor_id, "visitors.link_of"))

    def links_of(
        self, *, lead_id: str | None = None, contact_id: str | None = None
    ) -> list[VisitorLink]:
        """The visitors of a lead or of a contact, by visitor id."""
        column, value = _person(lead_id, contact_id)
        found = [link for link in self.links.values() if getattr(link, column) == value]
        return sorted(found, key=lambda link: link.visitor_id)

    def save_link(self, link: VisitorLink, /) -> VisitorLink:
        """Store (or replace) the link of ``link.visitor_id``."""
        link = _check_link(link)
        self.links.put(link.visitor_id, link)
        return link

    def conflicts(self) -> list[str]:
        """What another unit changed after this one read it (call under the lock)."""
        return [f"visitors.events.{k}" for k in self.events.conflicts()] + [
            f"visitors.links.{k}" for k in self.links.conflicts()
        ]

    def apply(self) -> None:
        self.events.apply()
        self.links.apply()

    def reset(self) -> None:
        self.events.reset()
        self.links.reset()


class _SqlVisitors(VisitorStoreBase):
    """The SQL both SQL adapters share; ``_run`` executes one statement (``%s`` marks)."""

    _text = "data"

    def _run(self, sql: str, values: Sequence[Any]) -> Any:
        raise NotImplementedError

    def add_event(self, event: VisitorEvent, /) -> bool:
        """Store an anonymous event; False if one with its id is stored already."""
        event = _check_event(event, "visitors.add_event")
        cursor = self._run(
            "INSERT INTO leadkit_visitor_event (id, visitor_id, occurred_at, data) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
            (event.id, event.visitor_id, to_micros(event.occurred_at), _dump(event)),
        )
        return bool(cursor.rowcount == 1)

    def events_of(self, visitor_id: str, /) -> list[VisitorEvent]:
        """The visitor's events, in time order (ties by id)."""
        visitor_id = _check_text(visitor_id, "visitors.events_of")
        rows = self._run(
            f"SELECT {self._text} FROM leadkit_visitor_event WHERE visitor_id = %s "
            f"ORDER BY occurred_at, id{self._binary}",
            (visitor_id,),
        ).fetchall()
        return [_load_event(data) for (data,) in rows]

    def link_of(self, visitor_id: str, /) -> VisitorLink | None:
        """The visitor's link, if it is known."""
        visitor_id = _check_text(visitor_id, "visitors.link_of")
        row = self._run(
            f"SELECT {self._text} FROM leadkit_visitor_link WHERE visitor_id = %s",
            (visitor_id,),
        ).fetchone()
        return None if row is None else _load_link(row[0])

    def links_of(
        self, *, lead_id: str | None = None, contact_id: str | None = None
    ) -> list[VisitorLink]:
        """The visitors of a lead or of a contact, by visitor id."""
        column, value = _person(lead_id, contact_id)
        rows = self._run(
            f"SELECT {self._text} FROM leadkit_visitor_link WHERE {column} = %s "
            f"ORDER BY visitor_id{self._binary}",
            (value,),
        ).fetchall()
        return [_load_link(data) for (data,) in rows]

    def save_link(self, link: VisitorLink, /) -> VisitorLink:
        """Store (or replace) the link of ``link.visitor_id``."""
        link = _check_link(link)
        self._run(
            "INSERT INTO leadkit_visitor_link (visitor_id, lead_id, contact_id, data) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (visitor_id) DO UPDATE SET "
            "lead_id = excluded.lead_id, contact_id = excluded.contact_id, data = excluded.data",
            (link.visitor_id, link.lead_id, link.contact_id, _dump(link)),
        )
        return link

    _binary = ""


class SqliteVisitors(_SqlVisitors):
    """Visitor events and links in SQLite, on the unit of work's connection."""

    def __init__(self, connection: Callable[[], sqlite3.Connection], guard: Guard) -> None:
        self._connection = connection
        self._guard = guard

    def _run(self, sql: str, values: Sequence[Any]) -> Any:
        self._guard()
        return self._connection().execute(sql.replace("%s", "?"), tuple(values))


class PostgresVisitors(_SqlVisitors):
    """Visitor events and links in PostgreSQL, on the unit of work's connection."""

    _text = "data::text"
    _binary = ' COLLATE "C"'  # code point order whatever the database's locale

    def __init__(self, execute: Callable[[str, Sequence[Any]], Any]) -> None:
        self._execute = execute

    def _run(self, sql: str, values: Sequence[Any]) -> Any:
        return self._execute(sql, values)
