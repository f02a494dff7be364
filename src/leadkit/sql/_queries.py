"""Scoring models and grading profiles compiled to one SELECT each, with the Python
engine's arithmetic (:mod:`leadkit.scoring._engine`) spelled out in SQL.

The query has three steps. ``__events``: each event of a known lead that did not happen
after ``as_of``, with its time as POSIX seconds and its age in seconds (``as_of`` minus
that, the very float subtraction the engine does). ``__agg``: per lead, every aggregate
the rules need (decayed sums, best weights, counts, latest ages). ``__rules``: per lead,
every rule's points after its cap, and every criterion's verdict. The outer SELECT adds
group totals (capped), the total (cap, floor) and the grade, in the engine's order of
additions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import attrs

from leadkit.errors import SqlCompileError
from leadkit.rules import EventExists, EventQuery, Period
from leadkit.scoring import (
    EventRule,
    GradingProfile,
    HalfLife,
    InactivityDecay,
    LinearDecay,
    ProfileRule,
    ScoringModel,
)
from leadkit.sql._conditions import ConditionCompiler, number, one_of, when
from leadkit.sql._deps import exp
from leadkit.sql._dialect import Dialect

__all__ = ["GRADES", "Tables", "build_query"]

GRADES = ("F", "D-", "D", "D+", "C-", "C", "C+", "B-", "B", "B+", "A-", "A", "A+")
_START = 2  # D
_DAY = 86_400.0


@attrs.frozen(slots=True)
class Tables:
    """The input tables: their names, the leads' id column, the events' lead column, and
    how each event's time (POSIX seconds) is read."""

    leads: exp.Expr
    events: exp.Expr
    lead_id: exp.Expr
    event_lead: exp.Expr
    event_time: exp.Expr
    """Over the raw events table, aliased ``r``."""


def _clamp(dialect: Dialect, value: exp.Expr, cap: float) -> exp.Expr:
    return dialect.clamp(value, number(-cap), number(cap))


def _from(item: exp.Expr, alias: str) -> exp.Expr:
    """``item AS alias`` as a FROM item (a table, or a table function such as
    read_parquet(...))."""
    if isinstance(item, exp.Anonymous):
        return exp.Table(this=item.copy(), alias=exp.TableAlias(this=exp.to_identifier(alias)))
    return exp.alias_(item, alias, table=True)


def _col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table, quoted=True)


def _window_seconds(period: Period, as_of: datetime, where: str) -> float:
    try:
        start = period.start(as_of).astimezone(UTC)
        return (as_of.astimezone(UTC) - start).total_seconds()
    except (OverflowError, ValueError):
        raise SqlCompileError(
            f"as_of {as_of.isoformat()} minus {period} is outside the calendar", path=where
        ) from None


def _sum(items: Sequence[exp.Expr]) -> exp.Expr:
    """``items`` added left to right, as the engine adds columns (0.0 when none)."""
    if not items:
        return number(0.0)
    if len(items) == 1:
        return exp.Add(this=number(0.0), expression=items[0])
    total = items[0]
    for item in items[1:]:
        total = exp.Add(this=total, expression=item)
    return total


