"""Nurture enrolments stored beside the records, in the unit of work's transaction.

An enrolment is keyed by program, lead and the moment it was enrolled (a lead that
re-enters a program has one enrolment per entry); :meth:`save` adds or replaces it.
In memory, writes go to an overlay checked and applied at commit; in SQLite and
PostgreSQL, to the ``leadkit_enrolment`` table (JSON through :mod:`leadkit.io`'s
converter) on the unit of work's connection.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from leadkit.errors import NotFoundError, ValidationError
from leadkit.io import structure, unstructure
from leadkit.repository._keyed import KeyedOverlay
from leadkit.repository._state import to_micros

if TYPE_CHECKING:
    from leadkit.nurture import Enrolment

__all__ = [
    "ENROLMENT_SCHEMA_POSTGRES",
    "ENROLMENT_SCHEMA_SQLITE",
    "EnrolmentStore",
    "MemoryEnrolments",
    "PostgresEnrolments",
    "SqliteEnrolments",
]

Guard = Callable[[], None]
Key = tuple[str, str, int]

ENROLMENT_SCHEMA_SQLITE = (
    "CREATE TABLE leadkit_enrolment (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
    "program TEXT NOT NULL, lead_id TEXT NOT NULL, enrolled_at INTEGER NOT NULL, "
    "status TEXT NOT NULL, data TEXT NOT NULL, UNIQUE (program, lead_id, enrolled_at));"
    "CREATE INDEX leadkit_enrolment_lead ON leadkit_enrolment (lead_id);"
    "CREATE INDEX leadkit_enrolment_program ON leadkit_enrolment (program, status)"
)
ENROLMENT_SCHEMA_POSTGRES = (
    "CREATE TABLE leadkit_enrolment (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
    "program TEXT NOT NULL, lead_id TEXT NOT NULL, enrolled_at BIGINT NOT NULL, "
    "status TEXT NOT NULL, data JSON NOT NULL, UNIQUE (program, lead_id, enrolled_at));"
    "CREATE INDEX leadkit_enrolment_lead ON leadkit_enrolment (lead_id);"
    "CREATE INDEX leadkit_enrolment_program ON leadkit_enrolment (program, status)"
)


def _enrolment_type() -> type[Enrolment]:
    from leadkit.nurture import Enrolment

    return Enrolment


def _check(enrolment: object) -> Enrolment:
    cls = _enrolment_type()
    if not isinstance(enrolment, cls):
        raise ValidationError(
            f"expects an Enrolment, got {type(enrolment).__name__}", path="enrolments.save"
        )
    return enrolment


def _key(enrolment: Enrolment) -> Key:
    return (enrolment.program, enrolment.lead_id, to_micros(enrolment.enrolled_at))


def _dump(enrolment: Enrolment) -> str:
    return json.dumps(unstructure(enrolment), ensure_ascii=False, separators=(",", ":"))


def _load(data: object, where: str) -> Enrolment:
    raw = json.loads(data) if isinstance(data, str) else data
    return structure(raw, _enrolment_type(), root=where)


def _missing(program: str, lead_id: str) -> NotFoundError:
    return NotFoundError(
        f"lead {lead_id!r} is not enrolled in {program!r}", path=f"enrolments.{program}.{lead_id}"
    )


class EnrolmentStore:
    """The operations every adapter shares, over :meth:`_rows` (seq order)."""

    def _rows(self, *, program: str | None = None, lead_id: str | None = None) -> list[Enrolment]:
        raise NotImplementedError

    def save(self, enrolment: Enrolment, /) -> Enrolment:
        """Store an enrolment (new, or the next state of one already stored: same program,
        lead and ``enrolled_at``); returns it."""
        raise NotImplementedError

    def save_all(self, enrolments: Sequence[Enrolment], /) -> None:
        """:meth:`save` each of ``enrolments``."""
        for enrolment in enrolments:
            self.save(enrolment)

    def history(self, program: str, lead_id: str, /) -> list[Enrolment]:
        """The lead's enrolments in ``program``, oldest first."""
        return self._rows(program=program, lead_id=lead_id)

    def find(self, program: str, lead_id: str, /) -> Enrolment | None:
        """The lead's latest enrolment in ``program``, or None."""
        found = self.history(program, lead_id)
        return max(found, key=lambda e: e.enrolled_at) if found else None

    def get(self, program: str, lead_id: str, /) -> Enrolment:
        """The lead's latest enrolment in ``program``; NotFoundError if it has none."""
        found = self.find(program, lead_id)
        if found is None:
            raise _missing(program, lead_id)
        return found

    def by_program(self, program: str, /, *, active: bool | None = None) -> list[Enrolment]:
        """The enrolments of ``program`` in the order first saved (only the active ones,
        or only the others, if ``active`` is given)."""
        rows = self._rows(program=program)
        return rows if active is None else [e for e in rows if e.active is active]

    def by_lead(self, lead_id: str, /) -> list[Enrolment]:
        """Every enrolment of one lead, in any program, in the order first saved."""
        return self._rows(lead_id=lead_id)

    def all(self) -> list[Enrolment]:
        """Every enrolment, in the order first saved."""
        return self._rows()

    def __len__(self) -> int:
        return len(self._rows())


