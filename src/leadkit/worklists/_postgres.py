"""Worklists on PostgreSQL, in the database: the condition compiled by :mod:`leadkit.sql`
with the ``postgres`` dialect over the JSON records a
:class:`~leadkit.repository.PostgresUnitOfWork` stores.

PostgreSQL cannot run leadkit's getters (SQLite can, through registered functions), so
values are read from the records' JSON with its operators: the stored fields a worklist
filters and sorts on (:data:`FIELDS`), custom fields and event properties by the type
of their JSON value (dates, datetimes and decimals as leadkit's converter tags them),
text compared by code point (``COLLATE "C"``, as Python compares). A condition on any
other field (a derived one such as ``email_domain``, ``address.region``) or on
normalised text cannot be read there: :class:`~leadkit.errors.SqlCompileError`, and
:func:`~leadkit.worklists.run_worklist` filters in Python instead.

The activity, rep and stage events of :mod:`leadkit.worklists._worklist` are built in
the query from the ``tasks``, ``events`` and ``leadkit_stage_step`` tables, with the
meaning :func:`~leadkit.worklists.activity_events` and
:func:`~leadkit.worklists.stage_event` give them in Python (a parity test runs both).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

import attrs

from leadkit.errors import SqlCompileError, ValidationError
from leadkit.repository._state import to_micros
from leadkit.rules import Condition, FieldRef, info_of
from leadkit.worklists._worklist import (
    DONE,
    PLANNED,
    REP,
    STAGE_EVENT,
    Worklist,
    needs_stage,
)

if TYPE_CHECKING:
    from leadkit.sql._deps import exp

__all__ = ["FIELDS", "postgres_query", "run_postgres"]

FIELDS: Final[dict[str, tuple[tuple[str, ...], str]]] = {
    **{
        name: ((name,), "text")
        for name in (
            "id",
            "company",
            "title",
            "department",
            "email",
            "phone",
            "mobile",
            "website",
            "industry",
            "lead_source",
            "status",
            "description",
            "master_record_id",
            "rating",
        )
    },
    "owner.kind": (("owner", "kind"), "text"),
    "owner.id": (("owner", "id"), "text"),
    "employees": (("employees",), "number"),
    "email_opt_out": (("email_opt_out",), "bool"),
    "do_not_call": (("do_not_call",), "bool"),
    "created_at": (("created_at",), "datetime"),
    "is_converted": (("conversion",), "bool"),
    "is_merged": (("master_record_id",), "bool"),
}
"""The lead fields read in PostgreSQL: path -> (JSON keys, family)."""

_EVENT_ATTRIBUTES = ("id", "kind", "lead_id", "contact_id")


def _key(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _json(alias: str, keys: tuple[str, ...], *, text: bool) -> str:
    """``"alias"."data" -> 'a' ->> 'b'`` (the last step as text when ``text``)."""
    out = f'"{alias}"."data"'
    for position, key in enumerate(keys):
        last = position == len(keys) - 1
        out += f" {'->>' if last and text else '->'} {_key(key)}"
    return out


def _epoch(text: str) -> str:
    return f"CAST(EXTRACT(EPOCH FROM CAST({text} AS TIMESTAMPTZ)) AS DOUBLE PRECISION)"


def _typed(value: str, family: str) -> str:
    """A JSON value of runtime type (a custom field, an event property) in ``family``,
    NULL when it is of another: as :func:`leadkit.sql._cells.canonical` reads it."""
    kind = f"jsonb_typeof({value})"
    if family == "text":
        return f"CASE WHEN {kind} = 'string' THEN ({value} #>> '{{}}') COLLATE \"C\" END"
    if family == "number":
        return (
            f"CASE WHEN {kind} = 'number' THEN CAST({value} #>> '{{}}' AS DOUBLE PRECISION) "
            f"WHEN jsonb_typeof({value} -> '$decimal') = 'string' "
            f"THEN CAST({value} ->> '$decimal' AS DOUBLE PRECISION) END"
        )
    if family == "bool":
        return f"CASE WHEN {kind} = 'boolean' THEN CAST({value} #>> '{{}}' AS BOOLEAN) END"
    if family == "date":
        return f"CAST({value} ->> '$date' AS DATE)"
    if family == "datetime":
        return _epoch(f"{value} ->> '$datetime'")
    raise SqlCompileError(f"no PostgreSQL reading for family {family!r}")  # pragma: no cover


def _parse(sql: str) -> exp.Expr:
    from leadkit.sql._deps import sqlglot

    # In parentheses: the compiler puts values into larger expressions (``= FALSE``).
    parsed: exp.Expr = sqlglot.parse_one(f"({sql})", read="postgres")
    return parsed


@attrs.frozen(slots=True)
class JsonRecordSource:
    """Values of the JSON records in column ``data`` of table ``alias`` (``jsonb``)."""

    alias: str
    events: bool = False

    def value(self, name: str, family: str, *, typed: bool, normalise: bool = False) -> exp.Expr:
        if normalise:
            raise SqlCompileError(
                f"{name}: normalised text is computed by leadkit, not by PostgreSQL",
                path=name,
            )
        if self.events:
            if name == "occurred_at":
                return _parse(f'"{self.alias}"."__ts"')
            if name in _EVENT_ATTRIBUTES:
                return _parse(f'({_json(self.alias, (name,), text=True)}) COLLATE "C"')
            return _parse(_typed(_json(self.alias, ("properties", name), text=False), family))
        if name.startswith("custom."):
            custom = ("custom", name[len("custom.") :])
            return _parse(_typed(_json(self.alias, custom, text=False), family))
        found = FIELDS.get(name)
        if found is None or found[1] != family:
            raise SqlCompileError(
                f"{name} is not read in PostgreSQL's JSON (only stored fields are)", path=name
            )
        keys, _ = found
        text = _json(self.alias, keys, text=True)
        if name == "is_converted":
            return _parse(
                f"COALESCE(jsonb_typeof({_json(self.alias, keys, text=False)}), 'null') <> 'null'"
            )
        if name == "is_merged":
            return _parse(f"({text}) IS NOT NULL")
        if family == "text":
            return _parse(f'({text}) COLLATE "C"')
        if family == "number":
            return _parse(f"CAST({text} AS DOUBLE PRECISION)")
        if family == "bool":
            return _parse(f"CAST({text} AS BOOLEAN)")
        return _parse(_epoch(text))


def _events_sql(as_of: datetime, *, stages: bool) -> str:
    moment = f"CAST('{as_of.isoformat()}' AS TIMESTAMPTZ)"
    done_task = (
        "j ->> 'status' = 'completed' AND "
        f"CAST(COALESCE(j ->> 'completed_at', j ->> 'created_at') AS TIMESTAMPTZ) <= {moment}"
    )
    return f"""
