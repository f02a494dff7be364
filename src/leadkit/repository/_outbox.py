"""The outbox: domain events written in the same transaction as the change they report.

Every adapter keeps one outbox table (in memory: a dict behind the unit of work's
overlay). An entry is added once per event id (adding the same event again is a no-op)
and is then claimed, delivered and marked by a :class:`~leadkit.outbox.Dispatcher`:

* :meth:`OutboxStore.claim` takes the oldest deliverable entries for one dispatcher
  (``token``) for a lease, keeping each lead's events in order: an entry is only
  claimable if every earlier undelivered entry of its lead is claimable too;
* :meth:`OutboxStore.mark_delivered` marks an entry delivered, only if the marking
  dispatcher still holds its claim and it is not delivered yet (so it is marked once);
* :meth:`OutboxStore.mark_failed` gives it back for a retry at a later moment;
* :meth:`OutboxStore.release` gives back a claim that was never attempted.

SQLite claims inside the unit of work's ``BEGIN IMMEDIATE`` transaction (one writer at a
time); PostgreSQL locks the chosen rows ``FOR UPDATE SKIP LOCKED`` and drops a lead's
later entries when an earlier one is locked by another dispatcher.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from leadkit._checks import aware_datetime
from leadkit.errors import ValidationError
from leadkit.repository._keyed import KeyedOverlay
from leadkit.repository._state import from_micros, to_micros

if TYPE_CHECKING:
    from leadkit.outbox import DomainEvent

__all__ = [
    "OUTBOX_SCHEMA_POSTGRES",
    "OUTBOX_SCHEMA_SQLITE",
    "MemoryOutbox",
    "OutboxEntry",
    "OutboxStore",
    "PostgresOutbox",
    "SqliteOutbox",
]

Guard = Callable[[], None]

OUTBOX_SCHEMA_SQLITE = (
    "CREATE TABLE leadkit_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
    "id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, lead_id TEXT, data TEXT NOT NULL, "
    "attempts INTEGER NOT NULL, next_attempt_at INTEGER, claimed_by TEXT, "
    "claimed_until INTEGER, delivered_at INTEGER, last_error TEXT);"
    "CREATE INDEX leadkit_outbox_pending ON leadkit_outbox (delivered_at, seq)"
)
OUTBOX_SCHEMA_POSTGRES = (
    "CREATE TABLE leadkit_outbox (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
    "id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, lead_id TEXT, data JSON NOT NULL, "
    "attempts INTEGER NOT NULL, next_attempt_at BIGINT, claimed_by TEXT, "
    "claimed_until BIGINT, delivered_at BIGINT, last_error TEXT);"
    "CREATE INDEX leadkit_outbox_pending ON leadkit_outbox (delivered_at, seq)"
)

_COLUMNS = (
    "seq, id, kind, lead_id, data, attempts, next_attempt_at, claimed_by, claimed_until, "
    "delivered_at, last_error"
)


def _moment(value: int | None) -> datetime | None:
    return None if value is None else from_micros(value)


def _micros(value: datetime | None) -> int | None:
    return None if value is None else to_micros(value)


@attrs.frozen
class OutboxEntry:
    """One stored event and its delivery state. ``data`` is the event as JSON data
    (:func:`~leadkit.outbox.event_to_json`); ``seq`` the order it was written in."""

    seq: int
    id: str
    kind: str
    lead_id: str | None
    data: dict[str, Any]
    attempts: int = 0
    next_attempt_at: datetime | None = None
    claimed_by: str | None = None
    claimed_until: datetime | None = None
    delivered_at: datetime | None = None
    last_error: str | None = None

    @property
    def delivered(self) -> bool:
        """True once a dispatcher marked it delivered."""
        return self.delivered_at is not None

    @property
    def event(self) -> DomainEvent:
        """The event itself."""
        from leadkit.outbox import event_from_json

        return event_from_json(self.data)

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> OutboxEntry:
        seq, id, kind, lead_id, data, attempts, next_at, by, until, delivered, error = row
        return cls(
            int(seq),
            id,
            kind,
            lead_id,
            json.loads(data) if isinstance(data, str) else data,
            int(attempts),
            _moment(next_at),
            by,
            _moment(until),
            _moment(delivered),
            error,
        )


def _check_token(token: object) -> str:
    if not isinstance(token, str) or not token:
        raise ValidationError(f"a claim token is a non-empty str, got {token!r}", path="token")
    return token


class OutboxStore:
    """The outbox operations, built on four adapter primitives."""

    # -- primitives ----------------------------------------------------------------------

    def _insert(self, entry: OutboxEntry) -> bool:
        raise NotImplementedError

    def _insert_many(self, entries: list[OutboxEntry]) -> int:
        """Insert each entry whose id is not there yet, in order; how many were new."""
        return sum(self._insert(entry) for entry in entries)

    def _load(self, id: str) -> OutboxEntry | None:
        raise NotImplementedError

    def _undelivered(self, limit: int | None) -> list[OutboxEntry]:
        raise NotImplementedError

    def _save(self, entry: OutboxEntry) -> None:
        raise NotImplementedError

    def _lock(self, ids: list[str]) -> set[str]:
        """The ids among ``ids`` this transaction could lock (all, unless an adapter
        skips rows other transactions hold)."""
        return set(ids)

    def _count(self) -> int:
        raise NotImplementedError

    # -- the outbox ----------------------------------------------------------------------

    def add(self, event: DomainEvent, /) -> bool:
        """Write ``event`` to the outbox; False (and nothing written) if an event with
        its id is already there."""
        from leadkit.outbox import DomainEvent, event_to_json

        if not isinstance(event, DomainEvent):
            raise ValidationError(
                f"expects a DomainEvent, got {type(event).__name__}", path="outbox.add"
            )
        entry = OutboxEntry(0, event.id, event.kind, event.lead_id, event_to_json(event))
        return self._insert(entry)

    def add_many(self, events: Iterable[DomainEvent], /) -> int:
        """Write many events in order, as :meth:`add` one by one would (an id already
        there, or given twice, is written once), in one statement; how many were
        new."""
        from leadkit.outbox import DomainEvent, event_to_json

        entries = []
        for event in events:
            if not isinstance(event, DomainEvent):
                raise ValidationError(
                    f"expects DomainEvents, got {type(event).__name__}", path="outbox.add_many"
                )
            entries.append(
                OutboxEntry(0, event.id, event.kind, event.lead_id, event_to_json(event))
            )
        return self._insert_many(entries) if entries else 0

    def find(self, id: str, /) -> OutboxEntry | None:
        """The entry with this event id, or None."""
        return self._load(id)

    def pending(self) -> list[OutboxEntry]:
        """Every entry not delivered yet, oldest first."""
        return self._undelivered(None)

    def __len__(self) -> int:
        return self._count()

    def claim(
        self, *, token: str, now: datetime, lease: timedelta, limit: int = 100
    ) -> list[OutboxEntry]:
        """Claim up to ``limit`` deliverable entries for ``token`` until ``now + lease``,
        oldest first, each lead's in order; each claim counts as an attempt."""
        _check_token(token)
        aware_datetime(now)
        chosen: list[OutboxEntry] = []
        blocked: set[str] = set()
        for entry in self._undelivered(limit * 10):
            if len(chosen) >= limit:
                break
            key = entry.lead_id or entry.id
            if key in blocked:
                continue
            due = entry.next_attempt_at is None or entry.next_attempt_at <= now
            free = entry.claimed_until is None or entry.claimed_until <= now
            if not (due and free):
                blocked.add(key)  # the lead's later entries wait for this one
                continue
            chosen.append(entry)
        locked = self._lock([entry.id for entry in chosen])
        claimed: list[OutboxEntry] = []
        blocked.clear()
        for entry in chosen:
            key = entry.lead_id or entry.id
            if key in blocked:
                continue
            if entry.id not in locked:
                blocked.add(key)
                continue
            new = attrs.evolve(
                entry, claimed_by=token, claimed_until=now + lease, attempts=entry.attempts + 1
            )
            self._save(new)
            claimed.append(new)
        return claimed

    def _held(self, id: str, token: str) -> OutboxEntry | None:
        entry = self._load(id)
        if entry is None or entry.delivered or entry.claimed_by != _check_token(token):
            return None
        return entry

    def mark_delivered(self, id: str, /, *, token: str, at: datetime) -> bool:
        """Mark an entry delivered at ``at``; False if ``token`` no longer holds it
        (its lease ran out and another dispatcher took it) or it is delivered already."""
        entry = self._held(id, token)
        if entry is None:
            return False
        self._save(attrs.evolve(entry, delivered_at=aware_datetime(at), claimed_until=None))
        return True

    def mark_failed(self, id: str, /, *, token: str, error: str, retry_at: datetime) -> bool:
        """Give an entry back after a failed delivery, to be retried at ``retry_at``."""
        entry = self._held(id, token)
        if entry is None:
            return False
        self._save(
            attrs.evolve(
                entry,
                claimed_by=None,
                claimed_until=None,
                next_attempt_at=aware_datetime(retry_at),
                last_error=str(error)[:2000],
            )
        )
        return True

    def release(self, id: str, /, *, token: str) -> bool:
        """Give back a claimed entry that was not attempted (its attempt is not counted)."""
        entry = self._held(id, token)
        if entry is None:
            return False
        self._save(
            attrs.evolve(
                entry, claimed_by=None, claimed_until=None, attempts=max(0, entry.attempts - 1)
            )
        )
        return True


