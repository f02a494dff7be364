"""A dispatch index over ordered conditions (routing's assignment entries), so that finding
the first one that holds does not test every condition.

At compile time each entry's condition is put in disjunctive normal form (criteria
logic, ``all``/``any``). In each disjunct, equality and membership tests on a field
(``industry in [...]``, ``address.region == '関東'``) and order tests on a typed field
(``employees >= 100``, ``between``) become *dimensions*: a membership dimension keys on
the field's value, an order dimension on which slice of the number line (cut at every
bound any entry uses) the value falls in. Disjuncts that test the same dimensions share
one hash table from key tuples to the entries they admit, kept in entry order. What a
disjunct tests beyond its dimensions (text search, negations, events, windows) stays as
a residual predicate checked only for candidates.

Per lead, routing computes each dimension once, looks up each table once and walks the
few candidates in order; entries that could not be indexed are tested in order as
before. The earliest entry whose condition holds wins, exactly as a linear scan would
decide: the index changes the cost, never the answer.
"""

from __future__ import annotations

import bisect
import itertools
import operator
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import attrs

from leadkit.model import EngagementEvent, normalise_text
from leadkit.rules._compile import compile_condition
from leadkit.rules._expr import all_of
from leadkit.rules._grammar import (
    AllOf,
    AnyOf,
    Between,
    Compare,
    Condition,
    Criteria,
    FieldRef,
    IsIn,
    info_of,
)
from leadkit.rules._schema import Kind, family_of

__all__ = ["FirstMatchIndex", "IndexStats", "first_match_linear"]

Pred = Callable[[Any, Sequence[EngagementEvent], datetime], bool]
KeyFn = Callable[[Any], object]

MAX_DISJUNCTS = 64
"""An entry whose normal form has more disjuncts is tested as a whole, in order."""
MAX_KEYS = 4096
"""At most this many table keys per disjunct; dimensions beyond it become residual."""

_ORDERED = frozenset({Kind.NUMBER, Kind.MONEY, Kind.DATE, Kind.DATETIME})


# ---------------------------------------------------------------------------------------------
# Normal form
# ---------------------------------------------------------------------------------------------


def _product(parts: Sequence[list[list[Condition]] | None]) -> list[list[Condition]] | None:
    result: list[list[Condition]] = [[]]
    for part in parts:
        if part is None:
            return None
        result = [left + right for left in result for right in part]
        if len(result) > MAX_DISJUNCTS:
            return None
    return result


def _dnf(node: Condition) -> list[list[Condition]] | None:
    """Disjuncts (lists of conjuncts) whose OR is ``node`` under two-valued logic, or
    None when there would be more than :data:`MAX_DISJUNCTS`."""
    if isinstance(node, Criteria):
        return _dnf(node.desugared())
    if isinstance(node, AllOf):
        return _product([_dnf(item) for item in node.items])
    if isinstance(node, AnyOf):
        result: list[list[Condition]] = []
        for item in node.items:
            part = _dnf(item)
            if part is None:
                return None
            result += part
            if len(result) > MAX_DISJUNCTS:
                return None
        return result
    return [[node]]


# ---------------------------------------------------------------------------------------------
# Atoms: the indexable tests
# ---------------------------------------------------------------------------------------------

Interval = tuple[Any, bool, Any, bool]
"""``(low, low_included, high, high_included)``; None for an open end."""


@attrs.frozen
class _SetDim:
    path: str
    normalise: bool


@attrs.frozen
class _RangeDim:
    path: str


_Dim = _SetDim | _RangeDim


def _typed_key(value: object) -> object:
    # Custom fields hold any type; a test on one only holds for values of the literal's
    # family (True is not 1), so keys carry the family.
    return None if value is None else (family_of(value), value)


def _text_key(value: object) -> object:
    return normalise_text(value) if isinstance(value, str) else None


def _atom(node: Condition) -> tuple[_Dim, frozenset[object] | Interval] | None:
    subject = getattr(node, "subject", None)
    if not isinstance(subject, FieldRef):
        return None
    kind = info_of(subject).kind
    if isinstance(node, IsIn) and not node.negated:
        values: tuple[object, ...] = node.values
        normalise = node.normalise
    elif isinstance(node, Compare) and node.op == "==":
        values, normalise = (node.value,), False
    elif isinstance(node, Compare) and node.op != "!=" and kind in _ORDERED:
        x = node.value
        interval: Interval = {
            ">=": (x, True, None, False),
            ">": (x, False, None, False),
            "<=": (None, False, x, True),
            "<": (None, False, x, False),
        }[node.op]
        return _RangeDim(subject.path), interval
    elif isinstance(node, Between) and kind in _ORDERED:
        return _RangeDim(subject.path), (node.low, True, node.high, True)
    else:
        return None
    keys: frozenset[object]
    if normalise:
        keys = frozenset(normalise_text(str(v)) for v in values)
    elif kind is Kind.ANY:
        keys = frozenset(_typed_key(v) for v in values)
    else:
        keys = frozenset(values)
    return _SetDim(subject.path, normalise), keys


