"""The one cattrs converter for the whole model, and JSON helpers built on it.

Plain data is JSON-compatible: dates and datetimes as ISO 8601 strings, ``Decimal`` as a
string (exact), enums by value, sets as sorted lists. Custom field values that JSON
cannot tell apart from strings (dates, datetimes, decimals) are tagged
(``{"$date": "2026-04-01"}``) so that every value round-trips to an equal object; so are
the floats JSON cannot hold (``{"$float": "nan"}``, ``"inf"``, ``"-inf"``), because a bare
``NaN`` is not JSON and other tools (SQLite's ``json_extract``) reject it.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, get_origin

import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)

from leadkit.errors import (
    KeyPath,
    LeadkitError,
    LoadError,
    Problem,
    ValidationError,
    _as_path,
)
from leadkit.io._plain import parse_json
from leadkit.io._reader import relative_path
from leadkit.io._tags import decode, encode
from leadkit.model import CustomFields, Money

__all__ = ["converter", "dumps", "loads", "structure", "unstructure"]

T = TypeVar("T")

converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
"""The converter every leadkit type is registered with. Extend it for your own types."""


def _structure_decimal(value: object, _: type) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise ValidationError(f"expected a decimal string or integer, got {value!r}")
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise ValidationError(f"{value!r} is not a decimal number") from None
    return result


def _structure_datetime(value: object, _: type) -> datetime:
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, str):
        try:
            result = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"{value!r} is not an ISO 8601 date-time") from None
    else:
        raise ValidationError(f"expected an ISO 8601 date-time string, got {value!r}")
    if result.utcoffset() is None:
        raise ValidationError(f"{value!r} has no timezone (add Z or +09:00)")
    return result


def _structure_date(value: object, _: type) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"{value!r} is not an ISO 8601 date (YYYY-MM-DD)") from None
    raise ValidationError(f"expected an ISO 8601 date string, got {value!r}")


def _structure_str(value: object, _: type) -> str:
    # cattrs would turn 123 into "123"; a number where text belongs is a mistake to report.
    if not isinstance(value, str):
        raise ValidationError(f"expected a string, got {type(value).__name__} {value!r}")
    return value


def _structure_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"expected an integer, got {type(value).__name__} {value!r}")
    return value


def _structure_float(value: object, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(f"expected a number, got {type(value).__name__} {value!r}")
    return float(value)


def _structure_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"expected true or false, got {value!r}")
    return value


def _structure_custom_value(name: str, value: object) -> object:
    return decode(value, path=(name,))


def _structure_custom(value: object, _: type) -> CustomFields:
    if not isinstance(value, Mapping):
        raise ValidationError(f"expected an object, got {type(value).__name__}")
    return CustomFields({str(k): _structure_custom_value(str(k), v) for k, v in value.items()})  # type: ignore[misc]


def _structure_money(value: object, _: type) -> Money:
    if not isinstance(value, Mapping) or set(value) != {"amount", "currency"}:
        raise ValidationError('expected {"amount": "1000", "currency": "JPY"}')
    return Money(value["amount"], value["currency"])


converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook(int, _structure_int)
converter.register_structure_hook(float, _structure_float)
converter.register_structure_hook(bool, _structure_bool)
converter.register_structure_hook(Decimal, _structure_decimal)
converter.register_unstructure_hook(Decimal, str)
converter.register_structure_hook(datetime, _structure_datetime)
converter.register_unstructure_hook(datetime, datetime.isoformat)
converter.register_structure_hook(date, _structure_date)
converter.register_unstructure_hook(date, date.isoformat)
converter.register_structure_hook(CustomFields, _structure_custom)
converter.register_unstructure_hook(CustomFields, lambda c: {k: encode(v) for k, v in c.items()})
converter.register_structure_hook(Money, _structure_money)
converter.register_unstructure_hook(
    Money, lambda m: {"amount": str(m.amount), "currency": m.currency}
)
converter.register_unstructure_hook_func(
    lambda t: t is frozenset or get_origin(t) is frozenset,  # type: ignore[comparison-overlap]
    lambda s: sorted(s),
)


# Rule-bearing types (conditions, scoring models, assignment rules, stage policies, matching
# rules ...) have their own plain-data form, written and read by their package. The
# converter learns them lazily: the table names the module that holds each codec (its
# ``PLAIN_CODECS``), imported the first time such a type is written or read, so that
# importing leadkit.io loads none of those packages. A subclass uses its base's codec
# (every condition node is a ``Condition``).
_PLAIN_CODEC_MODULES: dict[tuple[str, str], str] = {
    ("leadkit.rules", "Condition"): "leadkit.rules._data",
    ("leadkit.scoring", "ScoringModel"): "leadkit.scoring._data",
    ("leadkit.scoring", "GradingProfile"): "leadkit.scoring._data",
    ("leadkit.scoring", "GradingScheme"): "leadkit.scoring._data",
    ("leadkit.routing", "AssignmentRules"): "leadkit.routing._load",
    ("leadkit.routing", "Availability"): "leadkit.routing._load",
    ("leadkit.stages", "StagePolicy"): "leadkit.stages._serial",
    ("leadkit.stages", "WorkingCalendar"): "leadkit.stages._serial",
    ("leadkit.dedupe", "MatchingRule"): "leadkit.dedupe._codec",
    ("leadkit.dedupe", "DuplicateRuleSet"): "leadkit.dedupe._codec",
    ("leadkit.dedupe", "Survivorship"): "leadkit.dedupe._codec",
    ("leadkit.nurture", "Program"): "leadkit.nurture._codec",
    ("leadkit.worklists", "Worklist"): "leadkit.worklists._worklist",
}
"""(package, class name) → the module whose ``PLAIN_CODECS`` write and read that type."""

PlainCodec = tuple[Callable[[Any], Any], Callable[[Any], Any]]


def _plain_codec_key(cls: object) -> tuple[tuple[str, str], str] | None:
    for base in getattr(cls, "__mro__", ()):
        package = ".".join(str(getattr(base, "__module__", "")).split(".")[:2])
        key = (package, getattr(base, "__qualname__", ""))
        if key in _PLAIN_CODEC_MODULES:
            return key, _PLAIN_CODEC_MODULES[key]
    return None


def plain_codec(cls: type) -> PlainCodec | None:
    """The (write, read) pair of a rule-bearing type, importing its codec module on first
    use; None for types the converter derives on its own."""
    found = _plain_codec_key(cls)
    if found is None:
        return None
    (_, name), module = found
    codecs: dict[str, PlainCodec] = importlib.import_module(module).PLAIN_CODECS
    return codecs[name]


def _has_plain_codec(cls: object) -> bool:
    return isinstance(cls, type) and _plain_codec_key(cls) is not None


def _unstructure_factory(cls: type) -> Callable[[Any], Any]:
    codec = plain_codec(cls)
    assert codec is not None
    return codec[0]


def _structure_factory(cls: type) -> Callable[[Any, type], Any]:
    codec = plain_codec(cls)
    assert codec is not None
    read = codec[1]
    return lambda data, _: read(data)


converter.register_unstructure_hook_factory(_has_plain_codec, _unstructure_factory)
converter.register_structure_hook_factory(_has_plain_codec, _structure_factory)


def _ends_with(path: KeyPath, tail: KeyPath) -> bool:
    return bool(tail) and path[-len(tail) :] == tail


def _collect(exc: BaseException, path: KeyPath, out: list[Problem]) -> None:
    if isinstance(exc, ClassValidationError | IterableValidationError):
        with_notes, without_notes = exc.group_exceptions()
        for inner, note in with_notes:
            part: KeyPath = ()
            if isinstance(note, IterableValidationNote):
                part = (note.index,) if isinstance(note.index, int | str) else (repr(note.index),)
            elif isinstance(note, AttributeValidationNote):
                part = (note.name,)
            _collect(inner, (*path, *part), out)
        for inner in without_notes:
            _collect(inner, path, out)
    elif isinstance(exc, ForbiddenExtraKeysError):
        for key in sorted(exc.extra_fields):
            out.append(Problem((*path, key), "unknown key"))
    elif isinstance(exc, LoadError):
        out.extend(p.at(*path) for p in exc.problems)
    elif isinstance(exc, LeadkitError):
        # A validator names "Class.field"; below the attribute cattrs already named, keep
        # only the field part so the path reads lead.address.postal_code.
        own = exc.path
        field = relative_path(own)
        if field != own:
            full = path if _ends_with(path, field) else (*path, *field)
        else:
            full = (*path, *own)
        out.append(Problem(full, exc.message))
    elif isinstance(exc, KeyError):
        key = str(exc.args[0]) if exc.args else ""
        full = path if path[-1:] == (key,) else (*path, key)
        out.append(Problem(full, "required key is missing"))
    elif isinstance(exc, TypeError | ValueError | AttributeError):
        out.append(Problem(path, f"invalid value ({exc})"))
    else:
        raise exc


def structure(data: object, cls: type[T], *, root: str | None = None) -> T:
    """Build a ``cls`` from plain data, or raise :class:`LoadError` naming every bad path.

    >>> from leadkit.io import structure
    >>> from leadkit.model import Address
    >>> structure({"country": "JP", "postal_code": "12"}, Address, root="lead.address")
    Traceback (most recent call last):
    ...
    leadkit.errors.LoadError: 1 problem(s) in Address:
      - lead.address.postal_code: Japanese postal code must be 7 digits as 123-4567, got '12'
    """
    try:
        return converter.structure(data, cls)
    except LoadError:
        raise
    except Exception as exc:
        # The root is read only when there is a problem to name (stores read many rows).
        where = _as_path(root if root is not None else getattr(cls, "__name__", "data").lower())
        problems: list[Problem] = []
        try:
            _collect(exc, where, problems)
        except Exception:
            problems = [Problem(where, f"invalid data ({exc!r})")]
        raise LoadError(problems, what=getattr(cls, "__name__", "data")) from exc


def unstructure(obj: object) -> Any:
    """Turn any leadkit object into JSON-compatible plain data."""
    return converter.unstructure(obj)


def dumps(obj: object, *, indent: int | None = None) -> str:
    """Serialise a leadkit object to a JSON string (UTF-8 text, Japanese kept readable).

    >>> from leadkit.io import dumps, loads
    >>> from leadkit.model import Money
    >>> dumps(Money(1500, "JPY"))
    '{"amount": "1500", "currency": "JPY"}'
    >>> loads(dumps(Money(1500, "JPY")), Money) == Money(1500, "JPY")
    True
    """
    try:
        return json.dumps(unstructure(obj), ensure_ascii=False, indent=indent, allow_nan=False)
    except ValueError as exc:  # a non-finite float outside custom fields
        raise ValidationError(f"cannot be written as JSON ({exc})") from None


def loads(text: str | bytes, cls: type[T]) -> T:
    """Parse JSON text into a ``cls``; malformed JSON is a :class:`LoadError` too."""
    data = parse_json(text, what=getattr(cls, "__name__", "data"))
    return structure(data, cls)
