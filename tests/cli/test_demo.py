"""``leadkit demo`` and ``leadkit sample``: the real command on the bundled sample data."""

from __future__ import annotations

from pathlib import Path

from leadkit.repository import SqliteUnitOfWork
from tests.cli._run import leadkit


def test_demo_shows_the_whole_flow_and_runs_again_the_same(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    first = leadkit("demo", "--db", db, "--export", tmp_path / "out", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    for heading in (
        "groups of duplicates among 2,000 leads",
        "Funnel: from inquiry to opportunity",
        "Top 10 leads by score",
        "Each owner's load",
        "Campaign influence on the new pipeline",
        "Source effectiveness",
    ):
        assert heading in first.stdout
    # Progress goes to stderr, one line per step when it is not a terminal.
    assert "find duplicates (名寄せ) ... done in" in first.stderr
    assert "score (behaviour) and grade (fit) ... done in" in first.stderr
    with SqliteUnitOfWork(db) as uow:
        converted = [lead for lead in uow.leads.all() if lead.is_converted]
        assert converted
        for lead in converted:
            assert lead.conversion is not None
            assert lead.conversion.opportunity_id is not None
            assert uow.opportunities.get(lead.conversion.opportunity_id).amount is not None
    assert (tmp_path / "out" / "opportunities.csv").exists()
    second = leadkit("demo", "--db", db, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stdout.replace(str(db), "") == first.stdout.replace(str(db), "").replace(
        f"\n7 CSV files written to {tmp_path / 'out'}", ""
    )


def test_demo_refuses_to_overwrite_other_files(tmp_path: Path) -> None:
    precious = tmp_path / "notes.sqlite3"
    precious.write_text("my notes", encoding="utf-8")
    result = leadkit("demo", "--db", precious, cwd=tmp_path)
    assert result.returncode == 1
    assert "is not a leadkit database" in result.stderr
    assert precious.read_text(encoding="utf-8") == "my notes"


def test_sample_writes_csvs_that_the_commands_read(tmp_path: Path) -> None:
    result = leadkit("sample", "--out", "data", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "leads.csv").exists()
    dedupe = leadkit("dedupe", "--leads", "data/leads.csv", "--format", "csv", cwd=tmp_path)
    assert dedupe.returncode == 0, dedupe.stderr
    assert len(dedupe.stdout.splitlines()) > 10
    valid = leadkit("validate", "data/routing.toml", cwd=tmp_path)
    assert valid.returncode == 0, valid.stderr
