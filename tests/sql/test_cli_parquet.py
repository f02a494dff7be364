"""``leadkit score --engine duckdb`` on Parquet (issue 14, "Run it": "leadkit score
--engine duckdb --leads leads.parquet --events events.parquet --model ..., writing
Parquet or CSV with the explanation columns")."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadkit.cli import main
from leadkit.model import Address, EngagementEvent, Lead, PersonName
from leadkit.scoring import default_grading_profile, japanese_b2b_model

duckdb = pytest.importorskip("duckdb")
sql = pytest.importorskip("leadkit.sql")

AS_OF = datetime(2026, 5, 1, tzinfo=UTC)


def _tables(folder: Path) -> tuple[list[Lead], list[EngagementEvent]]:
    leads = [
        Lead(
            id=f"lead-{n}",
            name=PersonName("山田"),
            company=f"株式会社{n}",
            title=["部長", "CEO", "", "エンジニア"][n % 4],
            address=Address(state=["東京都", "大阪府", "北海道"][n % 3]),
            created_at=datetime(2026, 4, 1, tzinfo=UTC),
        )
        for n in range(6)
    ]
    kinds = ["page_view", "form_submit", "email_click", "demo_request"]
    events = [
        EngagementEvent(
            kind=kinds[(n + k) % 4],
            lead_id=f"lead-{n}",
            occurred_at=datetime(2026, 4, 1 + k * 3, tzinfo=UTC),
        )
        for n in range(6)
        for k in range(n)
    ]
    sql.write_parquet(
        leads, events, leads_path=folder / "leads.parquet", events_path=folder / "events.parquet"
    )
    return leads, events


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["score", "--model", "japanese-b2b", "--as-of", "2026-05-01", "-q", *args],
                stdout=out, stderr=err)  # fmt: skip
    return code, out.getvalue(), err.getvalue()


@pytest.mark.slow  # the first DuckDB query of the process: ~1 s
def test_parquet_in_and_out_carries_every_explanation_column(tmp_path: Path) -> None:
    leads, events = _tables(tmp_path)
    code, _, err = _run(
        "--engine", "duckdb", "--leads", str(tmp_path / "leads.parquet"),
        "--events", str(tmp_path / "events.parquet"), "--profile", "default",
        "--output", str(tmp_path / "scores.parquet"),
    )  # fmt: skip
    assert code == 0, err
    relation = duckdb.sql(f"SELECT * FROM '{tmp_path / 'scores.parquet'}'")
    model, profile = japanese_b2b_model(), default_grading_profile()
    names = relation.columns
    assert names[:2] == ["lead_id", "total"]
    assert {f"rule.{r.name}" for r in model.rules} <= set(names)
    assert {f"criterion.{c.name}" for c in profile.criteria} <= set(names)
    rows = [dict(zip(names, row, strict=True)) for row in relation.fetchall()]
    totals = model.score_many(leads, events, as_of=AS_OF)
    assert {r["lead_id"]: r["total"] for r in rows} == pytest.approx(totals, abs=1e-9)
    grades = profile.grade_many(leads, as_of=AS_OF)
    assert {r["lead_id"]: r["grade"] for r in rows} == {k: str(g) for k, g in grades.items()}
    assert [r["total"] for r in rows] == sorted(totals.values(), reverse=True)


def test_csv_in_csv_out_and_top(tmp_path: Path) -> None:
    _tables(tmp_path)
    code, _, err = _run(
        "--engine", "duckdb", "--leads", str(tmp_path / "leads.parquet"),
        "--out", str(tmp_path / "top.csv"), "--top", "2",
    )  # fmt: skip
    assert code == 0, err
    with (tmp_path / "top.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2
    assert {"lead_id", "total"} <= set(rows[0])


def test_parquet_needs_the_duckdb_engine_and_the_score_command(tmp_path: Path) -> None:
    _tables(tmp_path)
    code, _, err = _run("--leads", str(tmp_path / "leads.parquet"))
    assert code == 2
    assert "--engine duckdb" in err
    out, errors = io.StringIO(), io.StringIO()
    leads_csv = tmp_path / "leads.csv"
    leads_csv.write_text("id,name,company\nlead-1,山田,ABC\n", encoding="utf-8")
    target = tmp_path / "g.parquet"
    code = main(["grade", "--profile", "default", "--leads", str(leads_csv),
                 "--out", str(target), "-q"], stdout=out, stderr=errors)  # fmt: skip
    assert code != 0
    assert "Parquet" in errors.getvalue()
    assert not (tmp_path / "g.parquet").exists()
