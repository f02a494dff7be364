"""Relative time windows: "the last 30 days", "older than 3 months", counted back from as_of."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import attrs
from dateutil.relativedelta import relativedelta

from leadkit.rules._errors import RuleError

__all__ = ["Period"]

D = TypeVar("D", date, datetime)

_UNITS = ("years", "months", "weeks", "days", "hours")


# About two centuries in every unit: longer windows are mistakes, and would overflow
# datetime arithmetic near the ends of its range.
_LIMITS = {"years": 200, "months": 2_400, "weeks": 10_000, "days": 73_000, "hours": 1_752_000}


def _amount(instance: Period, attribute: attrs.Attribute[int], value: int) -> None:
    limit = _LIMITS[attribute.name]
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
        raise RuleError(
            f"{attribute.name} must be a whole number from 0 to {limit}, got {value!r}",
            path=attribute.name,
            key="within",
        )


@attrs.frozen(slots=True)
class Period:
    """A span of calendar time counted back from ``as_of``.

    Months and years are calendar months (``dateutil.relativedelta``): one month before
    31 March is 28 (or 29) February. Days, weeks and hours are exact. A window that would
    begin before year 1 begins at the calendar's first instant (``datetime.min`` in UTC).

    >>> from datetime import datetime, UTC
    >>> Period(months=1).start(datetime(2026, 3, 31, tzinfo=UTC)).date()
    datetime.date(2026, 2, 28)
    >>> str(Period(days=30)), str(Period(years=1, months=2))
    ('30 days', '1 year 2 months')
    """

    years: int = attrs.field(default=0, validator=_amount, kw_only=True)
    months: int = attrs.field(default=0, validator=_amount, kw_only=True)
    weeks: int = attrs.field(default=0, validator=_amount, kw_only=True)
    days: int = attrs.field(default=0, validator=_amount, kw_only=True)
    hours: int = attrs.field(default=0, validator=_amount, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not any(self.as_dict().values()):
            raise RuleError(
                "a window needs a length, e.g. within(days=30) or within(months=3)",
                key="within",
            )

    def as_dict(self) -> dict[str, int]:
        """The non-zero units, as plain data (``{"days": 30}``)."""
        return {unit: getattr(self, unit) for unit in _UNITS if getattr(self, unit)}

    @property
    def is_calendar(self) -> bool:
        """True when the window counts months or years (whose length varies)."""
        return bool(self.years or self.months)

    def start(self, as_of: D) -> D:
        """The first instant (or day) inside the window that ends at ``as_of``."""
        start: D = self.start_function()(as_of)
        return start

    def start_function(self) -> Callable[[Any], Any]:
        """A fast ``as_of -> start`` function, precomputed for compiled conditions.

        It remembers its last answer: a batch evaluates many records at one ``as_of``,
        and calendar arithmetic (``relativedelta``) is slow.
        """
        compute = self._compute_function()
        last: list[tuple[Any, Any]] = [(None, None)]

        def start(as_of: Any) -> Any:
            seen, result = last[0]  # one tuple, replaced whole: safe across threads
            if seen is not as_of:
                result = compute(as_of)
                last[0] = (as_of, result)
            return result

        return start

    def _compute_function(self) -> Callable[[Any], Any]:
        compute = self._arithmetic()

        def start(as_of: Any) -> Any:
            try:
                return compute(as_of)
            except (OverflowError, ValueError):
                # The window reaches back before year 1: it holds everything since then.
                return datetime.min.replace(tzinfo=UTC) if isinstance(as_of, datetime) else date.min

        return start

    def _arithmetic(self) -> Callable[[Any], Any]:
        if self.is_calendar:
            delta_r = relativedelta(
                years=self.years,
                months=self.months,
                weeks=self.weeks,
                days=self.days,
                hours=self.hours,
            )
            return lambda as_of: as_of - delta_r
        delta = timedelta(weeks=self.weeks, days=self.days, hours=self.hours)
        return lambda as_of: as_of - delta

    def __str__(self) -> str:
        parts = []
        for unit, amount in self.as_dict().items():
            parts.append(f"{amount} {unit[:-1] if amount == 1 else unit}")
        return " ".join(parts)
