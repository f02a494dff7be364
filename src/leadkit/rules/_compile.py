"""Compiling a condition tree, once, into plain Python closures.

Everything that can be decided before evaluation is decided here: attribute getters,
frozensets for ``is_in``, normalised needles, compiled regexes, window arithmetic. The
closures never look at the tree again and never parse text.

Each node is compiled once into a :class:`Compiled` pair of closures over ``(record,
events, as_of)``: a predicate (two-valued: a comparison with a missing value is false)
and a "known" function (three-valued, Kleene logic: a comparison with a missing value
is ``None``, unknown). Leaves get both from the one operator table of
:mod:`leadkit.rules._operators`; criteria are compiled as their desugared
``all``/``any``/``not`` tree (:meth:`Criteria.desugared`); events are selected by one
:class:`EventMatcher`, which :func:`~leadkit.rules.explain` and the scoring engine use too.
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
from leadkit.rules._errors import RuleError
from leadkit.rules._grammar import (
    AllOf,
    AnyOf,
    Condition,
    Criteria,
    EventCount,
    EventDifference,
    EventExists,
    EventLast,
    EventQuery,
    EventRatio,
    EventSum,
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
from leadkit.rules._operators import Check, Known, Pred, build_leaf
from leadkit.rules._period import Period
from leadkit.rules._schema import Kind, family_of

__all__ = [
    "Compiled",
    "CompiledCondition",
    "EventFilter",
    "EventMatcher",
    "aggregate",
    "check_as_of",
    "combine",
    "compile_condition",
    "compile_event_filter",
    "compile_leaf",
    "compile_node",
    "sum_numbers",
    "value_function",
]

Events = Sequence[EngagementEvent]
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
# Events: the one matcher
# ---------------------------------------------------------------------------------------------


@attrs.frozen(slots=True, eq=False)
class EventMatcher:
    """The events an :class:`~leadkit.rules.EventQuery` selects, compiled once.

    An event matches at ``as_of`` when its kind is one of ``kinds`` (any kind when
    empty), it did not happen after ``as_of``, it happened within ``window`` before
    ``as_of`` (when there is one) and it satisfies ``where`` (the compiled property
    filter, when there is one). Conditions on events, :func:`~leadkit.rules.explain` and
    the scoring engine all select events through this one matcher; the engine reads
    ``kinds``, ``window`` and ``where`` to test each event once against many rules.

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import EngagementEvent
    >>> from leadkit.rules import EventMatcher, events
    >>> webinars = EventMatcher.of(events("webinar").within(days=30).query)
    >>> at = datetime(2026, 5, 1, tzinfo=UTC)
    >>> e = EngagementEvent(kind="webinar", lead_id="lead-1", occurred_at=at)
    >>> [x.kind for x in webinars.select([e], at)], webinars.kinds
    (['webinar'], frozenset({'webinar'}))
    """

    query: EventQuery
    kinds: frozenset[str]
    window: Period | None
    where: EventFilter | None = attrs.field(repr=False)

    @staticmethod
    def of(query: EventQuery) -> EventMatcher:
        """The matcher of ``query`` (cached for equal queries)."""
        return _matcher(query)

    def select(self, events: Events, as_of: datetime) -> Iterator[EngagementEvent]:
        """The matching ``events`` at ``as_of``, in their order."""
        kinds = self.kinds
        where = self.where
        start = self.window.start(as_of) if self.window is not None else None
        for event in events:
            if kinds and event.kind not in kinds:
                continue
            at = event.occurred_at
            if at > as_of or (start is not None and at < start):
                continue
            if where is not None and not where(event, (), as_of):
                continue
            yield event


@functools.lru_cache(maxsize=512)
def _matcher(query: EventQuery) -> EventMatcher:
    where = compile_node(query.where).predicate if query.where is not None else None
    return EventMatcher(query, frozenset(query.kinds), query.window, where)


def sum_numbers(values: list[object]) -> int | float | Decimal:
    """The sum of the numbers among ``values`` (others are skipped); exact with Decimals."""
    numbers = [v for v in values if family_of(v) == "number"]
    if any(isinstance(v, Decimal) for v in numbers):
        # Decimal + float is a TypeError; count floats by their shortest decimal form.
        return sum((v if isinstance(v, Decimal) else Decimal(repr(v)) for v in numbers), Decimal(0))
    return sum(numbers)  # type: ignore[arg-type]


def aggregate(
    subject: EventCount | EventLast | EventSum, found: Sequence[EngagementEvent]
) -> object:
    """The value of an event aggregate over the events ``found`` (None: no last event)."""
    if isinstance(subject, EventCount):
        return len(found)
    if isinstance(subject, EventLast):
        return max((e.occurred_at for e in found), default=None)
    name = subject.prop
    return sum_numbers([e.properties.get(name) for e in found])


def combine(subject: EventRatio | EventDifference, left: object, right: object) -> object:
    """The value of a ratio (a float; None when ``right`` is zero) or a difference of two
    event aggregates' values."""
    if isinstance(subject, EventRatio):
        denominator = float(right)  # type: ignore[arg-type]  # counts and sums
        return None if denominator == 0 else float(left) / denominator  # type: ignore[arg-type]
    return sum_numbers([left, -right])  # type: ignore[operator]  # counts and sums


