"""A record's keys for a whole rule (criteria and block parts) in one pass.

The built-in comparators and block parts describe their keys as a :class:`Derived`: a
pure function of a few *sources*, each a field path or another ``Derived``. The standard
person rule's sixteen keys come from six fields (e-mail, name, company, phone, mobile,
address) through a handful of shared steps (the mailbox key, the name's readings, the
phone numbers' parts, the record's phone country). :func:`compile_keys` turns them into a
plan, generated as straight-line Python per record type (as attrs generates its methods):
read each field once (one ``attrgetter`` for the plain attributes), compute each
distinct step once, in dependency order, and hand out the results. No per-record memo,
no repeated field reads, no per-key function layers.

Steps that read one field only are memoised further when there are :data:`_MIN_SHARED`
of them or more: names repeat across records far more than whole records do, so the
steps of the name (readings, the four name criteria, three block parts) are computed
once per distinct name and looked up for every other record carrying it.

Key functions without a recipe (custom comparators, block parts reading any field path
or calling a function) run as before, sharing one per-record memo; so does every key of
a record whose type cannot be read by the plan's field readers (the errors are then the
ones the key functions raise). Key functions are pure functions of the inputs they
declare, so the keys are the same either way (tests/dedupe/test_prepare.py checks them
against each comparator's own ``key`` and each block's own ``key``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any, TypeAlias

import attrs

from leadkit.dedupe._fields import MatchContext, field_getter, plain_attribute
from leadkit.errors import ValidationError
from leadkit.model import PersonName

__all__ = ["SEPARATOR", "Derived", "KeyFunction", "Prepare", "Source", "compile_keys"]

KeyFunction: TypeAlias = Callable[[Any, MatchContext, dict[object, Any]], Any]
"""A key function of one record, sharing the record's memo."""


@attrs.frozen
class Derived:
    """A value computed from a record: ``function(*values of inputs)``, where each input
    is a field path (read as :func:`~leadkit.dedupe.read_field` reads it) or another
    Derived. *function* must be pure: equal inputs give equal results. Two equal Derived
    (same function object, same inputs) are computed once per record."""

    function: Callable[..., Any]
    inputs: tuple[Source, ...]


Source: TypeAlias = "str | Derived"
"""An input of a Derived: a field path, or another Derived."""

SEPARATOR = "\x1f"
"""Between the parts of a block key."""
_SEPARATOR = SEPARATOR
_MIN_SHARED = 3  # steps of one field needed to share their results across records
_CACHE_LIMIT = 1 << 16  # distinct field values kept per shared group (then it starts over)
_NAME_FIELDS = attrgetter(*(field.name for field in attrs.fields(PersonName)))


def _cache_key(value: object) -> object:
    """What identifies *value* for a shared group, or None when it is not cacheable:
    text as itself, a PersonName by its fields (cheaper to hash than the attrs object)."""
    kind = value.__class__
    if kind is str:
        return value
    if kind is PersonName:
        return _NAME_FIELDS(value)
    return _NONE_KEY if value is None else None


_NONE_KEY = ("\x00none",)


def _order(recipes: Sequence[Derived]) -> tuple[list[str], list[Derived]]:
    """The fields and the Derived that *recipes* need, each once, inputs first."""
    fields: list[str] = []
    nodes: list[Derived] = []
    seen: set[Source] = set()

    def visit(source: Source) -> None:
        if source in seen:
            return
        seen.add(source)
        if isinstance(source, str):
            fields.append(source)
            return
        for inner in source.inputs:
            visit(inner)
        nodes.append(source)

    for recipe in recipes:
        visit(recipe)
    return fields, nodes