class MemoryOutbox(OutboxStore):
    """The outbox of an in-memory store, through one unit of work's overlay; entries
    get their ``seq`` when the unit commits."""

    def __init__(self, committed: dict[str, OutboxEntry], counter: list[int], guard: Guard) -> None:
        self.overlay: KeyedOverlay[str, OutboxEntry] = KeyedOverlay(committed, guard)
        self._counter = counter

    def _insert(self, entry: OutboxEntry) -> bool:
        if self.overlay.get(entry.id) is not None:
            return False
        self.overlay.put(entry.id, entry)
        return True

    def _load(self, id: str) -> OutboxEntry | None:
        return self.overlay.get(id)

    def _undelivered(self, limit: int | None) -> list[OutboxEntry]:
        found = [e for e in self.overlay.values() if e.delivered_at is None]
        return found if limit is None else found[:limit]

    def _save(self, entry: OutboxEntry) -> None:
        self.overlay.put(entry.id, entry)

    def _count(self) -> int:
        return len(self.overlay.values())

    def apply(self) -> None:
        """Number the new entries, then write them (under the store's lock)."""
        for id, entry in self.overlay.writes.items():
            if id not in self.overlay.committed:
                self._counter[0] += 1
                self.overlay.writes[id] = attrs.evolve(entry, seq=self._counter[0])
        self.overlay.apply()


