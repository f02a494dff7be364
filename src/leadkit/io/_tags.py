"""The one tag codec: values plain data cannot tell apart from text, written as ``{tag: text}``.

JSON has no dates, datetimes or exact decimals, and no NaN or infinity. Where the place
a value is written does not say its type (custom fields, event properties, condition
literals on a field of unknown type), it is tagged: ``{"$date": "2026-04-01"}``,
``{"$datetime": "2026-04-01T09:00:00+09:00"}``, ``{"$decimal": "12.50"}``,
``{"$float": "nan"}`` (also ``"inf"``, ``"-inf"``). The converter and the condition
language both use this module, so one file can hold both and read back the same.

>>> encode(date(2026, 4, 1))
{'$date': '2026-04-01'}
>>> decode({"$decimal": "12.50"})
Decimal('12.50')
>>> encode(Decimal("1.5"), bare=Decimal)
'1.5'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from leadkit.errors import PathLike, ValidationError

__all__ = ["FINITE_TAGS", "TAGS", "decode", "encode", "is_tagged", "type_name"]

_NON_FINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def _non_finite(text: str) -> float:
    return _NON_FINITE[text]  # KeyError: not one of the three (reported as invalid)


_READERS: dict[str, Callable[[str], object]] = {
    "$date": date.fromisoformat,
    "$datetime": datetime.fromisoformat,
    "$decimal": Decimal,
    "$float": _non_finite,
}

TAGS: tuple[str, ...] = ("$date", "$datetime", "$decimal", "$float")
"""Every tag, in the order documentation lists them."""

FINITE_TAGS: tuple[str, ...] = ("$date", "$datetime", "$decimal")
"""The tags of finite values: what a condition literal may hold."""


def type_name(value: object) -> str:
    """How plain data calls the type of ``value`` (``object``, ``array``, ``string`` ...),
    for messages such as ``expected a string, got array``."""
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    if isinstance(value, Mapping):
        return "object"
    return names.get(type(value), type(value).__name__)


def encode(value: object, *, bare: type | tuple[type, ...] = ()) -> object:
    """``value`` as plain data: tagged when plain data could not tell its type.

    Values of the ``bare`` types are written as their ISO or decimal text without a tag,
    for places whose type is known (a ``created_at`` field reads an ISO string back as a
    datetime). Anything else is returned as it is.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return {"$float": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    if isinstance(value, datetime):
        return value.isoformat() if _is(datetime, bare) else {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return value.isoformat() if _is(date, bare) else {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return str(value) if _is(Decimal, bare) else {"$decimal": str(value)}
    return value


def _is(kind: type, bare: type | tuple[type, ...]) -> bool:
    return kind in (bare if isinstance(bare, tuple) else (bare,))


def is_tagged(value: object, tags: tuple[str, ...] = TAGS) -> bool:
    """True when ``value`` is a one-key mapping whose key is one of ``tags``."""
    return isinstance(value, Mapping) and len(value) == 1 and next(iter(value)) in tags


def decode(value: object, *, path: PathLike = None, tags: tuple[str, ...] = TAGS) -> object:
    """``value`` with a tag read back; other values unchanged.

    A mapping that is not ``{tag: text}`` with one of ``tags`` is a
    :class:`~leadkit.errors.ValidationError` at ``path``, as is text the tag cannot read.
    """
    if not isinstance(value, Mapping):
        return value
    if not is_tagged(value, tags):
        raise ValidationError(
            f"a structured value is {{tag: text}} with tag one of {', '.join(tags)}", path=path
        )
    tag, text = next(iter(value.items()))
    if not isinstance(text, str):
        raise ValidationError(f"{tag} takes a string, got {type_name(text)}", path=path)
    try:
        return _READERS[tag](text)
    except (ValueError, TypeError, KeyError, InvalidOperation):
        raise ValidationError(f"{text!r} is not a valid {tag[1:]}", path=path) from None
