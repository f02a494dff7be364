"""Strategy state in SQLite: a thin alias of :class:`~leadkit.routing.UnitOfWorkState` over
:class:`~leadkit.repository.SqliteUnitOfWork`, so that turns survive restarts and
processes routing at once take turns (every unit of work starts with ``BEGIN
IMMEDIATE``: the write lock is taken before anything is read)."""

from __future__ import annotations

import functools
import os
import sqlite3
from pathlib import Path

from leadkit._sqlite_file import open_database
from leadkit.errors import DatabaseFileError
from leadkit.repository import SqliteUnitOfWork
from leadkit.routing._state import InMemoryState, UnitOfWorkState

__all__ = ["SqliteState"]


class SqliteState(UnitOfWorkState):
    """State in a SQLite database file (created when missing, unless ``create=False``).

    The same as ``UnitOfWorkState(functools.partial(SqliteUnitOfWork, path, ...))``: the
    state is the ``routing_state`` table of a leadkit database, which may also hold the
    records. ``timeout`` is how long a transaction waits for another process's
    transaction to finish, in seconds (then :class:`~leadkit.errors.ConcurrencyError`).
    Another application's database, a file that is not a database or an unusable path
    raises :class:`~leadkit.errors.DatabaseFileError` here, before anything is written.
    """

    def __init__(self, path: str | Path, *, timeout: float = 30.0, create: bool = True) -> None:
        self.path = os.fspath(path)
        self.timeout = timeout
        factory = functools.partial(SqliteUnitOfWork, self.path, timeout=timeout, create=create)
        with factory():  # checks the file, creates or migrates the schema
            pass
        super().__init__(factory)

    def __repr__(self) -> str:
        return f"SqliteState({self.path!r})"

    def snapshot(self) -> InMemoryState:
        """An in-memory copy of every value, read without taking the write lock (a unit of
        work of this process may hold it)."""
        connection, _ = open_database(self.path, create=False, timeout=self.timeout)
        try:
            rows = connection.execute("SELECT key, value FROM routing_state").fetchall()
        except sqlite3.Error as exc:
            raise DatabaseFileError(
                f"cannot read the routing state ({exc})", file=self.path
            ) from None
        finally:
            connection.close()
        return InMemoryState({str(key): int(value) for key, value in rows})

    def close(self) -> None:
        """Nothing to release: each transaction opens and closes its own connection
        (kept for code written when this class held one)."""

    def __enter__(self) -> SqliteState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
