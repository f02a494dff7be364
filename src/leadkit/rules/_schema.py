"""What a condition may refer to: fields of an attrs model and properties of events.

A field path (``employees``, ``address.prefecture``, ``custom.budget``) is resolved once,
against the attrs class, into a :class:`ValueInfo`: the kind of value it holds (text,
number, date ...) and a fast getter. Resolution is cached, so building many conditions
on the same field costs one lookup.
"""

from __future__ import annotations

import difflib
import enum
import functools
import inspect
import operator
import re
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from leadkit.model import (
    CustomFields,
    EngagementEvent,
    Money,
    Prefecture,
    find_prefecture,
)
from leadkit.rules._errors import RuleError

__all__ = [
    "Kind",
    "ValueInfo",
    "family_of",
    "resolve_field",
    "resolve_prop",
]

Getter = Callable[[Any], object]


class Kind(enum.Enum):
    """The kind of value a field holds, which decides the operators it accepts."""

    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"
    ENUM = "enum"
    ANY = "any"
    """A custom field or event property: its type is only known at run time."""

    @property
    def described(self) -> str:
        """The kind as a phrase for messages ("a number", "text")."""
        return _DESCRIBED[self]


_DESCRIBED = {
    Kind.TEXT: "text",
    Kind.NUMBER: "a number",
    Kind.MONEY: "money (compared by amount)",
    Kind.BOOL: "a yes/no flag",
    Kind.DATE: "a date",
    Kind.DATETIME: "a date-time",
    Kind.ENUM: "a choice",
    Kind.ANY: "a value of any type",
}


@attrs.frozen(slots=True)
class ValueInfo:
    """A resolved field or property: its label, kind and how to read it from a record.

    ``get`` returns the comparable value or ``None`` when missing: the amount of a
    :class:`~leadkit.model.Money`, the value of an enum member, the canonical name of a
    prefecture.
    """

    label: str
    kind: Kind
    get: Getter = attrs.field(eq=False, repr=False)
    enum_type: type[enum.Enum] | None = None
    canonical: Callable[[str], str] | None = attrs.field(default=None, eq=False, repr=False)
    """Turns a text literal into the stored form (``"Tokyo"`` -> ``"東京都"``)."""


# ---------------------------------------------------------------------------------------------
# Literal families: what a value is, for custom fields and event properties checked at run time
# ---------------------------------------------------------------------------------------------