def _set_key_fn(dim: _SetDim) -> KeyFn:
    info = info_of(FieldRef(dim.path))
    get = info.get
    if dim.normalise:
        return lambda lead: _text_key(get(lead))
    if info.kind is Kind.ANY:
        return lambda lead: _typed_key(get(lead))
    return get


def _meet(a: Interval, b: Interval) -> Interval:
    lo, lo_in, hi, hi_in = a
    if b[0] is not None and (lo is None or b[0] > lo):
        lo, lo_in = b[0], b[1]
    elif b[0] is not None and b[0] == lo:
        lo_in = lo_in and b[1]
    if b[2] is not None and (hi is None or b[2] < hi):
        hi, hi_in = b[2], b[3]
    elif b[2] is not None and b[2] == hi:
        hi_in = hi_in and b[3]
    return lo, lo_in, hi, hi_in


def _empty(interval: Interval) -> bool:
    lo, lo_in, hi, hi_in = interval
    if lo is None or hi is None:
        return False
    return bool(lo > hi or (lo == hi and not (lo_in and hi_in)))


class _Cuts:
    """The number line of one field cut at every bound: slice ``2i+1`` is the point
    ``points[i]``, slice ``2i`` the open gap before it."""

    def __init__(self, path: str, points: list[Any]) -> None:
        self.points = points
        get = info_of(FieldRef(path)).get
        bisect_left = bisect.bisect_left
        count = len(points)

        def slice_of(lead: Any) -> object:
            value = get(lead)
            if value is None:
                return None
            i = bisect_left(points, value)
            return 2 * i + 1 if i < count and points[i] == value else 2 * i

        self.key = slice_of

    def slices(self, interval: Interval) -> range:
        lo, lo_in, hi, hi_in = interval
        points = self.points
        first = 0 if lo is None else 2 * bisect.bisect_left(points, lo) + (1 if lo_in else 2)
        last = (
            2 * len(points)
            if hi is None
            else 2 * bisect.bisect_left(points, hi) + (1 if hi_in else 0)
        )
        return range(first, last + 1)


# ---------------------------------------------------------------------------------------------
# The index
# ---------------------------------------------------------------------------------------------


@attrs.frozen
class IndexStats:
    """How an entry list was indexed: entries reached through tables, entries tested in
    order, the tables, and the dimensions (fields) they key on."""

    indexed_entries: int
    scanned_entries: int
    tables: int
    dimensions: tuple[str, ...]


@attrs.frozen
class _Disjunct:
    position: int
    sets: dict[_SetDim, frozenset[object]]
    ranges: dict[_RangeDim, Interval]
    rest: list[Condition]
    atoms: dict[_Dim, list[Condition]]


def _analyse(position: int, condition: Condition) -> list[_Disjunct] | None:
    """The entry's disjuncts, or None when it must be tested whole."""
    disjuncts = _dnf(condition)
    if disjuncts is None:
        return None
    result = []
    for conjuncts in disjuncts:
        sets: dict[_SetDim, frozenset[object]] = {}
        ranges: dict[_RangeDim, Interval] = {}
        rest: list[Condition] = []
        atoms: dict[_Dim, list[Condition]] = {}
        for node in conjuncts:
            atom = _atom(node)
            if atom is None:
                rest.append(node)
                continue
            dim, payload = atom
            atoms.setdefault(dim, []).append(node)
            if isinstance(dim, _SetDim):
                assert isinstance(payload, frozenset)
                sets[dim] = sets[dim] & payload if dim in sets else payload
            else:
                assert isinstance(payload, tuple)
                ranges[dim] = _meet(ranges[dim], payload) if dim in ranges else payload
        if any(not keys for keys in sets.values()) or any(_empty(r) for r in ranges.values()):
            continue  # this disjunct can never hold
        if not sets and not ranges:
            return None
        result.append(_Disjunct(position, sets, ranges, rest, atoms))
    return result


