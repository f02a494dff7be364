"""PostgreSQL as an engine: tables in leadkit's layout written through a psycopg
connection, and a model run on them with the ``postgres`` dialect.

Text columns are written with ``COLLATE "C"`` so that ``<`` and ``BETWEEN`` on text
compare code points, as Python does (a database's default collation would sort by
language); numbers are ``DOUBLE PRECISION`` and datetimes ``TIMESTAMPTZ``, read as
POSIX seconds in double precision, so the arithmetic is the Python engine's floats.

The records a :class:`~leadkit.repository.PostgresUnitOfWork` stores are JSON whose
derived fields (``email_domain``, ``address.region``) only Python computes: write them
to layout tables first (``write_postgres(conn, uow.leads.list(), ...)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from leadkit.errors import SqlCompileError
from leadkit.model import EngagementEvent, Lead
from leadkit.scoring import GradingProfile, ScoringModel
from leadkit.sql._cells import reader

if TYPE_CHECKING:
    from leadkit.routing import AssignmentRules
    from leadkit.stages import StagePolicy

__all__ = ["score_postgres", "score_postgres_records", "write_postgres"]

_TYPES = {
    "text": 'TEXT COLLATE "C"',
    "number": "DOUBLE PRECISION",
    "bool": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMPTZ",
}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _psycopg_error() -> type[Exception]:
    from leadkit._optional import require

    psycopg = require("psycopg", "postgres", purpose="leadkit.sql on PostgreSQL")
    error: type[Exception] = psycopg.Error
    return error


def write_postgres(
    connection: Any,
    leads: Iterable[Lead],
    events: Iterable[EngagementEvent] = (),
    *,
    leads_table: str = "leads",
    events_table: str = "events",
    temporary: bool = False,
) -> None:
    """Write ``leads`` and ``events`` to tables of the psycopg ``connection`` in
    leadkit's layout (replacing tables of those names, in the connection's current
    schema; ``temporary`` tables live as long as the connection), in the connection's
    transaction; commit it to keep them. Needs ``leadkit[postgres]``."""
    from leadkit.sql._write import _check_name, _layout

    error = _psycopg_error()
    lead_list, event_list = list(leads), list(events)
    lead_cols, event_cols = _layout(lead_list, event_list)
    try:
        for name, records, columns, is_events in (
            (leads_table, lead_list, lead_cols, False),
            (events_table, event_list, event_cols, True),
        ):
            _check_name(name)
            table = _quoted(name)
            spec = ", ".join(f"{_quoted(c.name)} {_TYPES[c.family]}" for c in columns)
            connection.execute(f"DROP TABLE IF EXISTS {table}")
            kind = "TEMPORARY TABLE" if temporary else "TABLE"
            connection.execute(f"CREATE {kind} {table} ({spec})")
            names = ", ".join(_quoted(c.name) for c in columns)
            readers = [reader(c, events=is_events) for c in columns]
            copying = f"COPY {table} ({names}) FROM STDIN"
            with connection.cursor() as cursor, cursor.copy(copying) as copy:
                for record in records:
                    copy.write_row([read(record) for read in readers])
    except error as exc:
        raise SqlCompileError(f"PostgreSQL could not write the tables: {exc}") from None


def _columns(connection: Any, table: str) -> list[str]:
    rows = connection.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = ANY(current_schemas(true)) AND table_name = %s "
        "ORDER BY ordinal_position",
        (table,),
    ).fetchall()
    if not rows:
        raise SqlCompileError(f"the PostgreSQL schema has no table {table!r}", path=table)
    return [row[0] for row in rows]


def score_postgres(
    connection: Any,
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
    """Score (and/or grade, qualify, route) tables in leadkit's layout
    (:func:`write_postgres`) on the psycopg ``connection``, with one query in the
    ``postgres`` dialect: one dict per lead with the columns :func:`score_duckdb` gives.

    ``matches()`` has no PostgreSQL form with RE2's meaning: it is a
    :class:`~leadkit.errors.SqlCompileError` at compile time. Needs
    ``leadkit[postgres]``.
    """
    from leadkit.sql._run import _table, compile_query

    error = _psycopg_error()
    _table(leads, "leads")
    _table(events, "events")
    try:
        lead_columns = _columns(connection, leads)
        event_columns = _columns(connection, events)
    except error as exc:
        raise SqlCompileError(f"PostgreSQL could not read the tables: {exc}") from None
    query = compile_query(
        model,
        profile=profile,
        as_of=as_of,
        dialect="postgres",
        leads=leads,
        events=events,
        columns=columns,
        lead_columns=lead_columns,
        event_columns=event_columns,
        policy=policy,
        assignment=assignment,
        owners=owners,
    )
    text = query.sql(dialect="postgres")
    try:
        cursor = connection.execute(text)  # no parameters: % is not a placeholder
        names = [d.name for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    except error as exc:
        raise SqlCompileError(f"PostgreSQL could not run the query: {exc}") from None


def score_postgres_records(
    unit_of_work: Any,
    model: ScoringModel | None = None,
    *,
    profile: GradingProfile | None = None,
    as_of: datetime,
    policy: StagePolicy | None = None,
    assignment: AssignmentRules | None = None,
    owners: bool = True,
) -> list[dict[str, object]]:
    """Score (and/or grade, qualify, route) the leads and events an open
    :class:`~leadkit.repository.PostgresUnitOfWork` stores, on its server: they are
    read through the unit of work, written to temporary layout tables on a connection
    of their own (derived fields computed by leadkit, as :func:`write_postgres` does),
    scored there with one query, and dropped with that connection."""
    from leadkit._optional import require

    url = getattr(unit_of_work, "url", None)
    if not isinstance(url, str) or not hasattr(unit_of_work, "leads"):
        raise SqlCompileError(
            f"expected an open PostgresUnitOfWork, got {type(unit_of_work).__name__}",
            path="unit_of_work",
        )
    psycopg = require("psycopg", "postgres", purpose="score_postgres_records")
    leads = unit_of_work.leads.all()
    events = unit_of_work.engagement_events.all()
    try:
        connection = psycopg.connect(url)
    except psycopg.Error as exc:
        raise SqlCompileError(f"cannot connect to PostgreSQL: {exc}") from None
    try:
        write_postgres(
            connection,
            leads,
            events,
            leads_table="leadkit_leads",
            events_table="leadkit_events",
            temporary=True,
        )
        return score_postgres(
            connection,
            model,
            profile=profile,
            as_of=as_of,
            leads="leadkit_leads",
            events="leadkit_events",
            policy=policy,
            assignment=assignment,
            owners=owners,
        )
    finally:
        connection.close()
