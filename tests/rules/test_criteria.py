"""Numbered criteria with filter logic, and three-valued results for grading."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from leadkit.errors import ValidationError
from leadkit.rules import FilterLogicError, compile, criteria, field

from ._support import AS_OF, lead

BIG = field("employees") >= 1000
DIRECTOR = field("title").contains_any(["部長", "Director"])
TOKYO = field("address.prefecture") == "東京都"


def test_default_logic_ands_every_criterion() -> None:
    rule = criteria([BIG, DIRECTOR])
    assert str(rule.logic) == "1 AND 2"  # type: ignore[attr-defined]
    assert compile(rule)(lead(employees=5000, title="営業部長"), as_of=AS_OF)
    assert not compile(rule)(lead(employees=5000, title="Engineer"), as_of=AS_OF)
    assert str(criteria([BIG]).logic) == "1"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("logic", "truth"),
    [
        ("1 AND (2 OR 3)", lambda a, b, c: a and (b or c)),
        ("(1 OR 2) AND NOT 3", lambda a, b, c: (a or b) and not c),
        ("NOT (1 AND 2) OR 3", lambda a, b, c: not (a and b) or c),
        ("1 OR 2 OR 3", lambda a, b, c: a or b or c),
        ("3 AND 1 AND 2", lambda a, b, c: a and b and c),
    ],
)
def test_logic_follows_the_truth_table(logic: str, truth: Callable[..., bool]) -> None:
    flags = [BIG, field("do_not_call").is_true(), field("email_opt_out").is_true()]
    rule = compile(criteria(flags, logic=logic))
    for a, b, c in itertools.product([False, True], repeat=3):
        record = lead(employees=5000 if a else 5, do_not_call=b, email_opt_out=c)
        assert rule(record, as_of=AS_OF) is truth(a, b, c), (logic, a, b, c)


@pytest.mark.parametrize(
    ("logic", "message", "position"),
    [
        ("1 AND (2 OR", "expected a number, NOT or '('", 12),
        ("1 AND 4", "there is no criterion 4 (criteria are numbered 1 to 3)", 7),
        ("1 AND 2", "criteria [3] are defined but not used", 8),
        ("1 AND 2 OR 3", "mixing AND and OR needs parentheses", 9),
        ("1 + 2", "unexpected '+'", 3),
        ("", "filter logic is empty", 1),
    ],
)
def test_bad_logic_reports_the_position(logic: str, message: str, position: int) -> None:
    with pytest.raises(FilterLogicError) as info:
        criteria([BIG, DIRECTOR, TOKYO], logic=logic)
    assert message in str(info.value)
    assert info.value.position == position
    assert isinstance(info.value, ValidationError)


def test_logic_node_built_by_hand_is_checked() -> None:
    from leadkit.rules import LogicAll, LogicRef

    with pytest.raises(FilterLogicError, match="no criterion 5"):
        criteria([BIG, DIRECTOR], logic=LogicAll((LogicRef(1), LogicRef(5))))


def test_equal_logic_is_equal_criteria() -> None:
    assert criteria([BIG, DIRECTOR], logic="1 and 2") == criteria([BIG, DIRECTOR])
    assert criteria([BIG, DIRECTOR], logic="1 OR 2") != criteria([BIG, DIRECTOR])


def test_str_numbers_the_criteria() -> None:
    rule = criteria([BIG, DIRECTOR, TOKYO], logic="1 AND (2 OR 3)")
    assert str(rule) == (
        "[1: employees >= 1000; 2: title contains any ['部長', 'Director']; "
        "3: address.prefecture == '東京都'] where 1 AND (2 OR 3)"
    )


def test_unknown_moves_through_logic_as_kleene_logic() -> None:
    # employees is missing: criterion 1 is unknown.
    record = lead(title="営業部長", do_not_call=False)
    false = field("do_not_call").is_true()
    true = DIRECTOR
    assert compile(criteria([BIG, true], logic="1 AND 2")).known(record, as_of=AS_OF) is None
    assert compile(criteria([BIG, false], logic="1 AND 2")).known(record, as_of=AS_OF) is False
    assert compile(criteria([BIG, true], logic="1 OR 2")).known(record, as_of=AS_OF) is True
    assert compile(criteria([BIG, false], logic="1 OR 2")).known(record, as_of=AS_OF) is None
    assert compile(criteria([BIG, true], logic="NOT 1 AND 2")).known(record, as_of=AS_OF) is None
    # The two-valued verdict treats the unknown comparison as false.
    assert compile(criteria([BIG, true], logic="NOT 1 AND 2"))(record, as_of=AS_OF) is True
