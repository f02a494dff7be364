"""Conditions as plain data: the schema, values that round-trip, errors with paths, fuzzing."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit.errors import LeadkitError, LoadError, format_path
from leadkit.io import load_data
from leadkit.model import Account, Lead
from leadkit.rules import (
    RULE_SCHEMA_VERSION,
    Condition,
    compile,
    criteria,
    dump_condition,
    events,
    field,
    from_data,
    load_condition,
    prop,
    to_data,
)
from leadkit.testing.rule_strategies import conditions

from ._support import AS_OF, lead

JST = timezone(timedelta(hours=9))


@pytest.mark.parametrize(
    ("condition", "data"),
    [
        (field("employees") >= 1000, {"field": "employees", "op": ">=", "value": 1000}),
        (
            field("title").contains_any(["部長", "Director"], normalise=True),
            {
                "field": "title",
                "op": "contains_any",
                "value": ["部長", "Director"],
                "normalise": True,
            },
        ),
        (
            field("industry").not_in(["IT"]),
            {"field": "industry", "op": "not_in", "value": ["IT"]},
        ),
        (
            field("created_at") >= datetime(2026, 4, 1, tzinfo=JST),
            {"field": "created_at", "op": ">=", "value": "2026-04-01T00:00:00+09:00"},
        ),
        (
            field("custom.start") < date(2026, 4, 1),
            {"field": "custom.start", "op": "<", "value": {"$date": "2026-04-01"}},
        ),
        (
            field("annual_revenue").between(Decimal("0.50"), 10),
            {"field": "annual_revenue", "op": "between", "value": [{"$decimal": "0.50"}, 10]},
        ),
        (field("phone").is_missing(), {"field": "phone", "op": "is_missing"}),
        (
            field("email").matches("@acme", ignore_case=True),
            {"field": "email", "op": "matches", "value": "@acme", "ignore_case": True},
        ),
        (
            field("created_at").within(months=3),
            {"field": "created_at", "op": "within", "value": {"months": 3}},
        ),
        (
            ~(field("rating") == "Hot"),
            {"not": {"field": "rating", "op": "==", "value": "Hot"}},
        ),
        (
            events("form_submit").where(prop("url").contains("/pricing")).within(days=30).count()
            >= 3,
            {
                "events": ["form_submit"],
                "where": {"prop": "url", "op": "contains", "value": "/pricing"},
                "within": {"days": 30},
                "count": {"op": ">=", "value": 3},
            },
        ),
        (
            events("purchase").sum("amount") > 100,
            {"events": ["purchase"], "sum": {"prop": "amount", "op": ">", "value": 100}},
        ),
        (events(), {"events": []}),
        (
            criteria([field("employees") >= 1, field("title").is_present()], logic="1 OR 2"),
            {
                "criteria": [
                    {"field": "employees", "op": ">=", "value": 1},
                    {"field": "title", "op": "is_present"},
                ],
                "logic": "1 OR 2",
            },
        ),
    ],
)
def test_plain_data_form(condition: Condition, data: dict[str, Any]) -> None:
    assert to_data(condition) == data
    assert from_data(data) == condition
    assert json.loads(json.dumps(data)) == data  # JSON-compatible as written


def test_dump_carries_schema_and_record_type() -> None:
    dumped = dump_condition(field("industry", on=Account) == "IT")
    assert dumped == {
        "schema": RULE_SCHEMA_VERSION,
        "on": "Account",
        "condition": {"field": "industry", "op": "==", "value": "IT"},
    }
    assert load_condition(dumped) == (field("industry", on=Account) == "IT")
    assert dump_condition(events("webinar"))["on"] == "Lead"


def test_lenient_value_forms() -> None:
    # Typed fields accept ISO strings and decimal strings; events a single kind.
    assert from_data({"field": "created_at", "op": "<", "value": "2026-04-01T00:00:00Z"}) == (
        field("created_at") < datetime(2026, 4, 1, tzinfo=UTC)
    )
    assert from_data({"field": "annual_revenue", "op": ">", "value": "1000.5"}) == (
        field("annual_revenue") > Decimal("1000.5")
    )
    assert from_data({"events": "webinar"}) == events("webinar")
    # Custom fields cannot tell a date from text unless tagged.
    assert from_data({"field": "custom.day", "op": "==", "value": "2026-04-01"}) == (
        field("custom.day") == "2026-04-01"
    )


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        ([], "condition", "a condition is an object, got array"),
        ({}, "condition", "expected a condition with one of the keys"),
        ({"field": "employes", "op": ">=", "value": 1}, "condition.field", "did you mean"),
        ({"field": 3, "op": "==", "value": 1}, "condition.field", "expected a string"),
        ({"field": "employees", "op": "~", "value": 1}, "condition.op", "unknown operator '~'"),
        ({"field": "employees", "value": 1}, "condition.op", "required key is missing"),
        ({"field": "employees", "op": ">="}, "condition.value", "required for '>='"),
        ({"field": "employees", "op": "is_missing", "value": 1}, "condition.value", "no value"),
        ({"field": "employees", "op": ">=", "value": "many"}, "condition.value", "not a number"),
        ({"field": "employees", "op": "contains", "value": "1"}, "condition.op", "needs text"),
        ({"field": "title", "op": ">=", "value": "a"}, "condition.op", "'>=' needs"),
        ({"field": "title", "op": "==", "value": [1]}, "condition.value", "single value"),
        ({"field": "title", "op": "==", "value": "x", "colour": 1}, "condition.colour", "unknown"),
        (
            {"field": "title", "op": "==", "value": "x", "normalise": True},
            "condition.normalise",
            "only for",
        ),
        ({"field": "title", "op": "contains", "value": ["a"]}, "condition.value", "contains_any"),
        ({"field": "title", "op": "contains_any", "value": ["a", 1]}, "condition.value[1]", "text"),
        ({"field": "title", "op": "between", "value": [1]}, "condition.value", "[low, high]"),
        (
            {"field": "created_at", "op": "within", "value": {"day": 3}},
            "condition.value.day",
            "unknown",
        ),
        (
            {"field": "created_at", "op": "within", "value": {"days": -3}},
            "condition.value.days",
            "from 0",
        ),
        ({"field": "created_at", "op": "within", "value": {}}, "condition.value", "needs a length"),
        (
            {"field": "created_at", "op": "==", "value": "2026-04-01"},
            "condition.value",
            "no timezone",
        ),
        (
            {"field": "custom.x", "op": "==", "value": {"$date": "soon"}},
            "condition.value",
            "valid date",
        ),
        (
            {"field": "title", "op": "matches", "value": "(x"},
            "condition.value",
            "regular expression",
        ),
        ({"prop": "url", "op": "==", "value": "/"}, "condition.prop", "only valid inside"),
        ({"not": []}, "condition.not", "a condition is an object"),
        ({"all": {}}, "condition.all", "is an array"),
        ({"all": []}, "condition.all", "at least one"),
        ({"criteria": [{"events": []}], "logic": "1 AND 2"}, "condition.logic", "no criterion 2"),
        ({"criteria": [{"events": []}], "logic": 1}, "condition.logic", "expected a string"),
        ({"events": [1]}, "condition.events[0]", "expected a string"),
        ({"events": [""]}, "condition.events", "non-empty"),
        ({"events": [], "count": 3}, "condition.count", "expected an object"),
        ({"events": [], "count": {"op": ">=", "value": "x"}}, "condition.count.value", "number"),
        ({"events": [], "last": {"op": ">=", "value": 3}}, "condition.last.value", "datetime"),
        ({"events": [], "sum": {"op": ">=", "value": 3}}, "condition.sum.prop", "numeric event"),
        ({"events": [], "count": {}, "last": {}}, "condition", "one of count, last, sum"),
        (
            {"events": [], "where": {"field": "title", "op": "is_missing"}},
            "condition.where.field",
            "prop",
        ),
        ({"events": [], "where": {"events": []}}, "condition.where.events", "nested"),
        ({"events": [], "within": {"days": "30"}}, "condition.within.days", "whole number"),
    ],
)
def test_mistakes_name_their_path(data: object, path: str, message: str) -> None:
    with pytest.raises(LoadError) as info:
        from_data(data)
    problems = info.value.problems
    assert [format_path(p.path) for p in problems] == [path], problems
    assert message in problems[0].message


def test_every_problem_is_reported_with_the_callers_prefix() -> None:
    data = {
        "all": [
            {"field": "employees", "op": ">=", "value": 1},
            {"field": "nope", "op": "==", "value": 1},
            {
                "any": [
                    {"field": "title", "op": "is_present"},
                    {"field": "rating", "op": "==", "value": "Tepid"},
                ]
            },
        ]
    }
    with pytest.raises(LoadError) as info:
        from_data(data, path="rules[3].when")
    assert [format_path(p.path) for p in info.value.problems] == [
        "rules[3].when.all[1].field",
        "rules[3].when.all[2].any[1].value",
    ]
    assert "rules[3].when.all[1].field: Lead has no field 'nope'" in str(info.value)


@pytest.mark.parametrize(
    ("document", "path", "message"),
    [
        ({"condition": {"events": []}}, "schema", "expected schema 1"),
        ({"schema": 2, "condition": {"events": []}}, "schema", "expected schema 1"),
        ({"schema": True, "condition": {"events": []}}, "schema", "expected schema 1"),
        ({"schema": 1}, "condition", "required key is missing"),
        ({"schema": 1, "on": "Leed", "condition": {"events": []}}, "on", "unknown record type"),
        ({"schema": 1, "condition": {"events": []}, "x": 1}, "x", "unknown key"),
        ({"schema": 1, "condition": {"field": "x", "op": "is_missing"}}, "condition.field", ""),
        ("text", "document", "expected an object"),
    ],
)
def test_document_mistakes(document: object, path: str, message: str) -> None:
    with pytest.raises(LoadError) as info:
        load_condition(document)
    assert format_path(info.value.problems[0].path) == path
    assert message in info.value.problems[0].message


def test_document_record_type_must_match_the_callers() -> None:
    with pytest.raises(LoadError, match="expected conditions on Lead, got Account"):
        load_condition({"schema": 1, "on": "Account", "condition": {"events": []}}, on=Lead)


def test_toml_documents_load_with_native_dates(tmp_path: Path) -> None:
    path = tmp_path / "rule.toml"
    path.write_text(
        """
