"""What only the PostgreSQL adapter shows: the schema and its version, the on-server
layout, stale writes by other programs, server errors, connections."""

from __future__ import annotations

import functools
import json
import socket
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

import attrs
import pytest

from leadkit.errors import (
    ConcurrencyError,
    DatabaseError,
    LoadError,
    MissingDependencyError,
    ValidationError,
)
from leadkit.model import Account, Lead, PersonName, Queue, User
from leadkit.repository import TABLES, PostgresUnitOfWork, SchemaVersionError
from leadkit.repository._postgres import POSTGRES_MIGRATIONS
from leadkit.testing.contract import snapshot
from tests.repository._postgres import fresh_schema, postgres_url

T0 = datetime(2026, 4, 1, tzinfo=UTC)


@pytest.fixture
def url() -> str:
    return postgres_url()


@pytest.fixture
def schema(url: str) -> Iterator[str]:
    yield from fresh_schema(url)


def _sql(url: str, statement: str, *values: object) -> list[tuple[object, ...]]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(statement, values or None)
        return cursor.fetchall() if cursor.description else []


def test_a_new_schema_gets_the_current_version_and_every_table(url: str, schema: str) -> None:
    with PostgresUnitOfWork(url, schema=schema):
        pass  # nothing committed, yet the schema stays
    assert _sql(url, f"SELECT version FROM {schema}.leadkit_schema") == [
        (POSTGRES_MIGRATIONS.version,)
    ]
    for name, spec in TABLES.items():
        columns = {
            row[0]
            for row in _sql(
                url,
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = %s AND table_name = %s",
                schema,
                name,
            )
        }
        # The migration's SQL and the lookup keys the code computes must agree.
        assert columns == {"seq", "id", "version", *spec.columns, "data"}
        indexes = {
            row[0]
            for row in _sql(url, "SELECT indexname FROM pg_indexes WHERE schemaname = %s", schema)
        }
        assert {f"{name}_{column}" for column in spec.columns} <= indexes


def test_a_schema_from_a_newer_leadkit_is_refused(url: str, schema: str) -> None:
    with PostgresUnitOfWork(url, schema=schema):
        pass
    _sql(url, f"UPDATE {schema}.leadkit_schema SET version = {POSTGRES_MIGRATIONS.version + 1}")
    with pytest.raises(SchemaVersionError) as raised, PostgresUnitOfWork(url, schema=schema):
        pass
    assert f"schema version {POSTGRES_MIGRATIONS.version + 1}" in str(raised.value)


def test_create_false_refuses_a_schema_without_leadkit_tables(url: str, schema: str) -> None:
    with (
        pytest.raises(DatabaseError, match="create=False"),
        PostgresUnitOfWork(url, schema=schema, create=False),
    ):
        pass
    assert _sql(url, "SELECT 1 FROM pg_namespace WHERE nspname = %s", schema) == []


def test_records_are_json_with_indexed_keys_kept_readable(url: str, schema: str) -> None:
    lead = Lead(
        id="l-1",
        name=PersonName("山田", "太郎"),
        company="株式会社ＡＢＣ",
        email="Taro@ABC.co.jp",
        created_at=T0,
    )
    with PostgresUnitOfWork(url, schema=schema) as uow:
        uow.leads.add(lead)
        uow.commit()
    ((version, email, company, data),) = _sql(
        url, f"SELECT version, email_key, company_key, data::text FROM {schema}.leads"
    )
    assert (version, email, company) == (0, "taro@abc.co.jp", "abc")
    stored = json.loads(str(data))
    assert stored["company"] == "株式会社ＡＢＣ"  # Japanese kept readable, not escaped
    assert '"山田"' in str(data)


def test_a_version_bumped_by_another_program_refuses_a_stale_write(url: str, schema: str) -> None:
    account = Account(id="a-1", name="ABC", created_at=T0)
    with PostgresUnitOfWork(url, schema=schema) as uow:
        uow.accounts.add(account)
        uow.commit()
    _sql(url, f"UPDATE {schema}.accounts SET version = 7 WHERE id = 'a-1'")
    with PostgresUnitOfWork(url, schema=schema) as uow:
        with pytest.raises(ConcurrencyError) as raised:
            uow.accounts.update(attrs.evolve(account, phone="03"))
        assert "version 7" in str(raised.value)


def test_the_version_check_is_in_the_update_statement(url: str, schema: str) -> None:
    account = Account(id="a-1", name="ABC", created_at=T0, version=2)
    with PostgresUnitOfWork(url, schema=schema) as uow:
        uow.accounts.add(account)
        table = uow._tables["accounts"]
        assert not table.replace(attrs.evolve(account, name="X", version=4), 3)
        assert uow.accounts.get("a-1").name == "ABC"
        assert table.replace(attrs.evolve(account, name="Y", version=3), 2)
        assert uow.accounts.get("a-1") == attrs.evolve(account, name="Y", version=3)


def test_a_corrupt_row_is_reported_with_its_path(url: str, schema: str) -> None:
    with PostgresUnitOfWork(url, schema=schema) as uow:
        uow.accounts.add(Account(id="a-1", name="ABC", created_at=T0))
        uow.commit()
    _sql(
        url,
        f"UPDATE {schema}.accounts SET data = "
        "jsonb_set(data::jsonb, '{employees}', '\"many\"')::json",
    )
    with pytest.raises(LoadError) as raised, PostgresUnitOfWork(url, schema=schema) as uow:
        uow.accounts.get("a-1")
    assert "accounts.data.employees" in str(raised.value)


