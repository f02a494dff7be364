"""The semantics of every operator, defined once, and the leaves built from them.

:func:`test_of` is the one table: for each leaf node (``Compare``, ``Between``,
``IsIn``, ``TextMatch``, ``Matches``, ``Window``) it gives a :class:`Test`, a Python
expression over the present value ``v`` and ``as_of``, the literals it binds (frozensets
for ``is_in``, normalised needles, compiled regexes, window starts), and the family of
value it needs when the subject is typed only at run time (custom fields, event
properties): a value of another family fails the test.

From that one description :func:`build_leaf` generates, by one template each, the
closures the compiler and :func:`~leadkit.rules.explain` use:

* ``check(value, as_of)``: the test of a present value (what explain reports);
* ``predicate(record, events, as_of)``: two-valued, false when the value is missing;
* ``known(record, events, as_of)``: three-valued, None when the value is missing.

The two evaluating closures read the value and test it inline, without calling a
second function (the hot loop of scoring, grading and routing). Generated code is
assembled only from the fixed expressions of this module; literals are bound as closure
variables, never written into the source.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import attrs

from leadkit.model import EngagementEvent, normalise_text
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

__all__ = ["Check", "Known", "Leaf", "Pred", "Test", "build_leaf", "mismatch", "test_of"]

Events = Sequence[EngagementEvent]
Pred = Callable[[Any, Events, datetime], bool]
Known = Callable[[Any, Events, datetime], bool | None]
Check = Callable[[Any, datetime], bool]


@attrs.frozen
class Test:
    """One operator applied to one node: ``expr`` over ``v`` (the present value) and
    ``as_of``, with ``bind`` naming the literals it uses; ``family`` is the family of
    value the test needs when the subject's type is known only at run time (None: the
    expression handles every type itself)."""

    expr: str
    bind: Mapping[str, object]
    family: str | None
    wanted: str
    """What a value must be, in words, for a note on a mismatched value."""
    accepts: tuple[str | None, ...] = attrs.field()

    @accepts.default
    def _accepts(self) -> tuple[str | None, ...]:
        return (self.family,)


_COMPARE = {
    "==": "v == x",
    "!=": "v != x",
    "<": "v < x",
    "<=": "v <= x",
    ">": "v > x",
    ">=": "v >= x",
}

_ON_DATETIME = {"within": "start(as_of) <= v <= as_of", "older_than": "v < start(as_of)"}
_ON_DATE = {
    # The window's first day is the calendar day (in as_of's zone) where it starts.
    "within": "start(as_of).date() <= v <= as_of.date()",
    "older_than": "v < start(as_of).date()",
}


_MAX_INLINE_NEEDLES = 32
"""Up to this many needles ``contains`` is an inline ``x0 in v or x1 in v ...`` (several
times faster than ``any()`` over them); more go through ``any(map(...))``."""


def _text_expr(node: TextMatch) -> tuple[str, dict[str, object]]:
    value = "normalise_text(v)" if node.normalise else "v"
    prepare: Callable[[str], str] = normalise_text if node.normalise else str
    needles = tuple(prepare(n) for n in node.needles)
    if node.op in ("startswith", "endswith"):
        # str.startswith / str.endswith take a tuple of alternatives natively.
        return f"{value}.{node.op}(xs)", {"xs": needles}
    if len(needles) == 1:
        return f"x in {value}", {"x": needles[0]}
    if len(needles) > _MAX_INLINE_NEEDLES:
        return f"any(map({value}.__contains__, xs))", {"xs": needles}
    # The value is prepared once: the first test names it w, the others reuse it.
    first = f"x0 in (w := {value})" if node.normalise else "x0 in v"
    rest = [f"x{i} in {'w' if node.normalise else 'v'}" for i in range(1, len(needles))]
    return " or ".join([first, *rest]), {f"x{i}": n for i, n in enumerate(needles)}


def test_of(node: Condition) -> Test:
    """The semantics of ``node``'s operator: the table every evaluator uses."""
    if isinstance(node, Compare):
        family = family_of(node.value)
        return Test(_COMPARE[node.op], {"x": node.value}, family, str(family))
    if isinstance(node, Between):
        family = family_of(node.low)
        return Test("low <= v <= high", {"low": node.low, "high": node.high}, family, str(family))
    if isinstance(node, IsIn):
        word = "not in" if node.negated else "in"
        if node.normalise:
            keys = frozenset(normalise_text(v) for v in node.values)
            return Test(f"normalise_text(v) {word} xs", {"xs": keys}, "text", "text")
        family = family_of(node.values[0])
        return Test(f"v {word} xs", {"xs": frozenset(node.values)}, family, str(family))
    if isinstance(node, TextMatch):
        expr, bind = _text_expr(node)
        return Test(expr, bind, "text", "text")
    if isinstance(node, Matches):
        label = info_of(node.subject).label
        search = compile_user_pattern(node.pattern, ignore_case=node.ignore_case, path=label)
        return Test("search(v)", {"search": search}, "text", "text")
    if isinstance(node, Window):
        bind = {"start": node.period.start_function()}
        kind = info_of(node.subject).kind
        if kind is Kind.DATETIME:
            return Test(_ON_DATETIME[node.op], bind, None, "datetime")
        if kind is Kind.DATE:
            return Test(_ON_DATE[node.op], bind, None, "date")
        either = (
            f"({_ON_DATETIME[node.op]}) if isinstance(v, datetime) else "
            f"({_ON_DATE[node.op]}) if isinstance(v, date) else False"
        )
        return Test(either, bind, None, "date or datetime", ("date", "datetime"))
    raise RuleError(f"not a leaf condition: {node!r}")  # pragma: no cover


