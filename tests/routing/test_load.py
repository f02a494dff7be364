"""Loading assignment rule sets from TOML, JSON and plain data, with path-named errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit.errors import LoadError
from leadkit.model import OwnerRef
from leadkit.routing import (
    AssignmentRules,
    CapacityBased,
    Caps,
    LeastLoaded,
    RoundRobin,
    RuleEntry,
    WeightedRoundRobin,
    dump_assignment_rules,
    in_region,
    load_assignment_rules,
)
from leadkit.rules import criteria, field

TOML = """
name = "Japan inbound"
default_owner = "queue:inbound"

[[entries]]
name = "Kanto enterprise"
criteria = [
  { field = "address.region", op = "in", value = ["関東"] },
  { field = "employees", op = ">=", value = 1000 },
  { field = "industry", op = "==", value = "IT" },
]
logic = "(1 AND 2) OR 3"
target = { strategy = "weighted", weights = { u-1 = 2, u-2 = 0.5 }, fallback = "queue:enterprise" }

[[entries]]
name = "Existing customers"
when = { field = "custom.customer", op = "==", value = true }
keep_owner = true
target = "user:u-9"

[[entries]]
name = "Everyone else"
when = { field = "company", op = "is_present" }
[entries.target]
strategy = "least_loaded"
members = ["u-1", "u-2", "u-3"]
caps = { max_open = 20, per_day = 5 }
pool = "inside sales"
"""


def expected() -> AssignmentRules:
    return AssignmentRules(
        [
            RuleEntry(
                criteria(
                    [in_region("関東"), field("employees") >= 1000, field("industry") == "IT"],
                    logic="(1 AND 2) OR 3",
                ),
                WeightedRoundRobin({"u-1": 2, "u-2": 0.5}, fallback=OwnerRef.queue("enterprise")),
                name="Kanto enterprise",
            ),
            RuleEntry(
                field("custom.customer").is_true(),
                OwnerRef.user("u-9"),
                name="Existing customers",
                keep_owner=True,
            ),
            RuleEntry(
                field("company").is_present(),
                LeastLoaded(
                    ["u-1", "u-2", "u-3"], caps=Caps(max_open=20, per_day=5), pool="inside sales"
                ),
                name="Everyone else",
            ),
        ],
        default_owner=OwnerRef.queue("inbound"),
        name="Japan inbound",
    )


def test_a_toml_file_loads_to_the_rule_set_it_describes(tmp_path: Path) -> None:
    path = tmp_path / "routing.toml"
    path.write_text(TOML, encoding="utf-8")
    assert load_assignment_rules(path) == expected()


def test_dumped_rules_load_back_equal_through_json(tmp_path: Path) -> None:
    path = tmp_path / "routing.json"
    path.write_text(json.dumps(dump_assignment_rules(expected()), ensure_ascii=False))
    assert load_assignment_rules(str(path)) == expected()


targets = st.one_of(
    st.sampled_from([OwnerRef.user("u-1"), OwnerRef.queue("q")]),
    st.builds(lambda m: RoundRobin(m), st.permutations(["a", "b", "c"])),
    st.builds(
        lambda w: WeightedRoundRobin(dict(zip(["a", "b"], w, strict=True))),
        st.lists(st.sampled_from([1, 3, 0.5, 0.125, "1/3"]), min_size=2, max_size=2),
    ),
    st.builds(
        lambda c: CapacityBased(["a"], caps=c, fallback=OwnerRef.queue("x")),
        st.builds(
            Caps, max_open=st.none() | st.integers(0, 9), per_week=st.none() | st.integers(0, 9)
        ),
    ),
)


@given(st.lists(st.tuples(targets, st.booleans(), st.sampled_from(["", "名前"])), max_size=4))
def test_dump_then_load_is_the_identity(items: list[tuple[object, bool, str]]) -> None:
    rules = AssignmentRules(
        [
            RuleEntry(field("industry") == f"i{n}", target, keep_owner=keep, name=name)  # type: ignore[arg-type]
            for n, (target, keep, name) in enumerate(items)
        ],
        default_owner=OwnerRef.user("boss"),
    )
    assert load_assignment_rules(dump_assignment_rules(rules)) == rules


def problems(data: object) -> list[str]:
    with pytest.raises(LoadError) as info:
        load_assignment_rules(data)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


def test_every_problem_is_reported_with_its_path() -> None:
    data = {
        "default_owner": "boss",
        "entries": [
            {"criteria": [{"field": "employes", "op": ">=", "value": 1}], "target": "user:u-1"},
            {
                "when": {"field": "industry", "op": "==", "value": "IT"},
                "target": {"strategy": "rr"},
            },
            {
                "when": {"field": "industry", "op": "==", "value": "IT"},
                "target": {"strategy": "round_robin", "members": ["a"], "caps": {"per_day": "5"}},
            },
            {"when": {"field": "industry", "op": "is_present"}},
            {
                "criteria": [{"field": "industry", "op": "is_present"}],
                "logic": "1 OR 2",
                "target": "queue:q",
            },
        ],
    }
    found = problems(data)
    assert found[0].startswith("default_owner: an owner is 'user:<id>' or 'queue:<id>'")
    assert any(
        p.startswith("entries[0].criteria[0].field: Lead has no field 'employes'") for p in found
    )
    assert any(
        p.startswith("entries[1].target.strategy: expected one of round_robin") for p in found
    )
    assert "entries[2].target.caps.per_day: expected a whole number, got string" in found
    assert "entries[3].target: required: a user, queue or strategy" in found
    assert any(p.startswith("entries[4].logic: there is no criterion 2") for p in found)


def test_shape_errors_name_their_keys() -> None:
    assert problems([]) == ["rules: expected an object, got array"]
    assert problems({"default_owner": "queue:q", "entries": {}}) == [
        "entries: expected an array, got object"
    ]
    assert problems({"default_owner": "queue:q", "entries": [{"target": "queue:q", "x": 1}]}) == [
        "entries[0].x: unknown key; expected one of name, when, criteria, logic, target, keep_owner"
    ]
    assert problems(
        {"default_owner": "queue:q", "entries": [{"target": "queue:q", "when": {}, "criteria": []}]}
    ) == ["entries[0]: give either when (one condition) or criteria"]
    weighted = {"strategy": "weighted", "weights": {"a": 0}}
    found = problems(
        {
            "default_owner": "queue:q",
            "entries": [{"when": {"field": "company", "op": "is_present"}, "target": weighted}],
        }
    )
    assert found == ["entries[0].target.weights.a: a weight must be > 0, got 0"]
    assert problems({"entries": []}) == ["default_owner: required: who takes unmatched leads"]


def test_a_missing_file_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot read"):
        load_assignment_rules(tmp_path / "nope.toml")
