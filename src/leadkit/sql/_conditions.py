"""Condition trees compiled to sqlglot expression trees, with the Python engine's meaning.

Two forms, as in :mod:`leadkit.rules._compile`: :meth:`ConditionCompiler.known` is
three-valued (NULL when the verdict depends on a missing value; SQL's AND, OR and NOT
are Kleene logic, as the Python engine's) and :meth:`ConditionCompiler.predicate` is
two-valued (a comparison with a missing value is false, so its negation is true). Event
aggregates become aggregate columns over the lead's events, collected in
:class:`Aggregates` and joined to the lead by the query builder. User values are sqlglot
literals; column names come from leadkit's layout.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import attrs

from leadkit.errors import SqlCompileError
from leadkit.model import normalise_text
from leadkit.rules import (
    AllOf,
    AnyOf,
    Between,
    Compare,
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
    IsIn,
    Kind,
    Matches,
    Not,
    Period,
    Presence,
    PropRef,
    Subject,
    TextMatch,
    Window,
    info_of,
)
from leadkit.sql._deps import exp
from leadkit.sql._dialect import Dialect
from leadkit.sql._layout import FAMILIES, FAMILY_OF_KIND
from leadkit.sql._sources import Source

__all__ = ["Aggregates", "ConditionCompiler", "literal", "number", "one_of", "when"]

_COMPARE: dict[str, Callable[[exp.Expr, exp.Expr], exp.Expr]] = {
    "==": lambda a, b: exp.EQ(this=a, expression=b),
    "!=": lambda a, b: exp.NEQ(this=a, expression=b),
    "<": lambda a, b: exp.LT(this=a, expression=b),
    "<=": lambda a, b: exp.LTE(this=a, expression=b),
    ">": lambda a, b: exp.GT(this=a, expression=b),
    ">=": lambda a, b: exp.GTE(this=a, expression=b),
}


def number(value: int | float | Decimal) -> exp.Expr:
    """A numeric literal (exact text for ints and Decimals, shortest repr for floats)."""
    text = format(value, "f") if isinstance(value, Decimal) else repr(value)
    if isinstance(value, float):
        # A float is a double, not the engine's exact decimal reading of its digits; the
        # sign stays inside the cast, one constant (a negation is not always folded).
        return exp.cast(exp.Literal.number(text), "DOUBLE")
    if text.startswith("-"):
        return exp.Neg(this=exp.Literal.number(text[1:]))
    return exp.Literal.number(text)


def one_of(value: exp.Expr, options: list[exp.Expr]) -> exp.Expr:
    """``value IN (options)``, or ``value = option`` for one (engines plan it better)."""
    if len(options) == 1:
        return exp.EQ(this=value, expression=options[0])
    return exp.In(this=value, expressions=options)


def when(condition: exp.Expr, then: exp.Expr, otherwise: exp.Expr | None = None) -> exp.Expr:
    """``CASE WHEN condition THEN then [ELSE otherwise] END`` (portable, unlike IIF)."""
    return exp.Case(ifs=[exp.If(this=condition, true=then)], default=otherwise)


def literal(value: object, family: str, dialect: Dialect) -> exp.Expr:
    """``value`` as a literal in the canonical form of ``family``."""
    if isinstance(value, enum.Enum):
        value = value.value
    if family == "bool" or isinstance(value, bool):
        return exp.Boolean(this=bool(value))
    if family == "datetime" and isinstance(value, datetime):
        return number(value.timestamp())
    if family == "date" and isinstance(value, date):
        return dialect.date_literal(value)
    if isinstance(value, int | float | Decimal):
        return number(value)
    if isinstance(value, str):
        return exp.Literal.string(value)
    raise SqlCompileError(f"no SQL literal for {value!r}")  # pragma: no cover


def _all(items: list[exp.Expr]) -> exp.Expr:
    return exp.and_(*(exp.paren(i, copy=False) for i in items), copy=False)


def _any(items: list[exp.Expr]) -> exp.Expr:
    return exp.or_(*(exp.paren(i, copy=False) for i in items), copy=False)


def _not(item: exp.Expr) -> exp.Expr:
    return exp.Not(this=exp.paren(item, copy=False))


def _false_if_null(item: exp.Expr) -> exp.Expr:
    return exp.Coalesce(this=item, expressions=[exp.Boolean(this=False)])


@attrs.define
class Aggregates:
    """Aggregate columns over each lead's events, named ``__agg0``, ``__agg1`` ...
    (equal expressions share one column)."""

    items: dict[str, tuple[str, exp.Expr]] = attrs.field(factory=dict)

    def add(self, expression: exp.Expr) -> str:
        key = expression.sql()
        if key not in self.items:
            self.items[key] = (f"__agg{len(self.items)}", expression)
        return self.items[key][0]

    def columns(self) -> list[exp.Expr]:
        return [exp.alias_(e, name, quoted=True) for name, e in self.items.values()]


@attrs.define
class ConditionCompiler:
    """Compiles conditions on leads (``leads``) and on events (``events``, inside
    ``events(...).where(...)``), at one explicit ``as_of``."""

    dialect: Dialect
    as_of: datetime
    leads: Source
    events: Source
    aggregates: Aggregates = attrs.field(factory=Aggregates)
    aggregate_table: str = "a"

    # -- combinators ----------------------------------------------------------------------

    def known(self, node: Condition) -> exp.Expr:
        """Three-valued: TRUE, FALSE, or NULL when a missing value decides."""
        if isinstance(node, Criteria):
            return self.known(node.desugared())
        if isinstance(node, AllOf):
            return _all([self.known(i) for i in node.items])
        if isinstance(node, AnyOf):
            return _any([self.known(i) for i in node.items])
        if isinstance(node, Not):
            return _not(self.known(node.item))
        return self._leaf(node)

    def predicate(self, node: Condition) -> exp.Expr:
        """Two-valued: never NULL."""
        if isinstance(node, Criteria):
            return self.predicate(node.desugared())
        if isinstance(node, AllOf):
            return _all([self.predicate(i) for i in node.items])
        if isinstance(node, AnyOf):
            return _any([self.predicate(i) for i in node.items])
        if isinstance(node, Not):
            return _not(self.predicate(node.item))
        leaf = self._leaf(node)
        if isinstance(node, Presence | EventExists):
            return leaf
        return _false_if_null(leaf)

    # -- values ---------------------------------------------------------------------------

    def _source(self, subject: Subject) -> Source:
        return self.events if isinstance(subject, PropRef) else self.leads

    def _name(self, subject: FieldRef | PropRef) -> str:
        return subject.path if isinstance(subject, FieldRef) else subject.name

    def value(self, subject: Subject, family: str, *, normalise: bool = False) -> exp.Expr:
        """The value of ``subject`` in ``family``'s canonical form (NULL when missing)."""
        if isinstance(subject, FieldRef | PropRef):
            info = info_of(subject)
            typed = info.kind is not Kind.ANY
            return self._source(subject).value(
                self._name(subject), family, typed=typed, normalise=normalise
            )
        if isinstance(subject, EventRatio):
            # A double division (SQLite divides integers to an integer); NULL, missing,
            # when the denominator is zero, as the Python engine's None.
            numerator, denominator = (self._aggregate(p) for p in subject.parts)
            double = exp.DataType.build("double")
            ratio = exp.Div(this=exp.Cast(this=numerator, to=double), expression=denominator)
            zero = exp.EQ(this=denominator.copy(), expression=exp.Literal.number(0))
            return exp.If(this=zero, true=exp.Null(), false=ratio)
        if isinstance(subject, EventDifference):
            left, right = (self._aggregate(p) for p in subject.parts)
            return exp.Sub(this=left, expression=right)
        return self._aggregate(subject)

    def present(self, subject: Subject) -> exp.Expr:
        """TRUE when ``subject`` has a value."""
        if isinstance(subject, EventCount | EventSum | EventDifference):
            return exp.Boolean(this=True)
        if isinstance(subject, EventRatio):
            return exp.Not(this=exp.Is(this=self.value(subject, "number"), expression=exp.Null()))
        if isinstance(subject, EventLast):
            return exp.Not(this=exp.Is(this=self._aggregate(subject), expression=exp.Null()))
        info = info_of(subject)
        families = list(FAMILIES) if info.kind is Kind.ANY else [FAMILY_OF_KIND[info.kind]]
        checks: list[exp.Expr] = [
            exp.Not(this=exp.Is(this=self.value(subject, f), expression=exp.Null()))
            for f in families
        ]
        return checks[0] if len(checks) == 1 else _any(checks)

    def match(self, query: EventQuery) -> exp.Expr:
        """The events of the current event row that ``query`` selects (as_of is applied
        once, to every event, by the query builder)."""
        conditions: list[exp.Expr] = []
        if query.kinds:
            kind = self.events.value("kind", "text", typed=True)
            conditions.append(one_of(kind, [exp.Literal.string(k) for k in query.kinds]))
        if query.window is not None:
            start = _start(query.window, self.as_of, datetime)
            conditions.append(
                exp.GTE(
                    this=self.events.value("occurred_at", "datetime", typed=True),
                    expression=number(start.timestamp()),
                )
            )
        if query.where is not None:
            conditions.append(self.predicate(query.where))
        if not conditions:
            return exp.Boolean(this=True)
        return conditions[0] if len(conditions) == 1 else _all(conditions)

    def _aggregate(self, subject: EventCount | EventLast | EventSum) -> exp.Expr:
        matched = self.match(subject.query)
        if isinstance(subject, EventCount):
            inner: exp.Expr = exp.Sum(
                this=when(matched, exp.Literal.number(1), exp.Literal.number(0))
            )
        elif isinstance(subject, EventLast):
            inner = exp.Max(
                this=when(matched, self.events.value("occurred_at", "datetime", typed=True))
            )
        else:
            typed = info_of(PropRef(subject.prop)).kind is not Kind.ANY
            amount = self.events.value(subject.prop, "number", typed=typed)
            inner = exp.Sum(this=when(matched, amount))
        name = self.aggregates.add(inner)
        column = exp.column(name, table=self.aggregate_table, quoted=True)
        if isinstance(subject, EventLast):
            return column
        return exp.Coalesce(this=column, expressions=[exp.Literal.number(0)])

    # -- leaves ---------------------------------------------------------------------------

    def _leaf(self, node: Condition) -> exp.Expr:
        if isinstance(node, EventExists):
            count = self._aggregate(EventCount(node.query))
            return exp.GT(this=count, expression=exp.Literal.number(0))
        subject: Subject = node.subject  # type: ignore[attr-defined]
        if isinstance(node, Presence):
            present = self.present(subject)
            return present if node.present else exp.Not(this=exp.paren(present))
        info = info_of(subject)
        if info.kind is not Kind.ANY:
            return self._test(node, subject, FAMILY_OF_KIND[info.kind])
        # Typed per row: a value of another family fails the test (False, not unknown).
        tests = [_false_if_null(self._test(node, subject, f)) for f in _families(node)]
        return when(self.present(subject), tests[0] if len(tests) == 1 else _any(tests))

    def _test(self, node: Condition, subject: Subject, family: str) -> exp.Expr:
        d = self.dialect
        if isinstance(node, Compare):
            return _COMPARE[node.op](self.value(subject, family), literal(node.value, family, d))
        if isinstance(node, Between):
            return exp.Between(
                this=self.value(subject, family),
                low=literal(node.low, family, d),
                high=literal(node.high, family, d),
            )
        if isinstance(node, IsIn):
            if node.normalise:
                v = self.value(subject, "text", normalise=True)
                keys = sorted({normalise_text(x) for x in node.values})
                values: list[exp.Expr] = [exp.Literal.string(k) for k in keys]
            else:
                v = self.value(subject, family)
                values = [literal(x, family, d) for x in node.values]
            found = one_of(v, values)
            return exp.Not(this=exp.paren(found)) if node.negated else found
        if isinstance(node, TextMatch):
            return self._text(node, subject)
        if isinstance(node, Matches):
            v = self.value(subject, "text")
            return d.search(v, node.pattern, ignore_case=node.ignore_case, where=str(node))
        if isinstance(node, Window):
            return self._window(node, subject, family)
        raise SqlCompileError(f"{node}: no SQL form for {type(node).__name__}", path=str(node))

    def _text(self, node: TextMatch, subject: Subject) -> exp.Expr:
        v = self.value(subject, "text", normalise=node.normalise)
        prepare: Callable[[str], str] = normalise_text if node.normalise else str
        needles = list(dict.fromkeys(prepare(n) for n in node.needles))
        tests: list[exp.Expr] = []
        for needle in needles:
            x = exp.Literal.string(needle)
            size = exp.Literal.number(len(needle))
            if self.dialect.name == "duckdb":
                # DuckDB's own string tests: the same answers, several times faster.
                function = {"contains": "CONTAINS", "startswith": "STARTS_WITH"}.get(
                    node.op, "SUFFIX"
                )
                tests.append(exp.Anonymous(this=function, expressions=[v.copy(), x]))
            elif node.op == "contains":
                tests.append(
                    exp.GT(this=exp.StrPosition(this=v, substr=x), expression=exp.Literal.number(0))
                )
            elif node.op == "startswith":
                head = exp.Substring(this=v, start=exp.Literal.number(1), length=size)
                tests.append(exp.EQ(this=head, expression=x))
            else:
                start = exp.Add(
                    this=exp.Sub(this=exp.Length(this=v), expression=size),
                    expression=exp.Literal.number(1),
                )
                tail = exp.EQ(this=exp.Substring(this=v, start=start), expression=x)
                long_enough = exp.GTE(this=exp.Length(this=v), expression=size)
                tests.append(_all([long_enough, tail]))
        return tests[0] if len(tests) == 1 else _any(tests)

    def _window(self, node: Window, subject: Subject, family: str) -> exp.Expr:
        v = self.value(subject, family)
        if family == "datetime":
            low: exp.Expr = number(_start(node.period, self.as_of, datetime).timestamp())
            high: exp.Expr = number(self.as_of.timestamp())
        else:
            low = self.dialect.date_literal(_start(node.period, self.as_of, datetime).date())
            high = self.dialect.date_literal(self.as_of.date())
        if node.op == "within":
            return _all([exp.LTE(this=low, expression=v), exp.LTE(this=v, expression=high)])
        return exp.LT(this=v, expression=low)


def _start(period: Period, as_of: datetime, _: type) -> datetime:
    start: datetime = period.start(as_of)
    if start.tzinfo is None:  # pragma: no cover - Period keeps as_of's zone
        start = start.replace(tzinfo=UTC)
    return start


def _families(node: Condition) -> list[str]:
    if isinstance(node, Compare):
        return [_literal_family(node.value)]
    if isinstance(node, Between):
        return [_literal_family(node.low)]
    if isinstance(node, IsIn):
        return ["text"] if node.normalise else [_literal_family(node.values[0])]
    if isinstance(node, TextMatch | Matches):
        return ["text"]
    if isinstance(node, Window):
        return ["datetime", "date"]
    raise SqlCompileError(f"{node}: no SQL form for {type(node).__name__}", path=str(node))


def _literal_family(value: object) -> str:
    from leadkit.rules._schema import family_of

    family = family_of(value)
    if family is None:  # pragma: no cover - literals are checked when nodes are built
        raise SqlCompileError(f"no SQL literal for {value!r}")
    return family
