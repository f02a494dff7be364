"""Routing state and rate limits as repositories of the unit of work (issue 11).

Both adapters keep them beside the records, under the records' transaction: in memory,
a unit of work's writes go to an overlay that commit checks (a key read or written must
not have changed since) and applies with the records, in one step; in SQLite, they are
two more tables (``routing_state``, ``leadkit_rate_limit``) read and written on the unit
of work's own connection, inside its ``BEGIN IMMEDIATE`` transaction.

Moments are stored as whole microseconds since 1970 UTC.
"""

from __future__ import annotations

import bisect
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

__all__ = [
    "MemoryRateLimits",
    "MemoryRoutingState",
    "SqliteRateLimits",
    "SqliteRoutingState",
    "from_micros",
    "to_micros",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

Guard = Callable[[], None]


def to_micros(moment: datetime) -> int:
    """``moment`` as whole microseconds since 1970 UTC (how moments are stored)."""
    return (moment - _EPOCH) // _MICROSECOND


def from_micros(value: int) -> datetime:
    """The inverse of :func:`to_micros`."""
    return _EPOCH + value * _MICROSECOND


# -- in memory -------------------------------------------------------------------------


class MemoryRoutingState:
    """One unit of work's view of an in-memory store's routing state."""

    def __init__(self, committed: dict[str, int], guard: Guard) -> None:
        self._committed = committed
        self._guard = guard
        self._writes: dict[str, int] = {}
        self._seen: dict[str, int | None] = {}

    def get(self, key: str, /) -> int | None:
        """The value stored at ``key``, or None."""
        self._guard()
        if key in self._writes:
            return self._writes[key]
        value = self._committed.get(key)
        self._seen.setdefault(key, value)
        return value

    def set(self, key: str, value: int, /) -> None:
        """Store ``value`` at ``key``."""
        self._guard()
        self._seen.setdefault(key, self._committed.get(key))
        self._writes[key] = value

    def items(self) -> dict[str, int]:
        """Every stored key and value."""
        self._guard()
        merged = {**self._committed, **self._writes}
        for key, value in self._committed.items():
            self._seen.setdefault(key, value)
        return merged

    def conflicts(self) -> list[str]:
        """Keys another unit of work changed after this one read them (under the lock)."""
        return [key for key, seen in self._seen.items() if self._committed.get(key) != seen]

    def apply(self) -> None:
        """Write this unit's values into the store (under the lock)."""
        self._committed.update(self._writes)

    def reset(self) -> None:
        """Forget every write and read (a roll back, or after a commit)."""
        self._writes.clear()
        self._seen.clear()


class MemoryRateLimits:
    """One unit of work's view of an in-memory store's rate limits."""

    def __init__(self, committed: dict[str, list[int]], guard: Guard) -> None:
        self._committed = committed
        self._guard = guard
        # key -> (the committed moments when first touched, this unit's moments)
        self._touched: dict[str, tuple[tuple[int, ...], list[int]]] = {}

    def _moments(self, key: str) -> list[int]:
        self._guard()
        touched = self._touched.get(key)
        if touched is None:
            seen = tuple(self._committed.get(key, ()))
            touched = self._touched[key] = (seen, list(seen))
        return touched[1]

    def hits(self, key: str, /, *, after: datetime, until: datetime) -> list[datetime]:
        """The moments recorded for ``key`` in (``after``, ``until``], oldest first."""
        moments = self._moments(key)
        low = bisect.bisect_right(moments, to_micros(after))
        high = bisect.bisect_right(moments, to_micros(until))
        return [from_micros(m) for m in moments[low:high]]

    def latest(self, key: str, /) -> datetime | None:
        """The newest moment recorded for ``key``, or None."""
        moments = self._moments(key)
        return from_micros(moments[-1]) if moments else None

    def add(self, key: str, at: datetime, /) -> None:
        """Record one submission from ``key`` at ``at``."""
        bisect.insort(self._moments(key), to_micros(at))

    def remove(self, key: str, at: datetime, /) -> bool:
        """Remove one submission recorded for ``key`` at exactly ``at``; True if found."""
        moments, now = self._moments(key), to_micros(at)
        place = bisect.bisect_left(moments, now)
        if place == len(moments) or moments[place] != now:
            return False
        del moments[place]
        return True

    def forget(self, key: str, /, *, until: datetime) -> None:
        """Remove every moment recorded for ``key`` at or before ``until``."""
        moments = self._moments(key)
        del moments[: bisect.bisect_right(moments, to_micros(until))]

    def conflicts(self) -> list[str]:
        """Keys another unit of work changed after this one read them (under the lock)."""
        return [
            key
            for key, (seen, _) in self._touched.items()
            if tuple(self._committed.get(key, ())) != seen
        ]

    def apply(self) -> None:
        """Write this unit's moments into the store (under the lock)."""
        for key, (seen, moments) in self._touched.items():
            if tuple(moments) == seen:
                continue
            if moments:
                self._committed[key] = list(moments)
            else:
                self._committed.pop(key, None)

    def reset(self) -> None:
        """Forget every change (a roll back, or after a commit)."""
        self._touched.clear()


# -- SQLite ----------------------------------------------------------------------------

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS routing_state "
    "(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS leadkit_rate_limit (key TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS leadkit_rate_limit_key_at ON leadkit_rate_limit (key, at);"
)
"""The two tables, as the record store's migration 3 creates them. ``IF NOT EXISTS``:
files written by the standalone adapters of earlier versions already hold them, with
these very columns."""

