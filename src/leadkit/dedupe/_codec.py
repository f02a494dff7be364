"""Matching rules, duplicate rules and survivorship as plain data (TOML, JSON, dicts).

A comparator is written as a table with its ``type`` (the class name in snake case
without ``Match``: ``email``, ``name``, ``fuzzy``, ``condition`` ...) and the options that
differ from their defaults; a survivorship rule as its name (``most_recent``) or a table
with ``rule`` and its options. Both are generic over the attrs classes ``leadkit.dedupe``
exports, so a comparator or rule class added there is written and read with no change
here. Reading collects every problem with its path (``criteria[1].threshold``).
"""

from __future__ import annotations

import enum
import functools
import re
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import attrs

from leadkit.dedupe._blocking import Block
from leadkit.dedupe._duplicate_rules import DuplicateAction, DuplicateRule, DuplicateRuleSet
from leadkit.dedupe._rule import MatchingRule
from leadkit.dedupe._survivorship import FieldRule, Survivorship
from leadkit.errors import KeyPath, LoadError, PathLike, Problem, _as_path
from leadkit.io import load_data
from leadkit.io._files import source_name
from leadkit.io._plain import check_plain
from leadkit.io._reader import RULE_SCHEMA_VERSION, Reader, check_schema, mapping_codec, type_name
from leadkit.model import Account, Contact, Lead
from leadkit.rules import Condition, dump_condition
from leadkit.rules._data import MODELS, read_condition

__all__ = [
    "PLAIN_CODECS",
    "dump_duplicate_rules",
    "dump_matching_rule",
    "dump_survivorship",
    "load_duplicate_rules",
    "load_matching_rule",
    "load_survivorship",
]

Source = str | Path | Mapping[str, Any]

_RULE_KEYS = (
    "schema",
    "name",
    "description",
    "logic",
    "threshold",
    "possible",
    "blocking",
    "criteria",
)
_BLOCK_KEYS = ("parts", "name")
_SET_KEYS = ("schema", "rules")
_DUPLICATE_KEYS = ("name", "against", "on_create", "on_edit", "active", "matching_rule")
_SURVIVORSHIP_KEYS = ("schema", "record_type", "default", "fields")
_ACTIONS = tuple(action.value for action in DuplicateAction)
_RECORD_TYPES: dict[str, type] = {"Lead": Lead, "Contact": Contact, "Account": Account}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@functools.cache
def _exported() -> tuple[type, ...]:
    import leadkit.dedupe as dedupe  # the package's public classes: importable lazily only

    return tuple(
        obj
        for obj in (getattr(dedupe, name) for name in dedupe.__all__)
        if isinstance(obj, type) and attrs.has(obj)
    )


@functools.cache
def comparator_types() -> dict[str, type]:
    """``type`` name → comparator class, for every attrs comparator ``leadkit.dedupe``
    exports (an attrs class with ``key`` and ``scorer``; ``NameMatch`` is ``name``,
    ``ContactConflict`` is ``contact_conflict``)."""
    return {
        _snake(cls.__name__.removesuffix("Match")): cls
        for cls in _exported()
        if attrs.has(cls)
        and hasattr(cls, "scorer")
        and hasattr(cls, "key")
        and not _holds_code(cls)
    }


def _holds_code(cls: type) -> bool:
    """True when an option of ``cls`` is a function (``KeyMatch``): code, not data."""
    return any(Callable in kinds for kinds in _hints(cls).values())


@functools.cache
def field_rule_types() -> dict[str, type]:
    """``rule`` name → survivorship rule class (every exported attrs class with ``choose``)."""
    return {_snake(cls.__name__): cls for cls in _exported() if hasattr(cls, "choose")}


# ---------------------------------------------------------------------------------------------
# Any attrs option object, generically
# ---------------------------------------------------------------------------------------------


def _hint_types(hint: Any) -> set[Any]:
    args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return {type(a) for a in args}
    if args and origin in (typing.Union, types.UnionType):
        return {t for a in args for t in _hint_types(a)}
    return {origin or hint}


