"""The grammar of the condition language: what a condition looks at (subjects) and the
condition nodes themselves, immutable attrs objects that print, compare and serialise.

Subjects are a field of the record, an event property, or an aggregate over the lead's
engagement events; they hold names only, and :func:`info_of` resolves them (cached) to a
kind and a getter. Nodes hold only field paths, operator names and literal values
(regexes as pattern strings, windows as :class:`Period`), never Python callables, so
that the same tree can be compiled to closures, explained, dumped to plain data or
rendered to SQL. Every node checks itself when it is built: an unknown field, an
operator that does not fit the field's type or a literal of the wrong type raises
:class:`RuleError` at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, cast

import attrs

from leadkit.model import Lead
from leadkit.rules._errors import RuleError
from leadkit.rules._literals import (
    COMPARE_OPS,
    ORDER_OPS,
    ORDERED_KINDS,
    TEXT_KINDS,
    TEXT_OPS,
    TIME_KINDS,
    WINDOW_OPS,
    check_literal,
    require_kind,
    show,
)
from leadkit.rules._logic import LogicAll, LogicNode, LogicRef, fold_logic, parse_filter_logic
from leadkit.rules._period import Period
from leadkit.rules._regex import compile_user_pattern
from leadkit.rules._schema import Kind, ValueInfo, family_of, resolve_field, resolve_prop

if TYPE_CHECKING:
    from leadkit.rules._expr import Expr

__all__ = [
    "AllOf",
    "AnyOf",
    "Between",
    "Compare",
    "Condition",
    "Criteria",
    "EventCount",
    "EventDifference",
    "EventExists",
    "EventLast",
    "EventQuery",
    "EventRatio",
    "EventSum",
    "FieldRef",
    "IsIn",
    "Matches",
    "Not",
    "Presence",
    "PropRef",
    "Subject",
    "TextMatch",
    "Window",
    "check_subject",
    "check_top_level",
    "event_queries",
    "info_of",
    "iter_conditions",
    "needs_events",
    "record_type",
    "uses_as_of",
]


# ---------------------------------------------------------------------------------------------
# Subjects: what a condition looks at
# ---------------------------------------------------------------------------------------------


def _check_field(instance: FieldRef, attribute: attrs.Attribute[str], value: str) -> None:
    resolve_field(instance.on, value)


@attrs.frozen(slots=True, repr=False)
class FieldRef:
    """A field of the record, by dotted path: ``employees``, ``address.prefecture``,
    ``custom.budget``. ``on`` is the attrs class the path is resolved against."""

    path: str = attrs.field(validator=_check_field)
    on: type = attrs.field(default=Lead, kw_only=True)

    def __str__(self) -> str:
        return self.path

    def __repr__(self) -> str:
        on = "" if self.on is Lead else f", on={self.on.__name__}"
        return f"FieldRef({self.path!r}{on})"


def _check_prop(instance: PropRef, attribute: attrs.Attribute[str], value: str) -> None:
    resolve_prop(value)


@attrs.frozen(slots=True)
class PropRef:
    """A property of an engagement event (``url``), or one of its attributes (``kind``,
    ``occurred_at``, ``id``); only valid inside ``events(...).where(...)``."""

    name: str = attrs.field(validator=_check_prop)

    def __str__(self) -> str:
        return self.name


def _kinds(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, tuple | list | frozenset | set):
        raise RuleError(f"event kinds must be strings, got {value!r}", key="events")
    kinds = set()
    for kind in value:
        if not isinstance(kind, str) or not kind.strip():
            raise RuleError(f"an event kind must be a non-empty string, got {kind!r}", key="events")
        kinds.add(str(kind))
    return tuple(sorted(kinds))


def _check_where(instance: EventQuery, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, Condition):
        raise RuleError(f"where(...) takes a condition, got {value!r}", key="where")
    for node in iter_conditions(value):
        subject = getattr(node, "subject", None)
        if isinstance(node, EventExists) or isinstance(subject, EVENT_SUBJECTS):
            raise RuleError(
                f"events cannot be nested inside events(...).where(...): {node}", key="where"
            )
        if isinstance(subject, FieldRef):
            raise RuleError(
                f"where(...) filters events by their properties: use prop({subject.path!r}) "
                f"instead of field({subject.path!r})",
                key="where",
            )


@attrs.frozen(slots=True)
class EventQuery:
    """The events a lead did of some ``kinds`` (all kinds when empty), that satisfy
    ``where`` (a condition on event properties) and happened within ``window`` before
    ``as_of``. Events after ``as_of`` never count."""

    kinds: tuple[str, ...] = attrs.field(default=(), converter=_kinds)
    where: Condition | None = attrs.field(default=None, validator=_check_where, kw_only=True)
    window: Period | None = attrs.field(default=None, kw_only=True)

    def __str__(self) -> str:
        text = " | ".join(self.kinds) if self.kinds else "any event"
        if self.where is not None:
            text += f" where {self.where}"
        if self.window is not None:
            text += f" within {self.window}"
        return text


@attrs.frozen(slots=True)
class EventCount:
    """How many events match the query (a number; 0 when none)."""

    query: EventQuery

    def __str__(self) -> str:
        return f"count({self.query})"


@attrs.frozen(slots=True)
class EventLast:
    """When the latest matching event happened (a datetime; missing when none)."""

    query: EventQuery

    def __str__(self) -> str:
        return f"last({self.query})"


def _check_sum_prop(instance: EventSum, attribute: attrs.Attribute[str], value: str) -> None:
    info = resolve_prop(value)
    if info.kind not in (Kind.ANY, Kind.NUMBER):
        raise RuleError(f"sum() needs a numeric property, {value} is {info.kind.described}")


@attrs.frozen(slots=True)
class EventSum:
    """The sum of a numeric property over the matching events (0 when none; values that
    are not numbers are skipped)."""

    query: EventQuery
    prop: str = attrs.field(validator=_check_sum_prop)

    def __str__(self) -> str:
        return f"sum({self.prop} of {self.query})"


def _check_number(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, EventCount | EventSum):
        raise RuleError(
            f"{attribute.name} must be a number of events: events(...).count() or "
            f".sum(...), got {value!r}",
            key=attribute.name,
        )


@attrs.frozen(slots=True)
class EventRatio:
    """``numerator / denominator``, two event counts or sums (a float), such as the open
    rate ``count(email_open) / count(email_send)``.

    Missing when the denominator is zero: a lead that was sent nothing has no open rate,
    so every comparison on it is false (unknown in three-valued logic), like a missing
    field, and ``is_missing()`` holds.
    """

    numerator: EventCount | EventSum = attrs.field(validator=_check_number)
    denominator: EventCount | EventSum = attrs.field(validator=_check_number)

    @property
    def parts(self) -> tuple[EventCount | EventSum, EventCount | EventSum]:
        return (self.numerator, self.denominator)

    def __str__(self) -> str:
        return f"{self.numerator} / {self.denominator}"


@attrs.frozen(slots=True)
class EventDifference:
    """``left - right``, two event counts or sums (0 when both are 0): what comparing
    two aggregates with each other compares, ``a >= b`` being ``a - b >= 0``."""

    left: EventCount | EventSum = attrs.field(validator=_check_number)
    right: EventCount | EventSum = attrs.field(validator=_check_number)

    @property
    def parts(self) -> tuple[EventCount | EventSum, EventCount | EventSum]:
        return (self.left, self.right)

    def __str__(self) -> str:
        return f"{self.left} - {self.right}"


Subject: TypeAlias = (
    FieldRef | PropRef | EventCount | EventLast | EventSum | EventRatio | EventDifference
)
EVENT_SUBJECTS = (EventCount, EventLast, EventSum, EventRatio, EventDifference)
"""The subjects that read the lead's events."""


