"""Strategy state in SQLite (stdlib ``sqlite3``): turns survive restarts, and processes
routing at once take turns, because every transaction starts with ``BEGIN IMMEDIATE``
(the write lock is taken before anything is read)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from leadkit._sqlite_file import open_database, set_up
from leadkit.routing._errors import RoutingError
from leadkit.routing._state import InMemoryState, StateMethods, StateTransaction

__all__ = ["SqliteState"]

_SCHEMA = "CREATE TABLE IF NOT EXISTS routing_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL)"


class _SqliteTransaction:
    __slots__ = ("_connection",)

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def get(self, key: str) -> int | None:
        row = self._connection.execute(
            "SELECT value FROM routing_state WHERE key = ?", (key,)
        ).fetchone()
        return None if row is None else int(row[0])

    def set(self, key: str, value: int) -> None:
        self._connection.execute(
            "INSERT INTO routing_state (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


class SqliteState(StateMethods):
    """State in a SQLite database file (created when missing, unless ``create=False``).

    Open one per process (a connection is not shared across processes); within a
    process it may be shared by threads. ``timeout`` is how long a transaction waits
    for another process's transaction to finish, in seconds. The file may be shared
    with the other leadkit stores; another application's database, a file that is not a
    database or an unusable path raises :class:`~leadkit.errors.DatabaseFileError`.
    """

    def __init__(self, path: str | Path, *, timeout: float = 30.0, create: bool = True) -> None:
        self.path = str(path)
        self._connection, _ = open_database(
            self.path, create=create, timeout=timeout, check_same_thread=False
        )
        try:
            set_up(
                self._connection, self.path, create=create, schema=_SCHEMA, table="routing_state"
            )
        except BaseException:
            self._connection.close()
            raise
        self._lock = threading.RLock()

    @contextmanager
    def _transaction(self) -> Iterator[StateTransaction]:
        with self._lock:
            try:
                self._connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise RoutingError(
                    f"routing state is locked by another process ({exc}); raise timeout",
                    path=self.path,
                ) from None
            try:
                yield _SqliteTransaction(self._connection)
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def transaction(self) -> AbstractContextManager[StateTransaction]:
        """An immediate (write-locked) transaction; commits on exit, rolls back on error."""
        return self._transaction()

    def snapshot(self) -> InMemoryState:
        """An in-memory copy of every value, read in one transaction."""
        with self._lock:
            rows = self._connection.execute("SELECT key, value FROM routing_state").fetchall()
        return InMemoryState({str(k): int(v) for k, v in rows})

    def close(self) -> None:
        """Close the connection."""
        self._connection.close()

    def __enter__(self) -> SqliteState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