def family_of(value: object) -> str | None:
    """``"number"``, ``"text"``, ``"bool"``, ``"date"``, ``"datetime"``, or None."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float | Decimal):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    return None


# ---------------------------------------------------------------------------------------------
# Resolving field paths against attrs classes
# ---------------------------------------------------------------------------------------------

_SCALAR_KINDS: tuple[tuple[type, Kind], ...] = (
    (bool, Kind.BOOL),
    (int, Kind.NUMBER),
    (float, Kind.NUMBER),
    (Decimal, Kind.NUMBER),
    (str, Kind.TEXT),
    (datetime, Kind.DATETIME),
    (date, Kind.DATE),
    (Money, Kind.MONEY),
)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _unwrap_optional(tp: object) -> tuple[object, bool]:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return tp, False


def _type_name(tp: object) -> str:
    return tp.__name__ if isinstance(tp, type) else str(tp).replace("typing.", "")


def _prefecture_name(value: object) -> object:
    return value.name if isinstance(value, Prefecture) else None


def _canonical_prefecture(text: str) -> str:
    prefecture = find_prefecture(text)
    if prefecture is None:
        raise RuleError(f"{text!r} names no prefecture of Japan", key="value")
    return prefecture.name


@functools.cache
def _members(cls: type) -> dict[str, object]:
    """Attribute name -> type for the attrs fields and the typed public properties."""
    hints = typing.get_type_hints(cls)
    members: dict[str, object] = {a.name: hints.get(a.name, a.type) for a in attrs.fields(cls)}
    for name, member in inspect.getmembers(cls, lambda m: isinstance(m, property)):
        if name.startswith("_") or member.fget is None:
            continue
        returns = typing.get_type_hints(member.fget).get("return")
        if returns is not None:
            members[name] = returns
    return members


def _chain(steps: list[tuple[str, bool]]) -> Getter:
    """A getter following attribute ``steps``; ``None`` part-way means missing."""
    names = [name for name, _ in steps]
    if not any(optional for _, optional in steps[:-1]):
        # No ``None`` can appear part-way: one C-level attrgetter does the whole walk.
        return operator.attrgetter(".".join(names))
    getters = [operator.attrgetter(name) for name in names]

    def get(record: Any) -> object:
        value = record
        for getter in getters:
            value = getter(value)
            if value is None:
                return None
        return value

    return get


def _then(first: Getter, then: Callable[[Any], object]) -> Getter:
    def get(record: Any) -> object:
        value = first(record)
        return None if value is None else then(value)

    return get


def _custom_getter(first: Getter, name: str) -> Getter:
    def get(record: Any) -> object:
        container: Any = first(record)
        return None if container is None else container.get(name)

    return get


def _field_names(cls: type) -> str:
    return ", ".join(sorted(_members(cls)))


@functools.cache
def resolve_field(on: type, path: str) -> ValueInfo:
    """Resolve ``path`` against the attrs class ``on``, or raise :class:`RuleError`.

    >>> from leadkit.model import Lead
    >>> resolve_field(Lead, "address.prefecture").kind
    <Kind.TEXT: 'text'>
    >>> resolve_field(Lead, "employes")
    Traceback (most recent call last):
    ...
    leadkit.errors.RuleError: employes: Lead has no field 'employes'; did you mean ...?
    """
    info = _resolve_field(on, path)
    if _reads_property(on, path):
        # A derived value (email_domain, address.prefecture) is computed by Python code;
        # several conditions of one model often read it for the same record in a row.
        info = attrs.evolve(info, get=_remember_last(info.get))
    return info


def _resolve_field(on: type, path: str) -> ValueInfo:
    if not isinstance(path, str) or not path:
        raise RuleError(f"a field path must be a non-empty string, got {path!r}", key="field")
    if not (isinstance(on, type) and attrs.has(on)):
        raise RuleError(f"conditions apply to attrs classes, not {on!r}", path=path, key="field")
    parts = path.split(".")
    cls: type = on
    steps: list[tuple[str, bool]] = []
    for index, part in enumerate(parts):
        members = _members(cls)
        where = ".".join(parts[:index]) or on.__name__
        if part not in members:
            close = difflib.get_close_matches(part, list(members), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known: {_field_names(cls)}"
            owner = on.__name__ if index == 0 else f"{where} ({cls.__name__})"
            raise RuleError(f"{owner} has no field {part!r}{hint}", path=path, key="field")
        tp, optional = _unwrap_optional(members[part])
        steps.append((part, optional))
        last = index == len(parts) - 1
        if tp is CustomFields:
            if last or index != len(parts) - 2:
                raise RuleError(
                    f"name one custom field: {'.'.join(parts[: index + 1])}.<name>",
                    path=path,
                    key="field",
                )
            name = parts[-1]
            if not _IDENTIFIER.match(name):
                raise RuleError(
                    f"custom field names are identifiers (letters, digits, _), got {name!r}",
                    path=path,
                    key="field",
                )
            return ValueInfo(path, Kind.ANY, _custom_getter(_chain(steps), name))
        if tp is Prefecture:
            if not last:
                raise RuleError(
                    f"{'.'.join(parts[: index + 1])} is compared by its name (東京都); "
                    "it has no sub-fields",
                    path=path,
                    key="field",
                )
            return ValueInfo(
                path,
                Kind.TEXT,
                _then(_chain(steps), _prefecture_name),
                canonical=_canonical_prefecture,
            )
        if isinstance(tp, type) and attrs.has(tp) and not (tp is Money and last):
            if last:
                raise RuleError(
                    f"{path} has type {tp.__name__}; name one of its fields: "
                    + ", ".join(f"{path}.{n}" for n in sorted(_members(tp))),
                    path=path,
                    key="field",
                )
            cls = tp
            continue
        if not last:
            raise RuleError(
                f"{'.'.join(parts[: index + 1])} is {_type_name(tp)}; it has no field "
                f"{parts[index + 1]!r}",
                path=path,
                key="field",
            )
        return _leaf(path, tp, steps, cls)
    raise AssertionError("unreachable")  # pragma: no cover - the loop always returns


def _reads_property(on: type, path: str) -> bool:
    """True when ``path`` goes through a property of an immutable leadkit record, whose
    value therefore depends on the record alone and may be remembered."""
    cls: object = on
    for part in path.split("."):
        if not (isinstance(cls, type) and attrs.has(cls) and cls.__module__.startswith(_MODEL)):
            return False
        if isinstance(inspect.getattr_static(cls, part, None), property):
            return True
        cls = _unwrap_optional(_members(cls).get(part))[0]
    return False


_MODEL = "leadkit.model."
_NOTHING = object()


def _remember_last(get: Getter) -> Getter:
    """``get``, remembering its answer for the last record it was asked about."""
    last: list[tuple[object, object]] = [(_NOTHING, None)]

    def remembered(record: Any) -> object:
        seen, value = last[0]  # one tuple, replaced whole: safe across threads
        if seen is not record:
            value = get(record)
            last[0] = (record, value)
        return value

    return remembered


def _leaf(path: str, tp: object, steps: list[tuple[str, bool]], cls: type) -> ValueInfo:
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        getter = _chain(steps)
        if issubclass(tp, str):
            # A StrEnum member is its own value and compares equal to it.
            return ValueInfo(path, Kind.ENUM, getter, enum_type=tp)
        return ValueInfo(path, Kind.ENUM, _then(getter, operator.attrgetter("value")), enum_type=tp)
    for scalar, kind in _SCALAR_KINDS:
        if tp is scalar:
            getter = _chain(steps)
            if kind is Kind.MONEY:
                getter = _then(getter, operator.attrgetter("amount"))
            return ValueInfo(path, kind, getter)
    raise RuleError(
        f"{path} has type {_type_name(tp)}, which conditions cannot compare",
        path=path,
        key="field",
    )


# ---------------------------------------------------------------------------------------------
# Event properties
# ---------------------------------------------------------------------------------------------

_EVENT_ATTRIBUTES = ("contact_id", "id", "kind", "lead_id", "occurred_at")


def _property_getter(name: str) -> Getter:
    def get(event: Any) -> object:
        return event.properties.get(name)

    return get


@functools.cache
def resolve_prop(name: str) -> ValueInfo:
    """Resolve an event property: an attribute of the event (``kind``, ``occurred_at``,
    ``id``, ``lead_id``, ``contact_id``) or a key of its ``properties`` (``url``).

    >>> resolve_prop("occurred_at").kind, resolve_prop("url").kind
    (<Kind.DATETIME: 'datetime'>, <Kind.ANY: 'any'>)
    """
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise RuleError(
            f"an event property is named by an identifier (letters, digits, _), got {name!r}",
            key="prop",
        )
    if name in _EVENT_ATTRIBUTES:
        info = resolve_field(EngagementEvent, name)
        return attrs.evolve(info, label=name)
    return ValueInfo(name, Kind.ANY, _property_getter(name))