def _values(entry: OutboxEntry) -> tuple[Any, ...]:
    return (
        entry.attempts,
        _micros(entry.next_attempt_at),
        entry.claimed_by,
        _micros(entry.claimed_until),
        _micros(entry.delivered_at),
        entry.last_error,
        entry.id,
    )


_UPDATE = (
    "UPDATE leadkit_outbox SET attempts = %s, next_attempt_at = %s, claimed_by = %s, "
    "claimed_until = %s, delivered_at = %s, last_error = %s WHERE id = %s"
)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _dump(data: dict[str, Any]) -> str:
    # What json.dumps(data, ensure_ascii=False, separators=(",", ":")) gives, without
    # making an encoder per event.
    return _ENCODER.encode(data)


class SqliteOutbox(OutboxStore):
    """The ``leadkit_outbox`` table, on the unit of work's connection."""

    def __init__(self, connection: Callable[[], sqlite3.Connection], guard: Guard) -> None:
        self._connection = connection
        self._guard = guard

    def _execute(self, sql: str, values: Sequence[Any] = ()) -> sqlite3.Cursor:
        self._guard()
        return self._connection().execute(sql.replace("%s", "?"), values)

    def _insert(self, entry: OutboxEntry) -> bool:
        cursor = self._execute(
            "INSERT INTO leadkit_outbox (id, kind, lead_id, data, attempts) "
            "VALUES (%s, %s, %s, %s, 0) ON CONFLICT (id) DO NOTHING",
            (entry.id, entry.kind, entry.lead_id, _dump(entry.data)),
        )
        return bool(cursor.rowcount == 1)

    def _insert_many(self, entries: list[OutboxEntry]) -> int:
        self._guard()
        cursor = self._connection().executemany(
            "INSERT INTO leadkit_outbox (id, kind, lead_id, data, attempts) "
            "VALUES (?, ?, ?, ?, 0) ON CONFLICT (id) DO NOTHING",
            [(e.id, e.kind, e.lead_id, _dump(e.data)) for e in entries],
        )
        return int(cursor.rowcount)

    def _load(self, id: str) -> OutboxEntry | None:
        row = self._execute(
            f"SELECT {_COLUMNS} FROM leadkit_outbox WHERE id = %s", (id,)
        ).fetchone()
        return None if row is None else OutboxEntry.from_row(row)

    def _undelivered(self, limit: int | None) -> list[OutboxEntry]:
        rows = self._execute(
            f"SELECT {_COLUMNS} FROM leadkit_outbox WHERE delivered_at IS NULL ORDER BY seq "
            "LIMIT %s",
            (-1 if limit is None else limit,),
        ).fetchall()
        return [OutboxEntry.from_row(row) for row in rows]

    def _save(self, entry: OutboxEntry) -> None:
        self._execute(_UPDATE, _values(entry))

    def _count(self) -> int:
        (count,) = self._execute("SELECT COUNT(*) FROM leadkit_outbox").fetchone()
        return int(count)


