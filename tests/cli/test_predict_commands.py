"""``leadkit learn`` and ``leadkit evaluate`` on small CSV files (issue 16)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.cli._run import leadkit

AS_OF = datetime(2026, 4, 1, tzinfo=UTC)


def _files(folder: Path, n: int = 300, *, seed: int = 5) -> tuple[Path, Path, Path]:
    """Leads where a demo request and size raise the chance of a win."""
    rng = random.Random(seed)
    leads = ["id,family_name,company,employees,created_at"]
    events = ["id,kind,occurred_at,lead_id"]
    outcomes = ["lead_id,won"]
    for i in range(n):
        employees = rng.choice([20, 200, 2000])
        leads.append(f"l-{i},Name{i},Company {i},{employees},2026-01-01T00:00:00+00:00")
        demo = rng.random() < 0.4
        if demo:
            at = (AS_OF - timedelta(days=rng.randint(1, 60))).isoformat()
            events.append(f"e-{i},demo_request,{at},l-{i}")
        chance = 0.08 + 0.5 * demo + 0.2 * (employees == 2000)
        outcomes.append(f"l-{i},{'won' if rng.random() < chance else 'lost'}")
    paths = []
    for name, lines in (("leads.csv", leads), ("events.csv", events), ("outcomes.csv", outcomes)):
        path = folder / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1], paths[2]


def test_learn_saves_a_model_that_evaluate_measures(tmp_path: Path) -> None:
    leads, events, outcomes = _files(tmp_path)
    common: list[str | Path] = [
        "--leads",
        leads,
        "--events",
        events,
        "--outcomes",
        outcomes,
        "--as-of",
        "2026-04-01",
    ]
    learned = leadkit("learn", *common, "--max-rules", "4", "--out", "m.json", cwd=tmp_path)
    assert learned.returncode == 0, learned.stderr
    assert "demo_request within" in learned.stdout
    saved = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert saved["method"] == "logistic"
    assert 1 <= len(saved["model"]["rules"]) <= 4
    result = leadkit(
        "evaluate", "--model", "m.json", *common, "--per-week", "5", "--format", "json",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    tables = json.loads(result.stdout)
    summary = {row["measure"]: row["value"] for row in tables["Evaluation of learned"]}
    assert float(summary["ROC AUC"]) > 0.7
    assert "Brier score" in summary
    assert "MQL threshold for 5 a week" in summary


def test_evaluate_measures_a_built_in_model(tmp_path: Path) -> None:
    leads, events, outcomes = _files(tmp_path)
    result = leadkit(
        "evaluate", "--model", "marketing-default", "--leads", leads, "--events", events,
        "--outcomes", outcomes, "--as-of", "2026-04-01", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Lift by decile" in result.stdout
    assert "Brier" not in result.stdout  # a hand-set model gives no probabilities


def test_a_bad_outcome_row_names_its_line(tmp_path: Path) -> None:
    leads, _events, outcomes = _files(tmp_path, 20)
    lines = outcomes.read_text(encoding="utf-8").splitlines()
    lines[3] = "l-2,maybe"
    outcomes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = leadkit(
        "learn", "--leads", leads, "--outcomes", outcomes, "--as-of", "2026-04-01", cwd=tmp_path
    )
    assert result.returncode == 1
    assert "line 4: won: expected true or false, got 'maybe'" in result.stderr
    assert "Traceback" not in result.stderr


def test_outcomes_need_their_columns_and_known_leads(tmp_path: Path) -> None:
    leads, _, outcomes = _files(tmp_path, 20)
    outcomes.write_text("id,result\nl-1,won\n", encoding="utf-8")
    result = leadkit("learn", "--leads", leads, "--outcomes", outcomes, cwd=tmp_path)
    assert result.returncode == 1
    assert "needs the columns lead_id and won" in result.stderr
    outcomes.write_text("lead_id,won\nl-999,won\n", encoding="utf-8")
    result = leadkit("learn", "--leads", leads, "--outcomes", outcomes, cwd=tmp_path)
    assert result.returncode == 1
    assert "no lead 'l-999'" in result.stderr
