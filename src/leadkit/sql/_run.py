"""Compiling to text per dialect, and running the queries on DuckDB and SQLite."""

from __future__ import annotations

import functools
import json
import os
import re
import sqlite3
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from leadkit._checks import aware_datetime
from leadkit.errors import LeadkitError, SqlCompileError
from leadkit.model import EngagementEvent, Lead, normalise_text
from leadkit.rules import FieldRef, PropRef, info_of
from leadkit.scoring import GradingProfile, ScoringModel
from leadkit.sql._cells import canonical, sqlite_cell
from leadkit.sql._conditions import ConditionCompiler
from leadkit.sql._decisions import Decisions, wrap
from leadkit.sql._deps import exp, sqlglot
from leadkit.sql._dialect import DIALECTS, Dialect, dialect_of
from leadkit.sql._queries import Tables, build_query
from leadkit.sql._sources import ColumnSource, RecordSource

if TYPE_CHECKING:
    from leadkit.routing import AssignmentRules
    from leadkit.stages import StagePolicy

__all__ = [
    "compile_query",
    "score_duckdb",
    "score_sqlite",
    "score_sqlite_records",
    "to_sql",
]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _check_inputs(
    model: ScoringModel | None,
    profile: GradingProfile | None,
    as_of: object,
    *others: object,
) -> datetime:
    if model is None and profile is None and all(o is None for o in others):
        raise SqlCompileError(
            "give a scoring model, a grading profile, a stage policy or assignment rules",
            path="model",
        )
    if model is not None and not isinstance(model, ScoringModel):
        raise SqlCompileError(f"expected a ScoringModel, got {type(model).__name__}", path="model")
    if profile is not None and not isinstance(profile, GradingProfile):
        raise SqlCompileError(
            f"expected a GradingProfile, got {type(profile).__name__}", path="profile"
        )
    return aware_datetime(as_of, error=SqlCompileError)


def _table(name: object, what: str) -> exp.Expr:
    if isinstance(name, exp.Expr):
        return name
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise SqlCompileError(
            f"the {what} table is named by an identifier (letters, digits, _), got {name!r}",
            path=what,
        )
    return exp.to_table(name, quoted=True)


def compile_query(
    model: ScoringModel | None = None,
    *,
    profile: GradingProfile | None = None,
    as_of: datetime,
    dialect: str = "duckdb",
    leads: str = "leads",
    events: str = "events",
    columns: Mapping[str, str] | None = None,
    lead_columns: Collection[str] | None = None,
    event_columns: Collection[str] | None = None,
    policy: StagePolicy | None = None,
    assignment: AssignmentRules | None = None,
    owners: bool = True,
) -> exp.Select:
    """The sqlglot SELECT that scores with ``model`` and/or grades with ``profile`` the
    leads of table ``leads`` (events in ``events``) at ``as_of``, in leadkit's column
    layout; ``columns`` renames leadkit columns to the table's (``{"title": "job"}``).
    ``lead_columns``/``event_columns``, when given, are the tables' actual columns: an
    absent runtime-typed column then reads as NULL, any other absent one is an error.

    ``policy`` adds the MQL rule of a stage policy (``is_mql``, ``mql_reason`` and a
    column per check, read against the ``total`` and ``grade`` of ``model`` and
    ``profile``); ``assignment`` adds the first matching entry of an assignment rule set
    (``entry``, ``entry_name`` and, unless ``owners=False``, ``owner`` and
    ``kept_owner``). See :mod:`leadkit.sql._decisions`.

    Raises :class:`~leadkit.errors.SqlCompileError` naming the rule, criterion or entry
    that the dialect (or SQL at all, such as a round robin) cannot express.
    """
    when = _check_inputs(model, profile, as_of, policy, assignment)
    engine = dialect_of(dialect)
    mapping = dict(columns or {})
    lead_source = ColumnSource("l", engine, columns=mapping, available=lead_columns)
    event_source = ColumnSource("e", engine, events=True, columns=mapping, available=event_columns)
    occurred = mapping.get("occurred_at", "occurred_at")
    tables = Tables(
        leads=_table(leads, "leads"),
        events=_table(events, "events"),
        lead_id=exp.column(mapping.get("id", "id"), table="l", quoted=True),
        event_lead=exp.column(mapping.get("lead_id", "lead_id"), table="r", quoted=True),
        event_time=engine.epoch(exp.column(occurred, table="r", quoted=True)),
    )
    compiler = ConditionCompiler(engine, when, lead_source, event_source)
    return _build(compiler, tables, when, model, profile, policy, assignment, owners)


