"""Issue 21 (hardening): CLI outputs are checked before the work starts. An output is
never one of the command's inputs, never written through a symbolic link, and an existing
file is overwritten only with ``--force``; each refusal is exit 1 with a message."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadkit.cli import main
from leadkit.io import write_leads_csv
from leadkit.model import Lead, PersonName


@pytest.fixture
def leads_file(tmp_path: Path) -> Path:
    path = tmp_path / "leads.csv"
    lead = Lead(
        id="lead-1",
        name=PersonName("山田", "太郎"),
        company="株式会社ABC",
        created_at=datetime(2026, 4, 1, tzinfo=UTC),
    )
    write_leads_csv([lead], path)
    return path


def _score(leads: Path, out: Path, *extra: str) -> int:
    command = ["score", "--model", "marketing-default", "--leads", str(leads)]
    return main([*command, "--as-of", "2026-05-01", "--out", str(out), *extra])


def test_the_output_is_never_the_input(
    leads_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = leads_file.read_bytes()
    assert _score(leads_file, leads_file, "--force") == 1
    assert leads_file.read_bytes() == before
    assert "--out" in capsys.readouterr().err


def test_an_existing_file_needs_force(leads_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    out.write_text("keep me", encoding="utf-8")
    assert _score(leads_file, out) == 1
    assert out.read_text(encoding="utf-8") == "keep me"
    assert _score(leads_file, out, "--force") == 0
    assert out.read_text(encoding="utf-8") != "keep me"


def test_a_symbolic_link_is_not_followed(leads_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.csv"
    target.write_text("precious", encoding="utf-8")
    link = tmp_path / "scores.csv"
    link.symlink_to(target)
    assert _score(leads_file, link, "--force") == 1
    assert target.read_text(encoding="utf-8") == "precious"


def test_a_missing_folder_is_refused_before_the_work(leads_file: Path, tmp_path: Path) -> None:
    assert _score(leads_file, tmp_path / "no" / "such" / "scores.csv") == 1
    assert not (tmp_path / "no").exists()
