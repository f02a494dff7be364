"""Writing leadkit objects (or CSV files of them) to DuckDB, Parquet or SQLite tables in
leadkit's column layout (:mod:`leadkit.sql._layout`)."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from leadkit._optional import require
from leadkit.model import EngagementEvent, Lead
from leadkit.sql._cells import (
    Column,
    custom_names,
    event_columns,
    lead_columns,
    property_names,
    reader,
    sqlite_cell,
)

__all__ = ["read_csv_records", "write_duckdb", "write_parquet", "write_sqlite"]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _layout(
    leads: Sequence[Lead], events: Sequence[EngagementEvent]
) -> tuple[list[Column], list[Column]]:
    custom = {name for name in custom_names(leads) if _IDENTIFIER.match(name)}
    properties = {name for name in property_names(events) if _IDENTIFIER.match(name)}
    return lead_columns(custom), event_columns(properties)


def _arrow(records: Sequence[Any], columns: list[Column], *, events: bool) -> Any:
    pa = require("pyarrow", "duckdb", purpose="writing tables for leadkit.sql")
    types = {
        "text": pa.string(),
        "number": pa.float64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "datetime": pa.timestamp("us", tz="UTC"),
    }
    arrays = {}
    for column in columns:
        read = reader(column, events=events)
        arrays[column.name] = pa.array([read(r) for r in records], type=types[column.family])
    return pa.table(arrays)


def _tables(leads: Iterable[Lead], events: Iterable[EngagementEvent]) -> tuple[Any, Any]:
    lead_list, event_list = list(leads), list(events)
    lead_cols, event_cols = _layout(lead_list, event_list)
    return (
        _arrow(lead_list, lead_cols, events=False),
        _arrow(event_list, event_cols, events=True),
    )


def write_duckdb(
    connection: Any,
    leads: Iterable[Lead],
    events: Iterable[EngagementEvent] = (),
    *,
    leads_table: str = "leads",
    events_table: str = "events",
) -> None:
    """Write ``leads`` and ``events`` to tables of the DuckDB ``connection`` in leadkit's
    layout (replacing tables of those names)."""
    lead_table, event_table = _tables(leads, events)
    for name, table in ((leads_table, lead_table), (events_table, event_table)):
        _check_name(name)
        connection.register("__leadkit_upload", table)
        try:
            connection.execute(
                f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM __leadkit_upload'
            )
        finally:
            connection.unregister("__leadkit_upload")


def write_parquet(
    leads: Iterable[Lead],
    events: Iterable[EngagementEvent],
    *,
    leads_path: str | os.PathLike[str],
    events_path: str | os.PathLike[str],
) -> None:
    """Write ``leads`` and ``events`` to two Parquet files in leadkit's layout."""
    parquet = require("pyarrow.parquet", "duckdb", purpose="writing Parquet for leadkit.sql")
    lead_table, event_table = _tables(leads, events)
    parquet.write_table(lead_table, os.fspath(leads_path))
    parquet.write_table(event_table, os.fspath(events_path))


def write_sqlite(
    connection: sqlite3.Connection,
    leads: Iterable[Lead],
    events: Iterable[EngagementEvent] = (),
    *,
    leads_table: str = "leads",
    events_table: str = "events",
) -> None:
    """Write ``leads`` and ``events`` to tables of ``connection`` in leadkit's layout as
    SQLite stores it (dates as ISO text, datetimes as POSIX seconds)."""
    lead_list, event_list = list(leads), list(events)
    lead_cols, event_cols = _layout(lead_list, event_list)
    for name, records, columns, is_events in (
        (leads_table, lead_list, lead_cols, False),
        (events_table, event_list, event_cols, True),
    ):
        _check_name(name)
        names = ", ".join('"' + c.name.replace('"', '""') + '"' for c in columns)
        connection.execute(f'DROP TABLE IF EXISTS "{name}"')
        connection.execute(f'CREATE TABLE "{name}" ({names})')
        marks = ", ".join("?" for _ in columns)
        readers = [(reader(c, events=is_events), c.family) for c in columns]
        rows = ([sqlite_cell(read(r), family) for read, family in readers] for r in records)
        connection.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
    connection.commit()


def read_csv_records(
    leads: str | os.PathLike[str], events: str | os.PathLike[str] | None = None
) -> tuple[list[Lead], list[EngagementEvent]]:
    """Leads and events from leadkit's CSV tables (what ``leadkit score`` reads)."""
    from leadkit.io import read_csv

    lead_list = list(read_csv(leads, Lead))
    event_list = list(read_csv(events, EngagementEvent)) if events is not None else []
    return lead_list, event_list


def _check_name(name: str) -> None:
    from leadkit.errors import SqlCompileError

    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise SqlCompileError(
            f"a table name is an identifier (letters, digits, _), got {name!r}", path="table"
        )