def _build(
    compiler: ConditionCompiler,
    tables: Tables,
    as_of: datetime,
    model: ScoringModel | None,
    profile: GradingProfile | None,
    policy: StagePolicy | None,
    assignment: AssignmentRules | None,
    owners: bool,
) -> exp.Select:
    decisions = Decisions(
        compiler,
        policy=policy,
        assignment=assignment,
        owners=owners,
        scored=model is not None,
        graded=profile is not None,
    )
    query = build_query(
        compiler=compiler,
        tables=tables,
        as_of=as_of,
        model=model,
        profile=profile,
        extra=decisions.extra,
    )
    if decisions.empty:
        return query
    return wrap(query, decisions, query.named_selects)


def to_sql(
    model: ScoringModel | None = None,
    *,
    profile: GradingProfile | None = None,
    as_of: datetime,
    dialect: str = "duckdb",
    leads: str = "leads",
    events: str = "events",
    columns: Mapping[str, str] | None = None,
    pretty: bool = False,
    policy: StagePolicy | None = None,
    assignment: AssignmentRules | None = None,
    owners: bool = True,
) -> str:
    """The query of :func:`compile_query` as text for ``dialect`` (``"duckdb"``,
    ``"sqlite"``, ``"spark"`` or ``"postgres"``)."""
    query = compile_query(
        model,
        profile=profile,
        as_of=as_of,
        dialect=dialect,
        leads=leads,
        events=events,
        columns=columns,
        policy=policy,
        assignment=assignment,
        owners=owners,
    )
    return query.sql(dialect=DIALECTS[dialect].name, pretty=pretty)


# ---------------------------------------------------------------------------------------------
# DuckDB
# ---------------------------------------------------------------------------------------------


def _duckdb_source(connection: Any, source: Any, name: str) -> tuple[exp.Expr, list[str]]:
    """A table name, a Parquet file path or a DuckDB relation, as a FROM item, with its
    columns."""
    if isinstance(source, str) and _IDENTIFIER.match(source):
        item: exp.Expr = exp.to_table(source, quoted=True)
        text = f'SELECT * FROM "{source}" LIMIT 0'
    elif isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        item = exp.Anonymous(this="read_parquet", expressions=[exp.Literal.string(path)])
        text = "SELECT * FROM " + item.sql(dialect="duckdb") + " LIMIT 0"
    else:
        view = f"__leadkit_{name}"
        try:
            connection.register(view, source)
        except Exception as exc:
            raise SqlCompileError(
                f"{name} is a table name, a Parquet path or a DuckDB relation; got "
                f"{type(source).__name__} ({exc})",
                path=name,
            ) from None
        item = exp.to_table(view, quoted=True)
        text = f'SELECT * FROM "{view}" LIMIT 0'
    try:
        columns = [d[0] for d in connection.execute(text).description]
    except Exception as exc:  # duckdb.Error: not importable without the extra
        raise SqlCompileError(f"cannot read the {name} table: {exc}", path=name) from None
    return item, columns