@functools.cache
def _hints(cls: type) -> dict[str, set[Any]]:
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # an annotation that does not resolve: read values as they are
        return {}
    return {name: _hint_types(hint) for name, hint in hints.items()}


def _encode(value: object, where: KeyPath) -> object:
    if isinstance(value, Condition):
        document = dump_condition(value)
        return document["condition"] if document["on"] == "Lead" else document
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list | frozenset):
        return [_encode(v, where) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise LoadError(
        [Problem(where, f"{type(value).__name__} {value!r} cannot be written as data")],
        what="matching rule",
    )


def _options(obj: Any, path: KeyPath) -> dict[str, Any]:
    """The init options of attrs object ``obj`` that differ from their defaults."""
    data: dict[str, Any] = {}
    for attribute in attrs.fields(type(obj)):
        if not attribute.init:
            continue
        value = getattr(obj, attribute.name)
        default = attribute.default
        if (
            default is not attrs.NOTHING
            and not isinstance(default, attrs.Factory)  # type: ignore[arg-type]
            and type(value) is type(default)
            and value == default
        ):
            continue
        if value is None and default is None:
            continue
        data[attribute.alias] = _encode(value, (*path, attribute.alias))
    return data


def _decode(reader: Reader, value: object, kinds: set[Any], path: KeyPath) -> object:
    if Condition in kinds or any(isinstance(k, type) and issubclass(k, Condition) for k in kinds):
        if isinstance(value, Mapping) and "condition" in value and "on" in value:
            on = MODELS.get(value["on"]) if isinstance(value["on"], str) else None
            if on is None:
                reader.fail((*path, "on"), f"unknown record type {value['on']!r}")
                return None
            extra = sorted(set(value) - {"schema", "on", "condition"})
            for key in extra:
                reader.fail((*path, key), "unknown key; expected one of schema, on, condition")
            return read_condition(reader, value["condition"], (*path, "condition"), on=on)
        return read_condition(reader, value, path)
    if datetime in kinds and isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            reader.fail(path, f"{value!r} is not an ISO 8601 date-time")
            return None
    if date in kinds and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            reader.fail(path, f"{value!r} is not an ISO 8601 date")
            return None
    for kind in kinds:
        if isinstance(kind, type) and issubclass(kind, enum.Enum) and not isinstance(value, kind):
            try:
                return kind(value)
            except ValueError:
                choices = ", ".join(repr(m.value) for m in kind)
                reader.fail(path, f"expected one of {choices}, got {value!r}")
                return None
    if isinstance(value, list):
        if tuple in kinds:
            return tuple(value)
        if frozenset in kinds:
            return frozenset(value)
    return value


def _kinds(attribute: attrs.Attribute[Any], hints: dict[str, set[Any]]) -> set[Any]:
    """The types an option may hold: from its annotation, else from its default."""
    if attribute.name in hints:
        return hints[attribute.name]
    default = attribute.default
    if default is attrs.NOTHING or isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return set()
    return {type(default)}


def _build(reader: Reader, cls: type, data: Mapping[str, Any], path: KeyPath, tag: str) -> Any:
    """An instance of attrs class ``cls`` from ``data`` (its options, beside ``tag``)."""
    before = reader.mark()
    fields = {a.alias: a for a in attrs.fields(cls) if a.init}
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key == tag:
            continue
        if key not in fields:
            reader.fail((*path, str(key)), f"unknown key; expected one of {', '.join(fields)}")
            continue
        kwargs[key] = _decode(reader, value, _kinds(fields[key], hints), (*path, key))
    for alias, attribute in fields.items():
        if attribute.default is attrs.NOTHING and alias not in data:
            reader.fail((*path, alias), "required key is missing")
    if not reader.clean_since(before):
        return None
    try:
        return reader.attempt(path, cls, **kwargs)
    except (TypeError, ValueError) as exc:  # a value of a type a validator does not check
        reader.fail(path, f"invalid value ({exc})")
        return None


# ---------------------------------------------------------------------------------------------
# Matching rules
# ---------------------------------------------------------------------------------------------


def _comparator_data(comparator: Any, path: KeyPath) -> dict[str, Any]:
    names = {cls: name for name, cls in comparator_types().items()}
    name = names.get(type(comparator))
    if name is None:
        kind = type(comparator).__name__
        why = "holds a function: code, not data" if _holds_code(type(comparator)) else "is unknown"
        raise LoadError(
            [Problem(path, f"{kind} {why}; the rule cannot be written as data")],
            what="matching rule",
        )
    return {"type": name, **_options(comparator, path)}


def _block_data(block: Any, path: KeyPath) -> Any:
    if not all(isinstance(part, str) for part in block.parts):
        raise LoadError(
            [Problem(path, f"block {block.name!r} has a function part; it cannot be data")],
            what="matching rule",
        )
    parts = list(block.parts)
    if Block(*parts).name == block.name:
        return parts
    return {"parts": parts, "name": block.name}


def _matching_rule_data(rule: MatchingRule) -> dict[str, Any]:
    data: dict[str, Any] = {"name": rule.name}
    if rule.description is not None:
        data["description"] = rule.description
    if rule.logic is not None:
        data["logic"] = rule.logic
    if rule.threshold is not None:
        data["threshold"] = rule.threshold
    if rule.possible is not None:
        data["possible"] = rule.possible
    if rule.blocking:
        data["blocking"] = [_block_data(b, ("blocking", i)) for i, b in enumerate(rule.blocking)]
    data["criteria"] = [_comparator_data(c, ("criteria", i)) for i, c in enumerate(rule.criteria)]
    return data


def dump_matching_rule(rule: MatchingRule) -> dict[str, Any]:
    """A :class:`~leadkit.dedupe.MatchingRule` as JSON/TOML-compatible plain data that
    :func:`load_matching_rule` reads back to an equal rule. A :class:`KeyMatch` or a block
    with a function part holds code, not data: a :class:`~leadkit.errors.LoadError`."""
    return {"schema": RULE_SCHEMA_VERSION, **_matching_rule_data(rule)}


def _tagged(
    reader: Reader, types: Mapping[str, type], data: Mapping[str, Any], path: KeyPath, key: str
) -> Any:
    """The object an option mapping describes, its class named by ``data[key]``."""
    kind = data.get(key)
    cls = types.get(kind) if isinstance(kind, str) else None
    if cls is None:
        reader.fail((*path, key), f"expected one of {', '.join(types)}, got {kind!r}")
        return None
    return _build(reader, cls, data, path, key)


def _comparator(reader: Reader, data: object, path: KeyPath) -> Any:
    types = comparator_types()
    if not isinstance(data, Mapping):
        reader.fail(path, f"a criterion is an object with a type, got {type_name(data)}")
        return None
    return _tagged(reader, types, data, path, "type")


def _block(reader: Reader, data: object, path: KeyPath) -> Any:
    name = None
    if isinstance(data, str):
        parts: object = [data]
    elif isinstance(data, list):
        parts = data
    else:
        item = reader.mapping(data, path, _BLOCK_KEYS)
        if item is None:
            return None
        if "parts" not in item:
            reader.fail((*path, "parts"), "required key is missing")
            return None
        parts = item["parts"]
        name = reader.text(item, "name", path)
        path = (*path, "parts")
    if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
        reader.fail(
            path, f"a block is a list of key parts such as ['family', 'company'], got {parts!r}"
        )
        return None
    return reader.attempt(path, Block, *parts, name=name)


def _matching_rule(reader: Reader, data: object, path: KeyPath, keys: tuple[str, ...]) -> Any:
    before = reader.mark()
    item = reader.mapping(data, path, keys, "a matching rule")
    if item is None:
        return None
    check_schema(reader, item, path)
    name = reader.text(item, "name", path, required=True)
    description = reader.text(item, "description", path)
    logic = reader.text(item, "logic", path)
    threshold = reader.number(item, "threshold", path)
    possible = reader.text(item, "possible", path)
    blocking = [
        _block(reader, b, (*path, "blocking", i))
        for i, b in enumerate(reader.items(item, "blocking", path))
    ]
    items = reader.items(item, "criteria", path, required=True)
    if "criteria" in item and isinstance(item["criteria"], list) and not items:
        reader.fail((*path, "criteria"), "a matching rule needs at least one criterion")
    criteria = [_comparator(reader, c, (*path, "criteria", i)) for i, c in enumerate(items)]
    if not reader.clean_since(before):
        return None
    return reader.attempt(
        path,
        MatchingRule,
        name,
        criteria,
        logic=logic,
        threshold=threshold,
        possible=possible,
        blocking=blocking,
        description=description,
    )


def _source(source: object, what: str) -> object:
    if isinstance(source, str | Path):
        return load_data(source)
    return check_plain(source, what=what)


def load_matching_rule(source: Source, *, path: PathLike = ()) -> MatchingRule:
    """A :class:`~leadkit.dedupe.MatchingRule` from a ``.toml`` / ``.json`` file or plain
    data; every problem in one :class:`~leadkit.errors.LoadError` with its path
    (``criteria[1].threshold``, ``blocking[0]``)."""
    reader = Reader()
    rule = _matching_rule(reader, _source(source, "matching rule"), _as_path(path), _RULE_KEYS)
    reader.raise_if_any(source_name(source, "matching rule"))
    assert isinstance(rule, MatchingRule)
    return rule


# ---------------------------------------------------------------------------------------------
# Duplicate rules
# ---------------------------------------------------------------------------------------------


def dump_duplicate_rules(rules: DuplicateRuleSet) -> dict[str, Any]:
    """A :class:`~leadkit.dedupe.DuplicateRuleSet` as plain data (each rule's matching
    rule inline) that :func:`load_duplicate_rules` reads back to an equal set."""
    items = []
    for rule in rules.rules:
        item: dict[str, Any] = {
            "name": rule.name,
            "against": rule.against,
            "on_create": rule.on_create.value,
            "on_edit": rule.on_edit.value,
        }
        if not rule.active:
            item["active"] = False
        item["matching_rule"] = _matching_rule_data(rule.matching_rule)
        items.append(item)
    return {"schema": RULE_SCHEMA_VERSION, "rules": items}


def _duplicate_rule(reader: Reader, data: object, path: KeyPath) -> Any:
    before = reader.mark()
    item = reader.mapping(data, path, _DUPLICATE_KEYS, "a duplicate rule")
    if item is None:
        return None
    name = reader.text(item, "name", path, required=True)
    against = reader.text(item, "against", path, required=True)
    actions = {}
    for key in ("on_create", "on_edit"):
        value = reader.text(item, key, path)
        if value is not None and value not in _ACTIONS:
            reader.fail((*path, key), f"expected one of {', '.join(_ACTIONS)}, got {value!r}")
        elif value is not None:
            actions[key] = DuplicateAction(value)
    active = reader.flag(item, "active", path)
    matching = None
    if "matching_rule" not in item:
        reader.fail((*path, "matching_rule"), "required key is missing")
    else:
        matching = _matching_rule(
            reader, item["matching_rule"], (*path, "matching_rule"), _RULE_KEYS[1:]
        )
    if not reader.clean_since(before):
        return None
    return reader.attempt(
        path,
        DuplicateRule,
        name,
        matching,
        against=against,
        active=True if active is None else active,
        **actions,
    )


def load_duplicate_rules(source: Source) -> DuplicateRuleSet:
    """A :class:`~leadkit.dedupe.DuplicateRuleSet` (``[[rules]]`` tables, each with its
    ``matching_rule``) from a file or plain data; errors name ``rules[0].matching_rule.logic``."""
    reader = Reader()
    data = reader.mapping(_source(source, "duplicate rules"), (), _SET_KEYS)
    result = None
    if data is not None:
        check_schema(reader, data)
        items = reader.items(data, "rules", (), required=True)
        rules = [_duplicate_rule(reader, r, ("rules", i)) for i, r in enumerate(items)]
        if not reader.problems:
            result = reader.attempt((), DuplicateRuleSet, rules)
    reader.raise_if_any(source_name(source, "duplicate rules"))
    assert isinstance(result, DuplicateRuleSet)
    return result


# ---------------------------------------------------------------------------------------------
# Survivorship
# ---------------------------------------------------------------------------------------------


def _field_rule_data(rule: FieldRule, path: KeyPath) -> Any:
    names = {cls: name for name, cls in field_rule_types().items()}
    name = names.get(type(rule))
    if name is None:
        raise LoadError(
            [Problem(path, f"{type(rule).__name__} is not a survivorship rule leadkit can write")],
            what="survivorship",
        )
    options = _options(rule, path)
    return {"rule": name, **options} if options else name


def dump_survivorship(survivorship: Survivorship) -> dict[str, Any]:
    """A :class:`~leadkit.dedupe.Survivorship` as plain data (rules by name, such as
    ``"most_recent"``, or tables with options) that :func:`load_survivorship` reads back."""
    data: dict[str, Any] = {
        "schema": RULE_SCHEMA_VERSION,
        "record_type": survivorship.record_type.__name__,
        "default": _field_rule_data(survivorship.default, ("default",)),
    }
    if survivorship.fields:
        data["fields"] = {
            name: _field_rule_data(rule, ("fields", name))
            for name, rule in survivorship.fields.items()
        }
    return data


def _field_rule(reader: Reader, data: object, path: KeyPath) -> Any:
    types = field_rule_types()
    if isinstance(data, str):
        if data not in types:
            reader.fail(path, f"expected one of {', '.join(types)}, got {data!r}")
            return None
        return reader.attempt(path, types[data])
    if not isinstance(data, Mapping):
        reader.fail(path, f"a rule is a name or an object with a rule, got {type_name(data)}")
        return None
    return _tagged(reader, types, data, path, "rule")


def load_survivorship(source: Source) -> Survivorship:
    """A :class:`~leadkit.dedupe.Survivorship` from a ``.toml`` / ``.json`` file or plain
    data; errors name ``fields.phone.by`` or ``fields['custom.budget']``."""
    reader = Reader()
    data = reader.mapping(_source(source, "survivorship"), (), _SURVIVORSHIP_KEYS)
    result = None
    if data is not None:
        check_schema(reader, data)
        name = data.get("record_type", "Lead")
        record_type = _RECORD_TYPES.get(name) if isinstance(name, str) else None
        if record_type is None:
            reader.fail("record_type", f"expected Lead, Contact or Account, got {name!r}")
        options: dict[str, Any] = {}
        if "default" in data:
            options["default"] = _field_rule(reader, data["default"], ("default",))
        raw = data.get("fields", {})
        if not isinstance(raw, Mapping):
            reader.fail("fields", f"expected an object of field name to rule, got {type_name(raw)}")
            raw = {}
        options["fields"] = {
            str(key): _field_rule(reader, value, ("fields", str(key))) for key, value in raw.items()
        }
        if not reader.problems:
            result = reader.attempt((), Survivorship, record_type, **options)
    reader.raise_if_any(source_name(source, "survivorship"))
    assert isinstance(result, Survivorship)
    return result


PLAIN_CODECS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "MatchingRule": mapping_codec(dump_matching_rule, load_matching_rule, what="matching rule"),
    "DuplicateRuleSet": mapping_codec(
        dump_duplicate_rules, load_duplicate_rules, what="duplicate rules"
    ),
    "Survivorship": mapping_codec(dump_survivorship, load_survivorship, what="survivorship"),
}
"""How the one converter writes and reads dedupe types (see :mod:`leadkit.io`)."""
