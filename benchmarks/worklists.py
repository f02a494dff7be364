"""Worklists run by the database against the same worklist filtered in Python, on SQLite
and PostgreSQL, in one run (issue 19: "filter in the database rather than loading every
lead into Python").

    PYTHONPATH=src:benchmarks python benchmarks/worklists.py [LEADS]
    scripts/with-postgres env PYTHONPATH=src:benchmarks python benchmarks/worklists.py

A day of LEADS leads (default 5,000) with a call on every third, a planned task on every
fifth and a stored stage history (Inquiry, then MQL for every other lead) is stored
through each adapter; then the first page of the built-in worklists ``unanswered`` and
``untouched-mqls`` is run with ``in_database=True`` and with ``in_database=False`` (the
Python filter, which loads every lead, its activities and history), best of three.
PostgreSQL is measured when ``LEADKIT_POSTGRES_URL`` is set. Prints, per adapter and
worklist, ``<adapter> <worklist> ratio: X`` (database time / Python time; below 1 the
database is faster) and checks that both give the same page.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _timing import best_of

from leadkit.model import Lead, OwnerRef, PersonName, Task, TaskStatus
from leadkit.repository import PostgresUnitOfWork, SqliteUnitOfWork, UnitOfWorkFactory
from leadkit.stages import Stage, StageHistory, transition
from leadkit.worklists import BUILTIN_WORKLISTS, Worklist, run_worklist

T0 = datetime(2026, 4, 1, 9, tzinfo=UTC)
AS_OF = T0 + timedelta(days=5)
NAMES = ("unanswered", "untouched-mqls")


def _store(factory: Callable[[], SqliteUnitOfWork | PostgresUnitOfWork], n: int) -> None:
    leads, tasks, histories = [], [], []
    for i in range(n):
        created = T0 + timedelta(minutes=i)
        owner = OwnerRef.user(f"u-{i % 7}")
        leads.append(
            Lead(id=f"l-{i:06d}", name=PersonName("佐藤"), company=f"会社{i}", owner=owner,
                 created_at=created)
        )  # fmt: skip
        if i % 3 == 0:
            tasks.append(
                Task(subject="架電", lead_id=f"l-{i:06d}", status=TaskStatus.COMPLETED,
                     completed_at=created + timedelta(hours=3), owner=owner, created_at=created)
            )  # fmt: skip
        if i % 5 == 0:
            tasks.append(
                Task(subject="再架電", lead_id=f"l-{i:06d}", owner=owner, created_at=created)
            )
        history = transition(StageHistory(f"l-{i:06d}"), Stage.INQUIRY, at=created, by="form")
        if i % 2:
            history = transition(history, Stage.MQL, at=created + timedelta(hours=1), by="policy")
        histories.append(history)
    with factory() as uow:
        uow.leads.add_all(leads)
        for task in tasks:
            uow.tasks.add(task)
        for history in histories:
            uow.stage_histories.save(history)
        uow.commit()


def _measure(adapter: str, factory: UnitOfWorkFactory) -> None:
    for name in NAMES:
        worklist = BUILTIN_WORKLISTS[name]

        def run(database: bool, worklist: Worklist = worklist) -> list[str]:
            with factory() as uow:
                page = run_worklist(uow, worklist, as_of=AS_OF, in_database=database)
                return [lead.id for lead in page.leads]

        in_db, db_time = best_of(3, lambda: run(True))
        in_python, py_time = best_of(3, lambda: run(False))
        assert in_db == in_python, f"{adapter} {name}: the database and Python disagree"
        print(f"{adapter} {name}: database {db_time:.3f} s, Python {py_time:.3f} s")
        print(f"{adapter} {name} ratio: {db_time / py_time:.3f}")


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        factory = functools.partial(SqliteUnitOfWork, Path(folder) / "w.db")
        _store(factory, n)
        _measure("sqlite", factory)
    url = os.environ.get("LEADKIT_POSTGRES_URL")
    if url:
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        pg = functools.partial(PostgresUnitOfWork, url, schema=schema)
        _store(pg, n)
        _measure("postgres", pg)
        import psycopg

        from leadkit.repository._postgres import close_idle_connections

        close_idle_connections()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    else:
        print("postgres: skipped (LEADKIT_POSTGRES_URL is unset; run under scripts/with-postgres)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
