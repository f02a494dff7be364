"""The store's configuration: a few named JSON documents kept in the store's transaction.

The catalogues (statuses and their policy, sources, rejection reasons, activity outcomes,
opportunity stages) live here, so that a store read anywhere reads its records under the
catalogues they were written with, not under whatever is in force in the reader's code.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from leadkit.errors import LoadError, Problem
from leadkit.io import structure, unstructure
from leadkit.model import Catalogues

__all__ = [
    "CATALOGUES_KEY",
    "CONFIG_SCHEMA",
    "ConfigStore",
    "MemoryConfig",
    "PostgresConfig",
    "SqliteConfig",
    "catalogues_from_json",
    "catalogues_to_json",
]

CATALOGUES_KEY = "catalogues"

CONFIG_SCHEMA = "CREATE TABLE leadkit_config (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
"""The migration that adds the configuration table (the same SQL for SQLite and PostgreSQL)."""


class ConfigStore(Protocol):
    """Named configuration documents, on the unit of work's transaction."""

    def get(self, key: str, /) -> str | None:
        """The document stored at ``key`` (JSON text), or None."""
        ...

    def set(self, key: str, value: str, /) -> None:
        """Store ``value`` at ``key``."""
        ...


def catalogues_to_json(catalogues: Catalogues) -> str:
    """The catalogues as the JSON text a store keeps."""
    return json.dumps(unstructure(catalogues), ensure_ascii=False, separators=(",", ":"))


def catalogues_from_json(text: str, *, where: str) -> Catalogues:
    """The catalogues a store kept (a ``LoadError`` naming ``where`` when unreadable)."""
    try:
        plain = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(
            [Problem((where, CATALOGUES_KEY), f"not valid JSON ({exc})")], what=where
        ) from None
    catalogues: Catalogues = structure(plain, Catalogues, root=f"{where}.catalogues")
    return catalogues


class MemoryConfig:
    """Configuration of an in-memory store: written on commit, like its records."""

    def __init__(
        self, committed: dict[str, str], lock: threading.RLock, guard: Callable[[], None]
    ) -> None:
        self._committed = committed
        self._lock = lock
        self._guard = guard
        self._pending: dict[str, str] = {}

    def get(self, key: str, /) -> str | None:
        """The document at ``key``: this unit of work's if it wrote one, else the store's."""
        self._guard()
        if key in self._pending:
            return self._pending[key]
        with self._lock:
            return self._committed.get(key)

    def set(self, key: str, value: str, /) -> None:
        """Store ``value`` at ``key`` when the unit of work commits."""
        self._guard()
        self._pending[key] = value

    def apply(self) -> None:
        """Make the pending writes the store's (the caller holds the store's lock)."""
        self._committed.update(self._pending)
        self._pending.clear()

    def reset(self) -> None:
        """Forget the pending writes."""
        self._pending.clear()


class SqliteConfig:
    """Configuration in the ``leadkit_config`` table, on the unit of work's connection."""

    def __init__(
        self, connection: Callable[[], sqlite3.Connection], guard: Callable[[], None]
    ) -> None:
        self._connection = connection
        self._guard = guard

    def get(self, key: str, /) -> str | None:
        """The document stored at ``key``, or None."""
        self._guard()
        row = (
            self._connection()
            .execute("SELECT value FROM leadkit_config WHERE key = ?", (key,))
            .fetchone()
        )
        return None if row is None else str(row[0])

    def set(self, key: str, value: str, /) -> None:
        """Store ``value`` at ``key``."""
        self._guard()
        self._connection().execute(
            "INSERT INTO leadkit_config (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


class PostgresConfig:
    """Configuration in the ``leadkit_config`` table, on the unit of work's transaction."""

    def __init__(self, execute: Callable[[str, Sequence[Any]], Any]) -> None:
        self._execute = execute

    def get(self, key: str, /) -> str | None:
        """The document stored at ``key``, or None."""
        row = self._execute("SELECT value FROM leadkit_config WHERE key = %s", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set(self, key: str, value: str, /) -> None:
        """Store ``value`` at ``key``."""
        self._execute(
            "INSERT INTO leadkit_config (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
