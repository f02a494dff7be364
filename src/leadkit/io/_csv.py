"""CSV tables of leadkit records: one generic codec for every entity, no special cases.

A record type's columns come from its attrs fields. Scalars get one column named after
the field; value objects are flattened (``family_name``, ``address_state``,
``annual_revenue`` + ``annual_revenue_currency``); an owner is written ``user:u-1`` or
``queue:q-1``; custom fields get one column per name (``custom.budget``). Reading collects
every bad cell with its line number and column and raises one
:class:`~leadkit.errors.LoadError`; no row is ever skipped silently.

Custom-field cells carry their type in their spelling, so that a table round-trips:
``42`` is an int, ``1.50`` a Decimal, ``1.5e0`` a float, ``true``/``false`` a bool,
``2026-04-01`` a date, ``2026-04-01T09:00:00+09:00`` a datetime, anything else text. Text
that would read as one of those (or is empty, or starts with ``'``) is written with a
leading ``'``, the spreadsheet convention for "this is text".

Formula injection: a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is a live formula for Excel, LibreOffice and Google Sheets. Every CSV leadkit
writes (these tables, :meth:`leadkit.reports.Table.to_csv`, the ``leadkit`` command) goes
through one cell writer that puts a ``'`` in front of such a cell, as OWASP recommends.
Plain numbers and phone numbers (only digits, spaces and ``+ - . , ( ) /`` after the
sign, such as ``-5``, ``-1.5e0`` or ``+81-3-1234-5678``) are left as they are: a
spreadsheet may compute them, but they cannot call a function. A cell that already begins
with ``'`` before such a character gets one more, so the readers here, which remove one
``'`` in front of a formula character, give back exactly what was written.
``formula_safe=False`` writes (and reads) cells untouched, for machine-to-machine files.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import enum
import functools
import gzip
import io
import os
import re
import types
import typing
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal, TypeAlias, TypeVar

import attrs

from leadkit.errors import (
    KeyPath,
    LeadkitError,
    LoadError,
    Problem,
    ValidationError,
    _FileProblem,
    format_path,
)
from leadkit.errors import _CellProblem as _CellError
from leadkit.io._countries import country_code
from leadkit.io._headers import (
    HEADER_MAPS,
    JAPANESE_CRM_HEADERS,
    JAPANESE_LEAD_HEADERS,
    HeaderMap,
    as_header_map,
    detect_header_map,
    header_key,
)
from leadkit.io._parse import (
    STRICT,
    ValueFormat,
    parse_amount,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_integer,
)
from leadkit.model import (
    Address,
    CustomFields,
    CustomValue,
    EngagementEvent,
    Lead,
    LeadConversion,
    Money,
    OwnerKind,
    OwnerRef,
    PersonName,
    active_statuses,
    is_required,
)
from leadkit.model._trusted import impure_factories, trusted_builder
from leadkit.model._values import _default_order

__all__ = [
    "AUTO_ENCODING",
    "JAPANESE_LEAD_HEADERS",
    "CsvRowWriter",
    "CsvSource",
    "CsvTarget",
    "Unknown",
    "csv_columns",
    "formula_safe_cell",
    "read_csv",
    "read_events_csv",
    "read_leads_csv",
    "write_csv",
    "write_events_csv",
    "write_leads_csv",
]

T = TypeVar("T")

CsvSource: TypeAlias = str | os.PathLike[str] | IO[str]
"""A path (``.gz`` is decompressed) or a text file opened with ``newline=""``."""
CsvTarget: TypeAlias = str | os.PathLike[str] | IO[str]
"""A path (``.gz`` is compressed) or a text file opened with ``newline=""``."""


_MISSING: Any = object()


# ---------------------------------------------------------------------------------------------
# The one CSV cell writer: every CSV leadkit writes goes through it
# ---------------------------------------------------------------------------------------------


class _Dialect(csv.Dialect):
    """RFC 4180: comma, double quotes, CRLF rows, so that a bare CR in a cell is quoted."""

    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL
    strict = True


_FORMULA_START = frozenset("=+-@\t\r")
_FORMULA_MARK = "'"
# Arithmetic on digits only: a number or a phone number. No letter, no function call.
_HARMLESS = re.compile(r"[+-][0-9 ().,/-]*[0-9][0-9 ().,/-]*(?:[eE][+-]?[0-9]+)?")


def _is_formula(cell: str) -> bool:
    """Would ``cell`` (after any leading ``'``) start a live formula in a spreadsheet?"""
    rest = cell.lstrip(_FORMULA_MARK)
    return bool(rest) and rest[0] in _FORMULA_START and not _HARMLESS.fullmatch(rest)


def formula_safe_cell(cell: str) -> str:
    """``cell`` as leadkit writes it to CSV: a ``'`` in front of a live formula.

    >>> formula_safe_cell("=HYPERLINK(A1)"), formula_safe_cell("+81-3-1234-5678")
    ("'=HYPERLINK(A1)", '+81-3-1234-5678')
    """
    return _FORMULA_MARK + cell if _is_formula(cell) else cell


def _read_cell(cell: str) -> str:
    """The inverse of :func:`formula_safe_cell`: one ``'`` off a neutralised formula."""
    return cell[1:] if cell.startswith(_FORMULA_MARK) and _is_formula(cell) else cell


class CsvRowWriter:
    """Writes rows of text cells in leadkit's one CSV configuration (RFC 4180, CRLF,
    minimal quoting, formulas neutralised unless ``formula_safe=False``)."""

    __slots__ = ("_formula_safe", "_writer")

    def __init__(self, handle: IO[str], *, formula_safe: bool = True) -> None:
        self._writer = csv.writer(handle, dialect=_Dialect)
        self._formula_safe = formula_safe

    def writerow(self, cells: Iterable[str]) -> None:
        """Write one row."""
        if self._formula_safe:
            cells = _safe_cells(cells)
        self._writer.writerow(cells)

    def writerows(self, rows: Iterable[Iterable[str]]) -> None:
        """Write every row (one call into the csv module)."""
        if self._formula_safe:
            rows = map(_safe_cells, rows)
        self._writer.writerows(rows)


# A cell that starts with none of these is never changed by formula_safe_cell.
_UNSAFE_START = frozenset(_FORMULA_START | {_FORMULA_MARK})


def _safe_cells(cells: Iterable[str]) -> list[str]:
    unsafe, safe = _UNSAFE_START, formula_safe_cell
    return [safe(cell) if cell and cell[0] in unsafe else cell for cell in cells]


# ---------------------------------------------------------------------------------------------
# Scalar cells
# ---------------------------------------------------------------------------------------------


@attrs.frozen
class _Context:
    """How the cells of one file are read: the value format, and whether the file is an
    export in another layout (a header map is in use), where an owner may be a bare name."""

    fmt: ValueFormat = STRICT
    lenient: bool = False


_STRICT = _Context()


@attrs.frozen
class _Scalar:
    encode: Callable[[Any], str]
    decode: Callable[[str, _Context], Any]


def _clean(cell: str) -> str:
    # Numbers and dates typed in a Japanese spreadsheet are often full-width (１２０).
    return (cell if cell.isascii() else unicodedata.normalize("NFKC", cell)).strip()


_TRUE = frozenset({"true", "yes", "y", "1", "t", "はい"})
_FALSE = frozenset({"false", "no", "n", "0", "f", "いいえ"})


def _parsed(parse: Callable[..., T], *args: Any) -> T:
    """One cell through :mod:`leadkit.io._parse`, its error as a cell error."""
    try:
        return parse(*args)
    except ValidationError as err:
        raise _CellError(err.message) from None


def _decode_integer(cell: str, ctx: _Context) -> int:
    return _parsed(parse_integer, cell)


def _decode_decimal(cell: str, ctx: _Context) -> Decimal:
    try:
        return parse_decimal(cell)
    except ValidationError:
        raise _CellError(f"expected a number such as 1200000 or 1,200.50, got {cell!r}") from None


def _decode_bool(cell: str, ctx: _Context) -> bool:
    text = _clean(cell).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _CellError(f"expected true or false, got {cell!r}")


def _int(digits: str, cell: str) -> int:
    # Python refuses to convert more than 4,300 digits (a denial-of-service guard).
    try:
        return int(digits)
    except ValueError:
        raise _CellError(f"a number of {len(digits):,} digits is too long to read") from None


def _decode_datetime(cell: str, ctx: _Context) -> datetime:
    return _parsed(parse_datetime, cell, ctx.fmt)


def _decode_date(cell: str, ctx: _Context) -> date:
    return _parsed(parse_date, cell, ctx.fmt)


def _encode_decimal(value: Decimal) -> str:
    return format(value, "f")


def _enum_scalar(cls: type[enum.Enum]) -> _Scalar:
    lookup: dict[str, enum.Enum] = {}
    for member in cls:
        lookup[member.name.lower()] = member
        lookup[str(member.value).lower()] = member
    allowed = ", ".join(str(m.value) for m in cls)

    def decode(cell: str, ctx: _Context) -> enum.Enum:
        member = lookup.get(_clean(cell).lower())
        if member is None:
            raise _CellError(f"expected one of {allowed}, got {cell!r}")
        return member

    return _Scalar(lambda member: str(member.value), decode)


def _decode_owner(cell: str, ctx: _Context) -> OwnerRef:
    try:
        return OwnerRef.parse(_clean(cell))
    except ValidationError:
        if ctx.lenient:
            # An export names its owner (a person's name or email): a user of that id.
            return OwnerRef(OwnerKind.USER, _clean(cell))
        raise _CellError(f"expected user:<id> or queue:<id>, got {cell!r}") from None


_SEPARATOR = ";"


def _encode_items(items: Iterable[str]) -> str:
    for item in items:
        if _SEPARATOR in item or item != item.strip() or not item:
            raise ValidationError(
                f"cannot write {item!r} in a {_SEPARATOR!r}-separated cell: items must be "
                f"non-empty, without {_SEPARATOR!r} and without surrounding spaces"
            )
    return _SEPARATOR.join(items)


def _decode_items(cell: str, ctx: _Context) -> list[str]:
    return [item.strip() for item in cell.split(_SEPARATOR) if item.strip()]


_SCALARS: dict[Any, _Scalar] = {
    str: _Scalar(lambda s: s, lambda cell, ctx: cell),
    int: _Scalar(str, _decode_integer),
    bool: _Scalar(lambda b: "true" if b else "false", _decode_bool),
    Decimal: _Scalar(_encode_decimal, _decode_decimal),
    datetime: _Scalar(datetime.isoformat, _decode_datetime),
    date: _Scalar(date.isoformat, _decode_date),
    OwnerRef: _Scalar(str, _decode_owner),
    frozenset[str]: _Scalar(lambda items: _encode_items(sorted(items)), _decode_items),
    tuple[str, ...]: _Scalar(_encode_items, _decode_items),
}


# ---------------------------------------------------------------------------------------------
# Custom-field cells: the type is in the spelling
# ---------------------------------------------------------------------------------------------

_TEXT_MARK = "'"
_CUSTOM_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_CUSTOM_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]*")
_CUSTOM_FLOAT = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+|-?inf|nan")
_CUSTOM_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CUSTOM_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}.*", re.DOTALL)
_CUSTOM_BOOL = {"true": True, "false": False}
_TYPED = (_CUSTOM_INT, _CUSTOM_DECIMAL, _CUSTOM_FLOAT, _CUSTOM_DATE, _CUSTOM_DATETIME)


