"""How event points lose weight with age: half-life, linear steps, or inactivity."""

from __future__ import annotations

import math
from typing import TypeAlias

import attrs

from leadkit.scoring._errors import scoring_error

__all__ = ["Decay", "HalfLife", "InactivityDecay", "LinearDecay"]

DAY_SECONDS = 86_400.0
_MAX_DAYS = 36_500.0


def _days(instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise scoring_error(f"expected a number of days, got {value!r}", path=attribute.name)
    if not 0 < value <= _MAX_DAYS:
        raise scoring_error(
            f"must be more than 0 and at most {_MAX_DAYS:.0f} days, got {value!r}",
            path=attribute.name,
        )


def _percent(instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise scoring_error(f"expected a percentage, got {value!r}", path=attribute.name)
    if not 0 < value <= 100:
        raise scoring_error(
            f"a percentage is more than 0 and at most 100, got {value!r}",
            path=attribute.name,
        )


@attrs.frozen(slots=True)
class HalfLife:
    """Each event's points halve every ``days`` days, continuously:
    ``points * 0.5 ** (age_days / days)``.

    >>> round(HalfLife(days=90).factor(180 * 86400), 6)
    0.25
    """

    days: float = attrs.field(validator=_days)

    def factor(self, age_seconds: float) -> float:
        """The weight left after ``age_seconds`` (1 at age 0)."""
        return math.exp(age_seconds * self.rate)

    @property
    def rate(self) -> float:
        """The (negative) exponent per second: the factor is ``exp(age_seconds * rate)``."""
        return -math.log(2.0) / (self.days * DAY_SECONDS)

    def __str__(self) -> str:
        return f"half-life {_show(self.days)} days"


@attrs.frozen(slots=True)
class LinearDecay:
    """Each event's points lose ``percent`` % of their value for every full
    ``every_days`` days of age, down to nothing.

    >>> LinearDecay(percent=25, every_days=30).factor(61 * 86400)
    0.5
    """

    percent: float = attrs.field(validator=_percent)
    every_days: float = attrs.field(validator=_days, kw_only=True)

    def factor(self, age_seconds: float) -> float:
        """The weight left after ``age_seconds`` (1 within the first period)."""
        periods = math.floor(age_seconds / (self.every_days * DAY_SECONDS))
        return max(0.0, 1.0 - self.percent / 100.0 * periods)

    def __str__(self) -> str:
        return f"-{_show(self.percent)}% every {_show(self.every_days)} days"


@attrs.frozen(slots=True)
class InactivityDecay:
    """A step: when the lead's latest engagement event (of any kind) is more than
    ``days`` days old, its decaying event points lose ``percent`` %.

    >>> InactivityDecay(days=90, percent=50).factor(91 * 86400)
    0.5
    """

    days: float = attrs.field(validator=_days)
    percent: float = attrs.field(validator=_percent, kw_only=True)

    def factor(self, idle_seconds: float) -> float:
        """The weight left when the latest event is ``idle_seconds`` old."""
        return 1.0 - self.percent / 100.0 if idle_seconds > self.days * DAY_SECONDS else 1.0

    def __str__(self) -> str:
        return f"-{_show(self.percent)}% after {_show(self.days)} days without activity"


Decay: TypeAlias = HalfLife | LinearDecay | InactivityDecay
"""One of the decay kinds; a model without decay has ``decay=None``."""


def _show(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