Connection = Callable[[], sqlite3.Connection]


class SqliteRoutingState:
    """Routing state in the ``routing_state`` table, on the unit of work's connection."""

    def __init__(self, connection: Connection, guard: Guard) -> None:
        self._connection = connection
        self._guard = guard

    def get(self, key: str, /) -> int | None:
        """The value stored at ``key``, or None."""
        self._guard()
        row = (
            self._connection()
            .execute("SELECT value FROM routing_state WHERE key = ?", (key,))
            .fetchone()
        )
        return None if row is None else int(row[0])

    def set(self, key: str, value: int, /) -> None:
        """Store ``value`` at ``key``."""
        self._guard()
        self._connection().execute(
            "INSERT INTO routing_state (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def items(self) -> dict[str, int]:
        """Every stored key and value."""
        self._guard()
        rows = self._connection().execute("SELECT key, value FROM routing_state").fetchall()
        return {str(key): int(value) for key, value in rows}


class SqliteRateLimits:
    """Rate limits in the ``leadkit_rate_limit`` table, on the unit of work's connection."""

    def __init__(self, connection: Connection, guard: Guard) -> None:
        self._connection = connection
        self._guard = guard

    def _execute(self, sql: str, values: tuple[object, ...]) -> sqlite3.Cursor:
        self._guard()
        return self._connection().execute(sql, values)

    def hits(self, key: str, /, *, after: datetime, until: datetime) -> list[datetime]:
        """The moments recorded for ``key`` in (``after``, ``until``], oldest first."""
        rows = self._execute(
            "SELECT at FROM leadkit_rate_limit WHERE key = ? AND at > ? AND at <= ? ORDER BY at",
            (key, to_micros(after), to_micros(until)),
        ).fetchall()
        return [from_micros(at) for (at,) in rows]

    def latest(self, key: str, /) -> datetime | None:
        """The newest moment recorded for ``key``, or None."""
        (newest,) = self._execute(
            "SELECT MAX(at) FROM leadkit_rate_limit WHERE key = ?", (key,)
        ).fetchone()
        return None if newest is None else from_micros(newest)

    def add(self, key: str, at: datetime, /) -> None:
        """Record one submission from ``key`` at ``at``."""
        self._execute("INSERT INTO leadkit_rate_limit VALUES (?, ?)", (key, to_micros(at)))

    def remove(self, key: str, at: datetime, /) -> bool:
        """Remove one submission recorded for ``key`` at exactly ``at``; True if found."""
        deleted = self._execute(
            "DELETE FROM leadkit_rate_limit WHERE rowid = (SELECT rowid FROM "
            "leadkit_rate_limit WHERE key = ? AND at = ? LIMIT 1)",
            (key, to_micros(at)),
        ).rowcount
        return bool(deleted == 1)

    def forget(self, key: str, /, *, until: datetime) -> None:
        """Remove every moment recorded for ``key`` at or before ``until``."""
        self._execute(
            "DELETE FROM leadkit_rate_limit WHERE key = ? AND at <= ?", (key, to_micros(until))
        )