class _Builder:
    def __init__(self, compiler: ConditionCompiler, as_of: datetime) -> None:
        self.c = compiler
        self.as_of = as_of
        self.age = _col("__age", "e")

    def _agg(self, expression: exp.Expr) -> exp.Expr:
        return _col(self.c.aggregates.add(expression), self.c.aggregate_table)

    def _selected(self, query: EventQuery, where: str) -> exp.Expr:
        """The engine's test of one event: its kind, its age against the window (in
        seconds, the engine's comparison), its properties."""
        conditions: list[exp.Expr] = []
        if query.kinds:
            kind = self.c.events.value("kind", "text", typed=True)
            conditions.append(one_of(kind, [exp.Literal.string(k) for k in query.kinds]))
        if query.window is not None:
            seconds = _window_seconds(query.window, self.as_of, where)
            conditions.append(exp.LTE(this=self.age.copy(), expression=number(seconds)))
        if query.where is not None:
            conditions.append(self.c.predicate(query.where))
        if not conditions:
            return exp.Boolean(this=True)
        return exp.and_(*conditions)

    def _weight(self, model: ScoringModel, rule: EventRule) -> exp.Expr:
        decay = model.decay
        if not rule.decays or decay is None or isinstance(decay, InactivityDecay):
            return number(1.0)
        if isinstance(decay, HalfLife):
            return exp.Exp(this=exp.Mul(this=self.age.copy(), expression=number(decay.rate)))
        assert isinstance(decay, LinearDecay)
        periods = exp.Floor(
            this=exp.Div(this=self.age.copy(), expression=number(decay.every_days * _DAY))
        )
        left = exp.Sub(
            this=number(1.0),
            expression=exp.Mul(this=number(decay.percent / 100.0), expression=periods),
        )
        return exp.Greatest(this=number(0.0), expressions=[left])

    def event_rule(self, model: ScoringModel, index: int, rule: EventRule) -> exp.Expr:
        where = f"rules[{index}]"
        chosen = self._selected(rule.events.query, where)
        weight = self._weight(model, rule)
        points = number(float(rule.points))
        gathered: exp.Expr
        # ELSE 0.0: no NULLs to skip (faster); weights are never negative, so a lead
        # without a matching event gets 0 either way.
        if rule.per == "event":
            gathered = exp.Sum(this=when(chosen, weight, number(0.0)))
        else:
            gathered = exp.Max(this=when(chosen, weight, number(0.0)))
        value: exp.Expr = exp.Mul(
            this=points,
            expression=exp.Coalesce(this=self._agg(gathered), expressions=[number(0.0)]),
        )
        decay = model.decay
        if isinstance(decay, InactivityDecay) and rule.decays:
            latest = self._agg(exp.Min(this=self.age.copy()))
            idle = when(
                exp.GT(this=latest, expression=number(decay.days * _DAY)),
                number(1.0 - decay.percent / 100.0),
                number(1.0),
            )
            value = exp.Mul(this=value, expression=exp.paren(idle))
        if rule.cap is not None:
            value = _clamp(self.c.dialect, value, float(rule.cap))
        return value

    def fold_rule(self, index: int, rule: ProfileRule) -> exp.Expr:
        assert isinstance(rule.when, EventExists)
        chosen = self._selected(rule.when.query, f"rules[{index}].when")
        hits = self._agg(exp.Sum(this=when(chosen, exp.Literal.number(1), exp.Literal.number(0))))
        held = exp.GT(
            this=exp.Coalesce(this=hits, expressions=[exp.Literal.number(0)]),
            expression=exp.Literal.number(0),
        )
        return when(held, number(float(rule.points)), number(0.0))

    def profile_rule(self, index: int, rule: ProfileRule) -> exp.Expr:
        held = _compile_at(self.c.predicate, rule.when, f"rules[{index}].when")
        return when(held, number(float(rule.points)), number(0.0))


def _compile_at(compile_: object, condition: object, where: str) -> exp.Expr:
    try:
        return compile_(condition)  # type: ignore[operator, no-any-return]
    except SqlCompileError as err:
        raise SqlCompileError(err.message, path=where) from None


