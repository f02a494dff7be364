"""Which files the SQLite adapter opens, and how it reports stored rows it cannot read.

The policy (issue 21, docs/storage.md "SQLite"): leadkit databases carry
``PRAGMA application_id``; a new or empty file is set up, another application's
database is refused without being changed, and broken paths are ``DatabaseFileError``.
"""

from __future__ import annotations

import json
import math
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadkit._sqlite_file import APPLICATION_ID
from leadkit.errors import DatabaseFileError, LoadError
from leadkit.io import dumps, loads, structure
from leadkit.model import Lead, PersonName, User
from leadkit.repository import SqliteUnitOfWork

T0 = datetime(2026, 4, 1, tzinfo=UTC)


def _files(folder: Path) -> dict[str, bytes | None]:
    """Every file below ``folder`` with its content (``None`` for a folder)."""
    return {
        str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes()
        for p in sorted(folder.rglob("*"))
    }


def _app_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER)")
    conn.execute("INSERT INTO invoices (total) VALUES (1200)")
    conn.commit()
    conn.close()


def test_a_new_file_is_marked_as_leadkit(tmp_path: Path) -> None:
    """application_id marks leadkit databases (issue 21)."""
    path = tmp_path / "crm.db"
    with SqliteUnitOfWork(path):
        pass
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    finally:
        conn.close()


def test_another_applications_database_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    """A database with tables that are not leadkit's gets no leadkit tables (issue 21)."""
    path = tmp_path / "app.db"
    _app_database(path)
    before = _files(tmp_path)
    for create in (True, False):
        with pytest.raises(DatabaseFileError) as raised, SqliteUnitOfWork(path, create=create):
            pass
        assert raised.value.code == "foreign_database"
        assert str(path) in str(raised.value)
        assert "invoices" in str(raised.value)
    assert _files(tmp_path) == before


def test_a_database_with_another_application_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseFileError, match="application id 0x4d2"), SqliteUnitOfWork(path):
        pass


