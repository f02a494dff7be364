"""The comparator protocol and the options every built-in comparator shares.

Every comparator reads a field, turns it into a *key* once per record (normalised email,
phone key, company key, name parts ...) and scores two keys with a similarity in [0, 1].
A criterion *holds* when the similarity reaches the comparator's ``threshold``. A blank
value (missing, empty, or nothing left after normalisation) is never similar to anything;
with ``match_blank=True`` two blanks count as a match, as in the leading CRMs' "match
blank fields" option.

``weight`` and ``penalty`` are used only by rules that combine criteria by score: a
criterion that holds adds ``weight × similarity``, one that fails on two present values
subtracts ``penalty``, and a blank adds nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from typing import Any, Protocol, runtime_checkable

import attrs

from leadkit.dedupe._fields import MatchContext
from leadkit.dedupe._similarity import METRICS
from leadkit.errors import ValidationError

__all__ = [
    "Comparator",
    "Scorer",
    "check_bool",
    "check_field",
    "check_points",
    "check_unit",
    "exact",
    "field_option",
    "flag",
    "metric_name",
    "points",
    "threshold",
]

Scorer = Callable[[Any, Any], float]
"""Scores two (non-blank) keys: a similarity from 0.0 (different) to 1.0 (the same)."""


@runtime_checkable
class Comparator(Protocol):
    """What a matching rule needs from a field comparison.

    The built-in comparators are frozen attrs classes; anything with these members works.
    ``key`` is called once per record and run, ``scorer`` once per run (it may import or
    build what it needs), and the scorer once per candidate pair, so keep it cheap and
    symmetric: ``scorer(a, b) == scorer(b, a)``.

    :class:`~leadkit.dedupe.ConditionMatch` is one built from the condition language: its
    key is the condition's verdict for the record, its scorer 1.0 when the condition holds
    for both records (or either).
    """

    @property
    def field(self) -> str:
        """The field path read (or, for a key function, its name): shown in evidence."""
        ...

    @property
    def method(self) -> str:
        """How the values are compared, for people: ``"jaro_winkler"``, ``"email"`` ..."""
        ...

    @property
    def threshold(self) -> float:
        """The least similarity at which the criterion holds."""
        ...

    @property
    def weight(self) -> float:
        """Points for a criterion that holds (score-combined rules only)."""
        ...

    @property
    def penalty(self) -> float:
        """Points taken off when two present values do not match (score-combined rules)."""
        ...

    @property
    def match_blank(self) -> bool:
        """Whether two blank values count as a match."""
        ...

    def value(self, record: Any, context: MatchContext) -> object:
        """The field as stored in *record*: what evidence shows people."""
        ...

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """The normalised key of *record* that the scorer compares; None when blank."""
        ...

    def scorer(self) -> Scorer:
        """The function scoring two non-blank keys."""
        ...


# ---------------------------------------------------------------------------------------------
# Shared options
# ---------------------------------------------------------------------------------------------


def check_unit(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise ValidationError(
            f"must be a number from 0.0 to 1.0, got {value!r}",
            path=f"{type(instance).__name__}.{attribute.name}",
        )


def check_points(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValidationError(
            f"must be a finite number of points, 0 or more, got {value!r}",
            path=f"{type(instance).__name__}.{attribute.name}",
        )


def check_field(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            f"must name a field such as 'email' or 'address.city', got {value!r}",
            path=f"{type(instance).__name__}.{attribute.name}",
        )


def check_bool(instance: object, attribute: attrs.Attribute[bool], value: bool) -> None:
    if not isinstance(value, bool):
        raise ValidationError(
            f"must be True or False, got {value!r}",
            path=f"{type(instance).__name__}.{attribute.name}",
        )


def field_option(default: str) -> Any:
    return attrs.field(default=default, validator=check_field)


def threshold(default: float) -> Any:
    return attrs.field(default=default, validator=check_unit, kw_only=True)


def points(default: float) -> Any:
    return attrs.field(default=default, validator=check_points, kw_only=True)


def flag(default: bool = False) -> Any:
    return attrs.field(default=default, validator=check_bool, kw_only=True)


def metric_name(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in METRICS:
        raise ValidationError(
            f"unknown metric {value!r}; expected one of {', '.join(METRICS)}",
            path=f"{type(instance).__name__}.{attribute.name}",
        )


def exact(left: object, right: object) -> float:
    return 1.0 if left == right else 0.0