def score_duckdb(
    connection: Any,
    model: ScoringModel | None = None,
    *,
    profile: GradingProfile | None = None,
    as_of: datetime,
    leads: Any = "leads",
    events: Any = "events",
    columns: Mapping[str, str] | None = None,
    policy: StagePolicy | None = None,
    assignment: AssignmentRules | None = None,
    owners: bool = True,
) -> Any:
    """Score (and/or grade) on DuckDB: a relation with ``lead_id``, ``total``, a
    ``group.<name>`` column per group, ``grade``, a ``rule.<name>`` column per rule
    (points after caps) and a ``criterion.<name>`` column per criterion (``matched``,
    ``unmatched`` or ``unknown``).

    ``leads`` and ``events`` are table names, Parquet file paths or DuckDB relations
    (pandas and Polars frames too: DuckDB reads them through Arrow). ``policy``,
    ``assignment`` and ``owners`` add the MQL and routing columns of
    :func:`compile_query`. Needs ``leadkit[duckdb]``.
    """
    from leadkit._optional import require

    require("duckdb", "duckdb", purpose="score_duckdb")
    lead_item, lead_cols = _duckdb_source(connection, leads, "leads")
    event_item, event_cols = _duckdb_source(connection, events, "events")
    arguments = (
        model,
        profile,
        as_of,
        lead_item.sql(dialect="duckdb"),
        event_item.sql(dialect="duckdb"),
        tuple(sorted((columns or {}).items())),
        tuple(lead_cols),
        tuple(event_cols),
        policy,
        assignment,
        owners,
    )
    try:
        text = _duckdb_text(*arguments)
    except TypeError:  # an unhashable input: compiled without the cache
        text = _duckdb_text.__wrapped__(*arguments)
    return connection.sql(text)


@functools.lru_cache(maxsize=32)
def _duckdb_text(
    model: ScoringModel | None,
    profile: GradingProfile | None,
    as_of: datetime,
    leads: str,
    events: str,
    columns: tuple[tuple[str, str], ...],
    lead_columns: tuple[str, ...],
    event_columns: tuple[str, ...],
    policy: StagePolicy | None = None,
    assignment: AssignmentRules | None = None,
    owners: bool = True,
) -> str:
    """The DuckDB text of a query, compiled once for the same model, inputs and as_of
    (a notebook scores the same tables again and again)."""
    query = compile_query(
        model,
        profile=profile,
        as_of=as_of,
        dialect="duckdb",
        leads=sqlglot.parse_one(leads, read="duckdb", into=exp.Table),  # type: ignore[arg-type]
        events=sqlglot.parse_one(events, read="duckdb", into=exp.Table),  # type: ignore[arg-type]
        columns=dict(columns),
        lead_columns=lead_columns,
        event_columns=event_columns,
        policy=policy,
        assignment=assignment,
        owners=owners,
    )
    return query.sql(dialect="duckdb")


# ---------------------------------------------------------------------------------------------
# SQLite
# ---------------------------------------------------------------------------------------------


def _register_search(connection: sqlite3.Connection) -> None:
    from leadkit.rules._regex import compile_user_pattern

    @functools.lru_cache(maxsize=256)
    def compiled(pattern: str, ignore_case: int) -> Any:
        return compile_user_pattern(pattern, ignore_case=bool(ignore_case))

    def search(pattern: str, ignore_case: int, value: object) -> int | None:
        if value is None:
            return None
        return int(compiled(pattern, ignore_case)(str(value)))

    connection.create_function("leadkit_search", 3, search, deterministic=True)


