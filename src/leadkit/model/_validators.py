"""Small composable attrs validators that raise :class:`ValidationError` naming the field.

attrs' own validators raise ``TypeError``/``ValueError``; leadkit promises one error
hierarchy, so every model validator comes from here. Each has a readable ``repr``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import attrs

from leadkit.errors import ValidationError

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def _where(instance: object, attribute: attrs.Attribute[Any]) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def _type_name(tp: type | tuple[type, ...]) -> str:
    if isinstance(tp, tuple):
        return " or ".join(t.__name__ for t in tp)
    return tp.__name__


def text_problem(value: str) -> str | None:
    """Why ``value`` is not storable text, or ``None``: a lone surrogate (U+D800..U+DFFF,
    left by decoding bytes with ``surrogateescape``) has no UTF-8 form, so no file,
    database or JSON document can hold it."""
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (
            f"contains a lone surrogate U+{ord(value[exc.start]):04X} at position {exc.start};"
            " text must be valid Unicode"
        )
    return None


def check_text(value: str, path: str) -> None:
    """Raise :class:`ValidationError` at ``path`` unless ``value`` is storable text."""
    problem = text_problem(value)
    if problem is not None:
        raise ValidationError(problem, path=path)


@attrs.frozen(repr=False)
class _InstanceOf:
    types: type | tuple[type, ...]

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        # bool is an int subclass; an int field given True is almost always a mistake.
        if not isinstance(value, self.types) or (
            isinstance(value, bool) and self.types in (int, (int,), (int, float), float)
        ):
            raise ValidationError(
                f"expected {_type_name(self.types)}, got {type(value).__name__} {value!r}",
                path=_where(instance, attribute),
            )
        if isinstance(value, str):  # every text field of the model passes here
            check_text(value, _where(instance, attribute))

    def __repr__(self) -> str:
        return f"<instance_of {_type_name(self.types)}>"


def instance_of(types: type | tuple[type, ...]) -> Validator:
    """The value must be an instance of ``types`` (``bool`` does not count as ``int``)."""
    return _InstanceOf(types)


class _Missing:
    """The default of a required field: leaving the field out is then a
    :class:`ValidationError` naming it, not Python's ``TypeError``."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<required>"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()
"""The default of a required field (see :func:`required`)."""


@attrs.frozen(repr=False)
class _Required:
    inner: Validator

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is MISSING:
            raise ValidationError(
                f"required key is missing (a {type(instance).__name__} needs {attribute.name})",
                path=_where(instance, attribute),
            )
        self.inner(instance, attribute, value)

    def __repr__(self) -> str:
        return f"<required {self.inner!r}>"


def required(inner: Validator) -> Validator:
    """The field must be given (its default is :data:`MISSING`) and pass ``inner``."""
    return _Required(inner)


@attrs.frozen(repr=False)
class _Optional:
    inner: Validator

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            self.inner(instance, attribute, value)

    def __repr__(self) -> str:
        return f"<optional {self.inner!r}>"


def optional(inner: Validator) -> Validator:
    """``None`` is accepted; anything else must pass ``inner``."""
    return _Optional(inner)


@attrs.frozen(repr=False)
class _All:
    parts: tuple[Validator, ...]

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        for part in self.parts:
            part(instance, attribute, value)

    def __repr__(self) -> str:
        return " & ".join(repr(p) for p in self.parts)


def all_of(*parts: Validator) -> Validator:
    """Every part must pass, in order (so a type check can guard a range check)."""
    return _All(parts)


@attrs.frozen(repr=False)
class _NonEmptyStr:
    max_length: int | None

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str):
            raise ValidationError(
                f"expected str, got {type(value).__name__} {value!r}",
                path=_where(instance, attribute),
            )
        if not value.strip():
            raise ValidationError("must not be empty", path=_where(instance, attribute))
        check_text(value, _where(instance, attribute))
        if self.max_length is not None and len(value) > self.max_length:
            raise ValidationError(
                f"must be at most {self.max_length} characters, got {len(value)}",
                path=_where(instance, attribute),
            )

    def __repr__(self) -> str:
        return "<non-empty str>"