def _encode_custom(value: CustomValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        return text if ("e" in text or text in ("inf", "-inf", "nan")) else f"{text}e0"
    if isinstance(value, Decimal):
        text = format(value, "f")
        # A bare point keeps a whole Decimal from reading back as an int, and keeps its
        # scale: Decimal("5") is written 5. and Decimal("5.0") 5.0.
        return text if "." in text else f"{text}."
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value == "" or value.startswith(_TEXT_MARK) or value in _CUSTOM_BOOL:
        return _TEXT_MARK + value
    if any(pattern.fullmatch(value) for pattern in _TYPED):
        return _TEXT_MARK + value
    return value


def _decode_custom(cell: str) -> CustomValue:
    if cell.startswith(_TEXT_MARK):
        return cell[1:]
    if cell in _CUSTOM_BOOL:
        return _CUSTOM_BOOL[cell]
    if _CUSTOM_INT.fullmatch(cell):
        return _int(cell, cell)
    if _CUSTOM_DECIMAL.fullmatch(cell):
        return Decimal(cell)
    if _CUSTOM_FLOAT.fullmatch(cell):
        return float(cell)
    hint = f"; write '{cell} to keep it as text"
    if _CUSTOM_DATE.fullmatch(cell):
        try:
            return date.fromisoformat(cell)
        except ValueError:
            raise _CellError(f"{cell!r} is not a valid date{hint}") from None
    if _CUSTOM_DATETIME.fullmatch(cell):
        try:
            moment = datetime.fromisoformat(cell)
        except ValueError:
            raise _CellError(f"{cell!r} is not a valid date-time{hint}") from None
        if moment.utcoffset() is None:
            raise _CellError(f"{cell!r} has no timezone (add Z or +09:00){hint}")
        return moment
    return cell


# ---------------------------------------------------------------------------------------------
# Columns: how each attrs field of a record maps onto cells
# ---------------------------------------------------------------------------------------------


class _Row:
    """One data row being read: its cells by column and the problems found so far."""

    __slots__ = ("cells", "ctx", "label", "line", "problems")

    def __init__(
        self,
        cells: dict[str, str],
        line: int,
        problems: list[Problem],
        ctx: _Context = _STRICT,
        label: str = "line",
    ) -> None:
        self.cells = cells
        self.line = line
        self.problems = problems
        self.ctx = ctx
        self.label = label

    def problem(self, column: str | None, message: str) -> None:
        where = f"{self.label} {self.line}" + (f", column {column}" if column else "")
        self.problems.append(Problem(where, message))


@attrs.frozen
class _ScalarColumn:
    """One field, one column."""

    attr: str
    header: str
    scalar: _Scalar
    required: bool

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header,)

    def header_of(self, attr: str) -> str:
        return self.header

    def encode(self, value: Any, out: list[str]) -> None:
        out.append("" if value is None else self.scalar.encode(value))

    def decode(self, row: _Row) -> Any:
        cell = row.cells.get(self.header, "")
        if cell == "":
            if self.required:
                row.problem(self.header, "required; the cell is empty")
            return _MISSING
        try:
            return self.scalar.decode(cell, row.ctx)
        except _CellError as err:
            row.problem(self.header, err.message)
            return _MISSING


@attrs.frozen
class _NestedColumns:
    """A value object flattened into several columns (a name, an address, money)."""

    attr: str
    cls: type
    parts: tuple[_ScalarColumn, ...]
    optional: bool
    has_default: bool

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(p.header for p in self.parts)

    def header_of(self, attr: str) -> str:
        return next((p.header for p in self.parts if p.attr == attr), self.parts[0].header)

    def encode(self, value: Any, out: list[str]) -> None:
        if value is None:
            out.extend("" for _ in self.parts)
            return
        for part in self.parts:
            sub = getattr(value, part.attr)
            if self.cls is PersonName and part.attr == "order":
                # Written only when it is not what the script implies, to keep files tidy.
                sub = None if sub == PersonName(value.family, value.given).order else sub
            part.encode(sub, out)

    def decode(self, row: _Row) -> Any:
        if all(row.cells.get(h, "") == "" for h in self.headers) and (
            self.optional or self.has_default
        ):
            return None if self.optional else _MISSING
        before = len(row.problems)
        kwargs = {}
        for part in self.parts:
            value = part.decode(row)
            if value is not _MISSING:
                kwargs[part.attr] = value
        if len(row.problems) > before:
            return _MISSING
        return _construct(self.cls, kwargs, row, self.header_of)


