"""Fiscal quarters with a configurable first month of the fiscal year."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from leadkit.errors import ValidationError

__all__ = ["fiscal_quarter_end"]


def fiscal_quarter_end(day: date, *, start_month: int = 1) -> date:
    """The last day of the fiscal quarter that contains ``day``.

    ``start_month`` is the first month of the fiscal year: 1 for the calendar year, 4 for
    the April-to-March year most Japanese companies use (年度). A datetime counts by its
    own calendar date, in its own time zone.

    >>> fiscal_quarter_end(date(2026, 5, 10), start_month=4)
    datetime.date(2026, 6, 30)
    >>> fiscal_quarter_end(date(2026, 2, 15), start_month=4)  # Q4 of fiscal 2025
    datetime.date(2026, 3, 31)
    >>> fiscal_quarter_end(date(2026, 2, 15))
    datetime.date(2026, 3, 31)
    >>> fiscal_quarter_end(date(2026, 12, 1), start_month=11)
    datetime.date(2027, 1, 31)
    """
    if not isinstance(day, date):
        raise ValidationError(f"expected a date, got {type(day).__name__}", path="day")
    if isinstance(day, datetime):
        day = day.date()
    if isinstance(start_month, bool) or not isinstance(start_month, int):
        raise ValidationError(
            f"expected a month number 1-12, got {start_month!r}", path="start_month"
        )
    if not 1 <= start_month <= 12:
        raise ValidationError(f"a month is 1-12, got {start_month}", path="start_month")
    months_into_year = (day.month - start_month) % 12
    year_start = date(day.year if day.month >= start_month else day.year - 1, start_month, 1)
    next_quarter = year_start + relativedelta(months=months_into_year // 3 * 3 + 3)
    return next_quarter - timedelta(days=1)