def _dim_name(dim: _Dim) -> str:
    if isinstance(dim, _RangeDim):
        return f"{dim.path} (order)"
    return f"{dim.path} (normalised)" if dim.normalise else dim.path


class FirstMatchIndex:
    """The first entry whose condition holds, found through hash tables.

    ``conditions`` are the entries' conditions in order.
    """

    def __init__(self, conditions: Sequence[Condition]) -> None:
        self._count = len(conditions)
        analysed: list[_Disjunct] = []
        scanned: list[tuple[int, Pred]] = []
        for position, condition in enumerate(conditions):
            disjuncts = _analyse(position, condition)
            if disjuncts is None:
                scanned.append((position, compile_condition(condition).predicate))
            else:
                analysed.extend(disjuncts)
        bounds: dict[str, set[Any]] = {}
        for d in analysed:
            for dim, (lo, _, hi, _) in d.ranges.items():
                bounds.setdefault(dim.path, set()).update(x for x in (lo, hi) if x is not None)
        cuts = {path: _Cuts(path, sorted(points)) for path, points in bounds.items()}

        dims: list[_Dim] = []
        tables: dict[tuple[int, ...], dict[object, list[tuple[int, Pred | None]]]] = {}
        for d in analysed:
            options: list[tuple[int, _Dim, list[object]]] = []
            for set_dim, set_keys in d.sets.items():
                options.append((len(set_keys), set_dim, list(set_keys)))
            for range_dim, interval in d.ranges.items():
                slices: list[object] = list(cuts[range_dim.path].slices(interval))
                options.append((len(slices), range_dim, slices))
            options.sort(key=lambda o: (o[0], _dim_name(o[1])))
            chosen: list[tuple[_Dim, list[object]]] = []
            rest = list(d.rest)
            size = 1
            for count, option_dim, option_keys in options:
                if chosen and size * count > MAX_KEYS:
                    rest.extend(d.atoms[option_dim])
                    continue
                size *= count
                chosen.append((option_dim, option_keys))
            for chosen_dim, _ in chosen:
                if chosen_dim not in dims:
                    dims.append(chosen_dim)
            chosen.sort(key=lambda c: dims.index(c[0]))
            signature = tuple(dims.index(c[0]) for c in chosen)
            residual = compile_condition(all_of(rest)).predicate if rest else None
            table = tables.setdefault(signature, {})
            for combination in itertools.product(*(keys for _, keys in chosen)):
                key = combination[0] if len(combination) == 1 else combination
                table.setdefault(key, []).append((d.position, residual))

        self._dims = dims
        self._key_fns: list[KeyFn] = [
            cuts[dim.path].key if isinstance(dim, _RangeDim) else _set_key_fn(dim) for dim in dims
        ]
        self._tables = [
            (_key_getter(signature), {k: sorted(v, key=_first) for k, v in table.items()})
            for signature, table in tables.items()
        ]
        self._scanned = scanned
        self.stats = IndexStats(
            indexed_entries=len({d.position for d in analysed}),
            scanned_entries=len(scanned),
            tables=len(tables),
            dimensions=tuple(_dim_name(d) for d in dims),
        )

    def first_match(
        self, lead: Any, events: Sequence[EngagementEvent], as_of: datetime
    ) -> int | None:
        """The position of the first entry whose condition holds for ``lead``, or None."""
        best = self._count
        values = [key(lead) for key in self._key_fns]
        for key_of, table in self._tables:
            candidates = table.get(key_of(values))
            if candidates is None:
                continue
            for position, residual in candidates:
                if position >= best:
                    break
                if residual is None or residual(lead, events, as_of):
                    best = position
                    break
        for position, predicate in self._scanned:
            if position >= best:
                break
            if predicate(lead, events, as_of):
                best = position
                break
        return None if best == self._count else best


def _first(item: tuple[int, Pred | None]) -> int:
    return item[0]


def _key_getter(signature: tuple[int, ...]) -> Callable[[list[object]], object]:
    if len(signature) == 1:
        return operator.itemgetter(signature[0])
    return operator.itemgetter(*signature)


def first_match_linear(
    predicates: Sequence[Pred], lead: Any, events: Sequence[EngagementEvent], as_of: datetime
) -> int | None:
    """The reference answer: test each entry in order (what the index must agree with)."""
    for position, predicate in enumerate(predicates):
        if predicate(lead, events, as_of):
            return position
    return None
