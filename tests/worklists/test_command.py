"""``leadkit worklist``: list, run one on a database, refuse what is wrong without a
traceback (in-process: cheap)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from leadkit.cli import main
from leadkit.repository import SqliteUnitOfWork
from tests.worklists._support import store
from tests.worklists.test_worklists import ACTIVITIES, LEADS

pytest.importorskip("sqlglot")


def _run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "crm.sqlite3"
    store(SqliteUnitOfWork(path), LEADS, ACTIVITIES)
    return path


def test_lists_the_builtin_and_file_worklists(tmp_path: Path) -> None:
    mine = tmp_path / "calls.toml"
    mine.write_text('name = "calls"\ntitle = "架電リスト"\n', encoding="utf-8")
    code, out, _ = _run("worklist", "--file", mine)
    assert code == 0
    for name in ("unanswered", "untouched-mqls", "double-handled", "hot-not-accepted", "calls"):
        assert name in out
    assert "対応漏れ" in out


def test_runs_one_on_the_database(db: Path) -> None:
    code, out, _ = _run("worklist", "unanswered", "--db", db, "--as-of", "2026-04-09")
    assert code == 0
    assert "株式会社b" in out
    assert "株式会社a" not in out
    code, out, _ = _run(
        "worklist", "double-handled", "--db", db, "--as-of", "2026-04-09", "--owner", "u-2"
    )
    assert (code, "株式会社c" in out) == (0, False)


def test_mistakes_are_messages(db: Path, tmp_path: Path) -> None:
    code, _, err = _run("worklist", "nope", "--db", db)
    assert code == 2
    assert "no worklist 'nope'" in err
    code, _, err = _run("worklist", "unanswered")
    assert (code, "--db" in err) == (2, True)
    code, _, err = _run("worklist", "unanswered", "--db", tmp_path / "missing.db")
    assert code != 0
    assert "Traceback" not in err
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nsort = ["custom.budget"]\n', encoding="utf-8")
    code, _, err = _run("worklist", "--file", bad)
    assert code == 1
    assert "sort" in err