class MemoryEnrolments(EnrolmentStore):
    """Enrolments of an in-memory store, through one unit of work's overlay."""

    def __init__(self, committed: dict[Key, Enrolment], guard: Guard) -> None:
        self.overlay: KeyedOverlay[Key, Enrolment] = KeyedOverlay(committed, guard)

    def _rows(self, *, program: str | None = None, lead_id: str | None = None) -> list[Enrolment]:
        return [
            e
            for e in self.overlay.values()
            if (program is None or e.program == program)
            and (lead_id is None or e.lead_id == lead_id)
        ]

    def save(self, enrolment: Enrolment, /) -> Enrolment:
        """Store an enrolment (new, or the next state of one already stored)."""
        enrolment = _check(enrolment)
        self.overlay.put(_key(enrolment), enrolment)
        return enrolment


class SqliteEnrolments(EnrolmentStore):
    """Enrolments in the ``leadkit_enrolment`` table, on the unit of work's connection."""

    def __init__(self, connection: Callable[[], sqlite3.Connection], guard: Guard) -> None:
        self._connection = connection
        self._guard = guard

    def _rows(self, *, program: str | None = None, lead_id: str | None = None) -> list[Enrolment]:
        self._guard()
        where, values = _where(program, lead_id, "?")
        rows = (
            self._connection()
            .execute(f"SELECT data FROM leadkit_enrolment{where} ORDER BY seq", values)
            .fetchall()
        )
        return [_load(data, "enrolments") for (data,) in rows]

    def save(self, enrolment: Enrolment, /) -> Enrolment:
        """Store an enrolment (new, or the next state of one already stored)."""
        self._guard()
        enrolment = _check(enrolment)
        self._connection().execute(
            _UPSERT.replace("%s", "?"), (*_key(enrolment), enrolment.status, _dump(enrolment))
        )
        return enrolment


class PostgresEnrolments(EnrolmentStore):
    """Enrolments in the ``leadkit_enrolment`` table, on the unit of work's connection."""

    def __init__(self, execute: Callable[[str, Sequence[Any]], Any]) -> None:
        self._execute = execute

    def _rows(self, *, program: str | None = None, lead_id: str | None = None) -> list[Enrolment]:
        where, values = _where(program, lead_id, "%s")
        rows = self._execute(
            f"SELECT data::text FROM leadkit_enrolment{where} ORDER BY seq", values
        ).fetchall()
        return [_load(data, "enrolments") for (data,) in rows]

    def save(self, enrolment: Enrolment, /) -> Enrolment:
        """Store an enrolment (new, or the next state of one already stored)."""
        enrolment = _check(enrolment)
        self._execute(_UPSERT, (*_key(enrolment), enrolment.status, _dump(enrolment)))
        return enrolment


_UPSERT = (
    "INSERT INTO leadkit_enrolment (program, lead_id, enrolled_at, status, data) "
    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (program, lead_id, enrolled_at) "
    "DO UPDATE SET status = excluded.status, data = excluded.data"
)


def _where(program: str | None, lead_id: str | None, mark: str) -> tuple[str, tuple[str, ...]]:
    clauses, values = [], []
    if program is not None:
        clauses.append(f"program = {mark}")
        values.append(program)
    if lead_id is not None:
        clauses.append(f"lead_id = {mark}")
        values.append(lead_id)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(values)
