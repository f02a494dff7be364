"""Running a worklist against a unit of work: in the database on SQLite, in Python
elsewhere, with the same answer (a parity property in the tests)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs

from leadkit._checks import aware_datetime
from leadkit.errors import SqlCompileError, ValidationError
from leadkit.model import Activity, Lead, OwnerRef
from leadkit.repository import UnitOfWork
from leadkit.repository._state import to_micros
from leadkit.rules import Condition, compile, field
from leadkit.worklists._worklist import (
    DONE,
    Worklist,
    activity_event,
    activity_events,
    needs_stage,
    rep_event,
    sort_key,
    stage_event,
    stage_event_of,
)

__all__ = ["WorklistPage", "run_worklist"]


@attrs.frozen(slots=True)
class WorklistPage:
    """One page of a worklist: its ``leads`` in order, the page number (from 1), and
    whether a next page has leads (``more``)."""

    worklist: str
    page: int
    leads: tuple[Lead, ...]
    more: bool


def _condition(worklist: Worklist, owners: Sequence[str] | None) -> Condition | None:
    condition = worklist.condition
    if owners is not None:
        mine = field("owner.id").is_in(list(owners)) if owners else field("owner.id").is_in(["\0"])
        condition = mine if condition is None else condition & mine
    return condition


def _python(
    uow: UnitOfWork, condition: Condition | None, worklist: Worklist, when: datetime
) -> list[Lead]:
    compiled = compile(condition) if condition is not None else None
    stages = needs_stage(condition)
    chosen = []
    for lead in uow.leads.all():
        if compiled is not None:
            history: list[Any] = []
            if compiled.needs_events:
                history = [
                    e for e in uow.engagement_events.by_lead(lead.id) if e.occurred_at <= when
                ]
                acts: list[Activity] = [*uow.tasks.by_lead(lead.id), *uow.events.by_lead(lead.id)]
                history += activity_events(acts, as_of=when)
                if stages:
                    stored = uow.stage_histories.find(lead.id)
                    stage = stage_event(stored, as_of=when) if stored is not None else None
                    if stage is not None:
                        history.append(stage)
            if not compiled(lead, history, as_of=when):
                continue
        chosen.append(lead)
    chosen.sort(key=lambda lead: lead.id)
    for key in reversed(worklist.sort):
        present = [lead for lead in chosen if sort_key(lead, key.path) is not None]
        missing = [lead for lead in chosen if sort_key(lead, key.path) is None]
        present.sort(key=lambda lead: sort_key(lead, key.path), reverse=key.descending)  # type: ignore[arg-type, return-value]
        chosen = present + missing
    return chosen


# -- SQLite --------------------------------------------------------------------------------


def _activity_json(kind: str, data: str, as_of: float) -> str | None:
    from leadkit.io import structure, unstructure
    from leadkit.model import Event, Task

    plain = json.loads(data)
    record: Activity = structure(plain, Task) if kind == "task" else structure(plain, Event)
    event = activity_event(record, as_of=datetime.fromtimestamp(as_of, UTC))
    if event is None:
        return None
    return json.dumps(unstructure(event), ensure_ascii=False)


def _stage_json(lead_id: str, stage: str, at: int) -> str:
    from leadkit.io import unstructure
    from leadkit.repository._state import from_micros

    event = stage_event_of(lead_id, stage, from_micros(at))
    return json.dumps(unstructure(event), ensure_ascii=False)


def _rep_json(lead_id: str, owner: str, first: float) -> str:
    from leadkit.io import unstructure

    event = rep_event(lead_id, owner, datetime.fromtimestamp(first, UTC))
    return json.dumps(unstructure(event), ensure_ascii=False)


_EVENTS = """
WITH acts AS (
  SELECT lead_id AS __lead, leadkit_activity_event('task', data, :as_of) AS data
    FROM tasks WHERE lead_id IS NOT NULL
  UNION ALL
  SELECT lead_id, leadkit_activity_event('event', data, :as_of) FROM events
    WHERE lead_id IS NOT NULL
), done AS (
  SELECT __lead, leadkit_event_value(data, 'owner', 'text', 0) AS o,
         leadkit_event_value(data, 'occurred_at', 'datetime', 0) AS t
    FROM acts WHERE data IS NOT NULL
     AND leadkit_event_value(data, 'kind', 'text', 0) = '{done}'
), stage AS (
  SELECT lead_id AS __lead, leadkit_stage_json(lead_id, value, at) AS data FROM (
    SELECT lead_id, value, at, MAX(position) FROM leadkit_stage_step
     WHERE kind = 't' AND at <= :as_of_us GROUP BY lead_id)
), every AS (
  SELECT lead_id AS __lead, data FROM engagement_events WHERE lead_id IS NOT NULL
  UNION ALL SELECT __lead, data FROM acts WHERE data IS NOT NULL{stage}
  UNION ALL SELECT __lead, leadkit_rep_json(__lead, o, MIN(t)) FROM done
    WHERE o IS NOT NULL GROUP BY __lead, o
), e AS (
  SELECT __lead, leadkit_event_value(data, 'occurred_at', 'datetime', 0) AS __ts, data
    FROM every
)
""".replace("{done}", DONE)
_STAGE_UNION = "\n  UNION ALL SELECT __lead, data FROM stage"


def _sqlite_query(condition: Condition | None, worklist: Worklist, when: datetime) -> str:
    from leadkit.rules import FieldRef, Kind, info_of
    from leadkit.sql import DIALECTS, ConditionCompiler
    from leadkit.sql._sources import RecordSource

    compiler = ConditionCompiler(
        DIALECTS["sqlite"], when, RecordSource("l"), RecordSource("e", events=True)
    )
    where = compiler.predicate(condition).sql(dialect="sqlite") if condition is not None else "1"
    families = {Kind.TEXT: "text", Kind.ENUM: "text", Kind.NUMBER: "number",
                Kind.MONEY: "number", Kind.BOOL: "bool", Kind.DATE: "date",
                Kind.DATETIME: "datetime"}  # fmt: skip
    order = []
    for key in worklist.sort:
        family = families[info_of(FieldRef(key.path)).kind]
        # Read the stored value as is: the epoch() of a datetime is already seconds.
        value = RecordSource("l").value(key.path, family, typed=True).sql(dialect="sqlite")
        order.append(f"({value}) IS NULL, ({value}) {'DESC' if key.descending else 'ASC'}")
    order.append('"l"."id"')
    text = ""
    join = ""
    if compiler.aggregates.items:
        columns = ", ".join(c.sql(dialect="sqlite") for c in compiler.aggregates.columns())
        text = _EVENTS.replace("{stage}", _STAGE_UNION if needs_stage(condition) else "")
        join = (
            f'LEFT JOIN (SELECT "e"."__lead" AS "__lead", {columns} FROM e '
            f'WHERE "e"."__ts" <= :as_of GROUP BY "e"."__lead") AS "{compiler.aggregate_table}" '
            f'ON "{compiler.aggregate_table}"."__lead" = "l"."id"'
        )
    return (
        f'{text}SELECT "l"."id" FROM leads AS "l" {join} WHERE {where} '
        f"ORDER BY {', '.join(order)} LIMIT :limit OFFSET :offset"
    )


def _sqlite(
    path: str, condition: Condition | None, worklist: Worklist, when: datetime, page: int
) -> list[str]:
    from leadkit.sql._run import _event_value, _lead_value, _register_search

    query = _sqlite_query(condition, worklist, when)
    # A URI built by pathlib escapes the characters (?, #, %) a file name may hold.
    connection = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        _register_search(connection)
        connection.create_function("leadkit_lead_value", 4, _lead_value, deterministic=True)
        connection.create_function("leadkit_event_value", 4, _event_value, deterministic=True)
        connection.create_function("leadkit_activity_event", 3, _activity_json, deterministic=True)
        connection.create_function("leadkit_rep_json", 3, _rep_json, deterministic=True)
        connection.create_function("leadkit_stage_json", 3, _stage_json, deterministic=True)
        rows = connection.execute(
            query,
            {
                "as_of": when.timestamp(),
                "as_of_us": to_micros(when),
                "limit": worklist.page_size + 1,
                "offset": (page - 1) * worklist.page_size,
            },
        ).fetchall()
    except sqlite3.Error as exc:
        raise ValidationError(
            f"SQLite could not run worklist {worklist.name!r}: {exc}", path=("worklist",)
        ) from None
    finally:
        connection.close()
    return [row[0] for row in rows]


def run_worklist(
    uow: UnitOfWork,
    worklist: Worklist,
    *,
    as_of: datetime,
    page: int = 1,
    owners: Iterable[str | OwnerRef] | None = None,
    in_database: bool | None = None,
) -> WorklistPage:
    """Page ``page`` of ``worklist`` over the leads of ``uow`` (an active unit of work) at
    ``as_of``; ``owners`` (user or queue ids) narrows it to a team's leads.

    On a :class:`~leadkit.repository.SqliteUnitOfWork` the condition, sort and paging run
    in SQLite (the condition rendered by :mod:`leadkit.sql`'s compiler over the stored
    records; needs ``leadkit[sql]``), reading what is committed. On a
    :class:`~leadkit.repository.PostgresUnitOfWork` they run in PostgreSQL (the
    ``postgres`` dialect over the records' JSON, in the unit's transaction), when the
    condition names only fields PostgreSQL can read (see
    :data:`leadkit.worklists._postgres.FIELDS`); otherwise, and on other units of work,
    the leads are filtered in Python. ``in_database=False`` forces Python;
    ``in_database=True`` insists on the database (a condition PostgreSQL cannot read is
    then a :class:`~leadkit.errors.SqlCompileError`).
    """
    from leadkit.repository import SqliteUnitOfWork
    from leadkit.repository._postgres import PostgresUnitOfWork

    if not isinstance(worklist, Worklist):
        raise ValidationError(
            f"expected a Worklist, got {type(worklist).__name__}", path="worklist"
        )
    when = aware_datetime(as_of)
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise ValidationError(f"page is a whole number from 1, got {page!r}", path="page")
    team = None if owners is None else [o.id if isinstance(o, OwnerRef) else o for o in owners]
    condition = _condition(worklist, team)
    size = worklist.page_size
    postgres = isinstance(uow, PostgresUnitOfWork)
    database = (
        (isinstance(uow, SqliteUnitOfWork) or postgres) if in_database is None else in_database
    )
    if database and postgres:
        from leadkit.worklists._postgres import run_postgres

        try:
            ids = run_postgres(uow, condition, worklist, when, page)
        except SqlCompileError:
            if in_database:
                raise
        else:
            leads = uow.leads.get_many(ids[:size])
            return WorklistPage(worklist.name, page, tuple(leads), len(ids) > size)
    elif database:
        if not isinstance(uow, SqliteUnitOfWork):
            raise ValidationError(
                "in_database=True needs a SqliteUnitOfWork or a PostgresUnitOfWork",
                path="in_database",
            )
        ids = _sqlite(uow.path, condition, worklist, when, page)
        leads = uow.leads.get_many(ids[:size])
        return WorklistPage(worklist.name, page, tuple(leads), len(ids) > size)
    chosen = _python(uow, condition, worklist, when)
    start = (page - 1) * size
    return WorklistPage(
        worklist.name, page, tuple(chosen[start : start + size]), len(chosen) > start + size
    )