WITH acts AS (
  SELECT lead_id AS __lead, j, 'task' AS typ,
         CASE WHEN {done_task} THEN '{DONE}' ELSE '{PLANNED}' END AS kind,
         CASE WHEN {done_task}
              THEN CAST(COALESCE(j ->> 'completed_at', j ->> 'created_at') AS TIMESTAMPTZ)
              ELSE CAST(j ->> 'created_at' AS TIMESTAMPTZ) END AS at
    FROM (SELECT lead_id, data::jsonb AS j FROM tasks WHERE lead_id IS NOT NULL) AS t
  UNION ALL
  SELECT lead_id, j, 'event', '{DONE}', CAST(j ->> 'start' AS TIMESTAMPTZ)
    FROM (SELECT lead_id, data::jsonb AS j FROM events WHERE lead_id IS NOT NULL) AS v
   WHERE CAST(j ->> 'end' AS TIMESTAMPTZ) <= {moment}
), act AS (
  SELECT __lead, kind, j -> 'owner' ->> 'id' AS owner, at,
         jsonb_build_object('id', j ->> 'id', 'kind', kind, 'lead_id', __lead,
           'properties', jsonb_strip_nulls(jsonb_build_object('type', typ,
             'owner', j -> 'owner' ->> 'id'))) AS data
    FROM acts WHERE at <= {moment}
), e AS (
  SELECT lead_id AS __lead, data::jsonb AS data,
         {_epoch("data::jsonb ->> 'occurred_at'")} AS __ts
    FROM engagement_events WHERE lead_id IS NOT NULL
  UNION ALL
  SELECT __lead, data, CAST(EXTRACT(EPOCH FROM at) AS DOUBLE PRECISION) FROM act
  UNION ALL
  SELECT __lead, jsonb_build_object('id', 'rep:' || __lead || ':' || owner, 'kind', '{REP}',
           'lead_id', __lead, 'properties', jsonb_build_object('owner', owner)),
         CAST(EXTRACT(EPOCH FROM MIN(at)) AS DOUBLE PRECISION)
    FROM act WHERE kind = '{DONE}' AND owner IS NOT NULL GROUP BY __lead, owner
{_STAGES.replace(":as_of_us", str(to_micros(as_of))) if stages else ""}
)
"""


# The stage.current events, from the stored stage steps (only when a condition counts
# them: see needs_stage).
_STAGES = f"""\
  UNION ALL
  SELECT * FROM (
    SELECT DISTINCT ON (lead_id) lead_id,
           jsonb_build_object('id', 'stage:' || lead_id, 'kind', '{STAGE_EVENT}',
             'lead_id', lead_id, 'properties', jsonb_build_object('stage', value)),
           at / 1000000.0
      FROM leadkit_stage_step WHERE kind = 't' AND at <= :as_of_us
     ORDER BY lead_id, position DESC) AS s"""


def postgres_query(
    condition: Condition | None, worklist: Worklist, as_of: datetime, page: int
) -> str:
    """The SQL of one page (plus one lead, to know if there is more) of ``worklist``;
    :class:`~leadkit.errors.SqlCompileError` if it cannot run in PostgreSQL."""
    from leadkit.sql import DIALECTS, ConditionCompiler
    from leadkit.sql._layout import FAMILY_OF_KIND

    compiler = ConditionCompiler(
        DIALECTS["postgres"], as_of, JsonRecordSource("l"), JsonRecordSource("e", events=True)
    )
    where = "TRUE"
    if condition is not None:
        where = compiler.predicate(condition).sql(dialect="postgres")
    order = []
    for key in worklist.sort:
        family = FAMILY_OF_KIND[info_of(FieldRef(key.path)).kind]
        value = JsonRecordSource("l").value(key.path, family, typed=True).sql(dialect="postgres")
        order.append(f"({value}) IS NULL, ({value}) {'DESC' if key.descending else 'ASC'}")
    order.append('"l"."id" COLLATE "C"')
    text, join = "", ""
    if compiler.aggregates.items:
        columns = ", ".join(c.sql(dialect="postgres") for c in compiler.aggregates.columns())
        text = _events_sql(as_of, stages=needs_stage(condition))
        table = compiler.aggregate_table
        join = (
            f'LEFT JOIN (SELECT "e"."__lead" AS "__lead", {columns} FROM e AS "e" '
            f'WHERE "e"."__ts" <= {as_of.timestamp()!r} GROUP BY "e"."__lead") AS "{table}" '
            f'ON "{table}"."__lead" = "l"."id"'
        )
    size = worklist.page_size
    return (
        f'{text}SELECT "l"."id" FROM (SELECT id, data::jsonb AS data FROM leads) AS "l" {join} '
        f"WHERE {where} ORDER BY {', '.join(order)} "
        f"LIMIT {size + 1} OFFSET {(page - 1) * size}"
    )


def run_postgres(
    uow: Any, condition: Condition | None, worklist: Worklist, as_of: datetime, page: int
) -> list[str]:
    """The ids of one page (and one more) of ``worklist``, filtered, sorted and paged by
    PostgreSQL in the unit of work's transaction (it sees the unit's own writes)."""
    from leadkit.errors import DatabaseError

    query = postgres_query(condition, worklist, as_of, page)
    try:
        # No parameters: a % in a literal is not a placeholder.
        rows = uow._guarded_execute(query.replace("%", "%%"), ()).fetchall()
    except DatabaseError as exc:
        raise ValidationError(
            f"PostgreSQL could not run worklist {worklist.name!r}: {exc.message}",
            path=("worklist",),
        ) from None
    return [row[0] for row in rows]