class _Source:
    """Python source of one function, line by line (see :func:`compile_keys`)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, object] = {}

    def constant(self, value: object) -> str:
        """The name the generated code knows *value* by."""
        name = f"c{len(self.names)}"
        self.names[name] = value
        return name

    def line(self, text: str, indent: int = 1) -> None:
        self.lines.append("    " * indent + text)

    def build(self, name: str) -> Any:
        namespace = dict(self.names)
        # The source is built here from generated names only (no user text).
        exec("\n".join(self.lines), namespace)
        return namespace[name]


def _generate(
    record_type: type,
    functions: Sequence[tuple[KeyFunction, Derived | None]],
    criteria: int,
    blocks: Sequence[tuple[int, ...]],
) -> Prepare:
    """The key function of *functions* for records of *record_type*, as straight-line
    code: read each field once, compute each step once (a shared group once per distinct
    value of its field), call the functions without a recipe with the memo. Raises
    :class:`~leadkit.errors.ValidationError` when the type lacks a field a recipe reads."""
    fields, nodes = _order([recipe for _, recipe in functions if recipe is not None])
    code = _Source()
    local: dict[Source, str] = {}
    code.line("def keys(record, context, memo):", 0)
    # Fields: the plain attributes in one attrgetter, the others through their getters.
    plain = {path: plain_attribute(record_type, path) for path in fields}
    simple = [path for path in fields if plain[path] is not None]
    attributes = [name for name in plain.values() if name is not None]
    for number, path in enumerate(fields):
        local[path] = f"v{number}"
    if simple:
        getter = code.constant(attrgetter(*attributes))
        targets = ", ".join(local[path] for path in simple)
        # (attrgetter of one name gives the value itself, of several a tuple)
        code.line(f"{targets} = {getter}(record)")
    for path in fields:
        if plain[path] is None:
            getter = code.constant(field_getter(record_type, path))
            code.line(f"{local[path]} = {getter}(record, context)")
    for path in fields:
        v = local[path]
        code.line(f"if {v}.__class__ is str and (not {v} or {v}.isspace()):")
        code.line(f"{v} = None", 2)
    # Which single field each node depends on (None: several); groups of one field.
    only: dict[Source, str | None] = {path: path for path in fields}
    for node in nodes:
        origins = {only[inner] for inner in node.inputs}
        only[node] = origins.pop() if len(origins) == 1 else None
    for path in fields:
        group = [node for node in nodes if only[node] == path]
        if len(group) < _MIN_SHARED:
            continue
        # The group as a function of the field's value, cached per distinct value.
        inner = _Source()
        inner.line("def group(value):", 0)
        names: dict[Source, str] = {path: "value"}
        for number, node in enumerate(group):
            names[node] = f"g{number}"
            function = inner.constant(node.function)
            arguments = ", ".join(names[source] for source in node.inputs)
            inner.line(f"{names[node]} = {function}({arguments})")
        inner.line(f"return ({', '.join(names[node] for node in group)},)")
        cache = code.constant({})
        run = code.constant(inner.build("group"))
        key = code.constant(_cache_key)
        limit = code.constant(_CACHE_LIMIT)
        v = local[path]
        code.line(f"k = {key}({v})")
        code.line(f"r = {cache}.get(k) if k is not None else None")
        code.line("if r is None:")
        code.line(f"r = {run}({v})", 2)
        code.line("if k is not None:", 2)
        code.line(f"if len({cache}) >= {limit}:", 3)
        code.line(f"{cache}.clear()", 4)
        code.line(f"{cache}[k] = r", 3)
        for node in group:
            local[node] = f"n{len(local)}"
        code.line(f"{', '.join(local[node] for node in group)}, = r")
    for node in nodes:
        if node in local:
            continue
        local[node] = f"n{len(local)}"
        function = code.constant(node.function)
        arguments = ", ".join(local[source] for source in node.inputs)
        code.line(f"{local[node]} = {function}({arguments})")
    results: list[str] = []
    for key_function, recipe in functions:
        if recipe is not None:
            results.append(local[recipe])
        else:
            name = f"x{len(results)}"
            code.line(f"{name} = {code.constant(key_function)}(record, context, memo)")
            results.append(name)
    row = results[:criteria]
    parts = results[criteria:]
    separator = code.constant(_SEPARATOR)
    keys: list[str] = []
    for plan in blocks:
        if len(plan) == 1:
            keys.append(parts[plan[0]])
            continue
        chosen = [parts[number] for number in plan]
        blank = " or ".join(f"{part} is None" for part in chosen)
        joined = f" + {separator} + ".join(chosen)
        keys.append(f"(None if {blank} else {joined})")
    code.line(f"return ({', '.join(row)}{',' if len(row) == 1 else ''}), [{', '.join(keys)}]")
    generated: Prepare = code.build("keys")
    return generated


Prepare: TypeAlias = Callable[
    [Any, MatchContext, dict[object, Any]], tuple[tuple[Any, ...], list["str | None"]]
]
"""A record's criterion keys (a row) and block keys, from the record, context and memo."""


def compile_keys(
    functions: Sequence[tuple[KeyFunction, Derived | None]],
    *,
    criteria: int,
    blocks: Sequence[tuple[int, ...]],
) -> Prepare:
    """One function giving a record's criterion keys and block keys: *functions* (each
    with its recipe, None when it has none) are the criteria's key functions (the first
    *criteria*) and then the block parts'; each block of *blocks* is the numbers of its
    parts among the latter, joined by the blocking separator (None when one is blank)."""
    functions = list(functions)
    blocks = [tuple(plan) for plan in blocks]
    everything = tuple(function for function, _ in functions)
    by_type: dict[type, Prepare] = {}
    join = _SEPARATOR.join

    def slow(
        record: Any, context: MatchContext, memo: dict[object, Any]
    ) -> tuple[tuple[Any, ...], list[str | None]]:
        values = [function(record, context, memo) for function in everything]
        parts = values[criteria:]
        keys: list[str | None] = []
        for plan in blocks:
            chosen = [parts[number] for number in plan]
            keys.append(None if None in chosen else join(chosen))
        return tuple(values[:criteria]), keys

    def prepare(
        record: Any, context: MatchContext, memo: dict[object, Any]
    ) -> tuple[tuple[Any, ...], list[str | None]]:
        kind = record.__class__
        generated = by_type.get(kind)
        if generated is None:
            try:
                generated = _generate(kind, functions, criteria, blocks)
            except ValidationError:
                # The recipes cannot read this kind of record: the key functions say why.
                generated = slow
            by_type[kind] = generated
        return generated(record, context, memo)

    return prepare