@attrs.frozen
class _CustomColumns:
    """A :class:`CustomFields` mapping: one ``<prefix>.<name>`` column per name."""

    attr: str

    @property
    def prefix(self) -> str:
        return f"{self.attr}."

    @property
    def headers(self) -> tuple[str, ...]:
        return ()

    def header_of(self, attr: str) -> str:
        return f"{self.prefix}{attr}" if attr else self.attr

    def decode(self, row: _Row) -> Any:
        values: dict[str, CustomValue] = {}
        for header, cell in row.cells.items():
            if header.startswith(self.prefix) and cell != "":
                try:
                    values[header[len(self.prefix) :]] = _decode_custom(cell)
                except _CellError as err:
                    row.problem(header, err.message)
        return CustomFields(values) if values else _MISSING


_Part: TypeAlias = _ScalarColumn | _NestedColumns | _CustomColumns

_PERSON_NAME_HEADERS = {
    "family": "family_name",
    "given": "given_name",
    "family_kana": "family_kana",
    "given_kana": "given_kana",
    "order": "name_order",
}
_CONVERSION_HEADERS = {
    "converted_at": "converted_at",
    "status": "converted_status",
    "account_id": "converted_account_id",
    "contact_id": "converted_contact_id",
    "opportunity_id": "converted_opportunity_id",
}


def _nested_header(owner_attr: str, cls: type, attr: str) -> str:
    if cls is PersonName:
        return _PERSON_NAME_HEADERS[attr]
    if cls is LeadConversion:
        return _CONVERSION_HEADERS[attr]
    if cls is Money:
        return owner_attr if attr == "amount" else f"{owner_attr}_{attr}"
    return f"{owner_attr}_{attr}"


def _unwrap_optional(tp: Any) -> tuple[Any, bool]:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0], True
    return tp, False


def _scalar_for(tp: Any, where: str) -> _Scalar:
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _enum_scalar(tp)
    scalar = _SCALARS.get(tp)
    if scalar is None:
        raise ValidationError(f"no CSV column type for {tp!r}", path=where)
    return scalar


def _is_required(field: attrs.Attribute[Any]) -> bool:
    return is_required(field)


_PARTS: dict[type[Any], tuple[_Part, ...]] = {}


def _parts(cls: type[Any]) -> tuple[_Part, ...]:
    parts = _PARTS.get(cls)
    if parts is None:
        parts = _PARTS[cls] = _parts_of(cls)
    return parts


def _parts_of(cls: type[Any]) -> tuple[_Part, ...]:
    if not attrs.has(cls):
        raise ValidationError(f"{cls!r} is not an attrs record type", path="record_type")
    hints = typing.get_type_hints(cls)
    parts: list[_Part] = []
    for field in attrs.fields(cls):
        if not field.init:
            continue
        tp, optional = _unwrap_optional(hints[field.name])
        where = f"{cls.__name__}.{field.name}"
        if tp is CustomFields:
            parts.append(_CustomColumns(field.alias))
        elif attrs.has(tp) and tp is not OwnerRef:
            sub_hints = typing.get_type_hints(tp)
            subs = []
            for sub in attrs.fields(tp):
                sub_tp, sub_optional = _unwrap_optional(sub_hints[sub.name])
                subs.append(
                    _ScalarColumn(
                        sub.alias,
                        _nested_header(field.alias, tp, sub.alias),
                        _scalar_for(sub_tp, f"{tp.__name__}.{sub.name}"),
                        _is_required(sub) and not sub_optional,
                    )
                )
            parts.append(
                _NestedColumns(field.alias, tp, tuple(subs), optional, not _is_required(field))
            )
        else:
            parts.append(
                _ScalarColumn(field.alias, field.alias, _scalar_for(tp, where), _is_required(field))
            )
    return tuple(parts)


def csv_columns(record_type: type) -> tuple[str, ...]:
    """The fixed CSV columns of ``record_type``, in the order they are written.

    Custom fields add one ``custom.<name>`` column each (``properties.<name>`` for an
    engagement event, ``attributes.<name>`` for a user) after these.

    >>> from leadkit.model import Queue
    >>> csv_columns(Queue)
    ('id', 'name', 'member_ids', 'email', 'version')
    """
    return tuple(h for part in _parts(record_type) for h in part.headers)


def _custom_prefixes(record_type: type) -> tuple[str, ...]:
    return tuple(p.prefix for p in _parts(record_type) if isinstance(p, _CustomColumns))


# ---------------------------------------------------------------------------------------------
# Building records, with constructor errors mapped back to columns
# ---------------------------------------------------------------------------------------------


def _construct(
    cls: type[T], kwargs: dict[str, Any], row: _Row, header_of: Callable[[str], str]
) -> T | Any:
    try:
        return cls(**kwargs)
    except LeadkitError as err:
        if err.code == "unknown_status":
            row.problem(header_of("status"), err.message)
        else:
            row.problem(_column_of(err.path, cls, header_of), err.message)
    except (TypeError, ValueError, ArithmeticError) as err:  # a guard, not a path
        row.problem(None, f"invalid record ({err})")
    return _MISSING


def _column_of(path: KeyPath, cls: type, header_of: Callable[[str], str]) -> str | None:
    if not path:
        return None
    owner, rest = str(path[0]), path[1:]
    if owner == cls.__name__:
        return header_of(format_path(rest)) if rest else None
    if owner in ("custom", "properties", "attributes"):
        # CustomFields names the offending key as ("custom", <name>).
        return f"{owner}.{rest[0]}" if rest else owner
    return header_of(format_path(path))


def _record_header_of(record_type: type) -> Callable[[str], str]:
    by_attr = {part.attr: part for part in _parts(record_type)}

    def header_of(attr: str) -> str:
        head, _, rest = attr.partition(".")
        part = by_attr.get(head)
        return part.header_of(rest) if part is not None else attr

    return header_of


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


AUTO_ENCODING = "auto"
_DETECTED = ("utf-8-sig", "cp932")


