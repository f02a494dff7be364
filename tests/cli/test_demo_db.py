"""``leadkit demo --db PATH`` never deletes data (issue 21): it writes only to a new path
or to a database an earlier demo created, and refuses anything else before any work."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from leadkit.cli import main
from leadkit.model import User
from leadkit.repository import SqliteUnitOfWork


def _files(folder: Path) -> dict[str, bytes | None]:
    """Every file and its bytes; a ``-shm`` file only by name (it is SQLite's shared-memory
    index, rewritten by every reader, and holds no data)."""
    return {
        str(p.relative_to(folder)): None
        if p.is_dir() or p.name.endswith("-shm")
        else p.read_bytes()
        for p in sorted(folder.rglob("*"))
    }


def _demo(*args: str | Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["demo", *map(str, args)], stdout=out, stderr=err)
    return status, err.getvalue()


def _app_leadkit_db(path: Path) -> None:
    with SqliteUnitOfWork(path) as uow:
        uow.users.add(User(id="u-1", name="本番 ユーザー"))
        uow.commit()


def _foreign_db(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("crm.db", _app_leadkit_db, "a leadkit database the demo did not create"),
        ("app.db", _foreign_db, "not a leadkit database"),
        (
            "notes.txt",
            lambda p: p.write_text("my notes\n" * 50, encoding="utf-8"),
            "not a SQLite database",
        ),
        ("folder", lambda p: p.mkdir(), "is a folder"),
        ("no/such/demo.db", lambda p: None, "does not exist"),
        ("stale.db", lambda p: Path(f"{p}-wal").write_bytes(b"x"), "stale.db-wal"),
    ],
)
def test_anything_but_a_new_path_or_a_demo_database_is_refused_untouched(
    tmp_path: Path, name: str, make: object, message: str
) -> None:
    path = tmp_path / name
    make(path)  # type: ignore[operator]
    before = _files(tmp_path)
    status, err = _demo("--db", path)
    assert status == 1
    assert message in err
    assert "Traceback" not in err
    assert _files(tmp_path) == before


def test_the_demo_replaces_only_the_database_it_made(tmp_path: Path) -> None:
    """A name with URI characters is that file, not a URI (sqlite.org/uri.html)."""
    path = tmp_path / "demo#1?mode=memory%2E.sqlite3"
    for _ in range(2):
        status, err = _demo("--db", path, "--top", "1")
        assert status == 0, err
        assert path.is_file()
    assert {p.name for p in tmp_path.iterdir()} <= {
        path.name,
        f"{path.name}-wal",
        f"{path.name}-shm",
    }
    with SqliteUnitOfWork(path, create=False) as uow:
        assert len(uow.leads) > 0
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT created_by FROM leadkit_demo").fetchall() == [("leadkit demo",)]
    finally:
        conn.close()
