"""Fast paths for fields of a known type: the hot loop of scoring and grading.

Each returns one closure that reads the field and tests it without further calls, where
the generic leaf would call a value function and a check. ``field_fast_path`` gives the
two-valued predicate, ``field_fast_known`` the three-valued one (None when the field is
missing), which grading asks of every criterion for every lead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from leadkit.model import EngagementEvent
from leadkit.rules._checks import COMPARE
from leadkit.rules._grammar import (
    Between,
    Compare,
    Condition,
    FieldRef,
    IsIn,
    PropRef,
    TextMatch,
    Window,
    info_of,
)
from leadkit.rules._schema import Kind

__all__ = ["field_fast_known", "field_fast_path"]

Events = Sequence[EngagementEvent]
Pred = Callable[[Any, Events, datetime], bool]
Known = Callable[[Any, Events, datetime], bool | None]


def _typed_getter(node: Condition) -> Callable[[Any], Any] | None:
    """The getter of a field or property of a known type, or None (no fast path)."""
    subject = getattr(node, "subject", None)
    if not isinstance(subject, FieldRef | PropRef):
        return None
    info = info_of(subject)
    if info.kind is Kind.ANY:
        return None
    return info.get


def field_fast_path(node: Condition) -> Pred | None:
    """One closure for a leaf on a typed field, or None when there is no fast path."""
    get = _typed_getter(node)
    if get is None:
        return None
    if isinstance(node, IsIn) and not node.normalise:
        values = frozenset(node.values)
        if node.negated:

            def not_in(record: Any, events: Events, as_of: datetime) -> bool:
                value = get(record)
                return value is not None and value not in values

            return not_in

        def is_in(record: Any, events: Events, as_of: datetime) -> bool:
            return get(record) in values  # None is never among the values

        return is_in
    if isinstance(node, TextMatch) and not node.normalise and node.op == "contains":
        needles = node.needles
        if len(needles) == 1:
            needle = needles[0]

            def contains(record: Any, events: Events, as_of: datetime) -> bool:
                value = get(record)
                return value is not None and needle in value

            return contains

        def contains_any(record: Any, events: Events, as_of: datetime) -> bool:
            value = get(record)
            if value is None:
                return False
            for needle in needles:  # noqa: SIM110 - a plain loop beats any() + generator
                if needle in value:
                    return True
            return False

        return contains_any
    if isinstance(node, TextMatch) and not node.normalise:
        # str.startswith / str.endswith take a tuple of alternatives natively.
        affixes = node.needles
        if node.op == "startswith":

            def startswith(record: Any, events: Events, as_of: datetime) -> bool:
                value = get(record)
                return value is not None and value.startswith(affixes)

            return startswith

        def endswith(record: Any, events: Events, as_of: datetime) -> bool:
            value = get(record)
            return value is not None and value.endswith(affixes)

        return endswith
    if isinstance(node, Between):
        low, high = node.low, node.high

        def between(record: Any, events: Events, as_of: datetime) -> bool:
            value = get(record)
            return value is not None and low <= value <= high

        return between
    if isinstance(node, Compare):
        return _COMPARE_FAST[node.op](get, node.value)
    if isinstance(node, Window) and info_of(node.subject).kind is Kind.DATETIME:
        return _window_fast(get, node)
    return None


def field_fast_known(node: Condition) -> Known | None:
    """The three-valued twin of :func:`field_fast_path`: None when the field is missing."""
    get = _typed_getter(node)
    if get is None:
        return None
    if isinstance(node, IsIn) and not node.normalise:
        values = frozenset(node.values)
        negated = node.negated

        def is_in(record: Any, events: Events, as_of: datetime) -> bool | None:
            value = get(record)
            if value is None:
                return None
            return (value not in values) if negated else (value in values)

        return is_in
    if isinstance(node, TextMatch) and not node.normalise and node.op == "contains":
        needles = node.needles

        def contains(record: Any, events: Events, as_of: datetime) -> bool | None:
            value = get(record)
            if value is None:
                return None
            for needle in needles:  # noqa: SIM110 - a plain loop beats any() + generator
                if needle in value:
                    return True
            return False

        return contains
    if isinstance(node, TextMatch) and not node.normalise:
        affixes = node.needles
        starts = node.op == "startswith"

        def affixed(record: Any, events: Events, as_of: datetime) -> bool | None:
            value = get(record)
            if value is None:
                return None
            return value.startswith(affixes) if starts else value.endswith(affixes)  # type: ignore[no-any-return]

        return affixed
    if isinstance(node, Between):
        low, high = node.low, node.high

        def between(record: Any, events: Events, as_of: datetime) -> bool | None:
            value = get(record)
            return None if value is None else low <= value <= high

        return between
    if isinstance(node, Compare):
        if node.op in _KNOWN_COMPARE:
            return _KNOWN_COMPARE[node.op](get, node.value)
        compare, literal = COMPARE[node.op], node.value

        def compared(record: Any, events: Events, as_of: datetime) -> bool | None:
            value = get(record)
            return None if value is None else compare(value, literal)

        return compared
    return None


def _known_ge(get: Callable[[Any], Any], x: Any) -> Known:
    def ge(record: Any, events: Events, as_of: datetime) -> bool | None:
        value = get(record)
        return None if value is None else value >= x

    return ge


def _known_le(get: Callable[[Any], Any], x: Any) -> Known:
    def le(record: Any, events: Events, as_of: datetime) -> bool | None:
        value = get(record)
        return None if value is None else value <= x

    return le


def _known_eq(get: Callable[[Any], Any], x: Any) -> Known:
    def eq(record: Any, events: Events, as_of: datetime) -> bool | None:
        value = get(record)
        return None if value is None else value == x

    return eq


# The most common comparisons of fit criteria, inline; the others go through operator.
_KNOWN_COMPARE = {">=": _known_ge, "<=": _known_le, "==": _known_eq}


def _window_fast(get: Callable[[Any], Any], node: Window) -> Pred:
    start_of = node.period.start_function()
    if node.op == "within":

        def within(record: Any, events: Events, as_of: datetime) -> bool:
            value = get(record)
            return value is not None and start_of(as_of) <= value <= as_of

        return within

    def older_than(record: Any, events: Events, as_of: datetime) -> bool:
        value = get(record)
        return value is not None and value < start_of(as_of)

    return older_than


def _ge(get: Callable[[Any], Any], x: Any) -> Pred:
    def ge(record: Any, events: Events, as_of: datetime) -> bool:
        value = get(record)
        return value is not None and value >= x

    return ge


def _gt(get: Callable[[Any], Any], x: Any) -> Pred:
    def gt(record: Any, events: Events, as_of: datetime) -> bool:
        value = get(record)
        return value is not None and value > x

    return gt


def _le(get: Callable[[Any], Any], x: Any) -> Pred:
    def le(record: Any, events: Events, as_of: datetime) -> bool:
        value = get(record)
        return value is not None and value <= x

    return le


def _lt(get: Callable[[Any], Any], x: Any) -> Pred:
    def lt(record: Any, events: Events, as_of: datetime) -> bool:
        value = get(record)
        return value is not None and value < x

    return lt


def _eq(get: Callable[[Any], Any], x: Any) -> Pred:
    def eq(record: Any, events: Events, as_of: datetime) -> bool:
        return bool(get(record) == x)  # None never equals a literal

    return eq


def _ne(get: Callable[[Any], Any], x: Any) -> Pred:
    def ne(record: Any, events: Events, as_of: datetime) -> bool:
        value = get(record)
        return value is not None and value != x

    return ne


_COMPARE_FAST = {"==": _eq, "!=": _ne, "<": _lt, "<=": _le, ">": _gt, ">=": _ge}
