"""The pending queue: web-to-lead submissions accepted over the daily limit, kept in the
database until the limit allows them to be processed (never dropped).

Every adapter keeps it beside the records, under the records' transaction, so that
taking a submission off the queue and storing its lead commit together (or neither
does): in memory, a unit of work's additions and removals go to an overlay that commit
checks and applies; in SQLite and PostgreSQL, it is the table ``leadkit_pending`` on the
unit of work's own connection. Oldest first: the queue is processed in arrival order.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

import attrs

from leadkit.repository._protocols import UnitOfWork
from leadkit.repository._state import Guard, from_micros, to_micros

__all__ = [
    "POSTGRES_PENDING_SCHEMA",
    "SQLITE_PENDING_SCHEMA",
    "MemoryPendingQueue",
    "PendingQueueRepository",
    "PendingQueueUnitOfWork",
    "PendingSubmission",
    "PostgresPendingQueue",
    "SqlitePendingQueue",
]


def _fields(value: Mapping[str, str]) -> Mapping[str, str]:
    return dict(value)


@attrs.frozen
class PendingSubmission:
    """One submitted form waiting in the pending queue, exactly as it was received.

    ``id`` identifies it in the queue (the server gives each submission one);
    ``fields`` are the submitted fields as text; ``received_at`` is when it arrived (the
    lead it becomes is dated then, not when the queue is processed).
    """

    id: str
    form: str
    fields: Mapping[str, str] = attrs.field(converter=_fields)
    received_at: datetime
    client: str | None = None


class PendingQueueRepository(Protocol):
    """Submissions waiting for the daily limit, oldest first."""

    def add(self, item: PendingSubmission, /) -> bool:
        """Queue ``item``; False (and nothing changes) if its id is already queued."""
        ...

    def oldest(self, limit: int, /) -> list[PendingSubmission]:
        """Up to ``limit`` queued submissions, oldest first."""
        ...

    def get(self, id: str, /) -> PendingSubmission | None:
        """The queued submission with ``id``, or None."""
        ...

    def remove(self, id: str, /) -> bool:
        """Take the submission ``id`` off the queue; True if it was queued."""
        ...

    def count(self) -> int:
        """How many submissions are queued."""
        ...


class PendingQueueUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that also keeps the pending queue (every leadkit adapter does)."""

    @property
    def pending_submissions(self) -> PendingQueueRepository:
        """The pending queue, in this transaction."""
        ...


def _dump_fields(fields: Mapping[str, str]) -> str:
    # ensure_ascii: a NUL or lone surrogate is escaped, so any text column can hold it.
    return json.dumps(dict(fields), ensure_ascii=True, separators=(",", ":"))


def _load(row: Sequence[Any]) -> PendingSubmission:
    id, form, received_at, client, fields = row
    return PendingSubmission(
        id=str(id),
        form=str(form),
        fields={str(k): str(v) for k, v in json.loads(fields).items()},
        received_at=from_micros(int(received_at)),
        client=None if client is None else str(client),
    )


# -- in memory -------------------------------------------------------------------------


class MemoryPendingQueue:
    """One unit of work's view of an in-memory store's pending queue."""

    def __init__(self, committed: dict[str, PendingSubmission], guard: Guard) -> None:
        self._committed = committed  # insertion-ordered: oldest first
        self._guard = guard
        self._added: dict[str, PendingSubmission] = {}
        self._removed: set[str] = set()

    def add(self, item: PendingSubmission, /) -> bool:
        """Queue ``item``; False if its id is already queued."""
        if self.get(item.id) is not None:
            return False
        self._added[item.id] = item
        return True

    def oldest(self, limit: int, /) -> list[PendingSubmission]:
        """Up to ``limit`` queued submissions, oldest first."""
        self._guard()
        found: list[PendingSubmission] = []
        for item in [*self._committed.values(), *self._added.values()]:
            if len(found) >= limit:
                break
            if item.id not in self._removed:
                found.append(item)
        return found

    def get(self, id: str, /) -> PendingSubmission | None:
        """The queued submission with ``id``, or None."""
        self._guard()
        if id in self._removed:
            return None
        return self._added.get(id) or self._committed.get(id)

    def remove(self, id: str, /) -> bool:
        """Take the submission ``id`` off the queue; True if it was queued."""
        if self.get(id) is None:
            return False
        if self._added.pop(id, None) is None:
            self._removed.add(id)
        return True

    def count(self) -> int:
        """How many submissions are queued."""
        self._guard()
        return len(self._committed) - len(self._removed) + len(self._added)

    def conflicts(self) -> list[str]:
        """Ids another unit of work took or queued since (under the store's lock)."""
        return [
            *(id for id in self._removed if id not in self._committed),
            *(id for id in self._added if id in self._committed),
        ]

    def apply(self) -> None:
        """Write this unit's changes into the store (under the store's lock)."""
        for id in self._removed:
            self._committed.pop(id, None)
        self._committed.update(self._added)

    def reset(self) -> None:
        """Forget every change (a roll back, or after a commit)."""
        self._added.clear()
        self._removed.clear()


