"""The builders people type: ``field("employees") >= 1000``, ``events("webinar").count()``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from leadkit.model import Lead
from leadkit.rules._errors import RuleError
from leadkit.rules._grammar import (
    AllOf,
    AnyOf,
    Between,
    Compare,
    Condition,
    Criteria,
    EventCount,
    EventDifference,
    EventExists,
    EventQuery,
    EventRatio,
    EventSum,
    FieldRef,
    IsIn,
    Matches,
    Presence,
    PropRef,
    Subject,
    TextMatch,
    Window,
    info_of,
)
from leadkit.rules._logic import LogicNode
from leadkit.rules._period import Period

__all__ = ["Expr", "all_of", "any_of", "criteria", "events", "field", "prop", "rate"]


def _texts(values: Iterable[str] | str, operation: str, label: str) -> tuple[str, ...]:
    if isinstance(values, str):
        # contains_any("部長") would otherwise search for each character.
        raise RuleError(
            f"{operation} takes a list of texts, e.g. [{values!r}]", path=label, key="value"
        )
    try:
        return tuple(values)
    except TypeError:
        raise RuleError(
            f"{operation} takes a list of texts, got {values!r}", path=label, key="value"
        ) from None


class Expr:
    """A value a condition looks at: a field, an event property or an event aggregate.

    Compare it to build a :class:`Condition`. Operators that do not fit the value's type
    (``field("employees").contains("x")``, ``field("title") >= 3``) raise
    :class:`RuleError` naming the field.

    >>> from leadkit.rules import field
    >>> str(field("employees") >= 1000)
    'employees >= 1000'
    >>> str(field("title").contains_any(["部長", "Director"], normalise=True))
    "title contains any ['部長', 'Director'] (normalised)"
    """

    __slots__ = ("_subject",)
    __hash__ = None  # type: ignore[assignment]  # == builds a condition, so no hashing

    def __init__(self, subject: Subject) -> None:
        info_of(subject)  # fails now, naming the field, if the subject is unusable
        self._subject = subject

    @property
    def subject(self) -> Subject:
        """The node this expression refers to (``FieldRef``, ``PropRef``, an aggregate)."""
        return self._subject

    def __repr__(self) -> str:
        subject = self._subject
        if isinstance(subject, FieldRef):
            on = "" if subject.on is Lead else f", on={subject.on.__name__}"
            return f"field({subject.path!r}{on})"
        if isinstance(subject, PropRef):
            return f"prop({subject.name!r})"
        return str(subject)

    def __bool__(self) -> bool:
        raise RuleError(
            f"{self!r} has no truth value; compare it (>= 1000, .is_present()) to build a "
            "condition, and use between() instead of a < x < b"
        )

    # Arithmetic on event aggregates ------------------------------------------------------

    def _number(self, other: object, operation: str) -> tuple[EventCount | EventSum, ...]:
        parts = []
        for side in (self, other):
            subject = side.subject if isinstance(side, Expr) else None
            if not isinstance(subject, EventCount | EventSum):
                raise RuleError(
                    f"{operation} works on event counts and sums "
                    f"(events(...).count(), .sum(...)), got {side!r}",
                    key="value",
                )
            parts.append(subject)
        return tuple(parts)

    def __truediv__(self, other: object) -> Expr:
        """``count_a / count_b``: a ratio, missing when the denominator is zero."""
        numerator, denominator = self._number(other, "/")
        return Expr(EventRatio(numerator, denominator))

    def __sub__(self, other: object) -> Expr:
        """``count_a - count_b``: the difference of two event counts or sums."""
        left, right = self._number(other, "-")
        return Expr(EventDifference(left, right))

    def _compare(self, op: Any, value: object) -> Condition:
        if isinstance(value, Expr):
            # Two aggregates compared with each other: a - b <op> 0.
            left, right = self._number(value, op)
            return Compare(EventDifference(left, right), op, 0)
        return Compare(self._subject, op, value)

    # Comparisons --------------------------------------------------------------------------

    def __eq__(self, value: object) -> Condition:  # type: ignore[override]
        return self._compare("==", value)

    def __ne__(self, value: object) -> Condition:  # type: ignore[override]
        return self._compare("!=", value)

    def __lt__(self, value: object) -> Condition:
        return self._compare("<", value)

    def __le__(self, value: object) -> Condition:
        return self._compare("<=", value)

    def __gt__(self, value: object) -> Condition:
        return self._compare(">", value)

    def __ge__(self, value: object) -> Condition:
        return self._compare(">=", value)

    def equals(self, value: object, *, normalise: bool = False) -> Condition:
        """Equal to ``value``; with ``normalise`` text ignores width, case and spaces."""
        if normalise:
            return IsIn(self._subject, (value,), normalise=True)
        return Compare(self._subject, "==", value)

    def between(self, low: object, high: object) -> Condition:
        """``low <= value <= high``."""
        return Between(self._subject, low, high)

    def is_in(self, values: Iterable[Any], *, normalise: bool = False) -> Condition:
        """Equal to one of ``values`` (a list; enums may be given by value)."""
        return IsIn(self._subject, _texts(values, "is_in", str(self._subject)), normalise=normalise)

    def not_in(self, values: Iterable[Any], *, normalise: bool = False) -> Condition:
        """Equal to none of ``values``; like ``!=``, false (unknown) when missing."""
        values = _texts(values, "not_in", str(self._subject))
        return IsIn(self._subject, values, normalise=normalise, negated=True)

    def is_true(self) -> Condition:
        """The flag is set (``== True``, without upsetting linters)."""
        return Compare(self._subject, "==", True)

    def is_false(self) -> Condition:
        """The flag is not set (``== False``; missing is neither)."""
        return Compare(self._subject, "==", False)

    # Text ---------------------------------------------------------------------------------

    def contains(self, text: str, *, normalise: bool = False) -> Condition:
        """Contains ``text``; ``normalise=True`` ignores width (全角/半角), case and spaces."""
        return TextMatch(self._subject, "contains", (text,), normalise=normalise)

    def contains_any(self, texts: Iterable[str], *, normalise: bool = False) -> Condition:
        """Contains at least one of ``texts``."""
        needles = _texts(texts, "contains_any", str(self._subject))
        return TextMatch(self._subject, "contains", needles, normalise=normalise)

    def startswith(self, *prefixes: str, normalise: bool = False) -> Condition:
        """Starts with one of ``prefixes``."""
        return TextMatch(self._subject, "startswith", prefixes, normalise=normalise)

    def endswith(self, *suffixes: str, normalise: bool = False) -> Condition:
        """Ends with one of ``suffixes``."""
        return TextMatch(self._subject, "endswith", suffixes, normalise=normalise)

    def matches(self, pattern: str, *, ignore_case: bool = False) -> Condition:
        """Matches the regular expression ``pattern`` anywhere (compiled once)."""
        return Matches(self._subject, pattern, ignore_case=ignore_case)

    # Presence and time --------------------------------------------------------------------

    def is_missing(self) -> Condition:
        """Not set (``None``)."""
        return Presence(self._subject, False)

    def is_present(self) -> Condition:
        """Set to some value."""
        return Presence(self._subject, True)

    def within(
        self, *, years: int = 0, months: int = 0, weeks: int = 0, days: int = 0, hours: int = 0
    ) -> Condition:
        """A date or datetime in the window that ends at ``as_of``."""
        period = Period(years=years, months=months, weeks=weeks, days=days, hours=hours)
        return Window(self._subject, "within", period)

    def older_than(
        self, *, years: int = 0, months: int = 0, weeks: int = 0, days: int = 0, hours: int = 0
    ) -> Condition:
        """A date or datetime before the window that ends at ``as_of``."""
        period = Period(years=years, months=months, weeks=weeks, days=days, hours=hours)
        return Window(self._subject, "older_than", period)


def field(path: str, *, on: type = Lead) -> Expr:
    """A field of the record, checked against the attrs class ``on`` now.

    Paths: attributes (``employees``), nested values (``address.state``, ``name.family``,
    ``owner.id``), derived properties (``email_domain``, ``is_converted``,
    ``address.prefecture`` as the canonical name 東京都, ``address.region`` as 関東) and
    custom fields (``custom.budget``, whose type is checked when evaluated). Enums compare
    by value (``field("rating") == "Hot"``); money by its amount.
    """
    return Expr(FieldRef(path, on=on))


def prop(name: str) -> Expr:
    """A property of an engagement event, for ``events(...).where(...)``: a key of its
    ``properties`` (``url``) or ``kind``, ``occurred_at``, ``id``."""
    return Expr(PropRef(name))


def events(*kinds: str) -> EventExists:
    """The lead's engagement events of ``kinds`` (any kind when none given).

    Used as a condition it means "at least one". Refine with ``.where(prop(...) ...)`` and
    ``.within(days=30)``; aggregate with ``.count()``, ``.last()``, ``.sum("prop")``.
    """
    return EventExists(EventQuery(kinds))


def _flat(conditions: tuple[Condition | Iterable[Condition], ...]) -> tuple[Condition, ...]:
    if len(conditions) == 1 and isinstance(conditions[0], list | tuple):
        return tuple(conditions[0])
    return conditions  # type: ignore[return-value]  # checked by the node


def all_of(*conditions: Condition | Iterable[Condition]) -> Condition:
    """True when every condition holds (``a & b & c``); takes conditions or one list."""
    items = _flat(conditions)
    if len(items) == 1 and isinstance(items[0], Condition):
        return items[0]
    return AllOf(items)


def any_of(*conditions: Condition | Iterable[Condition]) -> Condition:
    """True when at least one condition holds (``a | b | c``); takes conditions or one list."""
    items = _flat(conditions)
    if len(items) == 1 and isinstance(items[0], Condition):
        return items[0]
    return AnyOf(items)


def criteria(items: Iterable[Condition], *, logic: str | LogicNode | None = None) -> Condition:
    """Numbered criteria (1, 2, 3 ...) combined by filter ``logic`` such as
    ``"1 AND (2 OR 3)"``; all of them ANDed when ``logic`` is None.

    A syntax error reports its position; a number without a criterion, or a criterion
    the logic does not use, is an error too.
    """
    return Criteria(tuple(items), logic=logic)


def _count_of(side: str | Expr | EventExists, period: Period | None, name: str) -> Expr:
    if isinstance(side, str):
        query = EventQuery((side,), window=period)
        return Expr(EventCount(query))
    if period is not None:
        raise RuleError(
            f"rate()'s window applies to event kinds given by name; {name} is {side!r}: "
            "give it its own .within(...)",
            key="within",
        )
    if isinstance(side, EventExists):
        return side.count()
    if isinstance(side, Expr):
        return side
    raise RuleError(f"rate() takes event kinds or aggregates, got {side!r}", key=name)


def rate(
    of: str | Expr | EventExists,
    per: str | Expr | EventExists,
    *,
    years: int = 0,
    months: int = 0,
    weeks: int = 0,
    days: int = 0,
    hours: int = 0,
) -> Expr:
    """The ratio of two event counts (or sums), to compare: ``rate("email_open",
    "email_send", days=90) >= 0.3`` is ``events("email_open").within(days=90).count() /
    events("email_send").within(days=90).count() >= 0.3``.

    ``of`` and ``per`` are event kinds (counted within the window, if one is given) or
    aggregates built with ``events(...)``. When ``per`` is zero the rate is missing: every
    comparison on it is false, as for a missing field, and ``is_missing()`` holds.
    """
    period = None
    if any((years, months, weeks, days, hours)):
        period = Period(years=years, months=months, weeks=weeks, days=days, hours=hours)
    return _count_of(of, period, "of") / _count_of(per, period, "per")
