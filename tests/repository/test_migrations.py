"""The migration mechanism every SQL adapter shares (issue 18): forward steps from the
stored version, nothing for a current schema, refusal of a newer one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from leadkit.repository import STORE_SCHEMA_VERSION as SCHEMA_VERSION
from leadkit.repository import SchemaVersionError, SqliteUnitOfWork
from leadkit.repository._migrations import Migration, Migrations
from leadkit.repository._sqlite import _MIGRATIONS, MIGRATIONS


class _Recording:
    """A SchemaStore that records what it is asked to do."""

    def __init__(self, version: int) -> None:
        self.version = version
        self.ran: list[str] = []

    def read_version(self) -> int:
        return self.version

    def create_version_table(self) -> None:
        self.ran.append("create leadkit_schema")

    def execute(self, statement: str) -> None:
        self.ran.append(statement)

    def write_version(self, version: int) -> None:
        self.version = version


PLAN = Migrations(
    (
        Migration("one", "CREATE TABLE a (x INT);\nCREATE INDEX a_x ON a (x);"),
        Migration("two", "ALTER TABLE a ADD COLUMN y INT"),
    )
)


def test_a_new_database_runs_every_step_in_order() -> None:
    store = _Recording(0)
    assert PLAN.apply(store, where="db")
    assert store.ran == [
        "create leadkit_schema",
        "CREATE TABLE a (x INT)",
        "CREATE INDEX a_x ON a (x)",
        "ALTER TABLE a ADD COLUMN y INT",
    ]
    assert store.version == 2


def test_an_older_database_runs_only_the_steps_it_lacks() -> None:
    store = _Recording(1)
    assert PLAN.apply(store, where="db")
    assert store.ran == ["ALTER TABLE a ADD COLUMN y INT"]
    assert store.version == 2


def test_a_current_database_is_left_alone() -> None:
    store = _Recording(2)
    assert not PLAN.apply(store, where="db")
    assert store.ran == []


def test_a_newer_database_is_refused_before_anything_runs() -> None:
    store = _Recording(3)
    with pytest.raises(SchemaVersionError, match="schema version 3, newer than the 2"):
        PLAN.apply(store, where="db")
    assert store.ran == []


def test_sqlite_runs_its_shipped_scripts_through_the_mechanism(tmp_path: Path) -> None:
    """The refactoring kept SQLite's migrations (the shipped scripts) and its version."""
    assert MIGRATIONS.version == SCHEMA_VERSION == len(_MIGRATIONS)
    assert [m.script for m in MIGRATIONS.steps] == list(_MIGRATIONS)
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(_MIGRATIONS[0] + _MIGRATIONS[1])
    conn.execute("CREATE TABLE leadkit_schema (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO leadkit_schema VALUES (2)")
    conn.commit()
    conn.close()
    with SqliteUnitOfWork(path) as uow:
        uow.routing_state.set("k", 1)  # the table migration 3 adds
        uow.commit()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT version FROM leadkit_schema").fetchone() == (SCHEMA_VERSION,)
        assert conn.execute("SELECT key, value FROM routing_state").fetchall() == [("k", 1)]
    finally:
        conn.close()