def event_queries(subject: object) -> tuple[EventQuery, ...]:
    """The event queries an event subject reads (none for fields and props)."""
    if isinstance(subject, EventCount | EventLast | EventSum):
        return (subject.query,)
    if isinstance(subject, EventRatio | EventDifference):
        return tuple(part.query for part in subject.parts)
    return ()


_AGGREGATE_INFO = {
    EventCount: ValueInfo("count", Kind.NUMBER, lambda _: None),
    EventSum: ValueInfo("sum", Kind.NUMBER, lambda _: None),
    EventLast: ValueInfo("last", Kind.DATETIME, lambda _: None),
    EventRatio: ValueInfo("ratio", Kind.NUMBER, lambda _: None),
    EventDifference: ValueInfo("difference", Kind.NUMBER, lambda _: None),
}


def info_of(subject: Subject) -> ValueInfo:
    """The kind and label of what ``subject`` yields (the getter only for fields/props)."""
    if isinstance(subject, FieldRef):
        return resolve_field(subject.on, subject.path)
    if isinstance(subject, PropRef):
        return resolve_prop(subject.name)
    if isinstance(subject, EVENT_SUBJECTS):
        return attrs.evolve(_AGGREGATE_INFO[type(subject)], label=str(subject))
    raise RuleError(f"a condition looks at field(...), prop(...) or events(...), not {subject!r}")