def non_empty_str(*, max_length: int | None = None) -> Validator:
    """A ``str`` with at least one non-space character (and at most ``max_length``)."""
    return _NonEmptyStr(max_length)


@attrs.frozen(repr=False)
class _Between:
    low: float | None
    high: float | None

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            bounds = f"[{'-inf' if self.low is None else self.low}, "
            bounds += f"{'inf' if self.high is None else self.high}]"
            raise ValidationError(
                f"must lie in {bounds}, got {value!r}", path=_where(instance, attribute)
            )

    def __repr__(self) -> str:
        return f"<between {self.low} and {self.high}>"


def between(low: float | None = None, high: float | None = None) -> Validator:
    """``low <= value <= high`` (either bound may be open)."""
    return _Between(low, high)


@attrs.frozen(repr=False)
class _AwareDatetime:
    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, datetime):
            raise ValidationError(
                f"expected a timezone-aware datetime, got {type(value).__name__} {value!r}",
                path=_where(instance, attribute),
            )
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValidationError(
                f"naive datetime {value.isoformat()} has no timezone; "
                "pass tzinfo (for example datetime.UTC or ZoneInfo('Asia/Tokyo'))",
                path=_where(instance, attribute),
            )

    def __repr__(self) -> str:
        return "<aware datetime>"


aware_datetime: Validator = _AwareDatetime()
"""The value must be a ``datetime`` with a timezone: naive datetimes are ambiguous."""


@attrs.frozen(repr=False)
class _PlainDate:
    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        # datetime is a date subclass; a date field given a datetime hides a time zone bug.
        if not isinstance(value, date) or isinstance(value, datetime):
            raise ValidationError(
                f"expected a date, got {type(value).__name__} {value!r}",
                path=_where(instance, attribute),
            )

    def __repr__(self) -> str:
        return "<date>"


plain_date: Validator = _PlainDate()
"""The value must be a ``date`` (not a ``datetime``)."""

# Deliberately pragmatic: one @, a dot in the domain, no spaces; full RFC 5322 is not
# what CRM users mean by "a valid email".
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


@attrs.frozen(repr=False)
class _Email:
    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, str):  # a surrogate is named as such, not as a bad address
            check_text(value, _where(instance, attribute))
        if not isinstance(value, str) or not _EMAIL.match(value):
            raise ValidationError(
                f"{value!r} is not an email address (expected name@domain.tld)",
                path=_where(instance, attribute),
            )

    def __repr__(self) -> str:
        return "<email>"


email: Validator = _Email()
"""The value must look like ``name@domain.tld``."""


@attrs.frozen(repr=False)
class _Each:
    inner: Validator

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        for item in value:
            self.inner(instance, attribute, item)

    def __repr__(self) -> str:
        return f"<each {self.inner!r}>"


def each(inner: Validator) -> Validator:
    """Every item of an iterable must pass ``inner``."""
    return _Each(inner)


def at_most_one_of(*names: str) -> Callable[[Any], None]:
    """Build a post-init check: at most one of the named fields may be set."""

    def check(instance: Any) -> None:
        given = [n for n in names if getattr(instance, n) is not None]
        if len(given) > 1:
            raise ValidationError(
                f"give at most one of {', '.join(names)}; got {', '.join(given)}",
                path=type(instance).__name__,
            )

    return check


def exactly_one_of(*names: str) -> Callable[[Any], None]:
    """Build a post-init check: exactly one of the named fields must be set."""

    def check(instance: Any) -> None:
        given = [n for n in names if getattr(instance, n) is not None]
        if len(given) != 1:
            raise ValidationError(
                f"give exactly one of {', '.join(names)}; got "
                f"{', '.join(given) if given else 'none'}",
                path=type(instance).__name__,
            )

    return check
