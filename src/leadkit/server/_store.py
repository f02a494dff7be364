"""A database URL as a unit-of-work factory: PostgreSQL, a SQLite file, or memory."""

from __future__ import annotations

import functools
import os

from leadkit.errors import ValidationError
from leadkit.repository import InMemoryStore, SqliteUnitOfWork, UnitOfWorkFactory

__all__ = ["unit_of_work_factory"]


def unit_of_work_factory(db: str | os.PathLike[str]) -> UnitOfWorkFactory:
    """Units of work on ``db``: ``postgresql://...`` (``leadkit[postgres]``),
    ``sqlite:///path/crm.db`` or a plain file path, or ``memory:`` (one process, gone at
    exit: for trying things out).

    >>> unit_of_work_factory("memory:")().__class__.__name__
    'InMemoryUnitOfWork'
    """
    if isinstance(db, os.PathLike):
        db = os.fspath(db)
    if not isinstance(db, str) or not db.strip():
        raise ValidationError(f"db is a database URL or file path, got {db!r}", path="db")
    if db.startswith(("postgresql://", "postgres://")):
        from leadkit.repository import PostgresUnitOfWork

        PostgresUnitOfWork(db)  # a missing driver or a bad URL is reported now
        return functools.partial(PostgresUnitOfWork, db)
    if db == "memory:":
        return InMemoryStore().unit_of_work
    path = db.removeprefix("sqlite:///") if db.startswith("sqlite:///") else db
    if "://" in path:
        raise ValidationError(
            f"unknown database URL {db!r}: use postgresql://..., sqlite:///PATH or memory:",
            path="db",
        )
    with SqliteUnitOfWork(path):  # creates or migrates the file, refuses a foreign one
        pass
    return functools.partial(SqliteUnitOfWork, path)
