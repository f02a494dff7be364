"""Models, profiles and schemes from TOML / JSON: every mistake named by its path."""

from __future__ import annotations

import contextlib
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit.errors import LeadkitError, LoadError, Problem, format_path
from leadkit.rules import field
from leadkit.scoring import (
    EventRule,
    GradingProfile,
    GradingScheme,
    HalfLife,
    ProfileRule,
    ScoringModel,
    default_grading_profile,
    japanese_b2b_model,
    load_grading_profile,
    load_grading_scheme,
    load_scoring_model,
)

MODEL_TOML = """
name = "crm leads"
version = "2026-05"
decay = { kind = "half_life", days = 90 }
event_kinds = ["page_view", "form_submit", "webinar"]

[[groups]]
name = "behaviour"
cap = 60

[[rules]]
name = "page view"
events = "page_view"
points = 1
cap = 30
group = "behaviour"

[[rules]]
name = "pricing"
events = ["page_view"]
where = { prop = "url", op = "startswith", value = "/pricing" }
within = { days = 30 }
points = 15
per = "lead"
group = "behaviour"

[[rules]]
name = "active this week"
when = { events = [], within = { days = 7 } }
points = 10

[[rules]]
name = "big company"
points = 20
[[rules.when.all]]
field = "employees"
op = ">="
value = 1000
[[rules.when.all]]
field = "address.country"
op = "=="
value = "JP"
"""


def test_a_model_loads_from_toml_and_json_files_alike(tmp_path: Path) -> None:
    toml = tmp_path / "model.toml"
    toml.write_text(MODEL_TOML, encoding="utf-8")
    model = load_scoring_model(toml)
    assert (model.name, model.version) == ("crm leads", "2026-05")
    assert model.decay == HalfLife(90)
    assert [r.name for r in model.rules] == [
        "page view",
        "pricing",
        "active this week",
        "big company",
    ]
    assert model.rules[3] == ProfileRule(
        "big company", (field("employees") >= 1000) & (field("address.country") == "JP"), points=20
    )
    as_json = tmp_path / "model.json"
    as_json.write_text(json.dumps(model.to_data(), ensure_ascii=False), encoding="utf-8")
    assert load_scoring_model(as_json) == model
    assert load_scoring_model(str(as_json)) == model


BAD_MODEL: dict[str, Any] = {
    "name": "bad",
    "colour": "red",
    "event_kinds": ["page_view", "form_submit"],
    "groups": [{"name": "crm", "cap": -5}],
    "decay": {"kind": "quarter_life", "days": 3},
    "rules": [
        {"name": "views", "events": ["page_view"], "points": "1"},
        {
            "name": "pricing",
            "events": ["page_view"],
            "where": {"prop": "url", "op": "startswith"},
            "points": 3,
        },
        {
            "name": "fit",
            "when": {
                "criteria": [{"field": "employees", "op": ">=", "value": 10}],
                "logic": "1 AND 2",
            },
            "points": 5,
        },
        {"name": "size", "when": {"field": "employes", "op": ">=", "value": 1000}, "points": 20},
        {"name": "forms", "events": ["page_view", "from_submit"], "points": 50},
        {"name": "demo", "events": "page_view", "points": 30, "group": "erp"},
        {"name": "nothing", "points": 1},
        {"name": "views", "events": "form_submit", "points": 2, "decays": "no"},
    ],
}


def test_every_mistake_is_reported_with_its_path() -> None:
    with pytest.raises(LoadError) as caught:
        load_scoring_model(BAD_MODEL)
    found = {format_path(p.path): p.message for p in caught.value.problems}
    assert set(found) == {
        "colour",
        "groups[0].cap",
        "decay.kind",
        "rules[0].points",
        "rules[1].where.value",
        "rules[2].when.logic",
        "rules[3].when.field",
        "rules[4].events[1]",
        "rules[6]",
        "rules[7].decays",
    }
    assert found["colour"].startswith("unknown key; expected one of schema, name")
    assert "Lead has no field 'employes'; did you mean 'employees'?" in found["rules[3].when.field"]
    assert "unknown event kind 'from_submit'" in found["rules[4].events[1]"]
    assert found["rules[0].points"] == "expected a number, got string"
    assert found["rules[2].when.logic"].startswith("there is no criterion 2")
    assert isinstance(caught.value, LeadkitError)
    assert "problem(s) in scoring model" in str(caught.value)


