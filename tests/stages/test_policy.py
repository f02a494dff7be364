"""Stage policies: built in code or loaded from TOML/JSON, errors that name the key."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from leadkit.errors import LoadError, ValidationError, format_path
from leadkit.io import dumps, loads, structure
from leadkit.model import Account
from leadkit.rules import events, field
from leadkit.stages import MqlRule, StagePolicy, dump_stage_policy, load_stage_policy

TOML = """
name = "jp-2026"
accept_within_hours = 8
requalify_after_days = 14

[mql]
min_score = 100
min_grade = "B"
or_when = { events = ["demo_request"], within = { days = 30 } }

[mql.when]
field = "employees"
op = ">="
value = 50

[disqualify_when]
field = "email"
op = "endswith"
value = "@rival.example"
"""


def test_a_policy_loads_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "stages.toml"
    path.write_text(TOML, encoding="utf-8")
    policy = load_stage_policy(path)
    assert policy == StagePolicy(
        name="jp-2026",
        mql=MqlRule(
            min_score=100,
            min_grade="B",
            when=field("employees") >= 50,
            or_when=events("demo_request").within(days=30),
        ),
        disqualify_when=field("email").endswith("@rival.example"),
        accept_within_hours=8,
        requalify_after_days=14,
    )
    assert policy.actor == "policy:jp-2026"


def test_a_policy_round_trips_through_json(tmp_path: Path) -> None:
    policy = StagePolicy(
        mql=MqlRule(min_score=Decimal("99.5"), or_when=events("demo_request").exists()),
        sgl_when=field("custom.sdr_sourced").is_true(),
        accept_within_hours=4.5,
    )
    path = tmp_path / "stages.json"
    path.write_text(json.dumps(dump_stage_policy(policy)), encoding="utf-8")
    assert load_stage_policy(path) == policy


def test_every_problem_is_reported_with_its_path() -> None:
    with pytest.raises(LoadError) as caught:
        load_stage_policy(
            {
                "mql": {"min_score": "lots", "min_grade": "Q", "or_when": {"events": 3}},
                "disqualify_when": {"field": "no_such_field", "op": "==", "value": 1},
                "accept_within_hours": 0,
                "requalify_after_days": 1.5,
                "colour": "blue",
            },
            path="stages",
        )
    paths = sorted(format_path(p.path) for p in caught.value.problems)
    assert paths == [
        "stages.accept_within_hours",
        "stages.colour",
        "stages.disqualify_when.field",
        "stages.mql.min_grade",
        "stages.mql.min_score",
        "stages.mql.or_when.events",
        "stages.requalify_after_days",
    ]


def test_missing_or_empty_mql_rule() -> None:
    with pytest.raises(LoadError) as missing:
        load_stage_policy({"name": "x"})
    assert [format_path(p.path) for p in missing.value.problems] == ["mql"]
    with pytest.raises(LoadError) as empty:
        load_stage_policy({"mql": {}})
    assert [format_path(p.path) for p in empty.value.problems] == ["mql"]
    assert "min_score, min_grade, when or or_when" in str(empty.value)


def test_a_file_that_is_not_a_policy(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("mql = [", encoding="utf-8")
    with pytest.raises(LoadError, match="invalid TOML"):
        load_stage_policy(path)
    with pytest.raises(LoadError, match="expected an object"):
        load_stage_policy([1, 2])  # type: ignore[arg-type]


def test_policies_built_in_code_are_checked() -> None:
    with pytest.raises(ValidationError, match="MqlRule"):
        MqlRule()
    with pytest.raises(ValidationError) as wrong_record:
        MqlRule(when=field("name", on=Account) == "x")
    assert format_path(wrong_record.value.path) == "MqlRule.when"
    with pytest.raises(ValidationError) as bad_hours:
        StagePolicy(mql=MqlRule(min_score=1), accept_within_hours=-2)
    assert format_path(bad_hours.value.path) == "StagePolicy.accept_within_hours"
    assert MqlRule(min_grade="b+").min_grade == "B+"


def test_a_policy_without_its_mql_rule_says_so() -> None:
    """Issue 19: ``StagePolicy()`` raised a bare TypeError; it names the missing rule."""
    with pytest.raises(ValidationError) as missing:
        StagePolicy()
    assert format_path(missing.value.path) == "StagePolicy.mql"
    assert missing.value.code == "bad_stage_input"
    assert "MqlRule(" in missing.value.message
    with pytest.raises(ValidationError) as wrong:
        StagePolicy(mql={"min_score": 1})  # type: ignore[arg-type]
    assert "expected an MqlRule, got dict" in wrong.value.message


def test_the_converter_knows_policies() -> None:
    policy = StagePolicy(mql=MqlRule(min_grade="A-", when=field("employees") >= 10))
    assert loads(dumps(policy), StagePolicy) == policy
    with pytest.raises(LoadError) as caught:
        structure({"mql": {"min_score": True}}, StagePolicy)
    assert [format_path(p.path) for p in caught.value.problems] == ["mql.min_score"]
