"""Storage throughput: 100,000 leads stored and 10,000 converted through each adapter
(memory, SQLite, PostgreSQL), against a plain batched insert of the same rows with the
driver, in one run.

    PYTHONPATH=src:benchmarks python benchmarks/storage.py [LEADS] [CONVERSIONS]
    scripts/with-postgres env PYTHONPATH=src:benchmarks python benchmarks/storage.py

PostgreSQL is measured when ``LEADKIT_POSTGRES_URL`` is set (``scripts/with-postgres``
sets it). The adapters store the leads with ``leads.add_all`` in one unit of work; the
one-``add``-per-lead loop is timed too, for comparison. The baseline builds the very rows
the adapter writes (the record as JSON, its lookup keys) and inserts them with
``sqlite3.executemany`` / psycopg ``COPY`` into the same table: the ratio is what the
adapter costs beyond the least code that stores the same data. Building the rows (the
JSON above all) is most of that time; the driver's part alone, with the rows built
beforehand, is printed below it. Conversions run through
``convert_leads`` (one unit of work each), five leads to a company.

Prints ``sqlite store ratio: X`` and ``postgres store ratio: X`` (adapter / plain
batched insert; the target is at most 2).
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import sys
import tempfile
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _timing import best_of

from leadkit.convert import ConversionRequest, convert_leads
from leadkit.io import unstructure
from leadkit.model import Lead, OwnerRef, PersonName
from leadkit.repository import (
    TABLES,
    InMemoryStore,
    InMemoryUnitOfWork,
    PostgresUnitOfWork,
    SqliteUnitOfWork,
    UnitOfWorkFactory,
)
from leadkit.repository._postgres import POSTGRES_MIGRATIONS
from leadkit.repository._sqlite import MIGRATIONS

T0 = datetime(2026, 4, 1, tzinfo=UTC)
AS_OF = datetime(2026, 5, 20, tzinfo=UTC)
CONVERTED = "Closed - Converted"
LEADS = TABLES["leads"]


def make_leads(n: int) -> list[Lead]:
    return [
        Lead(
            id=f"l-{i}",
            name=PersonName("山田", f"太郎{i}"),
            company=f"株式会社サンプル{i // 5}",
            email=f"taro{i}@sample{i // 5}.co.jp",
            phone="03-1234-5678",
            employees=100 + i,
            lead_source="Trade Show",
            owner=OwnerRef.user(f"u-{i % 7}"),
            created_at=T0,
        )
        for i in range(n)
    ]


def rows(leads: list[Lead]) -> list[tuple[Any, ...]]:
    """The rows the adapters write: id, version, lookup keys, the record as JSON."""
    return [
        (
            lead.id,
            lead.version,
            *LEADS.keys(lead),
            json.dumps(unstructure(lead), ensure_ascii=False, separators=(",", ":")),
        )
        for lead in leads
    ]


Factory = Callable[[], InMemoryUnitOfWork | SqliteUnitOfWork | PostgresUnitOfWork]


def store_with(factory: Factory, leads: list[Lead], *, batch: bool) -> None:
    with factory() as uow:
        if batch:
            uow.leads.add_all(leads)
        else:
            for lead in leads:
                uow.leads.add(lead)
        uow.commit()


def convert_with(factory: UnitOfWorkFactory, n: int) -> None:
    requests = [ConversionRequest(f"l-{i}", CONVERTED, account="match") for i in range(n)]
    results = convert_leads(requests, factory, as_of=AS_OF)
    assert all(result.success for result in results), [r for r in results if not r.success][:1]


# -- the plain batched inserts ----------------------------------------------------------------

_COLUMNS = ("id", "version", *LEADS.columns, "data")


Rows = Callable[[], list[tuple[Any, ...]]]


def sqlite_plain(folder: Path, make_rows: Rows) -> None:
    path = folder / f"plain-{uuid.uuid4().hex}.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    for step in MIGRATIONS.steps:  # the adapter's very table and indexes
        for statement in step.statements:
            conn.execute(statement)
    marks = ", ".join("?" for _ in _COLUMNS)
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(f"INSERT INTO leads ({', '.join(_COLUMNS)}) VALUES ({marks})", make_rows())
    conn.execute("COMMIT")
    conn.close()


def postgres_plain(url: str, schema: str, make_rows: Rows) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        sql = f"COPY leads ({', '.join(_COLUMNS)}) FROM STDIN"
        with conn.transaction(), conn.cursor().copy(sql) as copy:
            for row in make_rows():
                copy.write_row(row)


def postgres_schema(url: str) -> str:
    """A new schema holding the adapter's tables, for the plain insert."""
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.execute(f'SET search_path TO "{schema}"')
        for step in POSTGRES_MIGRATIONS.steps:
            for statement in step.statements:
                conn.execute(statement)
    return schema