def test_consistency_is_checked_once_the_parts_load() -> None:
    data = copy.deepcopy(BAD_MODEL)
    data = {
        "name": "m",
        "groups": [{"name": "crm"}],
        "rules": [
            {"name": "a", "events": "x", "points": 1, "group": "erp"},
            {"name": "a", "events": "y", "points": 1},
        ],
    }
    with pytest.raises(LoadError) as caught:
        load_scoring_model(data)
    assert [(format_path(p.path), p.message) for p in caught.value.problems] == [
        ("rules[0].group", "unknown group 'erp'; declare it in groups (declared: crm)"),
        ("rules[1].name", "duplicate rule name 'a' (also rules[0])"),
    ]


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ([], ""),
        ({"rules": [{"name": "a", "events": "x", "points": 1}]}, "name"),
        ({"name": "m"}, "rules"),
        ({"name": "m", "rules": []}, "rules"),
        ({"name": "m", "rules": {}}, "rules"),
        (
            {"name": "m", "version": 2, "rules": [{"name": "a", "events": "x", "points": 1}]},
            "version",
        ),
        (
            {"name": "m", "schema": 2, "rules": [{"name": "a", "events": "x", "points": 1}]},
            "schema",
        ),
        (
            {
                "name": "m",
                "cap": 10,
                "floor": 20,
                "rules": [{"name": "a", "events": "x", "points": 1}],
            },
            "floor",
        ),
        (
            {"name": "m", "rules": [{"name": "a", "events": "x", "points": 1e300}]},
            "rules[0].points",
        ),
        (
            {"name": "m", "rules": [{"name": "a", "events": "x", "points": 1, "per": "day"}]},
            "rules[0].per",
        ),
        (
            {"name": "m", "rules": [{"name": "a", "events": "x", "points": 1, "when": {}}]},
            "rules[0].when",
        ),
        (
            {
                "name": "m",
                "rules": [
                    {"name": "a", "when": {"prop": "url", "op": "==", "value": "/"}, "points": 1}
                ],
            },
            "rules[0].when.prop",
        ),
        (
            {
                "name": "m",
                "decay": {"kind": "linear", "percent": 120, "every_days": 30},
                "rules": [{"name": "a", "events": "x", "points": 1}],
            },
            "decay.percent",
        ),
        (
            {
                "name": "m",
                "decay": "half_life",
                "rules": [{"name": "a", "events": "x", "points": 1}],
            },
            "decay",
        ),
        (
            {"name": "m", "event_kinds": [], "rules": [{"name": "a", "events": "x", "points": 1}]},
            "event_kinds",
        ),
    ],
)
def test_single_mistakes(data: object, path: str) -> None:
    with pytest.raises(LoadError) as caught:
        load_scoring_model(data)  # type: ignore[arg-type]
    assert path in [format_path(p.path) for p in caught.value.problems]


