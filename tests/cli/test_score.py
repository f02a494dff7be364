"""``leadkit score`` and ``leadkit grade`` on small CSV files; scoring files with mistakes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli._run import leadkit
from tests.cli.test_data_commands import EVENTS, LEADS_JA, write

MODEL = """\
name = "tiny"

[[rules]]
name = "demo request"
events = ["demo_request"]
points = 50

[[rules]]
name = "page view"
events = ["page_view"]
points = 1
"""


def test_score_ranks_leads_and_explains(tmp_path: Path) -> None:
    leads = write(tmp_path, "l.csv", LEADS_JA)
    events = write(tmp_path, "e.csv", EVENTS)
    model = write(tmp_path, "model.toml", MODEL)
    args = (
        "score",
        "--model",
        model,
        "--leads",
        leads,
        "--events",
        events,
        "--as-of",
        "2026-04-01",
    )
    result = leadkit(*args, "--format", "json", "--explain", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["lead"], r["score"]) for r in rows[:2]] == [("l-2", 50), ("l-1", 1)]
    assert "demo request" in rows[0]["why"]
    top = leadkit(*args, "--top", "1", "--format", "csv", cwd=tmp_path)
    assert len(top.stdout.splitlines()) == 2


def test_score_with_a_built_in_model(tmp_path: Path) -> None:
    leads = write(tmp_path, "l.csv", LEADS_JA)
    events = write(tmp_path, "e.csv", EVENTS)
    result = leadkit(
        "score", "--model", "marketing-default", "--leads", leads, "--events", events,
        "--as-of", "2026-04-01", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    unknown = leadkit("score", "--model", "magic", "--leads", leads, cwd=tmp_path)
    assert unknown.returncode == 2
    assert "japanese-b2b" in unknown.stderr


def test_a_scoring_model_with_mistakes_is_refused_with_paths(tmp_path: Path) -> None:
    leads = write(tmp_path, "l.csv", LEADS_JA)
    model = write(tmp_path, "bad.toml", MODEL.replace("points = 50", 'points = "lots"'))
    result = leadkit("score", "--model", model, "--leads", leads, cwd=tmp_path)
    assert result.returncode == 1
    assert "rules[0].points" in result.stderr
    valid = leadkit("validate", model, cwd=tmp_path)
    assert valid.returncode == 1
    assert f"{model}: rules[0].points" in valid.stderr
    good = write(tmp_path, "good.toml", MODEL)
    assert "OK (scoring model)" in leadkit("validate", good, cwd=tmp_path).stdout


def test_grade_with_the_default_profile(tmp_path: Path) -> None:
    leads = write(tmp_path, "l.csv", LEADS_JA)
    result = leadkit(
        "grade", "--profile", "default", "--leads", leads, "--explain", "--format", "json",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    grades = {r["lead"]: r["grade"] for r in json.loads(result.stdout)}
    assert set(grades) == {"l-1", "l-2", "l-3", "l-4"}
    assert all(g[0] in "ABCDF" for g in grades.values())


def test_validate_grading_profiles_and_the_shipped_models(tmp_path: Path) -> None:
    profile = write(
        tmp_path,
        "fit.toml",
        'name = "fit"\n[[criteria]]\nname = "big"\n'
        'when = { field = "employes", op = ">=", value = 100 }\nweight = 5\n',
    )
    result = leadkit("validate", profile, cwd=tmp_path)
    assert result.returncode == 1
    assert "2 problem(s) in fit.toml (grading profile)" in result.stderr
    assert f"{profile}: criteria[0].weight" in result.stderr
    assert f"{profile}: criteria[0].when.field" in result.stderr
    models = Path(__file__).resolve().parents[2] / "src" / "leadkit" / "scoring" / "models"
    for shipped in sorted(models.glob("*.toml")):
        assert leadkit("validate", shipped, cwd=tmp_path).returncode == 0, shipped


def test_funnel_scores_leads_for_a_policy_with_a_threshold(tmp_path: Path) -> None:
    leads = write(tmp_path, "l.csv", LEADS_JA)
    events = write(tmp_path, "e.csv", EVENTS)
    model = write(tmp_path, "model.toml", MODEL)
    policy = write(tmp_path, "policy.toml", "[mql]\nmin_score = 50\n")
    args = ("funnel", "--policy", policy, "--leads", leads, "--events", events,
            "--as-of", "2026-04-01", "--format", "json")  # fmt: skip

    def mqls(*extra: str | Path) -> int:
        result = leadkit(*args, *extra, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        return sum(r["reached"] for r in json.loads(result.stdout) if r["stage"] == "MQL")

    # Only l-2's demo request (50 points under the tiny model) reaches the threshold.
    assert mqls("--model", model) == 1
    assert mqls() == 0
