"""The flat column layout of a record type, and typed cells read into fields.

The columns are the ones leadkit's CSV tables use (``family_name``, ``address_state``,
``annual_revenue`` + ``annual_revenue_currency``, ``owner`` as ``user:u-1``,
``custom.<name>``), so a frame and a CSV file of the same records have the same header.
Cells are typed values (an int, a datetime, a category), not text: nothing is parsed.
"""

from __future__ import annotations

import enum
import math
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from typing import Any, TypeAlias

import attrs

from leadkit.errors import LeadkitError, ValidationError, format_path
from leadkit.errors import _CellProblem as CellError
from leadkit.model import (
    CustomFields,
    CustomValue,
    LeadConversion,
    Money,
    OwnerKind,
    OwnerRef,
    PersonName,
    is_required,
)

__all__ = ["CellError", "Layout", "layout_of"]

_MISSING: Any = object()
MISSING = _MISSING


def _show(value: object) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


# ---------------------------------------------------------------------------------------
# Cells: a typed value in, the field's value out
# ---------------------------------------------------------------------------------------


@attrs.frozen
class Cells:
    """How the cells of one read are taken: the zone of naive timestamps, and the
    currency of amounts given without one."""

    zone: tzinfo | None
    currency: str | None = None


def _text(value: object, cells: Cells) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # ids kept as numbers by a spreadsheet (1001)
    raise CellError(f"expected text, got {_show(value)}")


