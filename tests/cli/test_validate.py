"""``leadkit validate``: files with mistakes are reported with every path; exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli._run import leadkit

GOOD_CONDITION = """\
schema = 1
on = "Lead"

[condition]
field = "employees"
op = ">="
value = 1000
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_condition_is_ok(tmp_path: Path) -> None:
    path = write(tmp_path, "big.toml", GOOD_CONDITION)
    result = leadkit("validate", path, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "OK (condition)" in result.stdout


def test_mistakes_are_listed_with_file_and_key_path(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.toml",
        'schema = 1\non = "Lead"\n[condition]\n'
        'all = [{field="employes", op=">=", value=3}, {field="title", op="~~", value="x"}]\n',
    )
    result = leadkit("validate", path, cwd=tmp_path)
    assert result.returncode == 1
    assert "2 problem(s) in bad.toml (condition)" in result.stderr
    assert f"{path}: condition.all[0].field: Lead has no field 'employes'" in result.stderr
    assert "did you mean 'employees'" in result.stderr
    assert f"{path}: condition.all[1].op: unknown operator '~~'" in result.stderr
    assert "hint:" in result.stderr
    assert "Traceback" not in result.stderr


def test_syntax_errors_name_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.json", '{"schema": 1,\n "on": }')
    result = leadkit("validate", path, cwd=tmp_path)
    assert result.returncode == 1
    assert f"{path}:2:" in result.stderr
    assert "invalid JSON" in result.stderr


def test_unrecognised_files_ask_for_kind(tmp_path: Path) -> None:
    path = write(tmp_path, "what.toml", "colour = 'blue'\n")
    result = leadkit("validate", path, cwd=tmp_path)
    assert result.returncode == 1
    assert "cannot tell what this file is" in result.stderr
    assert "--kind" in result.stderr


def test_kind_forces_the_loader(tmp_path: Path) -> None:
    path = write(tmp_path, "c.json", json.dumps({"schema": 1, "condition": {"bogus": 1}}))
    result = leadkit("validate", path, "--kind", "condition", cwd=tmp_path)
    assert result.returncode == 1
    assert f"{path}: condition" in result.stderr


def test_missing_file_and_wrong_extension(tmp_path: Path) -> None:
    missing = leadkit("validate", tmp_path / "nope.toml", cwd=tmp_path)
    assert missing.returncode == 1
    assert "cannot read" in missing.stderr
    yaml = write(tmp_path, "m.yaml", "a: 1")
    wrong = leadkit("validate", yaml, cwd=tmp_path)
    assert wrong.returncode == 1
    assert "expected a .toml or .json file" in wrong.stderr


def test_shipped_examples_are_valid(tmp_path: Path) -> None:
    from leadkit.cli._examples import EXAMPLE_FILES, example_text

    for name in EXAMPLE_FILES:
        path = write(tmp_path, name, example_text(name))
        result = leadkit("validate", path, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    assert (
        "(assignment rule set)"
        in leadkit("validate", tmp_path / "routing.toml", cwd=tmp_path).stdout
    )
    assert (
        "(stage policy)" in leadkit("validate", tmp_path / "stage_policy.toml", cwd=tmp_path).stdout
    )


def test_assignment_rules_with_mistakes_name_each_entry(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "routing.toml",
        'default_owner = "queue:inbound"\n'
        "[[entries]]\n"
        'when = { field = "adress.region", op = "in", value = ["関東"] }\n'
        'target = "user:sato"\n'
        "[[entries]]\n"
        'when = { field = "employees", op = ">=", value = 10 }\n'
        'target = { strategy = "round_robin", members = ["a"], caps = { per_day = "5" } }\n',
    )
    result = leadkit("validate", path, cwd=tmp_path)
    assert result.returncode == 1
    assert "2 problem(s) in routing.toml (assignment rule set)" in result.stderr
    assert f"{path}: entries[0].when" in result.stderr
    assert f"{path}: entries[1].target.caps.per_day" in result.stderr


def test_stage_policy_mistakes(tmp_path: Path) -> None:
    path = write(tmp_path, "policy.toml", '[mql]\nmin_score = "high"\nmin_grade = "Z"\n')
    result = leadkit("validate", path, cwd=tmp_path)
    assert result.returncode == 1
    assert "(stage policy)" in result.stderr
    assert f"{path}: mql.min_score" in result.stderr