# -- SQLite ----------------------------------------------------------------------------

SQLITE_PENDING_SCHEMA = (
    "CREATE TABLE leadkit_pending (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
    "id TEXT NOT NULL UNIQUE, form TEXT NOT NULL, received_at INTEGER NOT NULL, "
    "client TEXT, fields TEXT NOT NULL)"
)
"""The pending queue's table, as the SQLite store's migration creates it."""

_COLUMNS = "id, form, received_at, client, fields"


class SqlitePendingQueue:
    """The pending queue in the ``leadkit_pending`` table, on the unit of work's
    connection (inside its ``BEGIN IMMEDIATE`` transaction)."""

    def __init__(self, connection: Callable[[], sqlite3.Connection], guard: Guard) -> None:
        self._connection = connection
        self._guard = guard

    def _execute(self, sql: str, values: Sequence[object] = ()) -> sqlite3.Cursor:
        self._guard()
        return self._connection().execute(sql, values)

    def add(self, item: PendingSubmission, /) -> bool:
        """Queue ``item``; False if its id is already queued."""
        values = (item.id, item.form, to_micros(item.received_at), item.client)
        cursor = self._execute(
            f"INSERT INTO leadkit_pending ({_COLUMNS}) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO NOTHING",
            (*values, _dump_fields(item.fields)),
        )
        return cursor.rowcount == 1

    def oldest(self, limit: int, /) -> list[PendingSubmission]:
        """Up to ``limit`` queued submissions, oldest first."""
        rows = self._execute(
            f"SELECT {_COLUMNS} FROM leadkit_pending ORDER BY seq LIMIT ?", (max(limit, 0),)
        ).fetchall()
        return [_load(row) for row in rows]

    def get(self, id: str, /) -> PendingSubmission | None:
        """The queued submission with ``id``, or None."""
        row = self._execute(f"SELECT {_COLUMNS} FROM leadkit_pending WHERE id = ?", (id,))
        found = row.fetchone()
        return None if found is None else _load(found)

    def remove(self, id: str, /) -> bool:
        """Take the submission ``id`` off the queue; True if it was queued."""
        return self._execute("DELETE FROM leadkit_pending WHERE id = ?", (id,)).rowcount == 1

    def count(self) -> int:
        """How many submissions are queued."""
        (n,) = self._execute("SELECT COUNT(*) FROM leadkit_pending").fetchone()
        return int(n)


# -- PostgreSQL ------------------------------------------------------------------------

POSTGRES_PENDING_SCHEMA = (
    "CREATE TABLE leadkit_pending (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
    "id TEXT NOT NULL UNIQUE, form TEXT NOT NULL, received_at BIGINT NOT NULL, "
    "client TEXT, fields TEXT NOT NULL)"
)
"""The pending queue's table, as the PostgreSQL store's migration creates it."""


def _pg_text(value: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL (the fields are JSON with it escaped).
    return value.replace("\x00", "\ufffd") if value is not None else None


class PostgresPendingQueue:
    """The pending queue in the ``leadkit_pending`` table, on the unit of work's
    connection (inside its ``SERIALIZABLE`` transaction: two processes taking the same
    submission cannot both commit)."""

    def __init__(self, execute: Callable[[str, Sequence[Any]], Any]) -> None:
        self._execute = execute

    def add(self, item: PendingSubmission, /) -> bool:
        """Queue ``item``; False if its id is already queued."""
        cursor = self._execute(
            f"INSERT INTO leadkit_pending ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (id) DO NOTHING",
            (
                _pg_text(item.id),
                _pg_text(item.form),
                to_micros(item.received_at),
                _pg_text(item.client),
                _dump_fields(item.fields),
            ),
        )
        return bool(cursor.rowcount == 1)

    def oldest(self, limit: int, /) -> list[PendingSubmission]:
        """Up to ``limit`` queued submissions, oldest first."""
        rows = self._execute(
            f"SELECT {_COLUMNS} FROM leadkit_pending ORDER BY seq LIMIT %s", (max(limit, 0),)
        ).fetchall()
        return [_load(row) for row in rows]

    def get(self, id: str, /) -> PendingSubmission | None:
        """The queued submission with ``id``, or None."""
        found = self._execute(
            f"SELECT {_COLUMNS} FROM leadkit_pending WHERE id = %s", (_pg_text(id),)
        ).fetchone()
        return None if found is None else _load(found)

    def remove(self, id: str, /) -> bool:
        """Take the submission ``id`` off the queue; True if it was queued."""
        cursor = self._execute("DELETE FROM leadkit_pending WHERE id = %s", (_pg_text(id),))
        return bool(cursor.rowcount == 1)

    def count(self) -> int:
        """How many submissions are queued."""
        (n,) = self._execute("SELECT COUNT(*) FROM leadkit_pending", ()).fetchone()
        return int(n)
