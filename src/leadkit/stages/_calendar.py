"""Working time: weekdays, daily hours, a timezone and holidays, measured exactly."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import attrs

from leadkit._checks import LATEST, aware_datetime, time_zone
from leadkit.stages._errors import stage_error

__all__ = ["WorkingCalendar"]

_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)
_SEARCH_DAYS = 3660  # ten years of holidays in a row is a mistake, not a calendar


def _day_before(day: date) -> date:
    return day - _ONE_DAY if day > date.min else day


def _day_after(day: date) -> date:
    return day + _ONE_DAY if day < date.max else day


def _zone(instance: WorkingCalendar, attribute: attrs.Attribute[str], value: object) -> None:
    time_zone(value, path=("WorkingCalendar", "timezone"), code="bad_stage_input")


def _weekdays(value: Iterable[int]) -> frozenset[int]:
    return frozenset(value)


def _check_weekdays(
    instance: WorkingCalendar, attribute: attrs.Attribute[frozenset[int]], value: frozenset[int]
) -> None:
    if not value or any(isinstance(d, bool) or d not in range(7) for d in value):
        raise stage_error(
            f"weekdays are 0 (Monday) to 6 (Sunday), at least one; got {sorted(value)!r}",
            path="WorkingCalendar.weekdays",
        )


def _holidays(value: Iterable[date]) -> frozenset[date]:
    return frozenset(value)


def _check_holidays(
    instance: WorkingCalendar, attribute: attrs.Attribute[frozenset[date]], value: frozenset[date]
) -> None:
    for day in value:
        if not isinstance(day, date) or isinstance(day, datetime):
            raise stage_error(
                f"holidays are dates, got {day!r}",
                path="WorkingCalendar.holidays",
            )


def _time(instance: WorkingCalendar, attribute: attrs.Attribute[time], value: object) -> None:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise stage_error(
            f"expected a local time of day such as time(9, 0), got {value!r}",
            path=f"WorkingCalendar.{attribute.name}",
        )


@attrs.frozen(slots=True)
class WorkingCalendar:
    """When people work: ``weekdays`` (0 = Monday), daily hours ``start``-``end`` in
    ``timezone`` (an IANA name), and ``holidays`` (dates you pass in, such as Japanese
    national holidays).

    Working time between two instants is exact (``timedelta``, to the microsecond) and
    computed on absolute time, so a daylight-saving change inside working hours counts as
    the hour it really is.

    >>> from datetime import datetime, date, time, timedelta
    >>> from zoneinfo import ZoneInfo
    >>> jst = ZoneInfo("Asia/Tokyo")
    >>> cal = WorkingCalendar(timezone="Asia/Tokyo", holidays={date(2026, 4, 29)})
    >>> tue_5pm = datetime(2026, 4, 28, 17, tzinfo=jst)
    >>> thu_10am = datetime(2026, 4, 30, 10, tzinfo=jst)
    >>> cal.working_time(tue_5pm, thu_10am)  # Wednesday 29 April is 昭和の日
    datetime.timedelta(seconds=7200)
    >>> cal.add_working_time(tue_5pm, timedelta(hours=2))
    datetime.datetime(2026, 4, 30, 10, 0, tzinfo=zoneinfo.ZoneInfo(key='Asia/Tokyo'))
    """

    timezone: str = attrs.field(default="UTC", validator=_zone)
    weekdays: frozenset[int] = attrs.field(
        default=frozenset(range(5)), converter=_weekdays, validator=_check_weekdays
    )
    start: time = attrs.field(default=time(9), validator=_time)
    end: time = attrs.field(default=time(18), validator=_time)
    holidays: frozenset[date] = attrs.field(
        default=frozenset(), converter=_holidays, validator=_check_holidays
    )

    def __attrs_post_init__(self) -> None:
        if self.start >= self.end:
            raise stage_error(
                f"working hours must start before they end, got {self.start}-{self.end}",
                path="WorkingCalendar.end",
            )

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's timezone."""
        return ZoneInfo(self.timezone)

    def is_working_day(self, day: date) -> bool:
        """True for a working weekday that is not a holiday."""
        return day.weekday() in self.weekdays and day not in self.holidays

    def _span(self, day: date, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
        """The working span (in UTC) of ``day``, or None when it is not a working day.

        A span that does not fit the calendar in UTC (the first or last local day in a
        zone far from UTC) is None too: it lies wholly outside the times leadkit allows
        (``_checks.EARLIEST`` .. ``LATEST``), a day away from either end.
        """
        if not self.is_working_day(day):
            return None
        try:
            opens = datetime.combine(day, self.start, tzinfo=zone).astimezone(UTC)
            closes = datetime.combine(day, self.end, tzinfo=zone).astimezone(UTC)
        except OverflowError:
            return None
        return (opens, closes) if opens < closes else None

    def _days(self, first: date, last: date) -> Iterator[date]:
        """Every day from ``first`` to ``last``, never past the end of the calendar."""
        day = first
        while day <= last:
            yield day
            if day == date.max:
                return
            day += _ONE_DAY

    def _first_day(self, instant: datetime) -> date:
        # A day before the local date: the day's span is built in local time and an
        # instant near midnight may fall inside the previous local day's span after a
        # timezone shift; starting a day early is always safe.
        return _day_before(instant.astimezone(self.zone).date())

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        """The working time between two aware instants (zero when ``end`` is not after
        ``start``). Monotone in ``end``, never negative, and additive:
        ``working_time(a, c) == working_time(a, b) + working_time(b, c)`` for a ≤ b ≤ c."""
        _check_instant(start, "start")
        _check_instant(end, "end")
        if end <= start:
            return _ZERO
        total = _ZERO
        a, b = start.astimezone(UTC), end.astimezone(UTC)
        zone = self.zone
        last_day = _day_after(end.astimezone(zone).date())
        for day in self._days(self._first_day(start), last_day):
            span = self._span(day, zone)
            if span is not None:
                low, high = max(span[0], a), min(span[1], b)
                if high > low:
                    total += high - low
        return total

    def working_hours(self, start: datetime, end: datetime) -> float:
        """:meth:`working_time` in hours, as a float (for display and thresholds)."""
        return self.working_time(start, end) / timedelta(hours=1)

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The instant when ``amount`` of working time has passed since ``start``
        (in the calendar's timezone): the deadline of a service level.

        A deadline after the last time leadkit allows (9999-12-30 UTC) is a
        :class:`~leadkit.errors.ValidationError` (code ``bad_stage_input``) naming ``amount``.
        """
        _check_instant(start, "start")
        if not isinstance(amount, timedelta) or amount < _ZERO:
            raise stage_error(
                f"expected a timedelta of zero or more, got {amount!r}",
                path="amount",
            )
        if amount == _ZERO:
            return start.astimezone(self.zone)
        left = amount
        a = start.astimezone(UTC)
        zone = self.zone
        searched = 0
        # Working time never runs faster than the clock: past the end, do not search.
        days = self._days(self._first_day(start), date.max) if amount <= LATEST - a else ()
        for day in days:
            span = self._span(day, zone)
            if span is None:
                searched += 1
                if searched > _SEARCH_DAYS:
                    break
                continue
            searched = 0
            low, closes = max(span[0], a), min(span[1], LATEST)
            if closes <= low:
                continue
            available = closes - low
            if left <= available:
                return (low + left).astimezone(zone)
            left -= available
        else:
            raise stage_error(
                f"{amount} of working time after {start.isoformat()} ends after "
                f"{LATEST.date()}, the last day leadkit allows",
                path="amount",
            )
        raise stage_error(
            f"no working time in the {_SEARCH_DAYS} days after {start.isoformat()}; "
            "check weekdays and holidays",
            path="WorkingCalendar",
        )


def _check_instant(value: object, name: str) -> None:
    aware_datetime(value, path=name, code="bad_stage_input")
