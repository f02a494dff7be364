"""The one reader and the one tag codec of leadkit.io (issue 11: "one reader, problems
collected by path, and one tag codec")."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.errors import LoadError, ValidationError, format_path
from leadkit.io._reader import Reader, check_schema, relative_path
from leadkit.io._tags import FINITE_TAGS, decode, encode


def test_a_reader_collects_every_problem_with_its_path() -> None:
    reader = Reader()
    data = reader.mapping({"name": 5, "points": "1", "x": 0}, ("rules", 2), ("name", "points"))
    assert data is not None
    assert reader.text(data, "name", ("rules", 2)) is None
    assert reader.number(data, "points", ("rules", 2)) is None
    assert reader.flag(data, "on", ("rules", 2), required=True) is None
    with pytest.raises(LoadError) as caught:
        reader.raise_if_any("scoring model")
    assert [str(p) for p in caught.value.problems] == [
        "rules[2].x: unknown key; expected one of name, points",
        'rules[2].name: expected a string, got int (quote it: "1")',
        "rules[2].points: expected a number, got string",
        "rules[2].on: required key is missing",
    ]


def test_attempt_records_a_constructor_error_below_the_path() -> None:
    def build() -> None:
        raise ValidationError("must be > 0", path="Caps.per_day")

    reader = Reader()
    assert reader.attempt(("entries", 1, "target", "caps"), build) is None
    assert [format_path(p.path) for p in reader.problems] == ["entries[1].target.caps.per_day"]


def test_relative_path_drops_only_a_class_name() -> None:
    assert relative_path("MatchingRule.logic") == ("logic",)
    assert relative_path(("custom", "a.b")) == ("custom", "a.b")


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        (2, "expected schema 1, got 2 (written by a newer leadkit)"),
        ("1", "expected schema 1, got '1'"),
    ],
)
def test_a_schema_other_than_one_is_a_problem(schema: object, message: str) -> None:
    reader = Reader()
    check_schema(reader, {"schema": schema}, ("profiles", 0))
    assert [str(p) for p in reader.problems] == [f"profiles[0].schema: {message}"]


def test_the_tags_read_back_the_values_they_wrote() -> None:
    """Docstring of leadkit.io._tags: dates, datetimes, decimals, non-finite floats."""
    for value in (date(2026, 4, 1), datetime(2026, 4, 1, 9, tzinfo=UTC), Decimal("12.50")):
        assert decode(encode(value)) == value
    assert math.isnan(float(decode(encode(math.nan))))  # type: ignore[arg-type]
    assert encode(date(2026, 4, 1), bare=date) == "2026-04-01"


def test_condition_literals_do_not_take_float_tags() -> None:
    with pytest.raises(ValidationError) as caught:
        decode({"$float": "nan"}, path=("value",), tags=FINITE_TAGS)
    assert caught.value.path == ("value",)


@settings(max_examples=30, deadline=None)
@given(st.dictionaries(st.text(max_size=3), st.integers(), min_size=1, max_size=2))
def test_any_other_mapping_is_refused_with_its_path(value: dict[str, int]) -> None:
    with pytest.raises(ValidationError) as caught:
        decode(value, path=("custom", "x"))
    assert caught.value.path == ("custom", "x")