schema = 1
on = "Lead"

[condition]
logic = "1 AND (2 OR 3)"

[[condition.criteria]]
field = "created_at"
op = ">="
value = 2026-04-01T00:00:00+09:00

[[condition.criteria]]
field = "title"
op = "contains_any"
value = ["部長", "Director"]
normalise = true

[[condition.criteria]]
events = ["form_submit"]
within = { days = 30 }
where = { prop = "url", op = "startswith", value = "/pricing" }
count = { op = ">=", value = 2 }
""",
        encoding="utf-8",
    )
    rule = load_condition(load_data(path))
    expected = criteria(
        [
            field("created_at") >= datetime(2026, 4, 1, tzinfo=JST),
            field("title").contains_any(["部長", "Director"], normalise=True),
            events("form_submit").where(prop("url").startswith("/pricing")).within(days=30).count()
            >= 2,
        ],
        logic="1 AND (2 OR 3)",
    )
    assert rule == expected
    assert compile(rule)(lead(title="営業ＤＩＲＥＣＴＯＲ", created_at=AS_OF), as_of=AS_OF)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)

_KEYS = st.sampled_from(
    ["all", "any", "not", "criteria", "logic", "events", "where", "within", "count", "last",
     "sum", "field", "prop", "op", "value", "normalise", "ignore_case", "days", "months",
     "$date", "$datetime", "$decimal", "schema", "on", "condition"]
)  # fmt: skip
_SCALARS = st.one_of(
    st.sampled_from(
        ["employees", "title", "created_at", "custom.x", "address.prefecture", "rating", "url",
         "==", ">=", "between", "in", "contains", "contains_any", "matches", "within",
         "is_missing", "1 AND 2", "1 OR (2", "form_submit", "2026-04-01", "(", "Tokyo", "NaN"]
    ),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)  # fmt: skip
shaped_values = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=25,
)


@given(json_values)
def test_arbitrary_json_raises_only_leadkit_errors(data: object) -> None:
    for load in (from_data, load_condition):
        with contextlib.suppress(LeadkitError):
            load(data)


@given(shaped_values)
def test_nearly_valid_data_raises_only_leadkit_errors(data: object) -> None:
    for load in (from_data, load_condition):
        try:
            condition = load(data)
        except LeadkitError:
            continue
        # Whatever loads also compiles, evaluates and round-trips.
        assert from_data(to_data(condition)) == condition
        compile(condition)(lead(), (), as_of=AS_OF)


def _mutate(data: object, draw: st.DrawFn) -> object:
    """Change one spot of valid plain data: replace a value, drop or add a key."""
    if isinstance(data, dict) and data:
        key = draw(st.sampled_from(sorted(data)))
        action = draw(st.sampled_from(["replace", "drop", "add", "descend", "descend"]))
        copy = dict(data)
        if action == "replace":
            copy[key] = draw(_SCALARS | shaped_values)
        elif action == "drop":
            del copy[key]
        elif action == "add":
            copy[draw(_KEYS)] = draw(_SCALARS)
        else:
            copy[key] = _mutate(copy[key], draw)
        return copy
    if isinstance(data, list) and data:
        index = draw(st.integers(0, len(data) - 1))
        copy_list = list(data)
        copy_list[index] = _mutate(copy_list[index], draw)
        return copy_list
    return draw(_SCALARS)


_SMALL_CONDITIONS = conditions(max_leaves=4)


@st.composite
def mutated_conditions(draw: st.DrawFn) -> object:
    return _mutate(to_data(draw(_SMALL_CONDITIONS)), draw)


@given(mutated_conditions())
def test_mutated_valid_data_raises_only_leadkit_errors(data: object) -> None:
    try:
        condition = from_data(data)
    except LeadkitError:
        return
    assert from_data(to_data(condition)) == condition
    compile(condition)(lead(), (), as_of=AS_OF)


@pytest.mark.parametrize(
    "data",
    [
        {1: 2, "a": 3},
        {"all": [{None: 1}]},
        {"field": "title", "op": "==", "value": object()},
        {"field": "title", "op": "in", "value": [{"x"}]},
        {"events": ["webinar"], "within": {"days": 10**9}},
        {"field": "created_at", "op": "within", "value": {"hours": True}},
        {"field": "custom.x", "op": "==", "value": {"$decimal": "sNaN"}},
        {"field": "custom.x", "op": "==", "value": {"$decimal": 5}},
        {"not": {"not": {"not": {"all": [{"any": [{"not": {}}]}]}}}},
    ],
)
def test_odd_python_data_raises_only_load_errors(data: object) -> None:
    with pytest.raises(LoadError):
        from_data(data)


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    data: dict[str, Any] = {"field": "title", "op": "is_present"}
    for _ in range(200):
        data = {"not": data}
    with pytest.raises(LoadError, match="nest deeper than 64"):
        from_data(data)
