"""Testing one present value against a leaf condition: the semantics of every operator.

Shared by the compiled closures and by :func:`~leadkit.rules.explain`, which must agree.
Values typed only at run time (custom fields, event properties) are first checked for the
kind of value the literal expects; a value of another kind fails the test.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from leadkit.model import normalise_text
from leadkit.rules._errors import RuleError
from leadkit.rules._grammar import (
    Between,
    Compare,
    Condition,
    IsIn,
    Matches,
    TextMatch,
    Window,
    info_of,
)
from leadkit.rules._regex import compile_user_pattern
from leadkit.rules._schema import Kind, family_of

__all__ = ["COMPARE", "Check", "leaf_check", "mismatch"]

Check = Callable[[Any, datetime], bool]

COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _guarded(check: Check, family: str | None) -> Check:
    """For values typed only at run time: a value of another type fails the test."""
    if family is None:
        return check

    def guarded(value: Any, as_of: datetime) -> bool:
        return family_of(value) == family and check(value, as_of)

    return guarded


def _window_check(node: Window, kind: Kind) -> Check:
    start_of = node.period.start_function()
    within = node.op == "within"

    def on_datetime(value: Any, as_of: datetime) -> bool:
        start = start_of(as_of)
        return bool(start <= value <= as_of) if within else bool(value < start)

    def on_date(value: Any, as_of: datetime) -> bool:
        # The window's first day is the calendar day (in as_of's zone) where it starts.
        today = as_of.date()
        start = start_of(as_of).date()
        return bool(start <= value <= today) if within else bool(value < start)

    if kind is Kind.DATETIME:
        return on_datetime
    if kind is Kind.DATE:
        return on_date

    def on_any(value: Any, as_of: datetime) -> bool:
        if isinstance(value, datetime):
            return on_datetime(value, as_of)
        if isinstance(value, date):
            return on_date(value, as_of)
        return False

    return on_any


def leaf_check(node: Condition) -> Check:
    """``(value, as_of) -> bool`` for a present value, for every leaf but ``Presence``."""
    info = info_of(node.subject)  # type: ignore[attr-defined]
    runtime = info.kind is Kind.ANY
    if isinstance(node, Compare):
        compare, literal = COMPARE[node.op], node.value
        return _guarded(lambda v, _: compare(v, literal), family_of(literal) if runtime else None)
    if isinstance(node, Between):
        low, high = node.low, node.high
        return _guarded(lambda v, _: low <= v <= high, family_of(low) if runtime else None)
    if isinstance(node, IsIn):
        inside = operator.not_ if node.negated else operator.truth
        if node.normalise:
            keys = frozenset(normalise_text(v) for v in node.values)
            return _guarded(lambda v, _: inside(normalise_text(v) in keys), "text")
        values = frozenset(node.values)
        family = family_of(node.values[0]) if runtime else None
        return _guarded(lambda v, _: inside(v in values), family)
    if isinstance(node, TextMatch):
        return _guarded(_text_check(node), "text" if runtime else None)
    if isinstance(node, Matches):
        search = compile_user_pattern(node.pattern, ignore_case=node.ignore_case, path=info.label)
        return _guarded(lambda v, _: search(v), "text" if runtime else None)
    if isinstance(node, Window):
        return _window_check(node, info.kind)
    raise RuleError(f"not a leaf condition: {node!r}")  # pragma: no cover


def _text_check(node: TextMatch) -> Check:
    prepare: Callable[[str], str] = normalise_text if node.normalise else str
    needles = tuple(prepare(n) for n in node.needles)
    if node.op == "startswith":
        return lambda v, _: prepare(v).startswith(needles)
    if node.op == "endswith":
        return lambda v, _: prepare(v).endswith(needles)
    if len(needles) == 1:
        needle = needles[0]
        return lambda v, _: needle in prepare(v)
    return lambda v, _: any(n in prepare(v) for n in needles)


def mismatch(node: Condition, value: object) -> str | None:
    """Why a present ``value`` cannot be tested by ``node`` (a custom field or event
    property of another type), or None when it can."""
    info = info_of(node.subject)  # type: ignore[attr-defined]
    if info.kind is not Kind.ANY or value is None:
        return None
    family = family_of(value)
    if isinstance(node, Compare):
        wanted = family_of(node.value)
    elif isinstance(node, Between):
        wanted = family_of(node.low)
    elif isinstance(node, IsIn):
        wanted = "text" if node.normalise else family_of(node.values[0])
    elif isinstance(node, TextMatch | Matches):
        wanted = "text"
    elif isinstance(node, Window):
        wanted = family if family in ("date", "datetime") else "date or datetime"
    else:
        return None
    if family == wanted:
        return None
    return f"{info.label} is {type(value).__name__} {value!r}, not {wanted}: the test is false"