def _integer(value: object, cells: Cells) -> int:
    if isinstance(value, bool):
        raise CellError(f"expected a whole number, got {_show(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        # A float64 column: pandas' way of holding integers beside a missing value.
        return int(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    raise CellError(f"expected a whole number, got {_show(value)}")


def _boolean(value: object, cells: Cells) -> bool:
    if isinstance(value, bool):
        return value
    raise CellError(f"expected True or False, got {_show(value)}")


def _decimal(value: object, cells: Cells) -> Decimal:
    if isinstance(value, bool):
        raise CellError(f"expected a number, got {_show(value)}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float) and math.isfinite(value):
        # The shortest decimal that reads back as this float: 1200.5, not 1200.4999...
        return Decimal(int(value)) if value.is_integer() else Decimal(repr(value))
    raise CellError(f"expected a number, got {_show(value)}")


def _aware(value: datetime, cells: Cells) -> datetime:
    if value.utcoffset() is not None:
        return value
    if cells.zone is None:
        raise CellError(
            f"{value.isoformat()} has no time zone; pass timezone='Asia/Tokyo' (or the "
            "zone the times were written in), or localise the column"
        )
    return value.replace(tzinfo=cells.zone)


def _datetime(value: object, cells: Cells) -> datetime:
    if isinstance(value, datetime):
        return _aware(value, cells)
    raise CellError(f"expected a timestamp, got {_show(value)}")


def _date(value: object, cells: Cells) -> date:
    if isinstance(value, datetime):
        # Dates held as timestamps at midnight (pandas' datetime64 column).
        if value.time() == time(0) and value.utcoffset() is None:
            return value.date()
        raise CellError(f"expected a date, got the timestamp {value.isoformat()}")
    if isinstance(value, date):
        return value
    raise CellError(f"expected a date, got {_show(value)}")


def _owner(value: object, cells: Cells) -> OwnerRef:
    if isinstance(value, OwnerRef):
        return value
    if isinstance(value, str):
        kind, sep, owner_id = value.strip().partition(":")
        kinds = {k.value: k for k in OwnerKind}
        if sep and kind.lower() in kinds and owner_id.strip():
            return OwnerRef(kinds[kind.lower()], owner_id.strip())
    raise CellError(f"expected user:<id> or queue:<id>, got {_show(value)}")


def _strings(value: object, cells: Cells) -> list[str]:
    if isinstance(value, str):
        return [item.strip() for item in value.split(";") if item.strip()]
    if isinstance(value, Iterable) and not isinstance(value, bytes | Mapping):
        items = list(value)
        if all(isinstance(item, str) for item in items):
            return items
    raise CellError(f"expected a list of text, got {_show(value)}")


def _enum(cls: type[enum.Enum]) -> Callable[[object, Cells], enum.Enum]:
    lookup: dict[str, enum.Enum] = {}
    for member in cls:
        lookup[member.name.lower()] = member
        lookup[str(member.value).lower()] = member
    allowed = ", ".join(str(m.value) for m in cls)

    def read(value: object, cells: Cells) -> enum.Enum:
        if isinstance(value, cls):
            return value
        member = lookup.get(value.strip().lower()) if isinstance(value, str) else None
        if member is None:
            raise CellError(f"expected one of {allowed}, got {_show(value)}")
        return member

    return read


def custom_value(value: object, cells: Cells) -> CustomValue:
    """A custom field's value: any scalar leadkit keeps, naive timestamps localised."""
    if isinstance(value, datetime):
        return _aware(value, cells)
    if isinstance(value, str | int | float | bool | Decimal | date):
        return value
    raise CellError(
        f"custom fields hold text, numbers, true/false, dates and timestamps; got {_show(value)}"
    )


_Reader: TypeAlias = Callable[[object, Cells], Any]


def _plain(value: Any) -> object:
    """A field's value as a frame cell."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, OwnerRef):
        return str(value)
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
    return value


_READERS: dict[Any, _Reader] = {
    str: _text,
    int: _integer,
    bool: _boolean,
    Decimal: _decimal,
    datetime: _datetime,
    date: _date,
    OwnerRef: _owner,
    frozenset[str]: _strings,
    tuple[str, ...]: _strings,
}

# What each column holds, so that an empty frame still gets typed columns.
KIND: dict[Any, str] = {
    str: "text",
    int: "integer",
    bool: "boolean",
    Decimal: "decimal",
    datetime: "timestamp",
    date: "date",
    OwnerRef: "text",
    frozenset[str]: "list",
    tuple[str, ...]: "list",
}


# ---------------------------------------------------------------------------------------
# The layout
# ---------------------------------------------------------------------------------------


@attrs.frozen
class Column:
    """One flat column: its ``header``, the ``attr`` it fills, how a cell is read."""

    attr: str
    header: str
    read: _Reader
    kind: str
    required: bool


@attrs.frozen
class Nested:
    """A value object spread over several columns (a name, an address, money)."""

    attr: str
    cls: type
    parts: tuple[Column, ...]
    optional: bool
    has_default: bool


@attrs.frozen
class Custom:
    """A ``CustomFields`` mapping: one ``<attr>.<name>`` column per name."""

    attr: str

    @property
    def prefix(self) -> str:
        return f"{self.attr}."


Part: TypeAlias = Column | Nested | Custom

_PERSON_NAME = {
    "family": "family_name",
    "given": "given_name",
    "family_kana": "family_kana",
    "given_kana": "given_kana",
    "order": "name_order",
}
_CONVERSION = {
    "converted_at": "converted_at",
    "status": "converted_status",
    "account_id": "converted_account_id",
    "contact_id": "converted_contact_id",
    "opportunity_id": "converted_opportunity_id",
}


def _nested_header(owner: str, cls: type, attr: str) -> str:
    if cls is PersonName:
        return _PERSON_NAME[attr]
    if cls is LeadConversion:
        return _CONVERSION[attr]
    if cls is Money:
        return owner if attr == "amount" else f"{owner}_{attr}"
    return f"{owner}_{attr}"


def _unwrap_optional(tp: Any) -> tuple[Any, bool]:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0], True
    return tp, False


def _reader(tp: Any) -> tuple[_Reader, str]:
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _enum(tp), "text"
    if tp in _READERS:
        return _READERS[tp], KIND[tp]
    raise TypeError(f"no frame column type for {tp!r}")  # a record type leadkit lacks


@attrs.frozen
class Layout:
    """The columns of one record type, and how to build a record from a row of cells."""

    record_type: type
    parts: tuple[Part, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        """The fixed columns, in order (custom columns come after them)."""
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, Column):
                out.append(part.header)
            elif isinstance(part, Nested):
                out.extend(p.header for p in part.parts)
        return tuple(out)

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The prefixes of custom-field columns (``custom.``)."""
        return tuple(p.prefix for p in self.parts if isinstance(p, Custom))

    @property
    def required(self) -> frozenset[str]:
        """The columns a frame must have."""
        found: set[str] = set()
        for part in self.parts:
            if isinstance(part, Column) and part.required:
                found.add(part.header)
            elif isinstance(part, Nested) and not part.optional and not part.has_default:
                found.update(p.header for p in part.parts if p.required)
        return frozenset(found)

    def kinds(self) -> dict[str, str]:
        """What each fixed column holds (``integer``, ``timestamp`` ...)."""
        out: dict[str, str] = {}
        for part in self.parts:
            if isinstance(part, Column):
                out[part.header] = part.kind
            elif isinstance(part, Nested):
                out.update((p.header, p.kind) for p in part.parts)
        return out

    def header_of(self, path: tuple[str | int, ...]) -> str | None:
        """The column a constructor error's path points at, if any."""
        if not path:
            return None
        head = str(path[0])
        if head == self.record_type.__name__:
            path = path[1:]
            if not path:
                return None
            head = str(path[0])
        for part in self.parts:
            if isinstance(part, Custom) and head == part.attr:
                return f"{part.prefix}{path[1]}" if len(path) > 1 else None
            if part.attr != head:
                continue
            if isinstance(part, Column):
                return part.header
            if isinstance(part, Nested):
                sub = str(path[1]) if len(path) > 1 else None
                return next((p.header for p in part.parts if p.attr == sub), part.parts[0].header)
        for part in self.parts:  # a value object's own error: ("Money", "amount")
            if isinstance(part, Nested) and part.cls.__name__ == head and len(path) > 1:
                return next((p.header for p in part.parts if p.attr == path[1]), None)
        return None

    def build(
        self,
        cells: Mapping[str, object],
        custom: Mapping[str, Mapping[str, object]],
        context: Cells,
        problem: Callable[[str | None, str], None],
    ) -> Any:
        """The record of one row, or ``MISSING`` after reporting its problems.

        ``cells`` holds the row's fixed columns (missing values left out), ``custom``
        the custom-field values of each custom part by name.
        """
        failed = False
        kwargs: dict[str, Any] = {}
        for part in self.parts:
            if isinstance(part, Custom):
                values: dict[str, CustomValue] = {}
                for name, value in custom.get(part.attr, {}).items():
                    try:
                        values[name] = custom_value(value, context)
                    except CellError as err:
                        problem(f"{part.prefix}{name}", err.message)
                        failed = True
                if values:
                    kwargs[part.attr] = values
                continue
            if isinstance(part, Column):
                value = _cell(part, cells, context, problem)
                if value is _MISSING:
                    failed = failed or part.header in cells or part.required
                else:
                    kwargs[part.attr] = value
                continue
            given = [p for p in part.parts if p.header in cells]
            if not given and (part.optional or part.has_default):
                continue
            sub: dict[str, Any] = {}
            for column in part.parts:
                if part.cls is Money and column.attr == "currency" and column.header not in cells:
                    if context.currency is not None:
                        sub["currency"] = context.currency
                    else:
                        problem(column.header, "an amount needs a currency; pass currency='JPY'")
                        failed = True
                    continue
                value = _cell(column, cells, context, problem)
                if value is _MISSING:
                    failed = failed or column.header in cells or column.required
                else:
                    sub[column.attr] = value
            if not failed:
                built = _construct(part.cls, sub, self, problem)
                failed = built is _MISSING
                kwargs[part.attr] = built
        if failed:
            return _MISSING
        return _construct(self.record_type, kwargs, self, problem)

    def cells_of(self, record: Any) -> tuple[dict[str, object], dict[str, dict[str, object]]]:
        """The inverse of ``build``: fixed cells (None for no value) and custom ones."""
        fixed: dict[str, object] = {}
        custom: dict[str, dict[str, object]] = {}
        for part in self.parts:
            value = getattr(record, part.attr)
            if isinstance(part, Custom):
                custom[part.attr] = dict(value)
            elif isinstance(part, Column):
                fixed[part.header] = None if value is None else _plain(value)
            else:
                for column in part.parts:
                    sub = None if value is None else getattr(value, column.attr)
                    if part.cls is PersonName and column.attr == "order" and value is not None:
                        # Written only when it is not what the script implies, as in CSV.
                        sub = None if sub == PersonName(value.family, value.given).order else sub
                    fixed[column.header] = None if sub is None else _plain(sub)
        return fixed, custom


def _cell(
    column: Column,
    cells: Mapping[str, object],
    context: Cells,
    problem: Callable[[str | None, str], None],
) -> Any:
    if column.header not in cells:
        if column.required:
            problem(column.header, "required; the cell is empty")
        return _MISSING
    try:
        return column.read(cells[column.header], context)
    except CellError as err:
        problem(column.header, err.message)
        return _MISSING


def _construct(
    cls: type, kwargs: dict[str, Any], layout: Layout, problem: Callable[[str | None, str], None]
) -> Any:
    try:
        return cls(**kwargs)
    except LeadkitError as err:
        if isinstance(err, ValidationError) and err.code == "unknown_status":
            problem(layout.header_of(("status",)), err.message)
        else:
            column = layout.header_of(err.path)
            where = "" if column is not None or not err.path else f"{format_path(err.path)}: "
            problem(column, where + err.message)
    except (TypeError, ValueError, ArithmeticError) as err:  # a guard, not a path
        problem(None, f"invalid record ({err})")
    return _MISSING


_LAYOUTS: dict[type, Layout] = {}


def layout_of(record_type: type) -> Layout:
    """The layout of an attrs record type (cached)."""
    found = _LAYOUTS.get(record_type)
    if found is None:
        found = _LAYOUTS[record_type] = _layout(record_type)
    return found


def _layout(cls: type) -> Layout:
    hints = typing.get_type_hints(cls)
    parts: list[Part] = []
    for field in attrs.fields(cls):
        if not field.init:
            continue
        tp, optional = _unwrap_optional(hints[field.name])
        if tp is CustomFields:
            parts.append(Custom(field.alias))
        elif attrs.has(tp) and tp is not OwnerRef:
            sub_hints = typing.get_type_hints(tp)
            subs = []
            for sub in attrs.fields(tp):
                sub_tp, sub_optional = _unwrap_optional(sub_hints[sub.name])
                read, kind = _reader(sub_tp)
                subs.append(
                    Column(
                        sub.alias,
                        _nested_header(field.alias, tp, sub.alias),
                        read,
                        kind,
                        is_required(sub) and not sub_optional,
                    )
                )
            parts.append(Nested(field.alias, tp, tuple(subs), optional, not is_required(field)))
        else:
            read, kind = _reader(tp)
            parts.append(Column(field.alias, field.alias, read, kind, is_required(field)))
    return Layout(cls, tuple(parts))
