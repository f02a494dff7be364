"""A record's keys for a whole rule (criteria and block parts) in one pass.

Many key functions of a rule read one field only: the standard person rule computes
seven keys from the name alone (four name criteria, three block parts). Names repeat
across records far more than whole records do, so the keys of such a group are
computed once per distinct field value and looked up for every other record carrying
it: one dictionary lookup instead of seven calls. Key functions are pure functions of
the inputs they declare, so the keys are the same either way; a group is shared only
when it has :data:`_MIN_SHARED` functions or more (smaller groups are cheaper to call
than to look up), and only for values of plain types (text, names, None).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any, TypeAlias

from leadkit.dedupe._fields import MatchContext
from leadkit.dedupe._memo import Memo, memo_country, memo_field
from leadkit.model import PersonName

__all__ = ["COUNTRY", "Input", "KeyFunction", "compile_keys"]

KeyFunction: TypeAlias = Callable[[Any, MatchContext, Memo], Any]
"""A key function of one record, sharing the record's memo."""

COUNTRY = ("country",)
"""The input of a key that depends on the record's phone country (``memo_country``)."""

Input: TypeAlias = "str | tuple[str]"
"""What a key function reads: a field path, or :data:`COUNTRY`."""

_MIN_SHARED = 3  # functions of one input needed to share their keys across records
_CACHE_LIMIT = 1 << 16  # distinct input values kept per group (the cache starts over)
_PLAIN = frozenset({str, PersonName, type(None)})  # types whose equality is their keys'


def _reader(what: Input) -> KeyFunction:
    if what == COUNTRY:
        return memo_country
    path = str(what)

    def read(record: Any, context: MatchContext, memo: Memo) -> object:
        return memo_field(record, path, context, memo)

    return read


def compile_keys(
    functions: Sequence[tuple[KeyFunction, tuple[Input, ...] | None]],
) -> Callable[[Any, MatchContext, Memo], tuple[Any, ...]]:
    """One function giving the results of *functions* (each with the inputs it reads,
    None when unknown) for a record, in their order."""
    by_inputs: dict[tuple[Input, ...], list[int]] = {}
    for number, (_, inputs) in enumerate(functions):
        if inputs:
            by_inputs.setdefault(inputs, []).append(number)
    shared = {
        numbers[0]: (inputs, numbers)
        for inputs, numbers in by_inputs.items()
        if len(numbers) >= _MIN_SHARED
    }
    grouped = {number for _, numbers in shared.values() for number in numbers}
    # Steps run in the order of the functions (a group at its first function), so that a
    # field the rule cannot read fails where it did before.
    steps: list[tuple[KeyFunction | None, tuple[KeyFunction, ...], tuple[KeyFunction, ...]]] = []
    order: list[int] = []
    for number, (function, _) in enumerate(functions):
        if number in shared:
            inputs, numbers = shared[number]
            readers = tuple(_reader(what) for what in inputs)
            steps.append((None, readers, tuple(functions[n][0] for n in numbers)))
            order.extend(numbers)
        elif number not in grouped:
            steps.append((function, (), ()))
            order.append(number)
    position = {number: place for place, number in enumerate(order)}
    places = [position[number] for number in range(len(functions))]
    caches: list[dict[object, tuple[Any, ...]]] = [{} for _ in steps]
    plan = tuple(
        (function, readers, group, cache)
        for (function, readers, group), cache in zip(steps, caches, strict=True)
    )
    if len(places) > 1:
        reorder: Callable[[list[Any]], tuple[Any, ...]] = itemgetter(*places)
    elif places:
        reorder = lambda flat: (flat[0],)  # noqa: E731
    else:
        reorder = lambda flat: ()  # noqa: E731
    plain = _PLAIN

    def keys(record: Any, context: MatchContext, memo: Memo) -> tuple[Any, ...]:
        flat: list[Any] = []
        for function, readers, group, cache in plan:
            if function is not None:
                flat.append(function(record, context, memo))
                continue
            if len(readers) == 1:
                value = readers[0](record, context, memo)
                cacheable = value.__class__ in plain
            else:
                value = tuple([read(record, context, memo) for read in readers])
                cacheable = all(part.__class__ in plain for part in value)
            results = cache.get(value) if cacheable else None
            if results is None:
                results = tuple([function(record, context, memo) for function in group])
                if cacheable:
                    if len(cache) >= _CACHE_LIMIT:
                        cache.clear()
                    cache[value] = results
            flat.extend(results)
        return reorder(flat)

    return keys