def drop_schema(url: str, schema: str) -> None:
    import psycopg

    from leadkit.repository._postgres import close_idle_connections

    close_idle_connections()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


# -- the run -----------------------------------------------------------------------------------


def timed(label: str, fn: Callable[[], object]) -> float:
    _, seconds = best_of(1, fn)
    print(f"  {label:<34} {seconds:8.2f} s")
    return seconds


def main(n_leads: int, n_conversions: int) -> None:
    print(f"{n_leads:,} leads stored, {n_conversions:,} converted")
    leads = make_leads(n_leads)
    folder = Path(tempfile.mkdtemp(prefix="leadkit-bench-"))
    url = os.environ.get("LEADKIT_POSTGRES_URL", "")

    print("memory")
    store = InMemoryStore()
    timed("store (add_all)", lambda: store_with(store.unit_of_work, leads, batch=True))
    timed(
        "store (add, one each)",
        lambda: store_with(InMemoryStore().unit_of_work, leads, batch=False),
    )
    timed("convert", lambda: convert_with(store.unit_of_work, n_conversions))

    print("sqlite")
    db = functools.partial(SqliteUnitOfWork, folder / "crm.db")
    sqlite_store = timed("store (add_all)", lambda: store_with(db, leads, batch=True))
    timed(
        "store (add, one each)",
        lambda: store_with(
            functools.partial(SqliteUnitOfWork, folder / "loop.db"), leads, batch=False
        ),
    )
    sqlite_base = timed("plain executemany", lambda: sqlite_plain(folder, lambda: rows(leads)))
    prepared = rows(leads)
    timed("  of which the driver alone", lambda: sqlite_plain(folder, lambda: prepared))
    timed("convert", lambda: convert_with(db, n_conversions))
    print(f"sqlite store ratio: {sqlite_store / sqlite_base:.2f}")

    if not url:
        print("postgres store ratio: skipped (LEADKIT_POSTGRES_URL is unset)")
        return
    print("postgres")
    schemas = [f"bench_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    plain = postgres_schema(url)
    try:
        pg = functools.partial(PostgresUnitOfWork, url, schema=schemas[0])
        with pg():
            pass  # the schema is created before the clock starts, as for the plain insert
        with PostgresUnitOfWork(url, schema=schemas[1]):
            pass
        pg_store = timed("store (add_all)", lambda: store_with(pg, leads, batch=True))
        timed(
            "store (add, one each)",
            lambda: store_with(
                functools.partial(PostgresUnitOfWork, url, schema=schemas[1]), leads, batch=False
            ),
        )
        pg_base = timed("plain COPY", lambda: postgres_plain(url, plain, lambda: rows(leads)))
        again = postgres_schema(url)
        try:
            timed(
                "  of which the driver alone",
                lambda: postgres_plain(url, again, lambda: prepared),
            )
        finally:
            drop_schema(url, again)
        timed("convert", lambda: convert_with(pg, n_conversions))
        print(f"postgres store ratio: {pg_store / pg_base:.2f}")
    finally:
        for schema in (*schemas, plain):
            drop_schema(url, schema)


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(args[0] if args else 100_000, args[1] if len(args) > 1 else 10_000)