class PostgresOutbox(OutboxStore):
    """The ``leadkit_outbox`` table, on the unit of work's connection."""

    def __init__(self, execute: Callable[[str, Sequence[Any]], Any]) -> None:
        self._execute = execute

    def _insert(self, entry: OutboxEntry) -> bool:
        cursor = self._execute(
            "INSERT INTO leadkit_outbox (id, kind, lead_id, data, attempts) "
            "VALUES (%s, %s, %s, %s, 0) ON CONFLICT (id) DO NOTHING",
            (entry.id, entry.kind, entry.lead_id, _dump(entry.data)),
        )
        return bool(cursor.rowcount == 1)

    def _insert_many(self, entries: list[OutboxEntry]) -> int:
        # One statement for the batch: the rows in order (seq follows them), an id already
        # there or given twice written once (DO NOTHING also skips a row that conflicts
        # with one inserted earlier by the same statement).
        cursor = self._execute(
            "INSERT INTO leadkit_outbox (id, kind, lead_id, data, attempts) "
            "SELECT id, kind, lead_id, data::jsonb, 0 "
            "FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[]) "
            "WITH ORDINALITY AS batch (id, kind, lead_id, data, position) "
            "ORDER BY position ON CONFLICT (id) DO NOTHING",
            (
                [e.id for e in entries],
                [e.kind for e in entries],
                [e.lead_id for e in entries],
                [_dump(e.data) for e in entries],
            ),
        )
        return int(cursor.rowcount)

    def _load(self, id: str) -> OutboxEntry | None:
        row = self._execute(
            f"SELECT {_COLUMNS.replace('data', 'data::text')} FROM leadkit_outbox WHERE id = %s",
            (id,),
        ).fetchone()
        return None if row is None else OutboxEntry.from_row(row)

    def _undelivered(self, limit: int | None) -> list[OutboxEntry]:
        rows = self._execute(
            f"SELECT {_COLUMNS.replace('data', 'data::text')} FROM leadkit_outbox "
            "WHERE delivered_at IS NULL ORDER BY seq LIMIT %s",
            (limit,),
        ).fetchall()
        return [OutboxEntry.from_row(row) for row in rows]

    def _lock(self, ids: list[str]) -> set[str]:
        if not ids:
            return set()
        rows = self._execute(
            "SELECT id FROM leadkit_outbox WHERE id = ANY(%s) FOR UPDATE SKIP LOCKED", (ids,)
        ).fetchall()
        return {id for (id,) in rows}

    def _save(self, entry: OutboxEntry) -> None:
        self._execute(_UPDATE, _values(entry))

    def _count(self) -> int:
        (count,) = self._execute("SELECT COUNT(*) FROM leadkit_outbox", ()).fetchone()
        return int(count)
