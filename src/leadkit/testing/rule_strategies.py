"""Hypothesis strategies for conditions of :mod:`leadkit.rules` (needs ``leadkit[testing]``).

Use them to test code built on the condition language (scoring models, routing rules)::

    from hypothesis import given
    from leadkit.testing.rule_strategies import conditions

    @given(conditions())
    def test_my_loader_round_trips(condition):
        assert load(dump(condition)) == condition

Every condition drawn is valid on :class:`~leadkit.model.Lead`: fields of every kind
(text, numbers, money, dates, enums, prefectures, custom fields), every operator, event
aggregates with filters and windows, and ``&``, ``|``, ``~``, numbered criteria with
random filter logic. :func:`lead_custom_fields` draws custom values of the types these
conditions test, of the wrong type too, so that run-time type checks are exercised.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from leadkit.model import PREFECTURES, CustomFields, EventKind, Rating, Region
from leadkit.rules import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    Criteria,
    Expr,
    Not,
    Period,
    events,
    field,
    prop,
)

__all__ = ["conditions", "event_conditions", "lead_conditions", "lead_custom_fields", "periods"]

AS_OF = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
"""The centre of the times drawn here, so that windows are sometimes hit, sometimes not."""

_TEXT_NEEDLES = ["部長", "Director", "director", "ＣＥＯ", "CEO", "課長", "Sales", " sales ", "VP"]
_PATTERNS = ["^CEO$", "部長|課長", "(?i)director", r"\bVP\b", "Sales$"]
_INDUSTRIES = ["製造業", "情報通信業", "Manufacturing", "IT", "it", "ＩＴ", "Finance"]
_KINDS = [*[k.value for k in EventKind][:6], "custom_kind"]
_URLS = ["/", "/pricing", "/careers", "/product/crm"]


def periods() -> st.SearchStrategy[Period]:
    """Windows of a few hours to a couple of years, in every unit."""
    return st.builds(
        lambda units: Period(**units),
        st.fixed_dictionaries(
            {},
            optional={
                "years": st.integers(0, 2),
                "months": st.integers(0, 13),
                "weeks": st.integers(0, 8),
                "days": st.integers(0, 400),
                "hours": st.integers(0, 72),
            },
        ).filter(lambda units: any(units.values())),
    )


def _times(within_days: int = 400) -> st.SearchStrategy[datetime]:
    return st.integers(-within_days * 24, within_days * 24).map(
        lambda hours: AS_OF + timedelta(hours=hours)
    )


def _days() -> st.SearchStrategy[date]:
    return st.integers(-400, 400).map(lambda days: AS_OF.date() + timedelta(days=days))


def _numbers(lo: int, hi: int) -> st.SearchStrategy[Any]:
    return st.integers(lo, hi) | st.integers(lo * 100, hi * 100).map(
        lambda cents: Decimal(cents).scaleb(-2)
    )


def _ordered(expr: Expr, values: st.SearchStrategy[Any]) -> st.SearchStrategy[Condition]:
    compare = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
    ops = {
        "==": expr.__eq__,
        "!=": expr.__ne__,
        "<": expr.__lt__,
        "<=": expr.__le__,
        ">": expr.__gt__,
        ">=": expr.__ge__,
    }
    return st.one_of(
        st.builds(lambda op, v: ops[op](v), compare, values),
        st.builds(lambda a, b: expr.between(min(a, b), max(a, b)), values, values),
        st.lists(values, min_size=1, max_size=3).map(expr.is_in),
        st.lists(values, min_size=1, max_size=3).map(expr.not_in),
        st.sampled_from([expr.is_missing(), expr.is_present()]),
    )


def _texts(expr: Expr) -> st.SearchStrategy[Condition]:
    needle = st.sampled_from(_TEXT_NEEDLES)
    norm = st.booleans()
    return st.one_of(
        st.builds(lambda n, z: expr.contains(n, normalise=z), needle, norm),
        st.builds(
            lambda ns, z: expr.contains_any(ns, normalise=z),
            st.lists(needle, min_size=1, max_size=3),
            norm,
        ),
        st.builds(lambda n, z: expr.startswith(n, normalise=z), needle, norm),
        st.builds(lambda n, z: expr.endswith(n, normalise=z), needle, norm),
        st.builds(
            lambda p, i: expr.matches(p, ignore_case=i), st.sampled_from(_PATTERNS), st.booleans()
        ),
        st.builds(lambda v: expr == v, needle),
        st.builds(
            lambda vs, z: expr.is_in(vs, normalise=z),
            st.lists(needle, min_size=1, max_size=3),
            norm,
        ),
        st.builds(
            lambda vs, z: expr.not_in(vs, normalise=z),
            st.lists(needle, min_size=1, max_size=3),
            norm,
        ),
        st.sampled_from([expr.is_missing(), expr.is_present()]),
    )


def _windows(expr: Expr, *, dates: bool = False) -> st.SearchStrategy[Condition]:
    spans = periods().filter(lambda p: not p.hours) if dates else periods()
    return st.builds(
        lambda op, p: (expr.within if op else expr.older_than)(**p.as_dict()), st.booleans(), spans
    )


def lead_conditions() -> st.SearchStrategy[Condition]:
    """One test on one field of a lead, of any kind and operator."""
    enum_values = st.sampled_from([*list(Rating), *(r.value for r in Rating)])
    prefecture = st.sampled_from([p.name for p in PREFECTURES[:15]] + ["Tokyo", "大阪"])
    return st.one_of(
        _ordered(field("employees"), st.integers(0, 6000)),
        _ordered(field("annual_revenue"), _numbers(0, 10**7)),
        _ordered(field("created_at"), _times()),
        _windows(field("created_at")),
        _windows(field("conversion.converted_at")),
        _texts(field("title")),
        _texts(field("industry")),
        st.lists(st.sampled_from(_INDUSTRIES), min_size=1, max_size=3).map(
            lambda v: field("industry").is_in(v, normalise=True)
        ),
        st.builds(lambda v: field("rating") == v, enum_values),
        st.lists(enum_values, min_size=1, max_size=2).map(field("rating").is_in),
        st.builds(lambda v: field("address.prefecture") == v, prefecture),
        st.builds(lambda v: field("address.region") == v, st.sampled_from(list(Region))),
        st.builds(lambda v: field("email_domain") == v, st.sampled_from(["gmail.com", "acme.com"])),
        st.sampled_from(
            [
                field("do_not_call").is_true(),
                field("email_opt_out").is_false(),
                field("is_converted").is_true(),
                field("owner.kind") == "queue",
                field("owner.id").is_present(),
            ]
        ),
        _ordered(field("custom.budget"), _numbers(0, 10**6)),
        _texts(field("custom.segment")),
        _ordered(field("custom.start"), _days()),
        _windows(field("custom.start"), dates=True),
        _windows(field("custom.seen_at")),
        st.builds(lambda b: field("custom.flag") == b, st.booleans()),
    )


def event_conditions() -> st.SearchStrategy[Condition]:
    """Event conditions: exists, count, last and sum, filtered and windowed; ratios
    (open rates, with zero denominators) and differences of two counts or sums."""
    where = st.one_of(
        st.none(),
        st.builds(lambda u: prop("url") == u, st.sampled_from(_URLS)),
        st.builds(lambda u: prop("url").startswith(u), st.sampled_from(_URLS)),
        st.builds(lambda n: prop("amount") >= n, st.integers(0, 100)),
        st.builds(lambda k: prop("kind") == k, st.sampled_from(_KINDS)),
        st.just(prop("asset").is_present()),
        _windows(prop("occurred_at")),
    )
    kinds = st.lists(st.sampled_from(_KINDS), max_size=2)
    window = st.none() | periods()

    def query(kinds: list[str], where: Condition | None, window: Period | None) -> Any:
        base = events(*kinds)
        if where is not None:
            base = base.where(where)
        return base if window is None else base.within(**window.as_dict())

    queries = st.builds(query, kinds, where, window)
    return st.one_of(
        queries,
        st.builds(lambda q, n: q.count() >= n, queries, st.integers(0, 4)),
        st.builds(
            lambda q, a, b: q.count().between(min(a, b), max(a, b)),
            queries,
            st.integers(0, 4),
            st.integers(0, 4),
        ),
        st.builds(lambda q, p: q.last().within(**p.as_dict()), queries, periods()),
        st.builds(lambda q: q.last().is_missing(), queries),
        st.builds(lambda q, n: q.sum("amount") > n, queries, st.integers(0, 200)),
        st.builds(lambda q, n: (q.count() / n.count()) >= 0.5, queries, queries),
        st.builds(_ratio, numbers(queries), numbers(queries), st.sampled_from(_RATIO_TESTS)),
        st.builds(_difference, numbers(queries), numbers(queries), st.integers(-3, 3)),
    )


_RATIO_TESTS = [">= 0", "> 0.25", ">= 0.5", "< 1", "== 1", "> 1.5", "between", "is_missing"]


def numbers(queries: st.SearchStrategy[Any]) -> st.SearchStrategy[Expr]:
    """Event counts and sums of ``queries`` (``events(...)`` drawn by the caller)."""
    return st.one_of(
        queries.map(lambda q: q.count()),
        queries.map(lambda q: q.sum("amount")),
    )


def _ratio(of: Expr, per: Expr, test: str) -> Condition:
    ratio = of / per
    if test == "between":
        return ratio.between(0.25, 1.0)
    if test == "is_missing":
        return ratio.is_missing()
    op, value = test.split()
    return Compare(ratio.subject, op, float(value))  # type: ignore[arg-type]


def _difference(left: Expr, right: Expr, value: int) -> Condition:
    if value == 0:
        return left >= right
    return (left - right) < value


@st.composite
def _logic(draw: st.DrawFn, count: int) -> str:
    numbers = draw(st.permutations(range(1, count + 1)))

    def build(group: list[int]) -> str:
        if len(group) == 1:
            text = str(group[0])
        else:
            split = draw(st.integers(1, len(group) - 1))
            op = draw(st.sampled_from(["AND", "OR"]))
            text = f"({build(group[:split])} {op} {build(group[split:])})"
        return f"NOT {text}" if draw(st.integers(0, 4)) == 0 else text

    return build(list(numbers))


@st.composite
def _criteria(draw: st.DrawFn, children: st.SearchStrategy[Condition]) -> Condition:
    items = draw(st.lists(children, min_size=1, max_size=4))
    logic = draw(st.none() | _logic(len(items)))
    return Criteria(tuple(items), logic=logic)


def conditions(*, events: bool = True, max_leaves: int = 8) -> st.SearchStrategy[Condition]:
    """Condition trees on :class:`~leadkit.model.Lead`: field tests, event conditions
    (unless ``events=False``) and combinators, up to ``max_leaves`` leaves."""
    leaves = lead_conditions() | event_conditions() if events else lead_conditions()
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, min_size=2, max_size=3).map(lambda c: AllOf(tuple(c))),
            st.lists(children, min_size=2, max_size=3).map(lambda c: AnyOf(tuple(c))),
            children.map(Not),
            _criteria(children),
        ),
        max_leaves=max_leaves,
    )


def lead_custom_fields() -> st.SearchStrategy[CustomFields]:
    """Custom fields named as the conditions above expect, with right and wrong types."""
    anything = st.one_of(st.text(max_size=5), st.integers(-5, 5), st.booleans())
    return st.fixed_dictionaries(
        {},
        optional={
            "budget": _numbers(0, 10**6) | st.floats(0, 1e6) | anything,
            "segment": st.sampled_from([*_TEXT_NEEDLES, "Enterprise 部長"]) | anything,
            "start": _days() | _times() | anything,
            "seen_at": _times() | _days() | anything,
            "flag": st.booleans() | anything,
        },
    ).map(CustomFields)