def test_an_empty_file_is_set_up_only_when_create_allows(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    with pytest.raises(DatabaseFileError) as raised, SqliteUnitOfWork(path, create=False):
        pass
    assert raised.value.code == "database_missing"
    assert path.read_bytes() == b""
    with SqliteUnitOfWork(path) as uow:
        uow.users.add(User(id="u-1", name="A"))
        uow.commit()
    with SqliteUnitOfWork(path, create=False) as uow:
        assert uow.users.get("u-1").name == "A"


def test_a_missing_file_is_created_only_when_create_allows(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with (
        pytest.raises(DatabaseFileError, match="does not exist"),
        SqliteUnitOfWork(path, create=False),
    ):
        pass
    assert not path.exists()


def test_a_database_from_before_the_mark_is_recognised_and_marked(tmp_path: Path) -> None:
    """Older leadkit files have leadkit_schema but no application id (issue 21)."""
    path = tmp_path / "old.db"
    with SqliteUnitOfWork(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 0")
    conn.commit()
    conn.close()
    with SqliteUnitOfWork(path, create=False) as uow:
        assert len(uow.users) == 0
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        ("not a database", "is not a SQLite database"),
        ("folder", "is a folder"),
        ("missing folder", "folder"),
    ],
)
def test_unusable_paths_are_leadkit_errors_naming_the_path(
    tmp_path: Path, make: str, expected: str
) -> None:
    if make == "not a database":
        path = tmp_path / "notes.db"
        path.write_text("my notes\n" * 100, encoding="utf-8")
    elif make == "folder":
        path = tmp_path / "a-folder"
        path.mkdir()
    else:
        path = tmp_path / "no" / "such" / "crm.db"
    before = _files(tmp_path)
    with pytest.raises(DatabaseFileError, match=expected) as raised, SqliteUnitOfWork(path):
        pass
    assert str(path) in str(raised.value)
    assert raised.value.file == str(path)
    assert _files(tmp_path) == before


@pytest.mark.parametrize("name", ["a%2Eb.db", "a#b.db", "a?mode=memory.db", "a%3Fb?c#d.db"])
def test_file_names_with_uri_characters_address_exactly_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """SQLite reads "?", "#" and "%XX" specially in URIs only (sqlite.org/uri.html)."""
    monkeypatch.chdir(tmp_path)
    with SqliteUnitOfWork(name) as uow:
        uow.users.add(User(id="u-1", name="A"))
        uow.commit()
    assert (tmp_path / name).is_file()
    assert {p.name for p in tmp_path.iterdir()} <= {name, f"{name}-wal", f"{name}-shm"}
    with SqliteUnitOfWork(tmp_path / name, create=False) as uow:
        assert uow.users.get("u-1").name == "A"


def test_a_row_edited_to_invalid_json_is_a_load_error_naming_table_and_id(
    tmp_path: Path,
) -> None:
    path = tmp_path / "crm.db"
    with SqliteUnitOfWork(path) as uow:
        uow.users.add(User(id="u-7", name="A"))
        uow.commit()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE users SET data = '{\"name\": \"A\",' WHERE id = 'u-7'")
    conn.commit()
    conn.close()
    for read in ("get", "all"):
        with pytest.raises(LoadError) as raised, SqliteUnitOfWork(path) as uow:
            uow.users.get("u-7") if read == "get" else uow.users.all()
        assert raised.value.path == ("users", "u-7", "data")
        assert "users.u-7.data" in str(raised.value)
        assert "not valid JSON" in str(raised.value)


def test_a_row_holding_json_that_is_not_an_object_is_a_load_error(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    with SqliteUnitOfWork(path) as uow:
        uow.users.add(User(id="u-7", name="A"))
        uow.commit()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE users SET data = '[1, 2]' WHERE id = 'u-7'")
    conn.commit()
    conn.close()
    with (
        pytest.raises(LoadError, match="not a JSON object") as raised,
        SqliteUnitOfWork(path) as uow,
    ):
        uow.users.get("u-7")
    assert raised.value.path == ("users", "u-7", "data")


def _same(a: object, b: object) -> bool:
    """Equal, counting NaN equal to NaN."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return type(a) is type(b) and a == b


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=4))
def test_non_finite_custom_numbers_round_trip_as_valid_json(
    tmp_path: Path, values: list[float]
) -> None:
    """Bare NaN is not JSON (RFC 8259 section 6); SQLite's json_extract rejects it."""
    custom = {f"f{i}": value for i, value in enumerate(values)}
    lead = Lead(name=PersonName("山田"), company="ABC", created_at=T0, custom=custom)
    path = tmp_path / f"{lead.id}.db"  # a fresh file per example
    with SqliteUnitOfWork(path) as uow:
        uow.leads.add(lead)
        uow.commit()
    conn = sqlite3.connect(path)
    try:
        (data,) = conn.execute("SELECT data FROM leads WHERE id = ?", (lead.id,)).fetchone()
        json.loads(data, parse_constant=lambda name: pytest.fail(f"bare {name} stored"))
        assert conn.execute(
            "SELECT json_valid(data), json_extract(data, '$.custom') IS NOT NULL FROM leads "
            "WHERE id = ?",
            (lead.id,),
        ).fetchone() == (1, 1)
    finally:
        conn.close()
    with SqliteUnitOfWork(path) as uow:
        back = uow.leads.get(lead.id)
    assert set(back.custom) == set(custom)
    assert all(_same(back.custom[name], value) for name, value in custom.items())
    text = dumps(lead)
    assert "NaN" not in text
    assert "Infinity" not in text
    again = loads(text, Lead)
    assert all(_same(again.custom[name], value) for name, value in custom.items())


def test_a_bad_float_tag_is_a_load_error() -> None:
    plain = dumps(Lead(name=PersonName("山田"), company="ABC", created_at=T0, custom={"x": 1.5}))
    broken = json.loads(plain)
    broken["custom"]["x"] = {"$float": "1.5"}  # only nan, inf and -inf are tagged
    with pytest.raises(LoadError, match="not a valid float"):
        structure(broken, Lead)
