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
from typing import IO, Any, TypeAlias, TypeVar

import attrs

from leadkit.errors import KeyPath, LeadkitError, LoadError, Problem, ValidationError, format_path
from leadkit.model import (
    CustomFields,
    CustomValue,
    EngagementEvent,
    Lead,
    LeadConversion,
    Money,
    OwnerRef,
    PersonName,
    is_required,
)

__all__ = [
    "JAPANESE_LEAD_HEADERS",
    "CsvRowWriter",
    "CsvSource",
    "CsvTarget",
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

JAPANESE_LEAD_HEADERS: Mapping[str, str] = types.MappingProxyType(
    {
        "姓": "family_name",
        "名": "given_name",
        "姓（カナ）": "family_kana",
        "名（カナ）": "given_kana",
        "セイ": "family_kana",
        "メイ": "given_kana",
        "会社名": "company",
        "役職": "title",
        "部署": "department",
        "メール": "email",
        "メールアドレス": "email",
        "電話": "phone",
        "電話番号": "phone",
        "携帯電話": "mobile",
        "ウェブサイト": "website",
        "業種": "industry",
        "従業員数": "employees",
        "年間売上": "annual_revenue",
        "通貨": "annual_revenue_currency",
        "国": "address_country",
        "都道府県": "address_state",
        "市区郡": "address_city",
        "町名・番地": "address_street",
        "郵便番号": "address_postal_code",
        "リードソース": "lead_source",
        "状況": "status",
        "所有者": "owner",
        "評価": "rating",
        "メール送信拒否": "email_opt_out",
        "電話お断り": "do_not_call",
        "説明": "description",
        "作成日時": "created_at",
    }
)
"""Common Japanese CRM export headers mapped onto the documented lead columns.

Pass it (or a copy extended with your own) as ``header_map`` to :func:`read_leads_csv`.
"""


class _CellError(Exception):
    """A cell could not be read; the message says what was expected."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
            cells = [formula_safe_cell(cell) for cell in cells]
        self._writer.writerow(cells)


# ---------------------------------------------------------------------------------------------
# Scalar cells
# ---------------------------------------------------------------------------------------------


@attrs.frozen
class _Scalar:
    encode: Callable[[Any], str]
    decode: Callable[[str], Any]


def _clean(cell: str) -> str:
    # Numbers and dates typed in a Japanese spreadsheet are often full-width (１２０).
    return (cell if cell.isascii() else unicodedata.normalize("NFKC", cell)).strip()


_INTEGER = re.compile(r"[+-]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]*)?|[+-]?\.[0-9]+")
_SLASH_DATE = re.compile(r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})")
_TRUE = frozenset({"true", "yes", "y", "1", "t"})
_FALSE = frozenset({"false", "no", "n", "0", "f"})


def _decode_integer(cell: str) -> int:
    text = _clean(cell)
    if not _INTEGER.fullmatch(text):
        raise _CellError(f"expected an integer, got {cell!r}")
    return _int(text.replace(",", ""), cell)


def _int(digits: str, cell: str) -> int:
    # Python refuses to convert more than 4,300 digits (a denial-of-service guard).
    try:
        return int(digits)
    except ValueError:
        raise _CellError(f"a number of {len(digits):,} digits is too long to read") from None


def _decode_decimal(cell: str) -> Decimal:
    text = _clean(cell)
    if not _DECIMAL.fullmatch(text):
        raise _CellError(f"expected a number such as 1200000 or 1,200.50, got {cell!r}")
    return Decimal(text.replace(",", ""))


def _decode_bool(cell: str) -> bool:
    text = _clean(cell).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _CellError(f"expected true or false, got {cell!r}")


def _decode_datetime(cell: str) -> datetime:
    text = _clean(cell)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise _CellError(
            f"expected an ISO 8601 date-time such as 2026-04-01T09:00:00+09:00, got {cell!r}"
        ) from None
    if value.utcoffset() is None:
        raise _CellError(f"{cell!r} has no timezone; add Z or an offset such as +09:00")
    return value


def _decode_date(cell: str) -> date:
    text = _clean(cell)
    if m := _SLASH_DATE.fullmatch(text):
        text = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _CellError(f"expected a date such as 2026-04-01, got {cell!r}") from None


def _encode_decimal(value: Decimal) -> str:
    return format(value, "f")


def _enum_scalar(cls: type[enum.Enum]) -> _Scalar:
    lookup: dict[str, enum.Enum] = {}
    for member in cls:
        lookup[member.name.lower()] = member
        lookup[str(member.value).lower()] = member
    allowed = ", ".join(str(m.value) for m in cls)

    def decode(cell: str) -> enum.Enum:
        member = lookup.get(_clean(cell).lower())
        if member is None:
            raise _CellError(f"expected one of {allowed}, got {cell!r}")
        return member

    return _Scalar(lambda member: str(member.value), decode)


def _decode_owner(cell: str) -> OwnerRef:
    try:
        return OwnerRef.parse(_clean(cell))
    except ValidationError:
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


def _decode_items(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(_SEPARATOR) if item.strip()]


_SCALARS: dict[Any, _Scalar] = {
    str: _Scalar(lambda s: s, lambda cell: cell),
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

    __slots__ = ("cells", "line", "problems")

    def __init__(self, cells: dict[str, str], line: int, problems: list[Problem]) -> None:
        self.cells = cells
        self.line = line
        self.problems = problems

    def problem(self, column: str | None, message: str) -> None:
        where = f"line {self.line}" + (f", column {column}" if column else "")
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
            return self.scalar.decode(cell)
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


class _FileProblem(Exception):
    """The file itself cannot be read (not one cell): the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
    except UnicodeDecodeError:
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


def _map_header(
    header: list[str], record_type: type, header_map: Mapping[str, str | None] | None
) -> tuple[list[str | None], list[Problem]]:
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
    problems: list[Problem] = []
    columns: list[str | None] = []
    seen: set[str] = set()
    for position, raw in enumerate(header, start=1):
        name = raw.lstrip("\ufeff").strip() if position == 1 else raw.strip()
        if header_map is not None and name in header_map:
            mapped = header_map[name]
            if mapped is None:
                columns.append(None)
                continue
            name = mapped
        where = f"line 1, column {name or position}"
        if name in seen:
            problems.append(Problem(where, "appears twice"))
        elif name in known:
            pass
        elif prefix := next((p for p in prefixes if name.startswith(p)), None):
            field = name[len(prefix) :]
            if not field.isidentifier() or not field.isascii():
                problems.append(
                    Problem(where, "custom field names must be identifiers (letters, digits, _)")
                )
        else:
            guess = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"did you mean {guess[0]}? " if guess else ""
            custom = f", or {prefixes[0]}<name> for a custom field" if prefixes else ""
            problems.append(
                Problem(
                    where,
                    f"unknown column; {hint}csv_columns({record_type.__name__}) lists the "
                    f"columns{custom}; map other names with header_map (to None to ignore)",
                )
            )
        seen.add(name)
        columns.append(name)
    for missing in sorted(required - seen):
        problems.append(Problem("line 1", f"missing required column {missing}"))
    return columns, problems


def read_csv(
    source: CsvSource,
    record_type: type[T],
    *,
    header_map: Mapping[str, str | None] | None = None,
    encoding: str = "utf-8-sig",
    formula_safe: bool = True,
) -> list[T]:
    """Read a CSV table of ``record_type`` records (see :func:`csv_columns`).

    The first row is the header. ``header_map`` maps other header names onto the
    documented ones (``{"会社名": "company"}``); map a header to ``None`` to ignore that
    column. An empty cell means "not given". Numbers and dates may be full-width; numbers
    may have thousands separators (``1,200``); dates may be written ``2026/4/1``. Blank
    lines are ignored.

    A cell that :func:`write_csv` neutralised as a formula (``'=SUM(A1)``) reads back
    without its ``'``; ``formula_safe=False`` reads every cell exactly as it is.

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
    what = _name(source)
    parts = _parts(record_type)
    header_of = _record_header_of(record_type)
    records: list[T] = []
    problems: list[Problem] = []
    try:
        with _open(source, "r", encoding) as handle:
            reader = csv.reader(_lines(handle, encoding), strict=True)
            header = next(reader, None)
            if header is None:
                raise LoadError(
                    [Problem("line 1", "the file is empty; expected a header")], what=what
                )
            if formula_safe:
                header = [_read_cell(cell) for cell in header]
            columns, header_problems = _map_header(header, record_type, header_map)
            if header_problems:
                raise LoadError(header_problems, what=what)
            line = reader.line_num + 1
            for cells in reader:
                start, line = line, reader.line_num + 1
                if not cells or (len(cells) == 1 and cells[0] == ""):
                    continue
                row = _Row({}, start, problems)
                if len(cells) != len(columns):
                    row.problem(None, f"expected {len(columns)} cells, found {len(cells)}")
                    continue
                if formula_safe:
                    cells = [_read_cell(cell) for cell in cells]
                row.cells = {c: v for c, v in zip(columns, cells, strict=True) if c is not None}
                record = _read_row(record_type, parts, row, header_of)
                if record is not _MISSING:
                    records.append(record)
    except csv.Error as err:
        problems.append(Problem(f"line {reader.line_num}", f"malformed CSV: {err}"))
    except _FileProblem as err:
        problems.append(Problem(what, err.message))
    except OSError as err:
        problems.append(Problem(what, f"cannot read: {err.strerror or err}"))
    if problems:
        raise LoadError(problems, what=what)
    return records


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
            for record in rows:
                writer.writerow(_encode_record(record, parts, custom_names))
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
    header_map: Mapping[str, str | None] | None = None,
    encoding: str = "utf-8-sig",
    formula_safe: bool = True,
) -> list[Lead]:
    """Read leads from CSV: :func:`read_csv` for :class:`~leadkit.model.Lead`."""
    return read_csv(
        source, Lead, header_map=header_map, encoding=encoding, formula_safe=formula_safe
    )


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
