"""Small attrs validators shared by models and profiles; each names the attribute."""

from __future__ import annotations

import math
from typing import Any

import attrs

from leadkit.scoring._errors import scoring_error

__all__ = [
    "MAX_POINTS",
    "check_bool",
    "check_cap",
    "check_name",
    "check_optional_name",
    "check_points",
    "check_text",
    "number_or_none",
]

MAX_POINTS = 1e9
"""Points, caps and floors beyond this are mistakes (and lose precision as floats)."""


def _number(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise scoring_error(
            f"expected a number, got {type(value).__name__} {value!r}",
            path=path,
        )
    # An int too large for a float would make math.isfinite raise: compare it first.
    if abs(value) > MAX_POINTS or not math.isfinite(value):
        raise scoring_error(
            f"expected a finite number within ±{MAX_POINTS:.0e}, got {value!r}",
            path=path,
        )
    return float(value)


def check_points(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Points: a finite int or float (negative for negative rules)."""
    _number(value, attribute.name)


def check_cap(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An optional cap: a positive number, or None."""
    if value is None:
        return
    if _number(value, attribute.name) <= 0:
        raise scoring_error(
            f"a cap limits how many points count, so it is more than 0; got {value!r}",
            path=attribute.name,
        )


def check_name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A name: non-empty text of at most 200 characters."""
    if not isinstance(value, str) or not value.strip():
        raise scoring_error(f"expected a non-empty name, got {value!r}", path=attribute.name)
    if len(value) > 200:
        raise scoring_error("a name has at most 200 characters", path=attribute.name)


def check_optional_name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An optional name (None, or as :func:`check_name`)."""
    if value is not None:
        check_name(instance, attribute, value)


def check_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Free text (a description), possibly empty."""
    if not isinstance(value, str):
        raise scoring_error(
            f"expected text, got {type(value).__name__} {value!r}",
            path=attribute.name,
        )


def check_bool(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """True or False (not 0 or 1)."""
    if not isinstance(value, bool):
        raise scoring_error(f"expected true or false, got {value!r}", path=attribute.name)


def number_or_none(value: object, path: str) -> float | None:
    """``value`` as a float after the checks of :func:`check_points`, or None."""
    return None if value is None else _number(value, path)
