"""Decisions that are kept: each lead's stage history and its routing decisions, stored
beside the records in the unit of work's transaction (issue 19).

A stage history is append-only: :meth:`StageHistoryStore.save` takes the lead's whole
history, refuses one that does not extend the stored one (a step changed or dropped), and
stores the new steps. In SQLite and PostgreSQL each step is a row of
``leadkit_stage_step`` (a transition, ``kind = 't'``, or a status change, ``'s'``, at its
``position``; ``value`` is the stage or status, ``at`` microseconds since 1970 UTC) whose
``data`` is the step as JSON through :mod:`leadkit.io`'s converter. A routing decision
(:class:`~leadkit.routing.RecordedDecision`) is a row of ``leadkit_routing_decision``.
In memory, writes go to an overlay checked and applied at commit.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from leadkit.errors import NotFoundError, ValidationError
from leadkit.io import structure, unstructure
from leadkit.repository._keyed import KeyedOverlay
from leadkit.repository._state import to_micros

if TYPE_CHECKING:
    from leadkit.routing import RecordedDecision
    from leadkit.stages import StageHistory, StatusChange, Transition

__all__ = [
    "HISTORY_SCHEMA_POSTGRES",
    "HISTORY_SCHEMA_SQLITE",
    "MemoryRoutingDecisions",
    "MemoryStageHistories",
    "PostgresRoutingDecisions",
    "PostgresStageHistories",
    "RoutingDecisionStore",
    "SqliteRoutingDecisions",
    "SqliteStageHistories",
    "StageHistoryStore",
]

Guard = Callable[[], None]
Execute = Callable[[str, Sequence[Any]], Any]

HISTORY_SCHEMA_SQLITE = (
    "CREATE TABLE leadkit_stage_step (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
    "lead_id TEXT NOT NULL, kind TEXT NOT NULL, position INTEGER NOT NULL, "
    "at INTEGER NOT NULL, value TEXT NOT NULL, data TEXT NOT NULL, "
    "UNIQUE (lead_id, kind, position));"
    "CREATE TABLE leadkit_routing_decision (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
    "lead_id TEXT NOT NULL, at INTEGER NOT NULL, owner TEXT NOT NULL, data TEXT NOT NULL);"
    "CREATE INDEX leadkit_routing_decision_lead ON leadkit_routing_decision (lead_id, seq)"
)
HISTORY_SCHEMA_POSTGRES = (
    "CREATE TABLE leadkit_stage_step (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
    "lead_id TEXT NOT NULL, kind TEXT NOT NULL, position INTEGER NOT NULL, "
    "at BIGINT NOT NULL, value TEXT NOT NULL, data JSON NOT NULL, "
    "UNIQUE (lead_id, kind, position));"
    "CREATE TABLE leadkit_routing_decision (seq BIGINT GENERATED ALWAYS AS IDENTITY "
    "PRIMARY KEY, lead_id TEXT NOT NULL, at BIGINT NOT NULL, owner TEXT NOT NULL, "
    "data JSON NOT NULL);"
    "CREATE INDEX leadkit_routing_decision_lead ON leadkit_routing_decision (lead_id, seq)"
)


def _dump(value: object) -> str:
    return json.dumps(unstructure(value), ensure_ascii=False, separators=(",", ":"))


def _plain(data: object) -> Any:
    return json.loads(data) if isinstance(data, str) else data


# -- stage histories ---------------------------------------------------------------------


def _history_type() -> type[StageHistory]:
    from leadkit.stages import StageHistory

    return StageHistory


def _check_history(history: object) -> StageHistory:
    cls = _history_type()
    if not isinstance(history, cls):
        raise ValidationError(
            f"expects a StageHistory, got {type(history).__name__}", path="stage_histories.save"
        )
    return history


def _new_steps(stored: StageHistory | None, history: StageHistory) -> tuple[int, int]:
    """How many transitions and status changes of ``history`` are stored already; refuses
    a history that does not extend the stored one."""
    if stored is None:
        return 0, 0
    kept_t, kept_s = len(stored.transitions), len(stored.status_changes)
    if (
        history.transitions[:kept_t] != stored.transitions
        or history.status_changes[:kept_s] != stored.status_changes
    ):
        raise ValidationError(
            f"lead {history.lead_id}: a stage history is append-only, and this one does not "
            f"extend the stored one ({kept_t} transitions, {kept_s} status changes); load "
            "it again and apply the change to what is stored",
            path=f"stage_histories.{history.lead_id}",
        )
    return kept_t, kept_s


def _step_rows(history: StageHistory, kept: tuple[int, int]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for position, step in enumerate(history.transitions[kept[0] :], start=kept[0]):
        rows.append(
            (history.lead_id, "t", position, to_micros(step.at), step.to_stage.value, _dump(step))
        )
    for position, change in enumerate(history.status_changes[kept[1] :], start=kept[1]):
        rows.append(
            (history.lead_id, "s", position, to_micros(change.at), change.status, _dump(change))
        )
    return rows


def _histories(rows: Iterable[tuple[str, str, object]]) -> list[StageHistory]:
    """Histories from (lead_id, kind, data) rows in ``seq`` order, in the order of each
    lead's first row."""
    from leadkit.stages import StageHistory, StatusChange, Transition

    steps: dict[str, tuple[list[Transition], list[StatusChange]]] = {}
    for lead_id, kind, data in rows:
        transitions, changes = steps.setdefault(lead_id, ([], []))
        where = f"stage_histories.{lead_id}"
        if kind == "t":
            transitions.append(structure(_plain(data), Transition, root=where))
        else:
            changes.append(structure(_plain(data), StatusChange, root=where))
    return [StageHistory(lead, t, status_changes=s) for lead, (t, s) in steps.items()]