def test_file_problems_are_load_errors(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot read"):
        load_scoring_model(tmp_path / "missing.toml")
    (tmp_path / "model.yaml").write_text("name: x", encoding="utf-8")
    with pytest.raises(LoadError, match=r"expected a \.toml or \.json file"):
        load_scoring_model(tmp_path / "model.yaml")
    (tmp_path / "broken.toml").write_text("name = ", encoding="utf-8")
    with pytest.raises(LoadError, match="invalid TOML"):
        load_scoring_model(tmp_path / "broken.toml")
    (tmp_path / "typo.toml").write_text(
        'name = "m"\nrules = [{ name = "a", events = "x", points = "1" }]', encoding="utf-8"
    )
    with pytest.raises(LoadError, match=r"1 problem\(s\) in typo.toml") as caught:
        load_scoring_model(tmp_path / "typo.toml")
    assert format_path(caught.value.problems[0].path) == "rules[0].points"
    with pytest.raises(LoadError, match="expected a file path or a mapping"):
        load_scoring_model(42)  # type: ignore[arg-type]


PROFILE_TOML = """
name = "enterprise fit"
applies_to = { field = "custom.segment", op = "==", value = "enterprise" }

[[criteria]]
name = "decision maker"
weight = 2
when = { field = "title", op = "contains_any", value = ["部長", "Director"] }

[[criteria]]
name = "large"
weight = 3
when = { field = "employees", op = ">=", value = 1000 }
"""


def test_profiles_and_schemes_load_from_files(tmp_path: Path) -> None:
    path = tmp_path / "profile.toml"
    path.write_text(PROFILE_TOML, encoding="utf-8")
    profile = load_grading_profile(path)
    assert [(c.name, c.weight) for c in profile.criteria] == [("decision maker", 2), ("large", 3)]
    assert profile.applies_to == (field("custom.segment") == "enterprise")
    data = {
        "name": "by segment",
        "profiles": [profile.to_data(), default_grading_profile().to_data()],
    }
    scheme_file = tmp_path / "scheme.json"
    scheme_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    scheme = load_grading_scheme(scheme_file)
    assert scheme == GradingScheme([profile, default_grading_profile()], name="by segment")
    assert GradingScheme.from_data(scheme.to_data()) == scheme


def test_profile_mistakes_are_named_by_path() -> None:
    criteria: list[dict[str, Any]] = [
        {"name": "a", "when": {"field": "employees", "op": ">=", "value": 1}, "weight": 4},
        {"name": "b", "when": {"events": ["webinar"]}},
        {"name": "c", "when": {"field": "title", "op": "contians", "value": "x"}},
        {"name": "d", "weight": 1},
    ]
    data = {
        "name": "p",
        "criteria": criteria,
        "applies_to": {"field": "rating", "op": "==", "value": "Lukewarm"},
    }
    with pytest.raises(LoadError) as caught:
        load_grading_profile(data)
    paths = [format_path(p.path) for p in caught.value.problems]
    assert paths == [
        "applies_to.value",
        "criteria[0].weight",
        "criteria[1].when",
        "criteria[2].when.op",
        "criteria[3].when",
    ]
    with pytest.raises(LoadError) as caught:
        load_grading_scheme({"profiles": [data | {"criteria": criteria[:1]}, {"name": 1}]})
    assert [format_path(p.path) for p in caught.value.problems] == [
        "profiles[0].applies_to.value",
        "profiles[0].criteria[0].weight",
        "profiles[1].name",
        "profiles[1].criteria",
    ]


def test_the_shipped_models_round_trip() -> None:
    model = japanese_b2b_model()
    assert ScoringModel.from_data(model.to_data()) == model
    profile = default_grading_profile()
    assert GradingProfile.from_data(profile.to_data()) == profile


# ---------------------------------------------------------------------------------------------
# Fuzzing: whatever the data, the loaders raise LeadkitError or return an object
# ---------------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(["page_view", "employees", ">=", "in", "lead", "half_life", "$date"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "rules",
                    "events",
                    "when",
                    "where",
                    "within",
                    "points",
                    "field",
                    "op",
                    "value",
                    "kind",
                    "days",
                    "groups",
                    "cap",
                    "criteria",
                    "weight",
                    "profiles",
                    "all",
                    "not",
                    "logic",
                    "decay",
                    "event_kinds",
                    "per",
                    "group",
                    "$decimal",
                ]
            )
            | st.text(max_size=5),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


def _loads_or_refuses(load: Any, data: object) -> None:
    with contextlib.suppress(LeadkitError):
        load(data)


@given(json_values)
def test_arbitrary_json_only_ever_raises_leadkit_errors(data: object) -> None:
    for load in (load_scoring_model, load_grading_profile, load_grading_scheme):
        _loads_or_refuses(load, data)


VALID = ScoringModel(
    "valid",
    [
        EventRule("views", "page_view", points=1, cap=20),
        ProfileRule("big", field("employees") >= 1000, points=20),
    ],
).to_data()


def _paths(data: object, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


@given(st.data(), json_values)
def test_a_valid_model_with_one_part_replaced_loads_or_names_the_problem(
    data: st.DataObject, replacement: object
) -> None:
    document = copy.deepcopy(VALID)
    where = data.draw(st.sampled_from(_paths(document)[1:]))
    parent: Any = document
    for key in where[:-1]:
        parent = parent[key]
    parent[where[-1]] = replacement
    problems = _problems(document)
    assert problems is None or (problems and all(isinstance(p.path, tuple) for p in problems))


def _problems(document: object) -> tuple[Problem, ...] | None:
    """The problems a document has, or None when it loads."""
    try:
        load_scoring_model(document)  # type: ignore[arg-type]
    except LoadError as err:
        return err.problems
    return None
