"""``leadkit demo`` and ``leadkit sample``: the real command on the bundled sample data."""

from __future__ import annotations

import re
from pathlib import Path

from leadkit.repository import SqliteUnitOfWork
from tests.cli._run import leadkit


def _tables(text: str) -> dict[str, list[list[str]]]:
    """The demo's tables by title: the rows under each title's dashed rule, split on runs
    of two spaces or more."""
    tables: dict[str, list[list[str]]] = {}
    lines = text.splitlines()
    for n, line in enumerate(lines):
        if n + 2 < len(lines) and set(lines[n + 2]) <= {"-", " "} and lines[n + 2].strip():
            rows = []
            for row in lines[n + 3 :]:
                if not row.strip():
                    break
                rows.append(re.split(r"\s{2,}", row.strip()))
            tables[line] = rows
    return tables


def test_demo_shows_the_whole_flow_and_runs_again_the_same(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    first = leadkit("demo", "--db", db, "--export", tmp_path / "out", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    for heading in (
        "groups of duplicates among 2,000 leads",
        "Funnel: from inquiry to won deals",
        "Closed deals from earlier campaigns",
        "Top 10 leads by score",
        "Each owner's load",
        "Campaign influence on the new pipeline",
        "Campaign influence on won revenue",
        "Source effectiveness",
        "Campaign ROI (attribution: time_decay)",
        "ROI by lead source",
        "E-mail rates per message",
    ):
        assert heading in first.stdout
    tables = _tables(first.stdout)
    # Issue 20: campaign costs beside what they brought, per campaign and per source.
    roi = tables["Campaign ROI (attribution: time_decay)"]
    assert any(row[9].endswith("JPY") for row in roi)  # cost per MQL
    assert any(float(row[-1]) > 0 for row in roi)  # won revenue per cost
    by_source = next(v for k, v in tables.items() if k.startswith("ROI by lead source"))
    assert any(row[7].endswith("JPY") for row in by_source)
    # The sample's sales history reaches won: the funnel, a win rate, won revenue per
    # source and per campaign are not zeros (issue 12).
    won_rows = [row for row in tables["Funnel: from inquiry to won deals"] if row[2] == "won"]
    assert any(int(row[3].replace(",", "")) > 0 for row in won_rows)
    closed = tables["Closed deals from earlier campaigns"][0]
    assert int(closed[1]) > 0
    assert int(closed[2]) > 0
    assert closed[3].endswith("%")
    assert closed[4].endswith("JPY")
    won_revenue = [v for k, v in tables.items() if k.startswith("Campaign influence on won")]
    assert won_revenue
    assert all(row[-1].endswith("JPY") for row in won_revenue[0])
    assert any(row[-1].endswith("JPY") for row in tables["Source effectiveness"])
    # The top leads show their priority cell (grade band x score band).
    top = tables["Top 10 leads by score"]
    assert all(re.fullmatch(r"[A-D][1-4]", row[4]) for row in top)
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
