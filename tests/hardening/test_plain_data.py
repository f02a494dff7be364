"""Hostile plain data ends in a ``LeadkitError`` with a path, never another exception.

Issue 21 ("Tracebacks instead of LeadkitError"): numbers past Python's 4,300-digit limit,
NaN and Infinity, nesting past the recursion limit, folder names of the tz database as
time zones, ``weights = 5``, and thresholds that load and then overflow. Each class is
guarded once (``leadkit.io._plain``, ``leadkit._checks``, the filter-logic parser); these
tests pin each class, and the properties at the end fuzz every loader with them.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadkit.cli._examples import example_data
from leadkit.errors import LeadkitError, LoadError, ValidationError, format_path
from leadkit.io import load_data, loads
from leadkit.io._plain import MAX_DEPTH, check_plain, parse_json, parse_toml
from leadkit.model import Lead, PersonName
from leadkit.routing import Router, load_assignment_rules
from leadkit.rules import parse_filter_logic
from leadkit.stages import WorkingCalendar, classify, load_calendar, load_stage_policy

AS_OF = datetime(2026, 4, 1, 9, tzinfo=UTC)
LEAD = Lead(name=PersonName("佐藤", "花子"), company="テスト株式会社", created_at=AS_OF)


# -- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '{"employees": ' + "9" * 5000 + "}",
        '{"employees": NaN}',
        '{"employees": -Infinity}',
        '{"employees": ' + str(2**64) + "}",
    ],
)
def test_json_numbers_that_cannot_be_used_are_load_errors(text: str) -> None:
    with pytest.raises(LoadError) as raised:
        loads(text, Lead)
    assert raised.value.code == "load_error"


def test_toml_numbers_past_the_digit_limit_and_64_bits_are_load_errors(tmp_path: Path) -> None:
    huge = tmp_path / "huge.toml"
    huge.write_text("x = " + "9" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(LoadError):
        load_data(huge)
    with pytest.raises(LoadError) as raised:
        parse_toml("[mql]\nmin_score = " + str(2**64))
    assert raised.value.problems[0].path == ("mql", "min_score")


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), Decimal("NaN"), Decimal("sNaN"), Decimal("-Infinity")]
)
def test_non_finite_thresholds_are_refused_when_loaded(value: object) -> None:
    """A NaN threshold can never be reached; sNaN raised InvalidOperation in use."""
    with pytest.raises(LoadError) as raised:
        load_stage_policy({"mql": {"min_score": value}})
    assert [format_path(p.path) for p in raised.value.problems] == ["mql.min_score"]


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"mql": {"min_score": 10**400}}, "mql.min_score"),
        ({"mql": {"min_score": 1}, "requalify_after_days": 10**30}, "requalify_after_days"),
        ({"mql": {"min_score": 1}, "requalify_after_days": 10**12}, "requalify_after_days"),
        ({"mql": {"min_score": 1}, "accept_within_hours": 10**17}, "accept_within_hours"),
    ],
)
def test_thresholds_that_would_overflow_are_refused_when_loaded(
    data: dict[str, Any], where: str
) -> None:
    with pytest.raises(LoadError) as raised:
        load_stage_policy(data)
    assert format_path(raised.value.problems[0].path).startswith(where)


def test_a_policy_at_the_largest_allowed_values_still_classifies() -> None:
    policy = load_stage_policy(
        {"mql": {"min_score": 10**15}, "requalify_after_days": 36_600, "accept_within_hours": 1}
    )
    result = classify(LEAD, score=10**15, policy=policy, as_of=AS_OF)
    assert result.stage.value == "mql"


# -- nesting -------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1_000, 100_000])
def test_deep_json_is_a_load_error(depth: int) -> None:
    with pytest.raises(LoadError) as raised:
        parse_json("[" * depth + "]" * depth)
    assert "levels deep" in str(raised.value)


def test_deep_toml_is_a_load_error() -> None:
    depth = 2_000
    with pytest.raises(LoadError):
        parse_toml("x = " + "[" * depth + "]" * depth)


def test_plain_data_deeper_than_the_recursion_limit_is_reported_not_crashed_on() -> None:
    data: Any = 1
    for _ in range(5_000):
        data = {"a": data}
    with pytest.raises(LoadError) as raised:
        load_assignment_rules(data)
    assert len(raised.value.problems[0].path) == MAX_DEPTH


def test_data_just_inside_the_depth_limit_passes() -> None:
    data: Any = 1
    for _ in range(MAX_DEPTH):
        data = [data]
    assert check_plain(data) is data


@pytest.mark.parametrize(
    "text", ["(" * 600 + "1" + ")" * 600, "NOT " * 1_000 + "1", "!" * 1_000 + "1", "9" * 5_000]
)
def test_filter_logic_bounds_nesting_and_numbers(text: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_filter_logic(text, criteria=1)
    assert raised.value.code == "bad_filter_logic"
    assert len(str(raised.value)) < 300  # the message shows the start, not 5,000 characters


def test_filter_logic_within_the_bound_still_parses() -> None:
    node = parse_filter_logic("(" * 50 + "1 AND NOT 2" + ")" * 50, criteria=2)
    assert node.evaluate([True, False]) is True


# -- time zones ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Asia", "America", "A" * 300, "../../etc/passwd", "a\x00b", ""])
def test_time_zones_that_are_not_zones_are_refused_with_a_path(name: str) -> None:
    with pytest.raises(LoadError) as raised:
        load_calendar({"timezone": name})
    assert [format_path(p.path) for p in raised.value.problems] == ["calendar.timezone"]
    with pytest.raises(ValidationError):
        WorkingCalendar(timezone=name)


def test_routing_time_zones_use_the_same_check() -> None:
    from leadkit.routing._availability import zone

    with pytest.raises(ValidationError) as raised:
        zone("Asia", path="users[3].timezone")
    assert raised.value.path == ("users", 3, "timezone")


# -- shapes --------------------------------------------------------------------------------


@pytest.mark.parametrize("weights", [5, "a", ["u-1"], None])
def test_weights_that_are_not_a_table_are_a_load_error(weights: object) -> None:
    data = {
        "default_owner": "queue:q",
        "entries": [{"target": {"strategy": "weighted", "weights": weights}}],
    }
    with pytest.raises(LoadError) as raised:
        load_assignment_rules(data)
    paths = [format_path(p.path) for p in raised.value.problems]
    assert "entries[0].target.weights" in paths


# -- fuzzing every loader ------------------------------------------------------------------

HOSTILE: list[object] = [
    10**400,
    -(10**30),
    2**63,
    float("nan"),
    float("inf"),
    Decimal("sNaN"),
    "",
    "\ud800",
    "x" * 10_000,
    "Asia",
    "user:",
    [],
    {},
    [[[[[[[[[]]]]]]]]],
    None,
    True,
    0,
    -1,
    5,
    1.5,
]


def _outcome(run: Callable[[], object]) -> object:
    """What *run* returned, or the LeadkitError it raised (anything else propagates)."""
    try:
        return run()
    except LeadkitError as err:
        return err


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_leaves(value, (*path, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_leaves(value, (*path, index)))
    return found


def _replace(data: Any, path: tuple[Any, ...], value: object) -> Any:
    changed = copy.deepcopy(data)
    holder = changed
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    return changed


def _use_policy(data: Any) -> None:
    policy = load_stage_policy(data)
    classify(LEAD, score=60, grade="B", policy=policy, as_of=AS_OF)


def _use_routing(data: Any) -> None:
    Router(load_assignment_rules(data)).match(LEAD, as_of=AS_OF)


def _use_calendar(data: Any) -> None:
    load_calendar(data)


LOADERS: dict[str, tuple[dict[str, Any], Callable[[Any], None]]] = {
    "stage_policy": (example_data("stage_policy.toml"), _use_policy),
    "routing": (example_data("routing.toml"), _use_routing),
    "calendar": (
        {"timezone": "Asia/Tokyo", "weekdays": [0, 1, 2, 3, 4], "start": "09:00", "end": "18:00"},
        _use_calendar,
    ),
}


@pytest.mark.parametrize("name", sorted(LOADERS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_hostile_value_anywhere_ends_in_a_result_or_a_leadkit_error(
    name: str, data: st.DataObject
) -> None:
    base, use = LOADERS[name]
    where = data.draw(st.sampled_from(_leaves(base)), label="where")
    value = data.draw(st.sampled_from(HOSTILE), label="value")
    # Any other exception propagates and fails the test; ours must carry a message.
    outcome = _outcome(lambda: use(_replace(base, where, value)))
    if isinstance(outcome, LeadkitError):
        assert str(outcome)


json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
plain = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=30,
)


@settings(max_examples=100, deadline=None)
@given(data=plain)
def test_any_plain_data_is_accepted_or_refused_by_check_plain(data: Any) -> None:
    outcome = _outcome(lambda: check_plain(data))
    if not isinstance(outcome, LoadError):
        assert outcome is data
        return
    assert outcome.problems
    assert all(
        "finite" in p.message or "64 bits" in p.message or "deep" in p.message
        for p in outcome.problems
    )


@settings(max_examples=100, deadline=None)
@given(value=st.floats(allow_nan=True, allow_infinity=True))
def test_check_plain_refuses_exactly_the_non_finite_floats(value: float) -> None:
    if math.isfinite(value):
        assert check_plain({"v": value}) == {"v": value}
    else:
        with pytest.raises(LoadError):
            check_plain({"v": value})