def build_query(
    *,
    compiler: ConditionCompiler,
    tables: Tables,
    as_of: datetime,
    model: ScoringModel | None,
    profile: GradingProfile | None,
    extra: Sequence[tuple[str, exp.Expr]] = (),
) -> exp.Select:
    """The SELECT that scores (``model``) and/or grades (``profile``) every lead;
    ``extra`` are more per-lead columns (named, compiled by ``compiler``, so that their
    event aggregates are joined too), passed through to the result."""
    builder = _Builder(compiler, as_of)
    rule_columns: list[exp.Expr] = []
    groups_out: list[exp.Expr] = []
    total: exp.Expr | None = None
    if model is not None:
        names = [f"rule.{rule.name}" for rule in model.rules]
        values: dict[int, exp.Expr] = {}
        for index, rule in enumerate(model.rules):
            if isinstance(rule, EventRule):
                values[index] = builder.event_rule(model, index, rule)
        for index, rule in enumerate(model.rules):
            if isinstance(rule, ProfileRule) and isinstance(rule.when, EventExists):
                values[index] = builder.fold_rule(index, rule)
        for index, rule in enumerate(model.rules):
            if isinstance(rule, ProfileRule) and not isinstance(rule.when, EventExists):
                values[index] = builder.profile_rule(index, rule)
        rule_columns = [exp.alias_(values[i], names[i], quoted=True) for i in range(len(names))]
        # The engine's order: event rules, then event-exists rules, then the others.
        order = list(values)
        by_group: dict[str | None, list[exp.Expr]] = {}
        for index in order:
            rule = model.rules[index]
            by_group.setdefault(rule.group, []).append(_col(names[index], "s"))
        group_totals: list[exp.Expr] = []
        for group in model.groups:
            subtotal = _sum(by_group.get(group.name, []))
            if group.cap is not None:
                subtotal = _clamp(compiler.dialect, subtotal, float(group.cap))
            group_totals.append(subtotal)
            groups_out.append(exp.alias_(subtotal.copy(), f"group.{group.name}", quoted=True))
        total = _sum([*group_totals, *by_group.get(None, [])])
        if model.cap is not None:
            cap = number(float(model.cap))
            total = when(exp.GT(this=total, expression=cap), cap.copy(), total.copy())
        if model.floor is not None:
            floor = number(float(model.floor))
            total = when(exp.LT(this=total, expression=floor), floor.copy(), total.copy())
    criterion_columns: list[exp.Expr] = []
    rank: exp.Expr | None = None
    if profile is not None:
        moves: list[exp.Expr] = []
        for index, criterion in enumerate(profile.criteria):
            verdict = _compile_at(compiler.known, criterion.when, f"criteria[{index}].when")
            name = f"criterion.{criterion.name}"
            criterion_columns.append(exp.alias_(verdict, name, quoted=True))
            held = _col(name, "s")
            weight = exp.Literal.number(criterion.weight)
            moves.append(
                exp.Case(
                    ifs=[
                        exp.If(this=held.copy(), true=weight),
                        exp.If(this=exp.Not(this=held.copy()), true=exp.Neg(this=weight.copy())),
                    ],
                    default=exp.Literal.number(0),
                )
            )
        rank = exp.Literal.number(_START)
        for move in moves:
            rank = exp.Add(this=rank, expression=move)

    # Only the columns the aggregates read: a star would make the engine read them all.
    wanted = sorted(
        {
            column.name
            for _, expression in compiler.aggregates.items.values()
            for column in expression.find_all(exp.Column)
            if column.table == "e" and column.name not in ("__lead", "__ts", "__age")
        }
    )
    events = exp.select(
        exp.alias_(tables.event_lead, "__lead", quoted=True),
        exp.alias_(tables.event_time.copy(), "__ts", quoted=True),
        exp.alias_(
            exp.Sub(this=number(as_of.timestamp()), expression=tables.event_time.copy()),
            "__age",
            quoted=True,
        ),
        *[exp.alias_(_col(name, "r"), name, quoted=True) for name in wanted],
    ).from_(_from(tables.events, "r"))
    events = events.where(
        exp.and_(
            exp.Not(this=exp.Is(this=tables.event_lead.copy(), expression=exp.Null())),
            exp.LTE(this=tables.event_time.copy(), expression=number(as_of.timestamp())),
        )
    )
    inner = exp.select(
        exp.alias_(tables.lead_id, "lead_id", quoted=True),
        *rule_columns,
        *criterion_columns,
        *[exp.alias_(e, n, quoted=True) for n, e in extra],
    ).from_(_from(tables.leads, "l"))
    query = exp.select(_col("lead_id", "s"))
    if total is not None:
        query = query.select(exp.alias_(total, "total", quoted=True))
    query = query.select(*groups_out)
    if rank is not None:
        ranked = _col("__rank", "s")
        steps = [exp.If(this=exp.LTE(this=ranked, expression=exp.Literal.number(0)),
                        true=exp.Literal.string(GRADES[0]))]  # fmt: skip
        steps += [
            exp.If(this=exp.EQ(this=ranked.copy(), expression=exp.Literal.number(i)),
                   true=exp.Literal.string(g))
            for i, g in enumerate(GRADES) if 0 < i < 12
        ]  # fmt: skip
        grade = exp.Case(ifs=steps, default=exp.Literal.string(GRADES[-1]))
        query = query.select(exp.alias_(grade, "grade", quoted=True))
    query = query.select(*[_col(c.alias_or_name, "s") for c in rule_columns])
    if profile is not None:
        for criterion in profile.criteria:
            held = _col(f"criterion.{criterion.name}", "s")
            text = exp.Case(
                ifs=[
                    exp.If(this=held.copy(), true=exp.Literal.string("matched")),
                    exp.If(this=exp.Not(this=held.copy()), true=exp.Literal.string("unmatched")),
                ],
                default=exp.Literal.string("unknown"),
            )
            query = query.select(exp.alias_(text, f"criterion.{criterion.name}", quoted=True))
    query = query.select(*[_col(name, "s") for name, _ in extra])
    if compiler.aggregates.items:
        aggregated = (
            exp.select(
                exp.alias_(_col("__lead", "e"), "__lead", quoted=True),
                *compiler.aggregates.columns(),
            )
            .from_(exp.alias_(events.subquery(), "e", table=True))
            .group_by(_col("__lead", "e"))
        )
        inner = inner.join(
            exp.alias_(aggregated.subquery(), compiler.aggregate_table, table=True),
            on=exp.EQ(
                this=_col("__lead", compiler.aggregate_table), expression=tables.lead_id.copy()
            ),
            join_type="LEFT",
        )
    source = inner.subquery()
    if rank is not None:
        # The rank is named once, in a step of its own, and read by the grade's CASE.
        source = (
            exp.select(exp.Star(), exp.alias_(rank, "__rank", quoted=True))
            .from_(exp.alias_(source, "s", table=True))
            .subquery()
        )
    return query.from_(exp.alias_(source, "s", table=True))