class StageHistoryStore:
    """The operations every adapter shares, over :meth:`_rows`."""

    def _rows(self, lead_id: str | None) -> list[StageHistory]:
        raise NotImplementedError

    def _insert(self, history: StageHistory, kept: tuple[int, int]) -> None:
        raise NotImplementedError

    def save(self, history: StageHistory, /) -> StageHistory:
        """Store the lead's history: its steps after those stored already (the stored
        history must be a prefix of it, else ``ValidationError`` and nothing changes)."""
        history = _check_history(history)
        kept = _new_steps(self.find(history.lead_id), history)
        if kept != (len(history.transitions), len(history.status_changes)):
            self._insert(history, kept)
        return history

    def find(self, lead_id: str, /) -> StageHistory | None:
        """The lead's stored history, or None if nothing was stored for it."""
        found = self._rows(lead_id)
        return found[0] if found else None

    def get(self, lead_id: str, /) -> StageHistory:
        """The lead's stored history; ``NotFoundError`` if nothing was stored for it."""
        found = self.find(lead_id)
        if found is None:
            raise NotFoundError(
                f"no stage history is stored for lead {lead_id!r}",
                path=f"stage_histories.{lead_id}",
            )
        return found

    def of(self, lead_id: str, /) -> StageHistory:
        """The lead's stored history, or an empty one (the start of every lead's)."""
        found = self.find(lead_id)
        return found if found is not None else _history_type()(lead_id)

    def all(self) -> list[StageHistory]:
        """Every stored history, in the order each lead's was first saved."""
        return self._rows(None)

    def __len__(self) -> int:
        return len(self._rows(None))


class MemoryStageHistories(StageHistoryStore):
    """Stage histories of an in-memory store, through one unit of work's overlay."""

    def __init__(self, committed: dict[str, StageHistory], guard: Guard) -> None:
        self.overlay: KeyedOverlay[str, StageHistory] = KeyedOverlay(committed, guard)

    def _rows(self, lead_id: str | None) -> list[StageHistory]:
        if lead_id is not None:
            found = self.overlay.get(lead_id)
            return [] if found is None else [found]
        return self.overlay.values()

    def _insert(self, history: StageHistory, kept: tuple[int, int]) -> None:
        self.overlay.put(history.lead_id, history)


_STEP_COLUMNS = "lead_id, kind, position, at, value, data"


class SqliteStageHistories(StageHistoryStore):
    """Stage histories in ``leadkit_stage_step``, on the unit of work's connection."""

    def __init__(self, connection: Callable[[], sqlite3.Connection], guard: Guard) -> None:
        self._connection = connection
        self._guard = guard

    def _rows(self, lead_id: str | None) -> list[StageHistory]:
        self._guard()
        where, values = (" WHERE lead_id = ?", (lead_id,)) if lead_id is not None else ("", ())
        rows = self._connection().execute(
            f"SELECT lead_id, kind, data FROM leadkit_stage_step{where} ORDER BY seq", values
        )
        return _histories(rows.fetchall())

    def _insert(self, history: StageHistory, kept: tuple[int, int]) -> None:
        self._guard()
        self._connection().executemany(
            f"INSERT INTO leadkit_stage_step ({_STEP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            _step_rows(history, kept),
        )


class PostgresStageHistories(StageHistoryStore):
    """Stage histories in ``leadkit_stage_step``, on the unit of work's connection."""

    def __init__(self, execute: Execute) -> None:
        self._execute = execute

    def _rows(self, lead_id: str | None) -> list[StageHistory]:
        where, values = (" WHERE lead_id = %s", (lead_id,)) if lead_id is not None else ("", ())
        rows = self._execute(
            f"SELECT lead_id, kind, data::text FROM leadkit_stage_step{where} ORDER BY seq", values
        )
        return _histories(rows.fetchall())

    def _insert(self, history: StageHistory, kept: tuple[int, int]) -> None:
        for row in _step_rows(history, kept):
            self._execute(
                f"INSERT INTO leadkit_stage_step ({_STEP_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)",
                row,
            )


# -- routing decisions ---------------------------------------------------------------------


def _decision_type() -> type[RecordedDecision]:
    from leadkit.routing import RecordedDecision

    return RecordedDecision