def value_function(subject: Subject) -> ValueFn:
    """``(record, events, as_of) -> value`` for any subject (None when missing)."""
    if isinstance(subject, EventRatio | EventDifference):
        first, second = (value_function(part) for part in subject.parts)

        def combined(record: Any, events: Events, as_of: datetime) -> object:
            return combine(subject, first(record, events, as_of), second(record, events, as_of))

        return combined
    if isinstance(subject, FieldRef | PropRef):
        get = info_of(subject).get

        def of_record(record: Any, events: Events, as_of: datetime) -> object:
            return get(record)

        return of_record
    select = EventMatcher.of(subject.query).select
    if isinstance(subject, EventCount):

        def count(record: Any, events: Events, as_of: datetime) -> object:
            return sum(1 for _ in select(events, as_of))

        return count
    if isinstance(subject, EventLast):

        def last(record: Any, events: Events, as_of: datetime) -> object:
            return max((e.occurred_at for e in select(events, as_of)), default=None)

        return last
    name = subject.prop

    def total(record: Any, events: Events, as_of: datetime) -> object:
        return sum_numbers([e.properties.get(name) for e in select(events, as_of)])

    return total


# ---------------------------------------------------------------------------------------------
# Combining: AND, OR, NOT in two-valued and in Kleene logic
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


# ---------------------------------------------------------------------------------------------
# Compiling a node
# ---------------------------------------------------------------------------------------------


@attrs.frozen(slots=True)
class Compiled:
    """A node compiled once: the two-valued predicate and the three-valued function
    (and, for a leaf, the test of a present value, which explain reports)."""

    predicate: Pred
    known: Known
    check: Check | None = None


def compile_leaf(node: Condition) -> Compiled:
    """A leaf (``Presence`` and ``EventExists`` included) compiled to its closures."""
    if isinstance(node, EventExists):
        select = EventMatcher.of(node.query).select

        def exists(record: Any, events: Events, as_of: datetime) -> bool:
            return next(select(events, as_of), None) is not None

        return Compiled(exists, exists)
    subject: Subject = node.subject  # type: ignore[attr-defined]
    if isinstance(subject, FieldRef | PropRef):
        info = info_of(subject)
        get: Callable[..., object] = info.get
        reads, runtime_typed = "record", info.kind is Kind.ANY
    else:
        get, reads, runtime_typed = value_function(subject), "value", False
    if isinstance(node, Presence):
        value_of = value_function(subject)
        present = node.present

        def presence(record: Any, events: Events, as_of: datetime) -> bool:
            return (value_of(record, events, as_of) is not None) is present

        return Compiled(presence, presence)
    leaf = build_leaf(node, get, reads=reads, runtime_typed=runtime_typed)
    return Compiled(leaf.predicate, leaf.known, leaf.check)


def compile_node(node: Condition) -> Compiled:
    """``node`` compiled once into its two-valued and three-valued closures."""
    if isinstance(node, Criteria):
        return compile_node(node.desugared())
    if isinstance(node, AllOf | AnyOf):
        compiled = [compile_node(item) for item in node.items]
        preds = [c.predicate for c in compiled]
        knowns = [c.known for c in compiled]
        if isinstance(node, AllOf):
            return Compiled(_all(preds), _all_known(knowns))
        return Compiled(_any(preds), _any_known(knowns))
    if isinstance(node, Not):
        inner = compile_node(node.item)
        return Compiled(_not(inner.predicate), _not_known(inner.known))
    return compile_leaf(node)


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
    compiled = compile_node(condition)
    return CompiledCondition(
        condition,
        compiled.predicate,
        compiled.known,
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
    return compile_node(cast(Condition, query.where)).predicate
