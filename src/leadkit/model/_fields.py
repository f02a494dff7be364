"""Field builders shared by the entity classes, so each entity reads as a list of fields."""

from __future__ import annotations

import unicodedata
from typing import Any

import attrs

from leadkit.model import _validators as v
from leadkit.model._ids import id_default
from leadkit.model._values import Address, Money, OwnerRef


def opt_str(value: object) -> object:
    """Converter: strip strings and store "" as ``None`` (forms send "" for "not given")."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def id_field(kind: str) -> Any:
    """The record id: given, or a fresh one from the active id factory."""
    return attrs.field(factory=id_default(kind), validator=v.non_empty_str(), kw_only=True)


def text(*, max_length: int | None = None) -> Any:
    """An optional free-text field."""
    check = v.instance_of(str)
    if max_length is not None:
        check = v.non_empty_str(max_length=max_length)
    return attrs.field(default=None, converter=opt_str, validator=v.optional(check), kw_only=True)


def required(validator: v.Validator) -> Any:
    """A required field: leaving it out is a :class:`ValidationError` naming it."""
    return attrs.field(default=v.MISSING, validator=v.required(validator), kw_only=True)


def is_required(field: attrs.Attribute[Any]) -> bool:
    """True when a record field must be given: it has no default, or its default is the
    "required" marker of :func:`required` (so leaving it out is a ValidationError)."""
    return field.default is attrs.NOTHING or field.default is v.MISSING


def required_text(*, max_length: int | None = None) -> Any:
    """A required, non-empty text field."""
    return required(v.non_empty_str(max_length=max_length))


def ref() -> Any:
    """An optional id of another record."""
    return attrs.field(
        default=None, converter=opt_str, validator=v.optional(v.instance_of(str)), kw_only=True
    )


def opt_email(value: object) -> object:
    """Converter: as :func:`opt_str`, and a full-width address (ｔａｒｏ＠ａｂｃ．ｊｐ, typed
    with a Japanese input method) is stored in its ASCII form (NFKC)."""
    value = opt_str(value)
    if isinstance(value, str) and not value.isascii():
        value = unicodedata.normalize("NFKC", value).strip() or None
    return value


def email(*, max_length: int | None = None) -> Any:
    """An optional email address, checked for syntax (and length); a full-width form is
    normalised first."""
    check = v.email
    if max_length is not None:
        check = v.all_of(v.email, v.non_empty_str(max_length=max_length))
    return attrs.field(default=None, converter=opt_email, validator=v.optional(check), kw_only=True)


def count() -> Any:
    """An optional non-negative whole number (employees, capacity)."""
    return attrs.field(
        default=None,
        validator=v.optional(v.all_of(v.instance_of(int), v.between(0, None))),
        kw_only=True,
    )


def money() -> Any:
    """An optional :class:`Money` amount."""
    return attrs.field(default=None, validator=v.optional(v.instance_of(Money)), kw_only=True)


def address() -> Any:
    """An address, empty when unknown (never ``None``)."""
    return attrs.field(
        factory=Address,
        converter=lambda a: Address() if a is None else a,
        validator=v.instance_of(Address),
        kw_only=True,
    )


def owner() -> Any:
    """An optional owner: a user or a queue."""
    return attrs.field(default=None, validator=v.optional(v.instance_of(OwnerRef)), kw_only=True)


def flag(default: bool = False) -> Any:
    """A yes/no field."""
    return attrs.field(default=default, validator=v.instance_of(bool), kw_only=True)


def timestamp() -> Any:
    """A required, timezone-aware point in time."""
    return required(v.aware_datetime)


def opt_timestamp() -> Any:
    """An optional, timezone-aware point in time."""
    return attrs.field(default=None, validator=v.optional(v.aware_datetime), kw_only=True)


def day() -> Any:
    """An optional calendar date."""
    return attrs.field(default=None, validator=v.optional(v.plain_date), kw_only=True)


def version() -> Any:
    """The optimistic-concurrency version; repositories bump it on every write."""
    return attrs.field(
        default=0, validator=v.all_of(v.instance_of(int), v.between(0, None)), kw_only=True
    )


__all__ = [
    "address",
    "count",
    "day",
    "email",
    "flag",
    "id_field",
    "is_required",
    "money",
    "opt_str",
    "opt_timestamp",
    "owner",
    "ref",
    "required",
    "required_text",
    "text",
    "timestamp",
    "version",
]