# ---------------------------------------------------------------------------------------------
# Generating the closures
# ---------------------------------------------------------------------------------------------

_READ = {
    "record": "v = get(record)",  # a field or property: the getter takes the record
    "value": "v = get(record, events, as_of)",  # an event aggregate
}
_RETURN = {
    "predicate": "return v is not None and {test}",
    "known": "return None if v is None else {test}",
}
_GLOBALS: dict[str, object] = {
    "date": date,
    "datetime": datetime,
    "family_of": family_of,
    "normalise_text": normalise_text,
}


@functools.cache
def _factory(source: str, names: tuple[str, ...]) -> Callable[..., Any]:
    namespace = dict(_GLOBALS)
    exec(compile(source, "<leadkit.rules leaf>", "exec"), namespace)
    factory: Callable[..., Any] = namespace["make"]  # type: ignore[assignment]
    return factory


def _generate(
    form: str, read: str | None, test: str, bind: Mapping[str, object], get: object = None
) -> Any:
    names = tuple(sorted(bind))
    if form == "check":
        body = f"    def check(v, as_of):\n        return {test}\n    return check\n"
    else:
        assert read is not None
        returned = _RETURN[form].format(test=test)
        body = (
            f"    def {form}(record, events, as_of):\n"
            f"        {_READ[read]}\n"
            f"        {returned}\n"
            f"    return {form}\n"
        )
    source = f"def make({', '.join(('get', *names))}):\n{body}"
    return _factory(source, names)(get, **bind)


@attrs.frozen(slots=True)
class Leaf:
    """A leaf compiled once: the test of a present value and both evaluating closures."""

    check: Check
    predicate: Pred
    known: Known


def build_leaf(
    node: Condition, get: Callable[..., object], *, reads: str, runtime_typed: bool
) -> Leaf:
    """Compile leaf ``node`` whose value ``get`` reads: from the record
    (``reads="record"``) or from ``(record, events, as_of)`` (``reads="value"``).
    With ``runtime_typed`` the test first checks the value's family."""
    spec = test_of(node)
    test = f"({spec.expr})"
    if runtime_typed and spec.family is not None:
        test = f"(family_of(v) == family and {test})"
        bind: dict[str, object] = {**spec.bind, "family": spec.family}
    else:
        bind = dict(spec.bind)
    return Leaf(
        check=_generate("check", None, test, bind),
        predicate=_generate("predicate", reads, test, bind, get),
        known=_generate("known", reads, test, bind, get),
    )


def mismatch(node: Condition, value: object) -> str | None:
    """Why a present ``value`` cannot be tested by ``node`` (a custom field or event
    property of another type), or None when it can."""
    info = info_of(node.subject)  # type: ignore[attr-defined]
    if info.kind is not Kind.ANY or value is None:
        return None
    family = family_of(value)
    spec = test_of(node)
    if family in spec.accepts:
        return None
    return f"{info.label} is {type(value).__name__} {value!r}, not {spec.wanted}: the test is false"
