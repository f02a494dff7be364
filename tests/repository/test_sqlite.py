"""What only the SQLite adapter shows: schema versions, WAL, the on-disk layout, locking."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest

from leadkit.errors import ConcurrencyError, LoadError, ValidationError
from leadkit.io import unstructure
from leadkit.model import Account, Lead, PersonName, company_key
from leadkit.repository import (
    STORE_SCHEMA_VERSION,
    TABLES,
    SchemaVersionError,
    SqliteUnitOfWork,
)
from leadkit.repository._sqlite import _MIGRATIONS

T0 = datetime(2026, 4, 1, tzinfo=UTC)


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def test_a_new_file_gets_the_current_schema_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    with SqliteUnitOfWork(path):
        pass  # nothing committed, yet the schema stays
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT version FROM leadkit_schema").fetchall() == [
            (STORE_SCHEMA_VERSION,)
        ]
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        for name, spec in TABLES.items():
            # The literal migration and the lookup keys the code computes must agree.
            # (Later migrations add columns at the end: compare the sets.)
            assert set(_columns(conn, name)) == {"id", "version", *spec.columns, "data"}
            indexed = {row[1] for row in conn.execute(f"PRAGMA index_list({name})")}
            assert {f"{name}_{column}" for column in spec.columns} <= indexed
    finally:
        conn.close()


def test_a_database_from_a_newer_leadkit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    with SqliteUnitOfWork(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute("UPDATE leadkit_schema SET version = ?", (STORE_SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(SchemaVersionError) as raised, SqliteUnitOfWork(path):
        pass
    assert f"schema version {STORE_SCHEMA_VERSION + 1}" in str(raised.value)


def test_records_are_stored_as_json_with_indexed_keys(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    lead = Lead(
        id="l-1",
        name=PersonName("山田", "太郎"),
        company="株式会社ＡＢＣ",
        email="Taro@ABC.co.jp",
        created_at=T0,
    )
    with SqliteUnitOfWork(path) as uow:
        uow.leads.add(lead)
        uow.commit()
    conn = sqlite3.connect(path)
    row = conn.execute("SELECT version, email_key, company_key, data FROM leads").fetchone()
    conn.close()
    version, email, company, data = row
    assert (version, email, company) == (0, "taro@abc.co.jp", "abc")
    stored = json.loads(data)
    assert stored["company"] == "株式会社ＡＢＣ"  # Japanese kept readable, not escaped
    assert stored["name"]["family"] == "山田"


def test_a_version_bumped_by_another_program_refuses_a_stale_write(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    account = Account(id="a-1", name="ABC", created_at=T0)
    with SqliteUnitOfWork(path) as uow:
        uow.accounts.add(account)
        uow.commit()
    with SqliteUnitOfWork(path) as uow:
        loaded = uow.accounts.get("a-1")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE accounts SET version = 7 WHERE id = 'a-1'")
    conn.commit()
    conn.close()
    with SqliteUnitOfWork(path) as uow:
        with pytest.raises(ConcurrencyError) as raised:
            uow.accounts.update(attrs.evolve(loaded, phone="03"))
        assert "version 7" in str(raised.value)
        assert "based on version 0" in str(raised.value)


def test_the_version_check_is_in_the_update_statement(tmp_path: Path) -> None:
    # Belt and braces under the repository's own check: the table's UPDATE carries
    # AND version = ?, so a write with the wrong expected version matches no row.
    path = tmp_path / "crm.db"
    account = Account(id="a-1", name="ABC", created_at=T0, version=2)
    with SqliteUnitOfWork(path) as uow:
        uow.accounts.add(account)
        table = uow._tables["accounts"]
        assert not table.replace(attrs.evolve(account, name="X", version=4), 3)
        assert uow.accounts.get("a-1").name == "ABC"
        assert table.replace(attrs.evolve(account, name="Y", version=3), 2)
        assert uow.accounts.get("a-1") == attrs.evolve(account, name="Y", version=3)


def test_a_held_write_lock_times_out_as_a_concurrency_error(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    with SqliteUnitOfWork(path):
        pass
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(ConcurrencyError) as raised, SqliteUnitOfWork(path, timeout=0.05):
            pass
        assert "busy" in str(raised.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_corrupt_row_is_reported_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    with SqliteUnitOfWork(path) as uow:
        uow.accounts.add(Account(id="a-1", name="ABC", created_at=T0))
        uow.commit()
    conn = sqlite3.connect(path)
    conn.execute("""UPDATE accounts SET data = json_set(data, '$.employees', 'many')""")
    conn.commit()
    conn.close()
    with pytest.raises(LoadError) as raised, SqliteUnitOfWork(path) as uow:
        uow.accounts.get("a-1")
    assert "accounts.data.employees" in str(raised.value)


def test_the_connection_is_closed_after_the_block(tmp_path: Path) -> None:
    uow = SqliteUnitOfWork(tmp_path / "crm.db")
    with uow:
        conn = uow._conn
        assert conn is not None
    with pytest.raises(sqlite3.ProgrammingError):
        conn.execute("SELECT 1")


def test_synchronous_must_be_a_known_level(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        SqliteUnitOfWork(tmp_path / "x.db", synchronous="OFF")  # type: ignore[arg-type]


def _count_kept(queue: Any) -> None:
    from leadkit.repository import _sqlite

    queue.put(len(_sqlite._keepers))


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_no_connection_is_carried_across_fork(tmp_path: Path) -> None:
    from leadkit.repository import _sqlite

    with SqliteUnitOfWork(tmp_path / "crm.db"):
        pass
    assert len(_sqlite._keepers) >= 1  # the parent keeps its database open...
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_count_kept, args=(queue,))
    child.start()
    assert queue.get(timeout=30) == 0  # ...but closes it before forking
    child.join(timeout=30)
    with SqliteUnitOfWork(tmp_path / "crm.db") as uow:  # and reopens it afterwards
        assert len(uow.users) == 0
    assert len(_sqlite._keepers) >= 1


def test_a_version_1_database_is_migrated_and_finds_accounts_by_parent(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    head = Account(id="a-1", name="ABC", created_at=T0)
    branch = Account(id="a-2", name="ABC Osaka", parent_id="a-1", created_at=T0)
    conn = sqlite3.connect(path)
    conn.executescript(_MIGRATIONS[0])  # the schema leadkit 1 wrote
    conn.execute("CREATE TABLE leadkit_schema (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO leadkit_schema VALUES (1)")
    for account in (head, branch):
        conn.execute(
            "INSERT INTO accounts (id, version, company_key, domain, data) VALUES (?, 0, ?, ?, ?)",
            (account.id, company_key(account.name), None, json.dumps(unstructure(account))),
        )
    conn.commit()
    conn.close()
    with SqliteUnitOfWork(path) as uow:
        assert uow.accounts.by_parent("a-1") == [branch]
        assert uow.accounts.get("a-1") == head
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT version FROM leadkit_schema").fetchone() == (
            STORE_SCHEMA_VERSION,
        )
    finally:
        conn.close()