def _decode_bytes(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and its encoding: UTF-16 by its byte order mark, else UTF-8
    (with or without a BOM), else cp932 (Excel's Shift_JIS)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    for encoding in _DETECTED:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise _FileProblem("neither UTF-8 nor cp932 (Shift_JIS) text; pass the encoding")


@contextmanager
def _open_text(source: CsvSource, encoding: str) -> Iterator[tuple[IO[str], str]]:
    """``source`` opened for reading, and the encoding used (detected for ``"auto"``)."""
    if encoding != AUTO_ENCODING or not isinstance(source, str | os.PathLike):
        with _open(source, "r", "utf-8-sig" if encoding == AUTO_ENCODING else encoding) as text:
            yield text, encoding
        return
    path = Path(source)
    try:
        if path.suffix.lower() == ".gz":
            with gzip.open(path, "rb") as packed:
                data = packed.read()
        else:
            data = path.read_bytes()
    except (EOFError, zlib.error, gzip.BadGzipFile):
        raise _FileProblem("a damaged or truncated gzip file") from None
    decoded, used = _decode_bytes(data)
    yield io.StringIO(decoded, newline=""), used


@contextmanager
def _open(source: CsvSource, mode: str, encoding: str) -> Iterator[IO[str]]:
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError, ValueError):
        problem = Problem("encoding", f"unknown encoding {encoding!r}; try utf-8 or cp932")
        raise LoadError([problem], what=_name(source)) from None
    if not isinstance(source, str | os.PathLike):
        if not hasattr(source, "read" if mode == "r" else "write"):
            raise ValidationError(
                f"expected a path or a text file, got {type(source).__name__}",
                path="source" if mode == "r" else "target",
            )
        yield source
        return
    path = Path(source)
    if path.suffix.lower() == ".gz":
        with (
            open(path, mode + "b") as raw,
            # mtime=0 and no file name in the header: the same rows give the same bytes.
            gzip.GzipFile(fileobj=raw, mode=mode + "b", mtime=0, filename="") as packed,
            io.TextIOWrapper(packed, encoding=encoding, newline="") as text,
        ):
            yield text
    else:
        with open(path, mode, encoding=encoding, newline="") as text:
            yield text


def _lines(handle: IO[str], encoding: str) -> Iterator[str]:
    """The lines of ``handle``; every way the bytes can be unreadable is a :class:`_FileProblem`.

    This is the one guard of the readers: a truncated or corrupt ``.gz``, bytes that are
    not ``encoding``, NUL characters (UTF-16 without a byte order mark), a failing disk.
    """
    try:
        for line in handle:
            if not isinstance(line, str):
                raise _FileProblem("expected text: open files in text mode with newline=''")
            if "\x00" in line:
                raise _FileProblem(
                    "the text contains NUL characters: a UTF-16 file without a byte order "
                    "mark? pass encoding='utf-16-le' (or save the file as UTF-8)"
                )
            yield line
    except UnicodeError:  # undecodable bytes, or a UTF-16/32 stream without its BOM
        raise _FileProblem(
            f"not {encoding} text; pass encoding='cp932' for Shift_JIS files"
        ) from None
    except (EOFError, zlib.error, gzip.BadGzipFile):
        raise _FileProblem("a damaged or truncated gzip file") from None
    except OSError as err:
        raise _FileProblem(f"cannot read: {err.strerror or err}") from None


def _name(source: CsvSource) -> str:
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    return str(getattr(source, "name", "CSV"))


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


Unknown: TypeAlias = Literal["error", "custom", "ignore"]
"""What to do with a column no header map or layout knows: fail the file (``error``),
keep its cells as text custom fields (``custom``) or leave it out (``ignore``)."""

_UNKNOWN = ("error", "custom", "ignore")


@attrs.frozen
class _Header:
    columns: list[str | None]
    problems: list[Problem]
    ignored: list[str]
    custom: list[str]


def _custom_name(header: str) -> str | None:
    """A custom field name for an unknown header (``Favourite Colour`` → ``favourite_colour``);
    ``None`` when the header has no letters or digits in ASCII."""
    text = unicodedata.normalize("NFKC", header).strip().lower()
    name = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if not name:
        return None
    return name if not name[0].isdigit() else f"c_{name}"


# The headers an import may name a lead's campaign by (issue 20): the campaign the row
# responded to, kept as ``custom.campaign_id`` (see leadkit.intake.record_campaign_responses).
CAMPAIGN_HEADERS = frozenset(
    header_key(h)
    for h in (
        "campaign",
        "campaign id",
        "campaign_id",
        "campaign name",
        "lead campaign",
        "キャンペーン",
        "キャンペーンid",
        "キャンペーン id",
        "キャンペーン名",
        "施策",
        "施策名",
    )
)
CAMPAIGN_COLUMN = "custom.campaign_id"


def _campaign_alias(record_type: type, name: str) -> str | None:
    if record_type is Lead and header_key(name) in CAMPAIGN_HEADERS:
        return CAMPAIGN_COLUMN
    return None


def _map_header(
    header: list[str], record_type: type, header_map: HeaderMap | None, unknown: Unknown = "error"
) -> _Header:
    """The documented column each header cell stands for (None: ignored), and problems."""
    known = set(csv_columns(record_type))
    prefixes = _custom_prefixes(record_type)
    required = {
        h
        for part in _parts(record_type)
        if isinstance(part, _ScalarColumn) and part.required
        for h in part.headers
    } | {
        sub.header
        for part in _parts(record_type)
        if isinstance(part, _NestedColumns) and not part.optional and not part.has_default
        for sub in part.parts
        if sub.required
    }
    out = _Header([], [], [], [])
    seen: set[str] = set()
    for position, raw in enumerate(header, start=1):
        name = raw.lstrip("\ufeff").strip() if position == 1 else raw.strip()
        if header_map is not None and header_map.knows(name):
            mapped = header_map.column(name)
            if mapped is None:
                out.columns.append(None)
                continue
            name = mapped
        elif (alias := _campaign_alias(record_type, name)) is not None:
            name = alias
        where = f"line 1, column {name or position}"
        if name in seen:
            out.problems.append(Problem(where, "appears twice"))
        elif name in known:
            pass
        elif prefix := next((p for p in prefixes if name.startswith(p)), None):
            field = name[len(prefix) :]
            if not field.isidentifier() or not field.isascii():
                out.problems.append(
                    Problem(where, "custom field names must be identifiers (letters, digits, _)")
                )
        elif unknown != "error":
            custom = _custom_name(name) if unknown == "custom" and prefixes else None
            column = f"{prefixes[0]}{custom}" if custom else None
            if column is None or column in seen or column in known:
                out.ignored.append(name)
                out.columns.append(None)
                continue
            out.custom.append(name)
            seen.add(column)
            out.columns.append(column)
            continue
        else:
            guess = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"did you mean {guess[0]}? " if guess else ""
            custom_hint = f", or {prefixes[0]}<name> for a custom field" if prefixes else ""
            out.problems.append(
                Problem(
                    where,
                    f"unknown column; {hint}csv_columns({record_type.__name__}) lists the "
                    f"columns{custom_hint}; map other names with header_map (to None to "
                    "ignore), or pass unknown='custom' or 'ignore'",
                )
            )
        seen.add(name)
        out.columns.append(name)
    for missing in sorted(required - seen):
        out.problems.append(Problem("line 1", f"missing required column {missing}"))
    return out


@attrs.frozen
class _Special:
    """Columns whose cells are translated before they are read: countries by name,
    amounts with their currency, statuses by label."""

    countries: tuple[str, ...]
    amounts: tuple[tuple[str, str], ...]
    status: str | None


_SPECIAL: dict[type[Any], _Special] = {}


def _special(record_type: type) -> _Special:
    special = _SPECIAL.get(record_type)
    if special is None:
        countries: list[str] = []
        amounts: list[tuple[str, str]] = []
        for part in _parts(record_type):
            if isinstance(part, _NestedColumns) and part.cls is Address:
                countries.append(part.header_of("country"))
            elif isinstance(part, _NestedColumns) and part.cls is Money:
                amounts.append((part.header_of("amount"), part.header_of("currency")))
        status = "status" if record_type is Lead else None
        special = _SPECIAL[record_type] = _Special(tuple(countries), tuple(amounts), status)
    return special


def _translate(row: _Row, special: _Special, header_map: HeaderMap | None) -> None:
    """Value maps of the header map, country names, amounts with a currency, status
    labels (未対応) as what the columns read."""
    cells = row.cells
    if header_map is not None and header_map.values:
        for column, cell in cells.items():
            if cell and column in header_map.values:
                cells[column] = header_map.value(column, cell)
    for column in special.countries:
        cell = cells.get(column, "").strip()
        if cell:
            code = country_code(cell)
            if code is None:
                row.problem(
                    column,
                    f"unknown country {cell!r}; write an ISO code such as JP or a name "
                    "such as Japan or 日本",
                )
                cells[column] = ""
            else:
                cells[column] = code
    for amount_column, currency_column in special.amounts:
        cell = cells.get(amount_column, "")
        if not cell.strip():
            continue
        try:
            amount, named = parse_amount(cell, currency=row.ctx.fmt.currency)
        except ValidationError:
            continue  # the amount's own column reports it
        cells[amount_column] = format(amount, "f")
        given = cells.get(currency_column, "").strip().upper()
        if not given and named:
            cells[currency_column] = named
        elif given and named and given != named and named != row.ctx.fmt.currency:
            row.problem(amount_column, f"{cell!r} is in {named}, the currency column says {given}")
    if special.status is not None and (cell := cells.get(special.status, "").strip()):
        cells[special.status] = _status_name(cell)


def _status_name(cell: str) -> str:
    statuses = active_statuses()
    if cell in statuses:
        return cell
    for status in statuses:
        if cell == status.label or cell.casefold() == status.api_name.casefold():
            return status.api_name
    return cell


# ---------------------------------------------------------------------------------------------
# The column plan: one file's rows read by column, each distinct cell decoded once
# ---------------------------------------------------------------------------------------------

# Distinct cells one column remembers: picklists and repeating text, never a whole column
# of unique values.
_MEMO_LIMIT = 4096
_FAILED: Any = object()


class _Memo:
    """One pure function of a cell, remembered per distinct cell (up to a limit); a
    :class:`_CellError` (or a ``ValidationError``) is remembered as :data:`_FAILED`."""

    __slots__ = ("compute", "known")

    def __init__(self, compute: Callable[[str], Any]) -> None:
        self.compute = compute
        self.known: dict[str, Any] = {}

    def __call__(self, cell: str) -> Any:
        known = self.known
        value = known.get(cell, _MISSING)
        if value is _MISSING:
            try:
                value = self.compute(cell)
            except (_CellError, ValidationError):
                value = _FAILED
            if len(known) < _MEMO_LIMIT:
                known[cell] = value
        return value


class _ColumnPlan:
    """How the rows of one file are read, planned once from its header: the position of
    every cell each part reads, one remembering decoder per column, and one trusted
    builder (:func:`leadkit.model._trusted.trusted_builder`) for the records.

    :meth:`read` gives a record, or ``_MISSING`` when the row has any problem; the caller
    then reads that row again with the per-cell reference path (:func:`_read_row`), which
    reports every problem with its line and column. A record is given only when the
    reference path would give an equal one: the decoders are the reference decoders,
    remembered, value objects are built by their classes (and shared between rows with
    the same cells: they are immutable), and the record by the trusted builder, which
    runs the class's converters, validators and post-init checks. When the builder
    refuses the values, :meth:`read` returns :class:`_Refused` with the values, so that
    the record is built once more by its class (for the error), without calling the id
    factory twice.
    """

    def __init__(
        self,
        record_type: type,
        columns: Sequence[str | None],
        header_map: HeaderMap | None,
        ctx: _Context,
        builder: Callable[..., Any],
    ) -> None:
        self.ctx = ctx
        self.width = len(columns)
        self.builder = builder
        position: dict[str, int] = {c: i for i, c in enumerate(columns) if c is not None}
        padding: list[str] = []

        def at(header: str) -> int:
            # Columns the file does not have read as empty cells (and may be filled in by
            # the translation, as a currency named in the amount is).
            if header not in position:
                position[header] = self.width + len(padding)
                padding.append("")
            return position[header]

        parts = _parts(record_type)
        special = _special(record_type)
        # The translation, in the order _translate applies it.
        self.value_maps: list[tuple[int, _Memo]] = []
        if header_map is not None and header_map.values:
            for i, column in enumerate(columns):
                if column is not None and column in header_map.values:
                    self.value_maps.append((i, _Memo(functools.partial(header_map.value, column))))
        self.countries = [(at(c), _Memo(_country_or_fail)) for c in special.countries]
        currency = ctx.fmt.currency
        self.amounts = [
            (at(a), at(c), _Memo(lambda cell: parse_amount(cell, currency=currency)))
            for a, c in special.amounts
        ]
        self.status = None if special.status is None else (at(special.status), _Memo(_status_name))
        self.translate = bool(
            special.countries or special.amounts or special.status
            or (header_map and header_map.values)
        )  # fmt: skip
        self.parts: list[tuple[int, Any, Any]] = []
        for part in parts:
            if isinstance(part, _ScalarColumn):
                self.parts.append((0, part, (at(part.header), self._decoder(part))))
            elif isinstance(part, _NestedColumns):
                indexes = tuple(at(h) for h in part.headers)
                subs = [(sub, self._decoder(sub)) for sub in part.parts]
                nested = trusted_builder(part.cls)
                self.parts.append((1, part, (indexes, {}, subs, nested)))
            else:
                customs = [
                    (i, column[len(part.prefix) :])
                    for i, column in enumerate(columns)
                    if column is not None and column.startswith(part.prefix)
                ]
                self.parts.append((2, part, customs))
        self.padding = padding
        self.custom_cells = _Memo(_decode_custom)
        # Called here, not by the builder: a record it refuses is built again by its
        # class with the same id, and the id factory is asked once per record.
        self.factories = impure_factories(record_type)
        self.read: Callable[[list[str]], Any] = self._compile()

    def _decoder(self, part: _ScalarColumn) -> Callable[[str], Any]:
        decode, ctx = part.scalar.decode, self.ctx
        if part.scalar is _SCALARS[str]:
            return _identity
        if part.scalar in (_SCALARS[frozenset[str]], _SCALARS[tuple[str, ...]]):
            # A new list for every record, as the reference gives (it is mutable).
            def items(cell: str) -> Any:
                try:
                    return decode(cell, ctx)
                except _CellError:
                    return _FAILED

            return items
        return _Memo(lambda cell: decode(cell, ctx))

    def _compile(self) -> Callable[[list[str]], Any]:
        """The row reader of this plan as one generated function: a straight run over the
        parts, each cell looked up in its column's memory (no loop, no dispatch)."""
        env: dict[str, Any] = {
            "NOTHING": attrs.NOTHING,
            "MISSING": _MISSING,
            "FAILED": _FAILED,
            "Refused": _Refused,
            "CustomFields": CustomFields,
            "LeadkitError": LeadkitError,
            "builder": self.builder,
            "padding": self.padding,
            "custom_known": self.custom_cells.known,
            "custom_memo": self.custom_cells,
        }
        # A copy when the translation writes into the cells (the row is kept as read).
        first = "raw + padding" if self.padding else "list(raw)" if self.translate else "raw"
        lines = ["def read(raw):", f"    cells = {first}"]
        if self.translate:
            lines += self._translate_lines(env)
        names: list[str] = []
        for n, (kind, part, how) in enumerate(self.parts):
            var = f"v{n}"
            names.append(part.attr)
            if kind == 0:
                index, decode = how
                lines += _scalar_lines(f"{n}", part, decode, var, f"cells[{index}]", env)
            elif kind == 1:
                indexes, known, subs, nested = how
                env[f"known{n}"] = known
                if nested is None:
                    remember = functools.partial(self._remember, part, known, subs, nested)
                    env[f"nested{n}"] = lambda *key, remember=remember: remember(key)
                else:
                    env[f"nested{n}"] = _nested_reader(n, part, known, subs, nested, env)
                key = "".join(f"cells[{i}], " for i in indexes)
                lines += [
                    f"    key = ({key})",
                    f"    {var} = known{n}.get(key, FAILED)",
                    f"    if {var} is FAILED:",
                    f"        {var} = nested{n}(*key)",
                    f"        if {var} is FAILED: return MISSING",
                    f"    if {var} is MISSING: {var} = NOTHING",
                ]
            else:
                lines.append("    values = {}")
                for index, name in how:
                    lines += [
                        f"    c = cells[{index}]",
                        "    if c != '':",
                        "        x = custom_known.get(c, NOTHING)",
                        "        if x is NOTHING: x = custom_memo(c)",
                        "        if x is FAILED: return MISSING",
                        f"        values[{name!r}] = x",
                    ]
                lines += [
                    f"    {var} = NOTHING",
                    "    if values:",
                    "        try:",
                    f"            {var} = CustomFields(values)",
                    "        except LeadkitError:",
                    "            return MISSING",
                ]
        by_name = {name: f"v{n}" for n, name in enumerate(names)}
        for k, (name, factory) in enumerate(self.factories):
            if name in by_name:
                env[f"factory{k}"] = factory
                lines.append(f"    if {by_name[name]} is NOTHING: {by_name[name]} = factory{k}()")
        call = ", ".join(f"{name}={var}" for name, var in by_name.items())
        given = ", ".join(f"({name!r}, {var})" for name, var in by_name.items())
        lines += [
            "    try:",
            f"        return builder({call})",
            "    except Exception:  # the class itself says what was wrong",
            f"        return Refused({{k: v for k, v in ({given},) if v is not NOTHING}})",
        ]
        source = "\n".join(lines) + "\n"
        exec(compile(source, "<leadkit CSV column plan>", "exec"), env)
        read: Callable[[list[str]], Any] = env["read"]
        return read

    def _remember(
        self,
        part: _NestedColumns,
        known: dict[tuple[str, ...], Any],
        subs: list[tuple[_ScalarColumn, Callable[[str], Any]]],
        nested: Callable[..., Any] | None,
        key: tuple[str, ...],
    ) -> Any:
        value = self._nested(part, key, subs, nested)
        if value is not _FAILED and len(known) < _MEMO_LIMIT:
            known[key] = value
        return value

    def _nested(
        self,
        part: _NestedColumns,
        key: tuple[str, ...],
        subs: list[tuple[_ScalarColumn, Callable[[str], Any]]],
        nested: Callable[..., Any] | None,
    ) -> Any:
        """The value object of these cells (``_MISSING``: not given), or ``_FAILED``
        when the reference path (:meth:`_NestedColumns.decode`) finds a problem."""
        if nested is None:
            row = _Row(dict(zip(part.headers, key, strict=True)), 0, [], self.ctx)
            value = part.decode(row)
            return _FAILED if row.problems else value
        if (part.optional or part.has_default) and not any(key):
            return None if part.optional else _MISSING
        kwargs: dict[str, Any] = {}
        for cell, (sub, decode) in zip(key, subs, strict=True):
            if cell == "":
                if sub.required:
                    return _FAILED
                continue
            value = decode(cell)
            if value is _FAILED:
                return _FAILED
            kwargs[sub.attr] = value
        try:
            return nested(**kwargs)
        except Exception:  # the reference path reports it
            return _FAILED

    def _translate_lines(self, env: dict[str, Any]) -> list[str]:
        """Generated code for :meth:`_translate` (the same steps in the same order), out
        with ``MISSING`` at a problem."""
        lines = []
        for k, (index, memo) in enumerate(self.value_maps):
            env[f"value_map{k}"] = memo
            lines += [f"    c = cells[{index}]", f"    if c: cells[{index}] = value_map{k}(c)"]
        for k, (index, memo) in enumerate(self.countries):
            env[f"country_known{k}"], env[f"country{k}"] = memo.known, memo
            lines += [
                f"    c = cells[{index}].strip()",
                "    if c:",
                f"        x = country_known{k}.get(c, NOTHING)",
                f"        if x is NOTHING: x = country{k}(c)",
                "        if x is FAILED: return MISSING",
                f"        cells[{index}] = x",
            ]
        for k, (amount_index, currency_index, memo) in enumerate(self.amounts):
            env[f"amount{k}"] = functools.partial(self._amount, amount_index, currency_index, memo)
            lines.append(f"    if cells[{amount_index}].strip() and not amount{k}(cells):")
            lines.append("        return MISSING")
        if self.status is not None:
            index, memo = self.status
            env["status_known"], env["status"] = memo.known, memo
            lines += [
                f"    c = cells[{index}].strip()",
                "    if c:",
                "        x = status_known.get(c, NOTHING)",
                "        if x is NOTHING: x = status(c)",
                f"        cells[{index}] = x",
            ]
        return lines

    def _amount(
        self, amount_index: int, currency_index: int, memo: _Memo, cells: list[str]
    ) -> bool:
        """An amount with its currency, as :func:`_translate` reads it: False at a problem."""
        parsed = memo(cells[amount_index])
        if parsed is _FAILED:
            return True  # the amount's own column reports it
        amount, named = parsed
        cells[amount_index] = format(amount, "f")
        given = cells[currency_index].strip().upper()
        if not given and named:
            cells[currency_index] = named
        elif given and named and given != named and named != self.ctx.fmt.currency:
            return False
        return True


def _scalar_lines(
    n: str, part: _ScalarColumn, decode: Any, var: str, cell: str, env: dict[str, Any]
) -> list[str]:
    """Generated code: one scalar cell into ``var`` (``NOTHING``: not given), or out with
    ``MISSING`` at a problem (an empty required cell, a cell that does not decode)."""
    empty = "return MISSING" if part.required else f"{var} = NOTHING"
    lines = [f"    c = {cell}", f"    if c == '': {empty}"]
    if isinstance(decode, _Memo) and part.scalar is _SCALARS[datetime]:
        # parse_datetime's own fast path (ISO 8601 with an offset, as leadkit writes it),
        # inline: date-times are mostly distinct, not worth remembering.
        env[f"memo{n}"], env["fromisoformat"] = decode, datetime.fromisoformat
        return [
            *lines,
            "    elif len(c) > 10 and c[4:5] == '-' and c.isascii():",
            "        try:",
            f"            {var} = fromisoformat(c)",
            "        except ValueError:",
            f"            {var} = memo{n}(c)",
            "        else:",
            f"            if {var}.utcoffset() is None: {var} = memo{n}(c)",
            f"        if {var} is FAILED: return MISSING",
            "    else:",
            f"        {var} = memo{n}(c)",
            f"        if {var} is FAILED: return MISSING",
        ]
    if isinstance(decode, _Memo):
        env[f"known{n}"], env[f"memo{n}"] = decode.known, decode
        return [
            *lines,
            "    else:",
            f"        {var} = known{n}.get(c, NOTHING)",
            f"        if {var} is NOTHING: {var} = memo{n}(c)",
            f"        if {var} is FAILED: return MISSING",
        ]
    if decode is _identity:
        return [*lines, f"    else: {var} = c"]
    env[f"decode{n}"] = decode
    return [
        *lines,
        "    else:",
        f"        {var} = decode{n}(c)",
        f"        if {var} is FAILED: return MISSING",
    ]


def _nested_reader(
    n: int,
    part: _NestedColumns,
    known: dict[tuple[str, ...], Any],
    subs: list[tuple[_ScalarColumn, Callable[[str], Any]]],
    nested: Callable[..., Any],
    env: dict[str, Any],
) -> Callable[..., Any]:
    """A generated reader of one value object from its cells, as
    :meth:`_NestedColumns.decode` reads it: ``None`` (or ``_MISSING``) when every cell is
    empty, else the object, remembered by its cells; ``_FAILED`` at any problem."""
    local: dict[str, Any] = {
        "NOTHING": attrs.NOTHING,
        "MISSING": _MISSING,
        "FAILED": _FAILED,
        "LIMIT": _MEMO_LIMIT,
        "known": known,
        "build": nested,
    }
    cells = [f"c{k}" for k in range(len(subs))]
    lines = [f"def nested({', '.join(cells)}):"]
    if part.optional or part.has_default:
        lines.append(
            f"    if {' and '.join(f'{c} == {chr(39) * 2}' for c in cells)}: "
            f"return {'None' if part.optional else 'MISSING'}"
        )
    body = []
    for k, (sub, decode) in enumerate(subs):
        body += _scalar_lines(f"{n}_{k}", sub, decode, f"s{k}", f"c{k}", local)
    # A problem in a sub-cell is _FAILED here (the row is then read cell by cell).
    lines += [line.replace("return MISSING", "return FAILED") for line in body]
    call = ", ".join(f"{sub.attr}=s{k}" for k, (sub, _) in enumerate(subs))
    lines += [
        "    try:",
        f"        value = build({call})",
        "    except Exception:  # the reference path reports it",
        "        return FAILED",
        f"    if len(known) < LIMIT: known[({''.join(c + ', ' for c in cells)})] = value",
        "    return value",
    ]
    exec(compile("\n".join(lines) + "\n", "<leadkit CSV value object>", "exec"), local)
    reader: Callable[..., Any] = local["nested"]
    return reader


def _identity(cell: str) -> str:
    return cell


@attrs.frozen
class _Refused:
    """Values the trusted builder refused: the record's class builds them again to say why."""

    kwargs: dict[str, Any]


def _country_or_fail(cell: str) -> str:
    code = country_code(cell)
    if code is None:
        raise _CellError("unknown country")
    return code


def _column_plan(
    record_type: type, columns: Sequence[str | None], header_map: HeaderMap | None, ctx: _Context
) -> _ColumnPlan | None:
    """The column plan of a file, or ``None`` when only the reference path can read it."""
    builder = trusted_builder(record_type)
    if builder is None:
        return None
    return _ColumnPlan(record_type, columns, header_map, ctx, builder)


@attrs.frozen
class _Table:
    """What one file held: the records, the line (or record number) and the cells of
    each, the header as written, and the columns left out or kept as custom fields."""

    records: list[Any]
    lines: list[int]
    rows: list[dict[str, str]]
    header: list[str]
    ignored: list[str]
    custom: list[str]
    header_map: HeaderMap | None
    encoding: str | None


def _read_table(
    record_type: type,
    header: list[str] | None,
    rows: Iterable[tuple[int, list[str]]],
    *,
    what: str,
    header_map: HeaderMap | None,
    unknown: Unknown,
    ctx: _Context,
    label: str = "line",
    encoding: str | None = None,
    keep_rows: bool = False,
    fast: bool = True,
) -> _Table:
    """Records from a header and rows of text cells (CSV, JSON): every problem collected
    into one :class:`LoadError`, or every record (with its line and cells if
    ``keep_rows``).

    Rows are read by the file's column plan (:class:`_ColumnPlan`); a row with a problem
    is read again cell by cell (:func:`_read_row`), which reports it. ``fast=False``
    reads every row cell by cell: the reference the column plan is tested against."""
    if unknown not in _UNKNOWN:
        raise ValidationError(
            f"unknown must be one of {', '.join(_UNKNOWN)}, got {unknown!r}", path="unknown"
        )
    if header is None:
        raise LoadError([Problem("line 1", "the file is empty; expected a header")], what=what)
    mapped = _map_header(header, record_type, header_map, unknown)
    if mapped.problems:
        raise LoadError(mapped.problems, what=what)
    parts = _parts(record_type)
    header_of = _record_header_of(record_type)
    special = _special(record_type)
    translate = bool(
        special.countries or special.amounts or special.status or (header_map and header_map.values)
    )
    table = _Table([], [], [], header, mapped.ignored, mapped.custom, header_map, encoding)
    problems: list[Problem] = []
    plan = _column_plan(record_type, mapped.columns, header_map, ctx) if fast else None
    width = len(mapped.columns)
    try:
        for line, cells in rows:
            if not cells or (len(cells) == 1 and cells[0] == ""):
                continue
            record = _MISSING if plan is None or len(cells) != width else plan.read(cells)
            if record is not _MISSING and record.__class__ is not _Refused:
                table.records.append(record)
                if keep_rows:
                    table.lines.append(line)
                    table.rows.append(dict(zip(header, cells, strict=True)))
                continue
            row = _Row({}, line, problems, ctx, label)
            if len(cells) != width:
                row.problem(None, f"expected {width} cells, found {len(cells)}")
                continue
            before = len(problems)
            if record is not _MISSING:  # decoded, refused by the builder: ask the class why
                record = _construct(record_type, record.kwargs, row, header_of)
            else:
                row.cells = {
                    c: v for c, v in zip(mapped.columns, cells, strict=True) if c is not None
                }
                if translate:
                    _translate(row, special, header_map)
                record = _read_row(record_type, parts, row, header_of)
            if record is not _MISSING and len(problems) == before:
                table.records.append(record)
                if keep_rows:
                    table.lines.append(line)
                    table.rows.append(dict(zip(header, cells, strict=True)))
    except _FileProblem as err:
        problems.append(Problem(err.where or what, err.message))
    if problems:
        raise LoadError(problems, what=what)
    return table


def _csv_rows(reader: Any, formula_safe: bool) -> Iterator[tuple[int, list[str]]]:
    line = reader.line_num + 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            yield start, [_read_cell(c) for c in cells] if formula_safe else cells
    except csv.Error as err:
        raise _FileProblem(f"malformed CSV: {err}", where=f"line {reader.line_num}") from None


def _read_csv_table(
    source: CsvSource,
    record_type: type,
    *,
    header_map: HeaderMap | Mapping[str, str | None] | str | None,
    encoding: str,
    formula_safe: bool,
    unknown: Unknown | None,
    values: ValueFormat | None,
    keep_rows: bool = False,
    fast: bool = True,
) -> _Table:
    what = _name(source)
    try:
        with _open_text(source, encoding) as (handle, used):
            reader = csv.reader(_lines(handle, used), strict=True)
            rows = _csv_rows(reader, formula_safe)
            first = next(rows, None)
            header = first[1] if first is not None else None
            chosen = _choose_map(header_map, header)
            ctx = _Context(values or STRICT, lenient=chosen is not None)
            # Exports carry many columns leadkit has no use for; its own layout is strict.
            resolved: Unknown = unknown or ("error" if chosen is None else "ignore")
            return _read_table(
                record_type, header, rows, what=what, header_map=chosen,
                unknown=resolved, ctx=ctx, encoding=used, keep_rows=keep_rows, fast=fast,
            )  # fmt: skip
    except _FileProblem as err:
        raise LoadError([Problem(err.where or what, err.message)], what=what) from None
    except OSError as err:
        raise LoadError([Problem(what, f"cannot read: {err.strerror or err}")], what=what) from None


def _choose_map(
    header_map: HeaderMap | Mapping[str, str | None] | str | None, header: list[str] | None
) -> HeaderMap | None:
    """The header map in force: given, named (``"salesforce"``), or detected (``"auto"``)."""
    if isinstance(header_map, str):
        if header_map == "auto":
            if header is None:
                return None
            detected = detect_header_map(header)
            # A Japanese CRM's headers beside leadkit's own (id, 姓, 会社名 ...).
            if detected is None and any(JAPANESE_CRM_HEADERS.knows(h) for h in header):
                return JAPANESE_CRM_HEADERS
            return detected
        if header_map not in HEADER_MAPS:
            raise ValidationError(
                f"unknown header map {header_map!r}; one of auto, {', '.join(HEADER_MAPS)}",
                path="header_map",
            )
        return HEADER_MAPS[header_map]
    return as_header_map(header_map)


def read_csv(
    source: CsvSource,
    record_type: type[T],
    *,
    header_map: HeaderMap | Mapping[str, str | None] | str | None = None,
    encoding: str = "utf-8-sig",
    formula_safe: bool = True,
    unknown: Unknown = "error",
    values: ValueFormat | None = None,
) -> list[T]:
    """Read a CSV table of ``record_type`` records (see :func:`csv_columns`).

    The first row is the header. ``header_map`` maps other header names onto the
    documented ones: a :class:`~leadkit.io.HeaderMap`, a plain mapping
    (``{"会社名": "company"}``; a header mapped to ``None`` is ignored), the name of a
    shipped map (``"salesforce"``, ``"hubspot"``, ``"japanese"``) or ``"auto"`` to detect
    it from the header row. With a header map, an owner may be a bare name or email (a
    user of that id). ``unknown`` says what a column nobody knows does: ``"error"`` (the
    default), ``"custom"`` (kept as a text custom field named after the header) or
    ``"ignore"``.

    An empty cell means "not given". Numbers and dates go through one parser
    (:func:`~leadkit.io.parse_integer`, :func:`~leadkit.io.parse_datetime`): full-width,
    thousands separators and units (``1,200名``, ``¥3,000,000``, ``3億円``), dates such as
    ``2026/4/1`` or ``2026年4月1日``; ``values`` (a :class:`~leadkit.io.ValueFormat`) says
    how to read ``4/1/2026``, which time zone naive date-times are in and the default
    currency. Countries may be named (``Japan``, ``日本``, ``USA``); statuses may be
    written by their label (``未対応``). Blank lines are ignored.

    ``encoding="auto"`` reads UTF-8 (with or without a BOM), else cp932 (Excel's
    Shift_JIS). A cell that :func:`write_csv` neutralised as a formula (``'=SUM(A1)``)
    reads back without its ``'``; ``formula_safe=False`` reads every cell exactly as it is.

    Every problem is collected, with its line and column, into one
    :class:`~leadkit.errors.LoadError`; nothing is returned unless every row is good. So
    is a file that cannot be read at all (missing, a damaged ``.gz``, not ``encoding``
    text, UTF-16 without a byte order mark, an unknown encoding name).

    >>> import io
    >>> from leadkit.model import Lead
    >>> text = "姓,会社名,従業員数,作成日時\\n山田,ABC,many,2026-04-01T09:00:00+09:00\\n"
    >>> read_csv(io.StringIO(text), Lead, header_map=JAPANESE_LEAD_HEADERS)
    Traceback (most recent call last):
    ...
    leadkit.errors.LoadError: 1 problem(s) in CSV:
      - line 2, column employees: expected an integer, got 'many'
    """
    table = _read_csv_table(
        source, record_type, header_map=header_map, encoding=encoding,
        formula_safe=formula_safe, unknown=unknown, values=values,
    )  # fmt: skip
    return table.records


def _read_row(
    record_type: type[T], parts: tuple[_Part, ...], row: _Row, header_of: Callable[[str], str]
) -> T | Any:
    before = len(row.problems)
    kwargs: dict[str, Any] = {}
    for part in parts:
        value = part.decode(row)
        if value is not _MISSING:
            kwargs[part.attr] = value
    if len(row.problems) > before:
        return _MISSING
    return _construct(record_type, kwargs, row, header_of)


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def write_csv(
    records: Iterable[T],
    target: CsvTarget,
    record_type: type[T],
    *,
    encoding: str = "utf-8",
    formula_safe: bool = True,
) -> int:
    """Write ``records`` as a CSV table with a header; return the number of rows written.

    Columns are :func:`csv_columns` of ``record_type`` followed by one column per custom
    field name used by any record, in name order. A path ending in ``.gz`` is written
    gzip-compressed (byte-for-byte reproducible). Use ``encoding="utf-8-sig"`` for a file
    that Excel opens with Japanese intact.

    Cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, a tab or
    a carriage return first; plain numbers and phone numbers excepted) are written with a
    leading ``'``, which :func:`read_csv` removes again; ``formula_safe=False`` writes
    them untouched, for files only programs read. Rows end with CRLF (RFC 4180).

    >>> import io
    >>> from datetime import UTC, datetime
    >>> from leadkit.model import Lead, PersonName
    >>> out = io.StringIO()
    >>> lead = Lead(id="lead-1", name=PersonName("Smith", "Jo"), company="Acme, Inc.",
    ...             created_at=datetime(2026, 4, 1, tzinfo=UTC), custom={"seats": 20})
    >>> write_csv([lead], out, Lead)
    1
    >>> read_csv(io.StringIO(out.getvalue()), Lead) == [lead]
    True
    """
    rows = list(records)
    parts = _parts(record_type)
    for index, record in enumerate(rows):
        if not isinstance(record, record_type):
            raise ValidationError(
                f"expected {record_type.__name__}, got {type(record).__name__}",
                path=f"records[{index}]",
            )
    custom_names: dict[str, list[str]] = {}
    for part in parts:
        if isinstance(part, _CustomColumns):
            names: set[str] = set()
            for record in rows:
                names.update(getattr(record, part.attr))
            custom_names[part.attr] = sorted(names)
    header = list(csv_columns(record_type))
    for part in parts:
        if isinstance(part, _CustomColumns):
            header.extend(part.prefix + name for name in custom_names[part.attr])
    try:
        with _open(target, "w", encoding) as handle:
            writer = CsvRowWriter(handle, formula_safe=formula_safe)
            writer.writerow(header)
            writer.writerows(map(_row_encoder(record_type, parts, custom_names), rows))
    except OSError as err:
        raise LoadError(
            [Problem(_name(target), f"cannot write: {err.strerror or err}")], what=_name(target)
        ) from None
    except UnicodeEncodeError as err:
        shown = err.object[err.start : err.end]
        raise LoadError(
            [Problem(_name(target), f"{shown!r} cannot be written in {encoding}; try utf-8")],
            what=_name(target),
        ) from None
    except TypeError:
        raise ValidationError(
            "cannot write text to this target; open files in text mode with newline=''",
            path="target",
        ) from None
    return len(rows)


def _row_encoder(
    record_type: type, parts: Sequence[_Part], custom_names: Mapping[str, list[str]]
) -> Callable[[Any], list[str]]:
    """:func:`_encode_record` for one file as generated code: one list display of every
    cell, text fields taken as they are, the encoding of repeating values (enums, owners,
    flags) remembered."""
    env: dict[str, Any] = {
        "encode_custom": _encode_custom,
        # The order PersonName gives a name when none is given: its own default factory.
        "implied_order": _default_order,
        "str": str,
    }
    heads: list[str] = []
    cells: list[str] = []

    def scalar(n: str, column: _ScalarColumn, value: str) -> str:
        encode = column.scalar.encode
        if column.scalar is _SCALARS[str]:
            return f'("" if (x := {value}) is None else x)'
        if column.scalar is _SCALARS[bool]:
            return f'("" if (x := {value}) is None else "true" if x else "false")'
        env[f"enc{n}"] = encode
        if column.scalar is _SCALARS[int]:
            return f'("" if (x := {value}) is None else str(x))'
        return f'("" if (x := {value}) is None else enc{n}(x))'

    for n, part in enumerate(parts):
        if isinstance(part, _ScalarColumn):
            cells.append(scalar(f"{n}", part, f"r.{part.attr}"))
        elif isinstance(part, _NestedColumns):
            heads.append(f"    o{n} = r.{part.attr}")
            for k, sub in enumerate(part.parts):
                value = f"o{n}.{sub.attr}"
                if part.cls is PersonName and sub.attr == "order":
                    # Written only when it is not what the script implies, to keep files tidy.
                    env[f"enc{n}_{k}"] = sub.scalar.encode
                    cells.append(
                        f'("" if o{n} is None or (x := {value}) is None '
                        f"or x is implied_order(o{n}) else enc{n}_{k}(x))"
                    )
                    continue
                cells.append(f'("" if o{n} is None else {scalar(f"{n}_{k}", sub, value)})')
    for n, part in enumerate(parts):
        if isinstance(part, _CustomColumns):
            heads.append(f"    u{n} = r.{part.attr}")
            for k, name in enumerate(custom_names[part.attr]):
                env[f"name{n}_{k}"] = name
                cells.append(f'(encode_custom(u{n}[name{n}_{k}]) if name{n}_{k} in u{n} else "")')
    source = "def encode(r):\n" + "".join(h + "\n" for h in heads)
    source += "    return [\n" + "".join(f"        {c},\n" for c in cells) + "    ]\n"
    exec(compile(source, f"<leadkit CSV writer {record_type.__qualname__}>", "exec"), env)
    encoder: Callable[[Any], list[str]] = env["encode"]
    return encoder


def _encode_record(
    record: object, parts: Sequence[_Part], custom_names: Mapping[str, list[str]]
) -> list[str]:
    out: list[str] = []
    for part in parts:
        if not isinstance(part, _CustomColumns):
            part.encode(getattr(record, part.attr), out)
    for part in parts:
        if isinstance(part, _CustomColumns):
            values = getattr(record, part.attr)
            out.extend(
                _encode_custom(values[name]) if name in values else ""
                for name in custom_names[part.attr]
            )
    return out


# ---------------------------------------------------------------------------------------------
# The common tables
# ---------------------------------------------------------------------------------------------


def read_leads_csv(
    source: CsvSource,
    *,
    header_map: HeaderMap | Mapping[str, str | None] | str | None = None,
    encoding: str = "utf-8-sig",
    formula_safe: bool = True,
    unknown: Unknown = "error",
    values: ValueFormat | None = None,
) -> list[Lead]:
    """Read leads from CSV: :func:`read_csv` for :class:`~leadkit.model.Lead`."""
    return read_csv(
        source, Lead, header_map=header_map, encoding=encoding, formula_safe=formula_safe,
        unknown=unknown, values=values,
    )  # fmt: skip


def write_leads_csv(
    leads: Iterable[Lead],
    target: CsvTarget,
    *,
    encoding: str = "utf-8",
    formula_safe: bool = True,
) -> int:
    """Write leads as CSV: :func:`write_csv` for :class:`~leadkit.model.Lead`."""
    return write_csv(leads, target, Lead, encoding=encoding, formula_safe=formula_safe)


def read_events_csv(
    source: CsvSource,
    *,
    header_map: Mapping[str, str | None] | None = None,
    encoding: str = "utf-8-sig",
    formula_safe: bool = True,
) -> list[EngagementEvent]:
    """Read engagement events: :func:`read_csv` for :class:`~leadkit.model.EngagementEvent`."""
    return read_csv(
        source, EngagementEvent, header_map=header_map, encoding=encoding, formula_safe=formula_safe
    )


def write_events_csv(
    events: Iterable[EngagementEvent],
    target: CsvTarget,
    *,
    encoding: str = "utf-8",
    formula_safe: bool = True,
) -> int:
    """Write engagement events: :func:`write_csv` for :class:`~leadkit.model.EngagementEvent`."""
    return write_csv(events, target, EngagementEvent, encoding=encoding, formula_safe=formula_safe)
