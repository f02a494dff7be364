"""Every rule-bearing type round-trips through ``leadkit.dumps`` / ``leadkit.loads``
(issue 11: one plain-data codec, registered with the one converter), carries a schema
version, and a newer schema is refused with its path."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import leadkit
from leadkit.dedupe import DuplicateRuleSet, MatchingRule, Survivorship
from leadkit.errors import LoadError, format_path
from leadkit.io import structure, unstructure
from leadkit.routing import AssignmentRules, Availability
from leadkit.rules import Condition
from leadkit.scoring import GradingProfile, GradingScheme, ScoringModel
from leadkit.stages import StagePolicy, WorkingCalendar
from leadkit.testing import rule_set_strategies as rs
from leadkit.testing.rule_strategies import conditions

CASES: list[tuple[type[Any], st.SearchStrategy[Any]]] = [
    (Condition, conditions()),
    (ScoringModel, rs.scoring_models()),
    (GradingProfile, rs.grading_profiles()),
    (GradingScheme, rs.grading_schemes()),
    (AssignmentRules, rs.assignment_rules()),
    (MatchingRule, rs.matching_rules()),
    (DuplicateRuleSet, rs.duplicate_rule_sets()),
    (Survivorship, rs.survivorships()),
    (Availability, rs.availabilities()),
    (StagePolicy, rs.stage_policies()),
    (WorkingCalendar, rs.working_calendars()),
]
IDS = [cls.__name__ for cls, _ in CASES]


@pytest.mark.parametrize(("cls", "strategy"), CASES, ids=IDS)
def test_loads_of_dumps_is_the_original(cls: type[Any], strategy: st.SearchStrategy[Any]) -> None:
    """Issue 11: ``x == loads(dumps(x))`` for every rule-bearing type, and the plain data
    is JSON with ``schema = 1`` at the top."""

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(strategy)
    def check(obj: Any) -> None:
        text = leadkit.dumps(obj)
        data = json.loads(text)
        assert data["schema"] == 1
        assert leadkit.loads(text, cls) == obj

    check()


@pytest.mark.parametrize(("cls", "strategy"), CASES, ids=IDS)
def test_a_newer_schema_is_refused_with_its_path(
    cls: type[Any], strategy: st.SearchStrategy[Any]
) -> None:
    """Issue 11: an unknown future schema version is a LoadError at ``schema``."""

    @settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(strategy)
    def check(obj: Any) -> None:
        data = unstructure(obj)
        data["schema"] = 2
        with pytest.raises(LoadError) as caught:
            structure(data, cls)
        assert [format_path(p.path) for p in caught.value.problems] == ["schema"]
        assert "newer leadkit" in caught.value.problems[0].message

    check()


def test_assignment_rule_files_accept_a_schema_key() -> None:
    """Issue 11: assignment rule files rejected ``schema`` before; now it is read."""
    from leadkit.routing import load_assignment_rules

    rules = load_assignment_rules({"schema": 1, "default_owner": "queue:q", "entries": []})
    assert str(rules.default_owner) == "queue:q"


def test_a_structure_hook_refuses_text_instead_of_reading_a_file() -> None:
    """A string given to ``structure`` is data, never a file name to open."""
    with pytest.raises(LoadError) as caught:
        structure("rules.toml", MatchingRule)
    assert caught.value.problems[0].message == "expected an object, got string"


def test_importing_leadkit_io_loads_no_rule_package() -> None:
    """The codecs are registered lazily: leadkit.io knows their modules by name only."""
    from tests._isolated import LOADED, run_python

    loaded = run_python("import leadkit.io\n" + LOADED)
    for package in ("leadkit.rules", "leadkit.scoring", "leadkit.dedupe", "leadkit.routing"):
        assert package not in loaded
