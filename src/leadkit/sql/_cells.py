"""Reading leadkit records into leadkit's column layout: which columns a lead or an
event has, and each cell's value, read with the getters the Python engine uses (so a
derived field such as ``email_domain`` or ``address.region`` holds exactly what a
condition sees)."""

from __future__ import annotations

import enum
import functools
import inspect
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from leadkit.errors import RuleError
from leadkit.model import CustomFields, EngagementEvent, Lead, Money, normalise_text
from leadkit.rules import FieldRef, Kind, PropRef, info_of
from leadkit.rules._schema import family_of
from leadkit.sql._layout import (
    EVENT_ATTRIBUTES,
    FAMILIES,
    FAMILY_OF_KIND,
    column_name,
    normalised,
    property_column,
)

__all__ = [
    "Column",
    "event_columns",
    "lead_columns",
    "lead_paths",
]


@attrs.frozen(slots=True)
class Column:
    """One column: its name, its family, and how to read its cell from a record."""

    name: str
    family: str
    path: str
    """The field path (or event property) it holds."""
    typed: bool
    """False for one family of a runtime-typed value (custom field, event property)."""
    normalise: bool = False


def canonical(value: object, family: str) -> object:
    """``value`` in ``family``'s Python form for a cell (None when it is not of it)."""
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        value = value.value
    if family == "text":
        return value if isinstance(value, str) else None
    if family_of(value) != family:
        return None
    if family == "number":
        return float(value)  # type: ignore[arg-type]
    return value


def _members(cls: type) -> list[str]:
    names = [a.name for a in attrs.fields(cls)]
    for name, _member in inspect.getmembers(cls, lambda m: isinstance(m, property)):
        if not name.startswith("_"):
            names.append(name)
    return names


def _walk(cls: type, prefix: str, depth: int) -> Iterator[str]:
    import typing

    hints = typing.get_type_hints(cls)
    for name in _members(cls):
        path = f"{prefix}{name}"
        nested = _nested_class(hints.get(name)) if name in attrs.fields_dict(cls) else None
        if nested is not None and nested is not Money and depth < 2:
            yield from _walk(nested, path + ".", depth + 1)
            if nested.__name__ == "Address":
                yield f"{path}.region"
            continue
        yield path


def _nested_class(tp: object) -> type | None:
    import typing

    candidates = typing.get_args(tp) or (tp,)
    for candidate in candidates:
        if isinstance(candidate, type) and attrs.has(candidate):
            return candidate
    return None


@functools.cache
def lead_paths() -> tuple[str, ...]:
    """Every field path of :class:`~leadkit.model.Lead` a condition can name, except
    custom fields (one column each; see :func:`lead_columns`)."""
    found: dict[str, None] = {}
    for path in _walk(Lead, "", 0):
        try:
            info = info_of(FieldRef(path))
        except RuleError:
            continue
        if info.kind is not Kind.ANY:
            found[path] = None
    return tuple(found)


def _typed_columns(path: str, kind: Kind, name: str) -> list[Column]:
    family = FAMILY_OF_KIND[kind]
    columns = [Column(name, family, path, True)]
    if family == "text":
        columns.append(Column(normalised(name), family, path, True, normalise=True))
    return columns


def _any_columns(path: str, name_of: Any) -> list[Column]:
    columns = []
    for family in FAMILIES:
        name = name_of(family)
        columns.append(Column(name, family, path, False))
        if family == "text":
            columns.append(Column(normalised(name), family, path, False, normalise=True))
    return columns


def lead_columns(custom: Iterable[str] = ()) -> list[Column]:
    """The columns of leadkit's leads table: ``id``, every field path, and the families
    of the ``custom`` field names given."""
    columns = [Column("id", "text", "id", True)]
    for path in lead_paths():
        if path == "id":
            continue
        columns.extend(_typed_columns(path, info_of(FieldRef(path)).kind, column_name(path)))
    for name in sorted(set(custom)):
        path = f"custom.{name}"
        columns.extend(_any_columns(path, lambda f, p=path: column_name(p, f)))
    return columns


def event_columns(properties: Iterable[str] = ()) -> list[Column]:
    """The columns of leadkit's events table: the event's attributes and the families of
    the ``properties`` named."""
    columns: list[Column] = []
    for name in EVENT_ATTRIBUTES:
        kind = info_of(PropRef(name)).kind
        family = FAMILY_OF_KIND[kind]
        columns.append(Column(name, family, name, True))
    columns.append(Column(normalised("kind"), "text", "kind", True, normalise=True))
    for name in sorted(set(properties) - set(EVENT_ATTRIBUTES)):
        columns.extend(_any_columns(name, lambda f, n=name: property_column(n, f)))
    return columns


def reader(column: Column, *, events: bool = False) -> Callable[[Any], object]:
    """``record -> cell`` for ``column`` (of a Lead, or of an EngagementEvent), resolved
    once for a whole table."""
    subject = PropRef(column.path) if events else FieldRef(column.path)
    get = info_of(subject).get
    family, norm = column.family, column.normalise

    def read(record: Any) -> object:
        value = canonical(get(record), family)
        if value is not None and norm:
            return normalise_text(str(value))
        return value

    return read


def cell(record: Any, column: Column, *, events: bool = False) -> object:
    """The value of ``column`` for ``record`` (a Lead or an EngagementEvent)."""
    return reader(column, events=events)(record)


def custom_names(leads: Iterable[Lead]) -> set[str]:
    """Every custom field name the leads use."""
    names: set[str] = set()
    for lead in leads:
        custom: CustomFields = lead.custom
        names.update(custom.keys())
    return names


def property_names(events: Iterable[EngagementEvent]) -> set[str]:
    """Every property name the events use."""
    names: set[str] = set()
    for event in events:
        names.update(event.properties.keys())
    return names


def sqlite_cell(value: object, family: str) -> object:
    """A cell as SQLite stores it in leadkit's layout: dates as ISO text, datetimes as
    POSIX seconds, flags as 0/1."""
    if value is None:
        return None
    if family == "datetime" and isinstance(value, datetime):
        return value.timestamp()
    if family == "date" and isinstance(value, date):
        return value.isoformat()
    if family == "bool":
        return int(bool(value))
    if isinstance(value, Decimal):  # pragma: no cover - canonical() gives floats
        return float(value)
    return value
