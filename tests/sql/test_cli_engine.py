"""``leadkit score --engine duckdb`` (issue 14, "Run it"): the same table as the Python
engine on the bundled sample (2,000 leads and their events, the shipped japanese-b2b
model), explanation included."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from leadkit.cli import main

pytest.importorskip("duckdb")


def _score(folder: Path, *extra: str) -> str:
    out = io.StringIO()
    code = main(
        [
            "score", "--model", "japanese-b2b", "--leads", str(folder / "leads.csv"),
            "--events", str(folder / "events.csv.gz"), "--as-of", "2026-05-01",
            "--format", "csv", "-q", *extra,
        ],
        stdout=out,
    )  # fmt: skip
    assert code == 0
    return out.getvalue()


def test_duckdb_engine_prints_the_python_engines_scores(tmp_path: Path) -> None:
    assert main(["sample", "--out", str(tmp_path / "s"), "-q"], stdout=io.StringIO()) == 0
    python = _score(tmp_path / "s")
    duckdb = _score(tmp_path / "s", "--engine", "duckdb")
    assert python.count("\n") > 2000
    assert duckdb == python


def test_unknown_engine_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["score", "--model", "x.toml", "--leads", "x.csv", "--engine", "spark"],
                stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    assert code == 2
    assert "--engine" in capsys.readouterr().err
