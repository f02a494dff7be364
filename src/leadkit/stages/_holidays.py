"""Japanese working calendars: national holidays (祝日) from ``jpholiday``, and the
year-end break (年末年始).

``jpholiday`` is a small pure-Python package that knows every national holiday under the
National Holiday Act, substitute holidays (振替休日) and citizens' holidays (国民の休日)
included. It is an optional dependency: ``pip install 'leadkit[jp]'``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta
from typing import Any

from leadkit._optional import require
from leadkit.stages._calendar import WorkingCalendar
from leadkit.stages._errors import stage_error

__all__ = ["NEW_YEAR_BREAK", "japanese_calendar", "japanese_holidays"]

NEW_YEAR_BREAK: tuple[tuple[int, int], tuple[int, int]] = ((12, 29), (1, 3))
"""The usual year-end break (年末年始) as (month, day) pairs: 29 December to 3 January,
the days government offices and most companies close."""

_FIRST_YEAR = 1955  # jpholiday's rules start with the 1948 act; be safe with its range
_LAST_YEAR = 2099
_MAX_YEARS = 200


def _years(value: object) -> list[int]:
    if isinstance(value, int | str | bytes) or not isinstance(value, Iterable):
        raise stage_error(
            f"years is an iterable of years such as range(2026, 2028), got {value!r}",
            path="years",
        )
    years = sorted(set(value))
    if not years:
        raise stage_error("years must name at least one year", path="years")
    for year in years:
        if isinstance(year, bool) or not isinstance(year, int):
            raise stage_error(f"a year is an int, got {year!r}", path="years")
        if not _FIRST_YEAR <= year <= _LAST_YEAR:
            raise stage_error(
                f"Japanese holidays are known for {_FIRST_YEAR}..{_LAST_YEAR}, got {year}",
                path="years",
            )
    if len(years) > _MAX_YEARS:
        raise stage_error(f"at most {_MAX_YEARS} years, got {len(years)}", path="years")
    return years


def _month_day(value: object, name: str) -> tuple[int, int]:
    if (
        not isinstance(value, tuple)
        or len(value) != 2
        or not all(isinstance(part, int) and not isinstance(part, bool) for part in value)
    ):
        raise stage_error(f"expected (month, day) such as (12, 29), got {value!r}", path=name)
    month, day = value
    try:
        date(2024, month, day)  # a leap year, so that (2, 29) is accepted
    except ValueError:
        raise stage_error(f"no such day of the year: {value!r}", path=name) from None
    return month, day


def _break_days(years: list[int], start: tuple[int, int], end: tuple[int, int]) -> set[date]:
    """Every day of the breaks that touch ``years`` (each break runs from ``start`` of one
    year to ``end`` of the next when ``end`` comes earlier in the year)."""
    days: set[date] = set()
    wraps = end < start
    for year in range(years[0] - 1, years[-1] + 1):
        first = date(year, *start)
        last = date(year + 1 if wraps else year, *end)
        day = first
        while day <= last:
            if years[0] <= day.year <= years[-1]:
                days.add(day)
            day += timedelta(days=1)
    return days


def japanese_holidays(
    *,
    years: Iterable[int],
    new_year_break: bool = False,
    break_start: tuple[int, int] = NEW_YEAR_BREAK[0],
    break_end: tuple[int, int] = NEW_YEAR_BREAK[1],
) -> frozenset[date]:
    """The Japanese national holidays of ``years``, and, with ``new_year_break=True``, the
    days of the year-end break (29 December to 3 January unless ``break_start`` and
    ``break_end`` say otherwise, as (month, day)).

    Needs ``jpholiday`` (``pip install 'leadkit[jp]'``); finding a year's holidays takes a
    fraction of a second, so ask for the years you need.

    >>> days = japanese_holidays(years=[2026])
    >>> [d.isoformat() for d in sorted(days) if d.month == 9]
    ['2026-09-21', '2026-09-22', '2026-09-23']
    >>> date(2026, 12, 30) in japanese_holidays(years=[2026], new_year_break=True)
    True
    """
    chosen = _years(years)
    start = _month_day(break_start, "break_start")
    end = _month_day(break_end, "break_end")
    if not isinstance(new_year_break, bool):
        raise stage_error(
            f"new_year_break is True or False, got {new_year_break!r}", path="new_year_break"
        )
    jpholiday: Any = require("jpholiday", "jp", purpose="Japanese public holidays")
    days: set[date] = set()
    for year in chosen:
        days.update(day for day, _name in jpholiday.year_holidays(year))
    if new_year_break:
        days |= _break_days(chosen, start, end)
    return frozenset(days)


def japanese_calendar(
    *,
    years: Iterable[int],
    new_year_break: bool = False,
    break_start: tuple[int, int] = NEW_YEAR_BREAK[0],
    break_end: tuple[int, int] = NEW_YEAR_BREAK[1],
    timezone: str = "Asia/Tokyo",
    weekdays: Iterable[int] = range(5),
    start: time = time(9),
    end: time = time(18),
    extra_holidays: Iterable[date] = (),
) -> WorkingCalendar:
    """A ``WorkingCalendar`` for a Japanese office: Monday to Friday, 9:00-18:00 in
    ``Asia/Tokyo``, closed on the national holidays of ``years`` (and the year-end break
    with ``new_year_break=True``), plus your own ``extra_holidays`` (創立記念日, お盆休み).

    Holidays are known only for ``years``: give every year your deadlines may reach (a
    service level started in late December ends in January).

    An 8-working-hour SLA from Friday 18 September 2026 17:00 is due on Thursday the 24th
    at 16:00: one hour on Friday, then the weekend, 敬老の日 (21), 国民の休日 (22) and
    秋分の日 (23).

    >>> from datetime import datetime, timedelta
    >>> from zoneinfo import ZoneInfo
    >>> cal = japanese_calendar(years=[2026])
    >>> friday = datetime(2026, 9, 18, 17, tzinfo=ZoneInfo("Asia/Tokyo"))
    >>> cal.add_working_time(friday, timedelta(hours=8)).isoformat()
    '2026-09-24T16:00:00+09:00'
    """
    holidays = japanese_holidays(
        years=years, new_year_break=new_year_break, break_start=break_start, break_end=break_end
    )
    try:
        extra = frozenset(extra_holidays)
    except TypeError:
        raise stage_error(
            f"extra_holidays is an iterable of dates, got {extra_holidays!r}",
            path="extra_holidays",
        ) from None
    return WorkingCalendar(
        timezone=timezone, weekdays=weekdays, start=start, end=end, holidays=holidays | extra
    )
