"""Which operators fit which kind of value, and which literals fit which field."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from leadkit.model import Region
from leadkit.rules._errors import RuleError
from leadkit.rules._schema import Kind, ValueInfo, family_of

__all__ = [
    "COMPARE_OPS",
    "ORDER_OPS",
    "TEXT_OPS",
    "WINDOW_OPS",
    "check_literal",
    "require_kind",
    "show",
]

COMPARE_OPS: Final = ("==", "!=", "<", "<=", ">", ">=")
ORDER_OPS: Final = ("<", "<=", ">", ">=")
TEXT_OPS: Final = ("contains", "startswith", "endswith")
WINDOW_OPS: Final = ("within", "older_than")

ORDERED_KINDS: Final = frozenset({Kind.NUMBER, Kind.MONEY, Kind.DATE, Kind.DATETIME, Kind.ANY})
TEXT_KINDS: Final = frozenset({Kind.TEXT, Kind.ANY})
TIME_KINDS: Final = frozenset({Kind.DATE, Kind.DATETIME, Kind.ANY})


def require_kind(info: ValueInfo, kinds: Iterable[Kind], operation: str) -> None:
    """Raise unless ``info``'s kind is one of ``kinds``; the message names the field."""
    allowed = frozenset(kinds)
    if info.kind not in allowed:
        names = [k.described for k in Kind if k in allowed and k is not Kind.ANY]
        needs = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
        raise RuleError(
            f"{operation} needs {needs}, but {info.label} is {info.kind.described}",
            path=info.label,
            key="op",
        )


def _bad(info: ValueInfo, expected: str, value: object) -> RuleError:
    return RuleError(
        f"{info.label} is {info.kind.described}; expected {expected}, "
        f"got {type(value).__name__} {value!r}",
        path=info.label,
        key="value",
    )


def _number(info: ValueInfo, value: object) -> int | float | Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _bad(info, "a number (int or Decimal)", value)
    if isinstance(value, float) and not math.isfinite(value):
        raise _bad(info, "a finite number", value)
    if isinstance(value, Decimal) and not value.is_finite():
        raise _bad(info, "a finite number", value)
    return value


def _text(info: ValueInfo, value: object) -> str:
    if not isinstance(value, str):
        raise _bad(info, "text", value)
    if not value.strip():
        # Blank text is stored as missing, so it can never match.
        raise RuleError(
            f"an empty text never matches {info.label}; use is_missing() instead",
            path=info.label,
            key="value",
        )
    if info.canonical is not None:
        try:
            return info.canonical(value)
        except RuleError as err:
            raise RuleError(err.message, path=info.label, key="value") from None
    return value


def _enum_value(info: ValueInfo, value: object) -> object:
    enum_type = info.enum_type
    assert enum_type is not None
    if isinstance(value, enum_type):
        return value.value
    if isinstance(value, str):
        for member in enum_type:
            if value == member.value or value.upper() == member.name:
                return member.value
        if enum_type is Region:
            try:
                return Region.parse(value).value
            except ValueError:
                pass
    choices = ", ".join(repr(m.value) for m in enum_type)
    raise RuleError(
        f"{info.label} is one of {choices}; got {value!r}", path=info.label, key="value"
    )


def _time(info: ValueInfo, value: object, *, want: Kind) -> date:
    if want is Kind.DATETIME:
        if not isinstance(value, datetime):
            raise _bad(info, "a timezone-aware datetime", value)
        if value.utcoffset() is None:
            raise RuleError(
                f"{value.isoformat()} has no timezone; pass tzinfo",
                path=info.label,
                key="value",
            )
        return value
    if not isinstance(value, date) or isinstance(value, datetime):
        raise _bad(info, "a date (not a datetime)", value)
    return value


def check_literal(info: ValueInfo, value: object, *, ordered: bool = False) -> object:
    """Return ``value`` as a condition on ``info`` stores it, or raise :class:`RuleError`.

    Enum members become their values, prefecture spellings their canonical name.
    ``ordered`` literals must have an order (numbers, dates), for ``<`` and ``between``.
    """
    if value is None:
        raise RuleError(
            f"compare {info.label} with a value; use is_missing() / is_present() for None",
            path=info.label,
            key="value",
        )
    kind = info.kind
    if kind in (Kind.NUMBER, Kind.MONEY):
        return _number(info, value)
    if kind is Kind.TEXT:
        return _text(info, value)
    if kind is Kind.BOOL:
        if not isinstance(value, bool):
            raise _bad(info, "True or False", value)
        return value
    if kind in (Kind.DATE, Kind.DATETIME):
        return _time(info, value, want=kind)
    if kind is Kind.ENUM:
        return _enum_value(info, value)
    family = family_of(value)
    if family is None:
        raise _bad(info, "a str, number, bool, date or datetime", value)
    if ordered and family not in ("number", "date", "datetime"):
        raise RuleError(
            f"ordering {info.label} needs a number, date or datetime literal, got {value!r}",
            path=info.label,
            key="value",
        )
    if family == "number":
        return _number(info, value)
    if family == "text":
        return _text(info, value)
    if family == "datetime":
        return _time(info, value, want=Kind.DATETIME)
    return value


def show(value: object) -> str:
    """A literal as it reads in a condition: text quoted, dates in ISO 8601."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return repr(value.value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return repr(value) if isinstance(value, str) else str(value)