def check_subject(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, (FieldRef, PropRef, *EVENT_SUBJECTS)):
        raise RuleError(
            f"a condition looks at field(...), prop(...) or events(...), not {value!r}",
            key="field",
        )


CompareOp: TypeAlias = Literal["==", "!=", "<", "<=", ">", ">="]
TextOp: TypeAlias = Literal["contains", "startswith", "endswith"]
WindowOp: TypeAlias = Literal["within", "older_than"]


# ---------------------------------------------------------------------------------------------
# Conditions
# ---------------------------------------------------------------------------------------------


class Condition:
    """Base of every condition node. Combine with ``&``, ``|`` and ``~``.

    A condition is immutable, hashable and comparable; ``str()`` reads like the rule.
    """

    __slots__ = ()

    def __and__(self, other: Condition) -> Condition:
        if not isinstance(other, Condition):
            return NotImplemented
        left = self.items if isinstance(self, AllOf) else (self,)
        right = other.items if isinstance(other, AllOf) else (other,)
        return AllOf((*left, *right))

    def __or__(self, other: Condition) -> Condition:
        if not isinstance(other, Condition):
            return NotImplemented
        left = self.items if isinstance(self, AnyOf) else (self,)
        right = other.items if isinstance(other, AnyOf) else (other,)
        return AnyOf((*left, *right))

    def __invert__(self) -> Condition:
        return self.item if isinstance(self, Not) else Not(self)

    def __bool__(self) -> bool:
        raise RuleError(
            f"a condition has no truth value ({self}); combine conditions with &, | and ~ "
            "(not and/or/not), use between() instead of a < x < b, and compile() to evaluate"
        )


def _subject(node: Condition) -> Subject | None:
    return getattr(node, "subject", None)


def _literal_key(value: object) -> object:
    # True == 1 in Python, but a condition on a flag is not one on a number: keep equal
    # (and equally hashed, for compile's cache) only literals of one kind.
    if isinstance(value, tuple):
        return tuple(_literal_key(v) for v in value)
    return (isinstance(value, bool), value)


