"""Compiling a condition tree, once, into plain Python closures.

Everything that can be decided before evaluation is decided here: attribute getters,
frozensets for ``is_in``, normalised needles, compiled regexes, window arithmetic. The
closures never look at the tree again and never parse text.

Each node compiles to two closures over ``(record, events, as_of)``: a predicate
(two-valued: a comparison with a missing value is false) and a "known" function
(three-valued, Kleene logic: a comparison with a missing value is ``None``, unknown).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

import attrs

from leadkit._checks import aware_datetime
from leadkit.model import EngagementEvent
from leadkit.rules._checks import leaf_check
from leadkit.rules._errors import RuleError
from leadkit.rules._fast import field_fast_known, field_fast_path
from leadkit.rules._grammar import (
    AllOf,
    AnyOf,
    Condition,
    Criteria,
    EventCount,
    EventExists,
    EventLast,
    EventQuery,
    FieldRef,
    Not,
    Presence,
    PropRef,
    Subject,
    check_top_level,
    info_of,
    needs_events,
    record_type,
    uses_as_of,
)
from leadkit.rules._logic import LogicAll, LogicNode, LogicNot, LogicRef
from leadkit.rules._schema import family_of

__all__ = [
    "CompiledCondition",
    "EventFilter",
    "check_as_of",
    "compile_condition",
    "compile_event_filter",
    "compile_node",
    "matching_events",
    "sum_numbers",
    "value_function",
]

Events = Sequence[EngagementEvent]
Pred = Callable[[Any, Events, datetime], bool]
Known = Callable[[Any, Events, datetime], bool | None]
ValueFn = Callable[[Any, Events, datetime], object]
EventFilter = Callable[[EngagementEvent, Events, datetime], bool]


# The last as_of found valid. A batch evaluates many records at one as_of, so checking
# it once, not once per record, keeps the check off the hot path. A stale entry only
# means one more check.
_valid_as_of: list[object] = [None]


def check_as_of(as_of: object) -> None:
    """Refuse an ``as_of`` that is not a timezone-aware datetime."""
    if as_of is _valid_as_of[0]:
        return
    try:
        aware_datetime(as_of, error=RuleError)
    except RuleError as err:
        err.key = "as_of"
        raise
    _valid_as_of[0] = as_of


# ---------------------------------------------------------------------------------------------
# Subjects: reading a value
# ---------------------------------------------------------------------------------------------


def matching_events(query: EventQuery) -> Callable[[Events, datetime], Iterator[EngagementEvent]]:
    """A function yielding the events that match ``query`` at ``as_of``."""
    kinds = frozenset(query.kinds) if query.kinds else None
    start_of = query.window.start_function() if query.window is not None else None
    where = compile_node(query.where)[0] if query.where is not None else None

    def matching(events: Events, as_of: datetime) -> Iterator[EngagementEvent]:
        start = start_of(as_of) if start_of is not None else None
        for event in events:
            if kinds is not None and event.kind not in kinds:
                continue
            at = event.occurred_at
            if at > as_of or (start is not None and at < start):
                continue
            if where is not None and not where(event, (), as_of):
                continue
            yield event

    return matching


def sum_numbers(values: list[object]) -> int | float | Decimal:
    """The sum of the numbers among ``values`` (others are skipped); exact with Decimals."""
    numbers = [v for v in values if family_of(v) == "number"]
    if any(isinstance(v, Decimal) for v in numbers):
        # Decimal + float is a TypeError; count floats by their shortest decimal form.
        return sum((v if isinstance(v, Decimal) else Decimal(repr(v)) for v in numbers), Decimal(0))
    return sum(numbers)  # type: ignore[arg-type]


def value_function(subject: Subject) -> ValueFn:
    """``(record, events, as_of) -> value`` for any subject (None when missing)."""
    if isinstance(subject, FieldRef | PropRef):
        get = info_of(subject).get

        def of_record(record: Any, events: Events, as_of: datetime) -> object:
            return get(record)

        return of_record
    matching = matching_events(subject.query)
    if isinstance(subject, EventCount):

        def count(record: Any, events: Events, as_of: datetime) -> object:
            return sum(1 for _ in matching(events, as_of))

        return count
    if isinstance(subject, EventLast):

        def last(record: Any, events: Events, as_of: datetime) -> object:
            return max((e.occurred_at for e in matching(events, as_of)), default=None)

        return last
    name = subject.prop

    def total(record: Any, events: Events, as_of: datetime) -> object:
        return sum_numbers([e.properties.get(name) for e in matching(events, as_of)])

    return total


# ---------------------------------------------------------------------------------------------
# Combining
# ---------------------------------------------------------------------------------------------


def _all(preds: Sequence[Pred]) -> Pred:
    if len(preds) == 2:
        first, second = preds

        def both(record: Any, events: Events, as_of: datetime) -> bool:
            return first(record, events, as_of) and second(record, events, as_of)

        return both
    items = tuple(preds)

    def every(record: Any, events: Events, as_of: datetime) -> bool:
        for pred in items:  # noqa: SIM110 - a plain loop beats all() + generator
            if not pred(record, events, as_of):
                return False
        return True

    return every


def _any(preds: Sequence[Pred]) -> Pred:
    if len(preds) == 2:
        first, second = preds

        def either(record: Any, events: Events, as_of: datetime) -> bool:
            return first(record, events, as_of) or second(record, events, as_of)

        return either
    items = tuple(preds)

    def some(record: Any, events: Events, as_of: datetime) -> bool:
        for pred in items:  # noqa: SIM110 - a plain loop beats any() + generator
            if pred(record, events, as_of):
                return True
        return False

    return some


def _not(pred: Pred) -> Pred:
    def negation(record: Any, events: Events, as_of: datetime) -> bool:
        return not pred(record, events, as_of)

    return negation


def _all_known(items: Sequence[Known]) -> Known:
    def every(record: Any, events: Events, as_of: datetime) -> bool | None:
        unknown = False
        for item in items:
            result = item(record, events, as_of)
            if result is False:
                return False
            if result is None:
                unknown = True
        return None if unknown else True

    return every


def _any_known(items: Sequence[Known]) -> Known:
    def some(record: Any, events: Events, as_of: datetime) -> bool | None:
        unknown = False
        for item in items:
            result = item(record, events, as_of)
            if result is True:
                return True
            if result is None:
                unknown = True
        return None if unknown else False

    return some


def _not_known(item: Known) -> Known:
    def negation(record: Any, events: Events, as_of: datetime) -> bool | None:
        result = item(record, events, as_of)
        return None if result is None else not result

    return negation


def _logic(
    node: LogicNode,
    leaves: Sequence[Any],
    all_: Callable[[Sequence[Any]], Any],
    any_: Callable[[Sequence[Any]], Any],
    not_: Callable[[Any], Any],
) -> Any:
    """Turn parsed filter logic into closures over the criteria (no walking at run time)."""
    if isinstance(node, LogicRef):
        return leaves[node.number - 1]
    if isinstance(node, LogicNot):
        return not_(_logic(node.item, leaves, all_, any_, not_))
    parts = [_logic(item, leaves, all_, any_, not_) for item in node.items]
    return all_(parts) if isinstance(node, LogicAll) else any_(parts)


# ---------------------------------------------------------------------------------------------
# Compiling a node
# ---------------------------------------------------------------------------------------------


def compile_node(node: Condition) -> tuple[Pred, Known]:
    """The two-valued predicate and the three-valued function of ``node``."""
    if isinstance(node, AllOf | AnyOf | Criteria):
        compiled = [compile_node(item) for item in node.items]
        preds = [p for p, _ in compiled]
        knowns = [k for _, k in compiled]
        if isinstance(node, AllOf):
            return _all(preds), _all_known(knowns)
        if isinstance(node, AnyOf):
            return _any(preds), _any_known(knowns)
        return (
            _logic(node.logic, preds, _all, _any, _not),
            _logic(node.logic, knowns, _all_known, _any_known, _not_known),
        )
    if isinstance(node, Not):
        pred, known = compile_node(node.item)
        return _not(pred), _not_known(known)
    if isinstance(node, EventExists):
        matching = matching_events(node.query)

        def exists(record: Any, events: Events, as_of: datetime) -> bool:
            return next(matching(events, as_of), None) is not None

        return exists, exists
    value_of = value_function(node.subject)  # type: ignore[attr-defined]
    if isinstance(node, Presence):
        present = node.present

        def presence(record: Any, events: Events, as_of: datetime) -> bool:
            return (value_of(record, events, as_of) is not None) is present

        return presence, presence
    check = leaf_check(node)

    def leaf(record: Any, events: Events, as_of: datetime) -> bool:
        value = value_of(record, events, as_of)
        return value is not None and check(value, as_of)

    def leaf_known(record: Any, events: Events, as_of: datetime) -> bool | None:
        value = value_of(record, events, as_of)
        return None if value is None else check(value, as_of)

    return field_fast_path(node) or leaf, field_fast_known(node) or leaf_known


@attrs.frozen(slots=True, eq=False)
class CompiledCondition:
    """A condition compiled to closures: call it as ``compiled(lead, events, as_of=...)``.

    ``needs_events`` says whether the lead's engagement events matter (if not, pass
    none); ``uses_as_of`` whether ``as_of`` does (it is still required, for one calling
    convention). ``predicate`` is the bare ``(record, events, as_of) -> bool`` closure
    for the hottest loops: it skips the argument checks of ``__call__``.

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import Lead, PersonName
    >>> from leadkit.rules import compile, field
    >>> big = compile(field("employees") >= 1000)
    >>> lead = Lead(name=PersonName("Sato"), company="ABC", employees=1200,
    ...             created_at=datetime(2026, 4, 1, tzinfo=UTC))
    >>> big(lead, as_of=datetime(2026, 5, 1, tzinfo=UTC)), big.needs_events
    (True, False)
    """

    condition: Condition
    predicate: Pred = attrs.field(repr=False)
    known_predicate: Known = attrs.field(repr=False)
    needs_events: bool
    uses_as_of: bool
    on: type | None

    def __call__(self, record: Any, events: Events = (), *, as_of: datetime) -> bool:
        """True when the condition holds for ``record`` (and its ``events``) at ``as_of``."""
        if self.uses_as_of and as_of is not _valid_as_of[0]:
            check_as_of(as_of)
        try:
            return self.predicate(record, events, as_of)
        except (AttributeError, TypeError, OverflowError) as exc:
            raise self._bad_input(record, exc) from exc

    def known(self, record: Any, events: Events = (), *, as_of: datetime) -> bool | None:
        """Three-valued: True, False, or None when the verdict depends on a missing value
        (Kleene logic: ``unknown AND false`` is false, ``unknown OR true`` is true).

        Grading uses it: a criterion on a missing value is unknown and moves nothing.
        """
        if self.uses_as_of:
            check_as_of(as_of)
        try:
            return self.known_predicate(record, events, as_of)
        except (AttributeError, TypeError, OverflowError) as exc:
            raise self._bad_input(record, exc) from exc

    def _bad_input(self, record: object, exc: Exception) -> RuleError:
        if self.on is not None and not isinstance(record, self.on):
            return RuleError(
                f"this condition reads a {self.on.__name__}, got {type(record).__name__}",
                key="record",
            )
        return RuleError(f"cannot evaluate {self.condition}: {exc}", key="record")


def compile_condition(condition: Condition) -> CompiledCondition:
    """Compile ``condition`` once into closures (cached for equal conditions).

    Raises :class:`RuleError` if ``prop(...)`` is used outside ``events(...).where(...)``.
    """
    if not isinstance(condition, Condition):
        raise RuleError(f"compile() takes a condition, got {type(condition).__name__}")
    return _compile_cached(condition)


@functools.lru_cache(maxsize=512)
def _compile_cached(condition: Condition) -> CompiledCondition:
    check_top_level(condition)
    pred, known = compile_node(condition)
    return CompiledCondition(
        condition,
        pred,
        known,
        needs_events=needs_events(condition),
        uses_as_of=uses_as_of(condition),
        on=record_type(condition),
    )


def compile_event_filter(where: Condition) -> EventFilter:
    """Compile a condition on one event's properties (what ``events(...).where()`` takes)
    into the bare predicate ``(event, (), as_of) -> bool``.

    For code that walks events itself (the scoring engine tests each event once against
    many rules) and needs the same verdict as ``events(...).where(where)``. Raises
    :class:`RuleError` if ``where`` names lead fields or nests events.

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import EngagementEvent
    >>> from leadkit.rules import compile_event_filter, prop
    >>> pricing = compile_event_filter(prop("url").startswith("/pricing"))
    >>> at = datetime(2026, 5, 1, tzinfo=UTC)
    >>> e = EngagementEvent(kind="page_view", lead_id="lead-1", occurred_at=at,
    ...                     properties={"url": "/pricing/enterprise"})
    >>> pricing(e, (), at)
    True
    """
    query = EventQuery((), where=where)  # checks: props only, no nested events
    return compile_node(cast(Condition, query.where))[0]