def _check_decision(decision: object) -> RecordedDecision:
    cls = _decision_type()
    if not isinstance(decision, cls):
        raise ValidationError(
            f"expects a RecordedDecision (RecordedDecision.of(decision, at=...)), got "
            f"{type(decision).__name__}",
            path="routing_decisions.add",
        )
    return decision


class RoutingDecisionStore:
    """The operations every adapter shares, over :meth:`_rows` (in the order added)."""

    def _rows(self, lead_id: str | None) -> list[RecordedDecision]:
        raise NotImplementedError

    def _insert(self, decision: RecordedDecision) -> None:
        raise NotImplementedError

    def add(self, decision: RecordedDecision, /) -> RecordedDecision:
        """Keep a routing decision (a :class:`~leadkit.routing.RecordedDecision`)."""
        decision = _check_decision(decision)
        self._insert(decision)
        return decision

    def by_lead(self, lead_id: str, /) -> list[RecordedDecision]:
        """The lead's decisions, in the order they were kept (oldest first)."""
        return self._rows(lead_id)

    def latest(self, lead_id: str, /) -> RecordedDecision | None:
        """The lead's last kept decision, or None."""
        found = self._rows(lead_id)
        return found[-1] if found else None

    def assigned_at(self, lead_ids: Iterable[str] | None = None, /) -> dict[str, datetime]:
        """When each lead (of ``lead_ids``, else every lead with a decision) was last
        routed: the start of its first-response clock
        (:func:`leadkit.worklists.first_responses`)."""
        wanted = None if lead_ids is None else set(lead_ids)
        times: dict[str, datetime] = {}
        for decision in self._rows(None):
            if wanted is None or decision.lead_id in wanted:
                times[decision.lead_id] = decision.at
        return times

    def all(self) -> list[RecordedDecision]:
        """Every kept decision, in the order kept."""
        return self._rows(None)

    def __len__(self) -> int:
        return len(self._rows(None))


class MemoryRoutingDecisions(RoutingDecisionStore):
    """Routing decisions of an in-memory store, through one unit of work's overlay."""

    def __init__(self, committed: dict[int, RecordedDecision], guard: Guard) -> None:
        self.overlay: KeyedOverlay[int, RecordedDecision] = KeyedOverlay(committed, guard)
        self._committed = committed

    def _rows(self, lead_id: str | None) -> list[RecordedDecision]:
        return [d for d in self.overlay.values() if lead_id is None or d.lead_id == lead_id]

    def _insert(self, decision: RecordedDecision) -> None:
        # Keys are the order of insertion; a key another unit takes first is a conflict
        # at commit (both units appended "the next" decision: the second one retries).
        self.overlay.put(len(self._committed) + len(self.overlay.writes), decision)


_DECISION_COLUMNS = "lead_id, at, owner, data"


def _decisions(rows: Iterable[tuple[object]]) -> list[RecordedDecision]:
    cls = _decision_type()
    return [structure(_plain(data), cls, root="routing_decisions") for (data,) in rows]


def _decision_row(decision: RecordedDecision) -> tuple[Any, ...]:
    return (decision.lead_id, to_micros(decision.at), str(decision.owner), _dump(decision))


class SqliteRoutingDecisions(RoutingDecisionStore):
    """Routing decisions in ``leadkit_routing_decision``, on the unit's connection."""

    def __init__(self, connection: Callable[[], sqlite3.Connection], guard: Guard) -> None:
        self._connection = connection
        self._guard = guard

    def _rows(self, lead_id: str | None) -> list[RecordedDecision]:
        self._guard()
        where, values = (" WHERE lead_id = ?", (lead_id,)) if lead_id is not None else ("", ())
        rows = self._connection().execute(
            f"SELECT data FROM leadkit_routing_decision{where} ORDER BY seq", values
        )
        return _decisions(rows.fetchall())

    def _insert(self, decision: RecordedDecision) -> None:
        self._guard()
        self._connection().execute(
            f"INSERT INTO leadkit_routing_decision ({_DECISION_COLUMNS}) VALUES (?, ?, ?, ?)",
            _decision_row(decision),
        )


class PostgresRoutingDecisions(RoutingDecisionStore):
    """Routing decisions in ``leadkit_routing_decision``, on the unit's connection."""

    def __init__(self, execute: Execute) -> None:
        self._execute = execute

    def _rows(self, lead_id: str | None) -> list[RecordedDecision]:
        where, values = (" WHERE lead_id = %s", (lead_id,)) if lead_id is not None else ("", ())
        rows = self._execute(
            f"SELECT data::text FROM leadkit_routing_decision{where} ORDER BY seq", values
        )
        return _decisions(rows.fetchall())

    def _insert(self, decision: RecordedDecision) -> None:
        self._execute(
            f"INSERT INTO leadkit_routing_decision ({_DECISION_COLUMNS}) VALUES (%s, %s, %s, %s)",
            _decision_row(decision),
        )