def _op(values: tuple[str, ...]) -> Any:
    def check(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
        if value not in values:
            raise RuleError(
                f"unknown operator {value!r}; expected one of {', '.join(values)}", key="op"
            )

    return check


# The check of conditions on declared fields in force while conditions are built
# (leadkit.fields.use_field_schema): None when no field schema is in force.
DECLARED_FIELDS: ContextVar[Callable[[Condition], None] | None] = ContextVar(
    "leadkit_declared_fields", default=None
)


def _check_declared(node: Condition) -> None:
    check = DECLARED_FIELDS.get()
    if check is not None:
        check(node)


@attrs.frozen(slots=True)
class Compare(Condition):
    """``subject <op> value`` with ``op`` one of ``== != < <= > >=``.

    Missing values never compare: ``employees >= 1000`` and ``employees != 5`` are both
    false when ``employees`` is missing.
    """

    subject: Subject = attrs.field(validator=check_subject)
    op: CompareOp = attrs.field(validator=_op(COMPARE_OPS))
    value: Any = attrs.field(eq=_literal_key)

    def __attrs_post_init__(self) -> None:
        info = info_of(self.subject)
        ordered = self.op in ORDER_OPS
        if ordered:
            require_kind(info, ORDERED_KINDS, f"{self.op!r}")
        object.__setattr__(self, "value", check_literal(info, self.value, ordered=ordered))
        _check_declared(self)

    def __str__(self) -> str:
        return f"{self.subject} {self.op} {show(self.value)}"


@attrs.frozen(slots=True)
class Between(Condition):
    """``low <= subject <= high`` (both ends included)."""

    subject: Subject = attrs.field(validator=check_subject)
    low: Any = attrs.field(eq=_literal_key)
    high: Any = attrs.field(eq=_literal_key)

    def __attrs_post_init__(self) -> None:
        info = info_of(self.subject)
        require_kind(info, ORDERED_KINDS, "between")
        low = check_literal(info, self.low, ordered=True)
        high = check_literal(info, self.high, ordered=True)
        if family_of(low) != family_of(high):
            raise RuleError(
                f"between needs two values of one type, got {low!r} and {high!r}",
                path=info.label,
                key="value",
            )
        if high < low:  # type: ignore[operator]  # both are of one ordered family
            raise RuleError(
                f"between({show(low)}, {show(high)}) is empty: the low end comes first",
                path=info.label,
                key="value",
            )
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        _check_declared(self)

    def __str__(self) -> str:
        return f"{self.subject} between {show(self.low)} and {show(self.high)}"


def _tuple(values: Iterable[Any]) -> tuple[Any, ...]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise RuleError(f"expected a list of values, got {values!r}", key="value")
    return tuple(values)


def _families(info: ValueInfo, values: tuple[Any, ...]) -> None:
    families = {family_of(v) for v in values}
    if len(families) > 1:
        raise RuleError(
            f"the values for {info.label} mix types: {show(values)}", path=info.label, key="value"
        )


@attrs.frozen(slots=True)
class IsIn(Condition):
    """``subject`` equals one of ``values`` (with ``negated``: is present and equals none
    of them, like SQL's ``NOT IN``); with ``normalise`` text is compared after
    :func:`~leadkit.model.normalise_text` (width, case and spaces ignored)."""

    subject: Subject = attrs.field(validator=check_subject)
    values: tuple[Any, ...] = attrs.field(converter=_tuple, eq=_literal_key)
    normalise: bool = attrs.field(default=False, kw_only=True)
    negated: bool = attrs.field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        info = info_of(self.subject)
        if not self.values:
            raise RuleError(
                f"is_in() needs at least one value for {info.label}", path=info.label, key="value"
            )
        values = tuple(check_literal(info, v) for v in self.values)
        _families(info, values)
        if self.normalise:
            require_kind(info, TEXT_KINDS, "normalised is_in")
            if family_of(values[0]) != "text":
                raise RuleError(
                    "normalise=True compares text; the values are not text",
                    path=info.label,
                    key="normalise",
                )
        # Order and duplicates do not change the meaning; keep the first spelling of each.
        object.__setattr__(self, "values", tuple(dict.fromkeys(values)))
        _check_declared(self)

    def __str__(self) -> str:
        suffix = " (normalised)" if self.normalise else ""
        word = "not in" if self.negated else "in"
        return f"{self.subject} {word} {show(self.values)}{suffix}"


_TEXT_WORDS = {"contains": "contains", "startswith": "starts with", "endswith": "ends with"}


@attrs.frozen(slots=True)
class TextMatch(Condition):
    """``subject`` contains (starts with, ends with) any of ``needles``.

    With ``normalise`` both sides go through :func:`~leadkit.model.normalise_text`, so
    full-width and half-width forms, case and runs of spaces do not matter.
    """

    subject: Subject = attrs.field(validator=check_subject)
    op: TextOp = attrs.field(validator=_op(TEXT_OPS))
    needles: tuple[str, ...] = attrs.field(converter=_tuple)
    normalise: bool = attrs.field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        info = info_of(self.subject)
        require_kind(info, TEXT_KINDS, self.op)
        if not self.needles:
            raise RuleError(f"{self.op} needs at least one text", path=info.label, key="value")
        needles = []
        for needle in self.needles:
            if not isinstance(needle, str):
                raise RuleError(
                    f"{self.op} takes text, got {type(needle).__name__} {needle!r}",
                    path=info.label,
                    key="value",
                )
            if not needle.strip():
                raise RuleError(
                    f"{self.op} with an empty text matches everything; remove it",
                    path=info.label,
                    key="value",
                )
            needles.append(needle)
        object.__setattr__(self, "needles", tuple(dict.fromkeys(needles)))
        _check_declared(self)

    def __str__(self) -> str:
        word = _TEXT_WORDS[self.op]
        suffix = " (normalised)" if self.normalise else ""
        if len(self.needles) == 1:
            return f"{self.subject} {word} {show(self.needles[0])}{suffix}"
        return f"{self.subject} {word} any {show(self.needles)}{suffix}"


@attrs.frozen(slots=True)
class Matches(Condition):
    """``subject`` matches the regular expression ``pattern`` anywhere (like ``re.search``).

    Patterns run on RE2, in time linear in the text (see :mod:`leadkit.rules._regex`);
    backreferences and lookaround are rejected when the node is built.
    """

    subject: Subject = attrs.field(validator=check_subject)
    pattern: str
    ignore_case: bool = attrs.field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        info = info_of(self.subject)
        require_kind(info, TEXT_KINDS, "matches")
        if not isinstance(self.pattern, str) or not self.pattern:
            raise RuleError(
                f"matches needs a non-empty pattern string, got {self.pattern!r}",
                path=info.label,
                key="value",
            )
        # Compiled (and cached) now so that an unsupported pattern fails when it is built.
        compile_user_pattern(self.pattern, ignore_case=self.ignore_case, path=info.label)
        _check_declared(self)

    def __str__(self) -> str:
        suffix = " (ignoring case)" if self.ignore_case else ""
        return f"{self.subject} matches {self.pattern!r}{suffix}"


@attrs.frozen(slots=True)
class Presence(Condition):
    """``subject`` is present (``present=True``) or missing (``None``, never set)."""

    subject: Subject = attrs.field(validator=check_subject)
    present: bool

    def __attrs_post_init__(self) -> None:
        info_of(self.subject)
        _check_declared(self)

    def __str__(self) -> str:
        return f"{self.subject} is {'present' if self.present else 'missing'}"


@attrs.frozen(slots=True)
class Window(Condition):
    """A date or datetime relative to ``as_of``.

    ``within``: ``as_of - period <= value <= as_of``. ``older_than``: ``value < as_of -
    period``. A value after ``as_of`` is neither. Date fields count in whole days of
    ``as_of``'s own calendar date.
    """

    subject: Subject = attrs.field(validator=check_subject)
    op: WindowOp = attrs.field(validator=_op(WINDOW_OPS))
    period: Period

    def __attrs_post_init__(self) -> None:
        info = info_of(self.subject)
        require_kind(info, TIME_KINDS, self.op)
        if not isinstance(self.period, Period):
            raise RuleError(f"{self.op} takes a Period, got {self.period!r}", key="value")
        _check_declared(self)

    def __str__(self) -> str:
        return f"{self.subject} {self.op.replace('_', ' ')} {self.period}"


@attrs.frozen(slots=True)
class EventExists(Condition):
    """At least one event matches the query. ``events(...)`` builds one; refine it with
    ``.where()`` and ``.within()``, or aggregate with ``.count()``, ``.last()``, ``.sum()``.
    """

    query: EventQuery

    def __str__(self) -> str:
        return f"exists({self.query})"

    def where(self, condition: Condition) -> EventExists:
        """Only events whose properties satisfy ``condition`` (built with ``prop()``);
        a second ``where`` narrows further (AND)."""
        if self.query.where is not None:
            condition = self.query.where & condition
        return EventExists(attrs.evolve(self.query, where=condition))

    def within(
        self, *, years: int = 0, months: int = 0, weeks: int = 0, days: int = 0, hours: int = 0
    ) -> EventExists:
        """Only events in the window that ends at ``as_of`` (``within(days=30)``)."""
        period = Period(years=years, months=months, weeks=weeks, days=days, hours=hours)
        return EventExists(attrs.evolve(self.query, window=period))

    def exists(self) -> EventExists:
        """At least one matching event (the condition itself)."""
        return self

    def count(self) -> Expr:
        """The number of matching events, to compare: ``.count() >= 3``."""
        from leadkit.rules._expr import Expr

        return Expr(EventCount(self.query))

    def last(self) -> Expr:
        """When the latest matching event happened: ``.last().within(days=7)``."""
        from leadkit.rules._expr import Expr

        return Expr(EventLast(self.query))

    def sum(self, prop: str | Expr) -> Expr:
        """The sum of the numeric property ``prop`` (a name or ``prop("amount")``) over
        the matching events."""
        from leadkit.rules._expr import Expr

        if isinstance(prop, Expr):
            if not isinstance(prop.subject, PropRef):
                raise RuleError(f"sum() takes an event property, got {prop!r}", key="prop")
            prop = prop.subject.name
        return Expr(EventSum(self.query, prop))


def _conditions(value: object) -> tuple[Condition, ...]:
    items = tuple(value) if isinstance(value, list | tuple) else (value,)
    for item in items:
        if not isinstance(item, Condition):
            raise RuleError(f"expected a condition, got {type(item).__name__} {item!r}")
    return items


def _check_one_model(items: tuple[Condition, ...]) -> None:
    models: dict[type, str] = {}
    for item in items:
        for node in iter_conditions(item):
            subject = _subject(node)
            if isinstance(subject, FieldRef):
                models.setdefault(subject.on, subject.path)
    if len(models) > 1:
        names = ", ".join(f"{path} on {on.__name__}" for on, path in models.items())
        raise RuleError(f"a condition applies to one kind of record, this one mixes {names}")


def _wrap(node: Condition, inside: type) -> str:
    if isinstance(node, AllOf | AnyOf | Criteria) and not isinstance(node, inside):
        return f"({node})"
    return str(node)


@attrs.frozen(slots=True)
class AllOf(Condition):
    """True when every item holds (AND)."""

    items: tuple[Condition, ...] = attrs.field(converter=_conditions)

    def __attrs_post_init__(self) -> None:
        if not self.items:
            raise RuleError("all_of() needs at least one condition", key="all")
        _check_one_model(self.items)

    def __str__(self) -> str:
        return " AND ".join(_wrap(i, AllOf) for i in self.items)


@attrs.frozen(slots=True)
class AnyOf(Condition):
    """True when at least one item holds (OR)."""

    items: tuple[Condition, ...] = attrs.field(converter=_conditions)

    def __attrs_post_init__(self) -> None:
        if not self.items:
            raise RuleError("any_of() needs at least one condition", key="any")
        _check_one_model(self.items)

    def __str__(self) -> str:
        return " OR ".join(_wrap(i, AnyOf) for i in self.items)


def _check_not(instance: Not, attribute: attrs.Attribute[Condition], value: object) -> None:
    if not isinstance(value, Condition):
        raise RuleError(f"~ / Not takes a condition, got {value!r}", key="not")


@attrs.frozen(slots=True)
class Not(Condition):
    """True when ``item`` does not hold. A comparison with a missing value is false, so
    its negation is true: ``~(employees >= 1000)`` holds for a lead without a count."""

    item: Condition = attrs.field(validator=_check_not)

    def __str__(self) -> str:
        inner = str(self.item)
        if isinstance(self.item, AllOf | AnyOf | Criteria | Not):
            return f"NOT ({inner})"
        return f"NOT {inner}"


def _default_logic(count: int) -> LogicNode:
    refs = tuple(LogicRef(n) for n in range(1, count + 1))
    return refs[0] if count == 1 else LogicAll(refs)


def _logic_input(value: LogicNode | str | None) -> LogicNode:
    # Parsed and checked in __attrs_post_init__, where the number of criteria is known.
    return cast(LogicNode, value)


@attrs.frozen(slots=True)
class Criteria(Condition):
    """Numbered criteria combined by filter logic such as ``"1 AND (2 OR 3)"``.

    ``logic`` is parsed (and checked: every number names a criterion, every criterion is
    used) when the node is built; ``None`` means all criteria ANDed.
    """

    items: tuple[Condition, ...] = attrs.field(converter=_conditions)
    logic: LogicNode = attrs.field(default=None, converter=_logic_input, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not self.items:
            raise RuleError("criteria() needs at least one condition", key="criteria")
        _check_one_model(self.items)
        logic: object = self.logic
        if logic is None:
            parsed = _default_logic(len(self.items))
        else:
            # Re-parsing the printed form checks a LogicNode built by hand as well.
            text = logic if isinstance(logic, str) else str(logic)
            parsed = parse_filter_logic(text, criteria=len(self.items), path="logic")
        object.__setattr__(self, "logic", parsed)

    def desugared(self) -> Condition:
        """The criteria as the ``AllOf`` / ``AnyOf`` / ``Not`` tree their logic spells
        out: what compiling, routing's index and every other evaluator work on.

        >>> from leadkit.rules import criteria, field
        >>> rule = criteria([field("industry") == "IT", field("employees") >= 100,
        ...                  field("title").contains("部長")], logic="1 AND (2 OR NOT 3)")
        >>> str(rule.desugared())
        "industry == 'IT' AND (employees >= 100 OR NOT title contains '部長')"
        """
        return fold_logic(self.logic, self.items, all_of=AllOf, any_of=AnyOf, not_=Not)

    def __str__(self) -> str:
        numbered = "; ".join(f"{n}: {item}" for n, item in enumerate(self.items, start=1))
        return f"[{numbered}] where {self.logic}"


# ---------------------------------------------------------------------------------------------
# Walking a tree (for checks done once, never during evaluation)
# ---------------------------------------------------------------------------------------------


def iter_conditions(node: Condition, *, into_events: bool = False) -> Iterator[Condition]:
    """Every condition node of the tree, depth first; with ``into_events`` also the
    conditions inside ``events(...).where(...)``."""
    yield node
    if isinstance(node, AllOf | AnyOf | Criteria):
        for item in node.items:
            yield from iter_conditions(item, into_events=into_events)
    elif isinstance(node, Not):
        yield from iter_conditions(node.item, into_events=into_events)
    elif into_events:
        query = node.query if isinstance(node, EventExists) else None
        queries = (query,) if query is not None else event_queries(_subject(node))
        for one in queries:
            if one.where is not None:
                yield from iter_conditions(one.where, into_events=True)


def uses_as_of(node: Condition) -> bool:
    """True when evaluating ``node`` reads ``as_of`` (windows and events)."""
    for item in iter_conditions(node):
        if isinstance(item, Window | EventExists):
            return True
        if isinstance(_subject(item), EVENT_SUBJECTS):
            return True
    return False


def needs_events(node: Condition) -> bool:
    """True when evaluating ``node`` reads the lead's engagement events."""
    for item in iter_conditions(node):
        if isinstance(item, EventExists) or isinstance(_subject(item), EVENT_SUBJECTS):
            return True
    return False


def record_type(node: Condition) -> type | None:
    """The attrs class the fields of ``node`` belong to (None if it names no field)."""
    for item in iter_conditions(node):
        subject = _subject(item)
        if isinstance(subject, FieldRef):
            return subject.on
    return None


def check_top_level(node: Condition) -> None:
    """Refuse ``prop(...)`` outside ``events(...).where(...)``."""
    for item in iter_conditions(node):
        subject = _subject(item)
        if isinstance(subject, PropRef):
            raise RuleError(
                f"prop({subject.name!r}) names an event property; use it inside "
                f"events(...).where(...), or field({subject.name!r}) for a field",
                path=subject.name,
                key="prop",
            )