def test_a_server_error_is_a_database_error_and_rolls_everything_back(
    url: str, schema: str
) -> None:
    factory = functools.partial(PostgresUnitOfWork, url, schema=schema)
    with factory() as uow:
        uow.users.add(User(id="u-1", name="A"))
        uow.commit()
    _sql(
        url,
        f"CREATE FUNCTION {schema}.refuse() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'refused by a trigger'; END $$",
    )
    _sql(url, f"CREATE TRIGGER refuse BEFORE INSERT ON {schema}.queues "
         f"FOR EACH ROW EXECUTE FUNCTION {schema}.refuse()")  # fmt: skip
    before = snapshot(factory)
    with factory() as uow:
        uow.users.add(User(id="u-2", name="B"))
        with pytest.raises(DatabaseError) as raised:
            uow.queues.add(Queue(id="q", name="Q"))
        with pytest.raises(DatabaseError, match="nothing was committed"):
            uow.commit()  # the failed statement aborted the transaction
    assert "refused by a trigger" in str(raised.value)
    assert raised.value.sqlstate == "P0001"
    assert snapshot(factory) == before


def test_nul_characters_round_trip_and_keys_stay_findable(url: str, schema: str) -> None:
    """PostgreSQL text holds no NUL; the record's JSON escapes it (RFC 8259 §7)."""
    lead = Lead(
        id="l-1", name=PersonName("A\x00B"), company="Bad\x00Co", email="a\x00@b.jp", created_at=T0
    )
    with PostgresUnitOfWork(url, schema=schema) as uow:
        uow.leads.add(lead)
        uow.commit()
    with PostgresUnitOfWork(url, schema=schema) as uow:
        assert uow.leads.get("l-1") == lead
        assert uow.leads.by_company_key("Bad\x00Co") == [lead]
        assert uow.leads.find("l\x00") is None
        with pytest.raises(ValidationError):
            uow.users.add(User(id="u\x00", name="A"))


def test_an_unreachable_server_is_a_database_error_without_the_password() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    uow = PostgresUnitOfWork(f"postgresql://me:secret@127.0.0.1:{port}/x", connect_timeout=2)
    with pytest.raises(DatabaseError) as raised, uow:
        pass
    assert "secret" not in str(raised.value)
    assert "secret" not in repr(uow)
    assert not uow.active


def test_connections_are_reused_between_units(url: str, schema: str) -> None:
    uow = PostgresUnitOfWork(url, schema=schema)
    with uow:
        first = uow._conn
    with uow:
        assert uow._conn is first
    with PostgresUnitOfWork(url, schema=schema) as other:
        assert other._conn is first  # kept idle for the next unit of this process


def test_options_are_checked() -> None:
    with pytest.raises(ValidationError):
        PostgresUnitOfWork("postgresql://x", schema="Robert'); DROP TABLE")
    with pytest.raises(ValidationError):
        PostgresUnitOfWork("postgresql://x", lock_timeout=0)
    with pytest.raises(ValidationError):
        PostgresUnitOfWork("")


def test_without_psycopg_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(MissingDependencyError) as raised:
        PostgresUnitOfWork("postgresql://localhost/x")
    assert raised.value.extra == "postgres"
    assert "leadkit[postgres]" in str(raised.value)


def test_a_connection_lost_mid_unit_is_a_database_error_and_the_next_unit_reconnects(
    url: str, schema: str
) -> None:
    factory = functools.partial(PostgresUnitOfWork, url, schema=schema)
    with factory() as uow:
        uow.users.add(User(id="u-1", name="A"))
        uow.commit()
    with factory() as uow:
        _sql(url, "SELECT pg_terminate_backend(%s)", uow._connection().info.backend_pid)
        with pytest.raises(DatabaseError):
            uow.users.get("u-1")
        # leaving the block must not fail on the lost connection
    with factory() as uow:
        assert uow.users.get("u-1").name == "A"


def test_passwords_never_reach_messages() -> None:
    for url in ("postgresql://me:s3cret@127.0.0.1:1/x", "host=127.0.0.1 password=s3cret"):
        assert "s3cret" not in repr(PostgresUnitOfWork(url))


def test_an_idle_connection_dropped_by_the_server_is_replaced(url: str, schema: str) -> None:
    factory = functools.partial(PostgresUnitOfWork, url, schema=schema)
    with factory() as uow:
        uow.users.add(User(id="u-1", name="A"))
        uow.commit()
        pid = uow._connection().info.backend_pid
    _sql(url, "SELECT pg_terminate_backend(%s, 10000)", pid)  # waits; as a restart would
    with factory() as uow:
        assert uow._connection().info.backend_pid != pid
        assert uow.users.get("u-1").name == "A"


def test_add_many_writes_each_new_event_once_in_order(url: str, schema: str) -> None:
    """The outbox's batch insert on PostgreSQL (one statement) is ``add`` one by one: an id
    already there, or given twice, is written once, the count says how many were new, and
    the entries keep the batch's order."""
    from leadkit.outbox import LeadCreated

    with PostgresUnitOfWork(url, schema=schema) as uow:
        assert uow.outbox.add(LeadCreated("l-0", T0))
        again = [LeadCreated("l-0", T0), LeadCreated("l-1", T0), LeadCreated("l-2", T0)]
        assert uow.outbox.add_many([*again, LeadCreated("l-1", T0)]) == 2
        assert uow.outbox.add_many([]) == 0
        uow.commit()
    with PostgresUnitOfWork(url, schema=schema) as uow:
        assert [entry.event for entry in uow.outbox.pending()] == [
            LeadCreated(f"l-{i}", T0) for i in range(3)
        ]