def _rows(cursor: sqlite3.Cursor) -> list[dict[str, object]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _sqlite_columns(connection: sqlite3.Connection, table: str) -> list[str]:
    rows = connection.execute(f'PRAGMA table_info("{table}")').fetchall()
    if not rows:
        raise SqlCompileError(f"the SQLite database has no table {table!r}", path=table)
    return [row[1] for row in rows]


def score_sqlite(
    connection: sqlite3.Connection,
    model: ScoringModel | None = None,
    *,
    profile: GradingProfile | None = None,
    as_of: datetime,
    leads: str = "leads",
    events: str = "events",
    columns: Mapping[str, str] | None = None,
    policy: StagePolicy | None = None,
    assignment: AssignmentRules | None = None,
    owners: bool = True,
) -> list[dict[str, object]]:
    """Score (and/or grade) tables in leadkit's layout (:func:`write_sqlite`) on the
    SQLite ``connection``: one dict per lead with the columns :func:`score_duckdb` gives
    (criteria verdicts as text, the total as a float)."""
    _register_search(connection)
    _table(leads, "leads")
    _table(events, "events")
    query = compile_query(
        model,
        profile=profile,
        as_of=as_of,
        dialect="sqlite",
        leads=leads,
        events=events,
        columns=columns,
        lead_columns=_sqlite_columns(connection, leads),
        event_columns=_sqlite_columns(connection, events),
        policy=policy,
        assignment=assignment,
        owners=owners,
    )
    return _execute(connection, query)


def _execute(connection: sqlite3.Connection, query: exp.Select) -> list[dict[str, object]]:
    try:
        return _rows(connection.execute(query.sql(dialect="sqlite")))
    except sqlite3.Error as exc:
        raise SqlCompileError(f"SQLite could not run the query: {exc}") from None


@functools.lru_cache(maxsize=4096)
def _lead_of(data: str) -> Lead:
    from leadkit.io import structure

    lead: Lead = structure(json.loads(data), Lead)
    return lead


@functools.lru_cache(maxsize=4096)
def _event_of(data: str) -> EngagementEvent:
    from leadkit.io import structure_stored

    event: EngagementEvent = structure_stored(json.loads(data), EngagementEvent)
    return event


Cell = str | int | float | None


def _value(record: object, subject: FieldRef | PropRef, family: str, norm: int) -> Cell:
    value = canonical(info_of(subject).get(record), family)
    if value is not None and norm:
        value = normalise_text(str(value))
    return cast(Cell, sqlite_cell(value, family))


def _lead_value(data: str, path: str, family: str, norm: int) -> Cell:
    return _value(_lead_of(data), FieldRef(path), family, norm)


def _event_value(data: str, name: str, family: str, norm: int) -> Cell:
    return _value(_event_of(data), PropRef(name), family, norm)


def score_sqlite_records(
    database: Any,
    model: ScoringModel | None = None,
    *,
    profile: GradingProfile | None = None,
    as_of: datetime,
    policy: StagePolicy | None = None,
    assignment: AssignmentRules | None = None,
    owners: bool = True,
) -> list[dict[str, object]]:
    """Score (and/or grade) the leads a :class:`~leadkit.repository.SqliteUnitOfWork`
    stores, in place, with one query over its ``leads`` and ``engagement_events`` tables.

    ``database`` is the unit of work or its file path; the file is opened read-only. The
    records are JSON; SQLite reads each value through a function registered on the
    connection that uses the Python engine's own getters, so derived fields and
    normalised text mean exactly what they mean in Python.
    """
    path = getattr(database, "path", database)
    if not isinstance(path, str | os.PathLike):
        raise SqlCompileError(
            f"expected a SqliteUnitOfWork or a database path, got {type(database).__name__}",
            path="database",
        )
    when = _check_inputs(model, profile, as_of, policy, assignment)
    connection = sqlite3.connect(f"file:{os.fspath(path)}?mode=ro", uri=True)
    try:
        _register_search(connection)
        connection.create_function("leadkit_lead_value", 4, _lead_value, deterministic=True)
        connection.create_function("leadkit_event_value", 4, _event_value, deterministic=True)
        engine: Dialect = DIALECTS["sqlite"]
        tables = Tables(
            leads=exp.to_table("leads", quoted=True),
            events=exp.to_table("engagement_events", quoted=True),
            lead_id=exp.column("id", table="l", quoted=True),
            event_lead=exp.column("lead_id", table="r", quoted=True),
            event_time=exp.Anonymous(
                this="leadkit_event_value",
                expressions=[
                    exp.column("data", table="r", quoted=True),
                    exp.Literal.string("occurred_at"),
                    exp.Literal.string("datetime"),
                    exp.Literal.number(0),
                ],
            ),
        )
        compiler = ConditionCompiler(
            engine, when, RecordSource("l"), RecordSource("e", events=True)
        )
        query = _build(compiler, tables, when, model, profile, policy, assignment, owners)
        try:
            return _execute(connection, query)
        except LeadkitError:
            raise
    finally:
        connection.close()
