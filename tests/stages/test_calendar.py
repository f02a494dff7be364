"""Working time: exact, never negative, monotone and additive; deadlines invert it."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit.errors import LoadError, ValidationError, format_path
from leadkit.io import dumps, loads, structure
from leadkit.stages import WorkingCalendar, load_calendar

JST = ZoneInfo("Asia/Tokyo")
BERLIN = ZoneInfo("Europe/Berlin")
H = timedelta(hours=1)
# A few Japanese national holidays of 2026, passed in as data (ゴールデンウィーク).
GOLDEN_WEEK = {date(2026, 4, 29), date(2026, 5, 4), date(2026, 5, 5), date(2026, 5, 6)}
TOKYO = WorkingCalendar(timezone="Asia/Tokyo", holidays=GOLDEN_WEEK)


def jst(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=JST)


def test_within_one_day() -> None:
    assert TOKYO.working_time(jst(2026, 4, 1, 10), jst(2026, 4, 1, 12, 30)) == 2.5 * H
    # before opening and after closing count nothing
    assert TOKYO.working_time(jst(2026, 4, 1, 6), jst(2026, 4, 1, 20)) == 9 * H


def test_weekends_and_holidays_do_not_count() -> None:
    # Friday 17:00 to Monday 10:00: one hour on Friday, one on Monday
    assert TOKYO.working_time(jst(2026, 4, 3, 17), jst(2026, 4, 6, 10)) == 2 * H
    # Friday 1 May 17:00 to Thursday 7 May 10:00: weekend and three holidays in between
    assert TOKYO.working_time(jst(2026, 5, 1, 17), jst(2026, 5, 7, 10)) == 2 * H
    assert not TOKYO.is_working_day(date(2026, 5, 5))


def test_instants_in_other_zones_are_the_same_instants() -> None:
    start_utc = jst(2026, 4, 1, 10).astimezone(UTC)
    assert TOKYO.working_time(start_utc, jst(2026, 4, 1, 11)) == H


def test_reversed_interval_is_zero() -> None:
    assert TOKYO.working_time(jst(2026, 4, 2, 12), jst(2026, 4, 1, 12)) == timedelta(0)


def test_daylight_saving_change_inside_working_hours_is_measured_on_real_time() -> None:
    night_shift = WorkingCalendar(
        timezone="Europe/Berlin", weekdays=range(7), start=time(0, 30), end=time(5)
    )
    # On Sunday 29 March 2026 clocks jump from 02:00 to 03:00 in Berlin: 4.5 wall hours
    # between 00:30 and 05:00 are 3.5 real hours.
    day = datetime(2026, 3, 29, tzinfo=BERLIN)
    assert night_shift.working_time(day, day + timedelta(days=1)) == 3.5 * H
    # add_working_time lands on the real instant too
    end = night_shift.add_working_time(datetime(2026, 3, 29, 0, 30, tzinfo=BERLIN), 3.5 * H)
    assert end == datetime(2026, 3, 29, 5, 0, tzinfo=BERLIN)


def test_add_working_time_carries_over_days() -> None:
    # 17:00 on Tuesday 28 April + 3 working hours: 1 on Tuesday, Wednesday is 昭和の日,
    # 2 on Thursday
    assert TOKYO.add_working_time(jst(2026, 4, 28, 17), 3 * H) == jst(2026, 4, 30, 11)
    # exactly the rest of the day ends at closing time
    assert TOKYO.add_working_time(jst(2026, 4, 28, 17), H) == jst(2026, 4, 28, 18)
    # starting at night waits for the next opening
    assert TOKYO.add_working_time(jst(2026, 4, 27, 22), H) == jst(2026, 4, 28, 10)
    assert TOKYO.add_working_time(jst(2026, 4, 27, 22), timedelta(0)) == jst(2026, 4, 27, 22)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"timezone": "Mars/Olympus"}, "WorkingCalendar.timezone"),
        ({"weekdays": []}, "WorkingCalendar.weekdays"),
        ({"weekdays": [7]}, "WorkingCalendar.weekdays"),
        ({"start": time(18), "end": time(9)}, "WorkingCalendar.end"),
        ({"holidays": [datetime(2026, 1, 1, tzinfo=UTC)]}, "WorkingCalendar.holidays"),
    ],
)
def test_bad_calendars_are_refused(kwargs: dict[str, object], path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        WorkingCalendar(**kwargs)  # type: ignore[arg-type]
    assert format_path(caught.value.path) == path


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValidationError, match="timezone-aware"):
        TOKYO.working_time(datetime(2026, 4, 1), jst(2026, 4, 2))
    with pytest.raises(ValidationError):
        TOKYO.add_working_time(jst(2026, 4, 1), -H)


calendars = st.builds(
    WorkingCalendar,
    timezone=st.sampled_from(["Asia/Tokyo", "UTC", "Europe/Berlin", "America/New_York"]),
    weekdays=st.sets(st.integers(0, 6), min_size=1),
    start=st.sampled_from([time(0), time(8, 30), time(9)]),
    end=st.sampled_from([time(12), time(18), time(23, 59)]),
    holidays=st.sets(
        st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)), max_size=20
    ),
)
instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
)


@given(calendars, instants, instants, instants)
def test_working_time_is_never_negative_monotone_and_additive(
    cal: WorkingCalendar, x: datetime, y: datetime, z: datetime
) -> None:
    a, b, c = sorted([x, y, z])
    ab, bc, ac = cal.working_time(a, b), cal.working_time(b, c), cal.working_time(a, c)
    assert ab >= timedelta(0)
    assert bc >= timedelta(0)
    assert ac == ab + bc  # additive, exactly
    assert ac >= ab  # monotone in the end
    assert ac <= c - a  # never more than the elapsed time


@given(calendars, instants, st.integers(min_value=0, max_value=200 * 3600))
def test_add_working_time_inverts_working_time(
    cal: WorkingCalendar, start: datetime, seconds: int
) -> None:
    amount = timedelta(seconds=seconds)
    end = cal.add_working_time(start, amount)
    assert end >= start
    assert cal.working_time(start, end) == amount
    # and it is the earliest such instant: a second less would not be enough
    if seconds:
        assert cal.working_time(start, end - timedelta(seconds=1)) < amount


def test_a_calendar_round_trips_and_loads_from_toml() -> None:
    assert loads(dumps(TOKYO), WorkingCalendar) == TOKYO
    data = tomllib.loads(
        """
        timezone = "Asia/Tokyo"
        weekdays = [0, 1, 2, 3, 4]
        start = 09:30:00
        end = "17:30"
        holidays = [2026-04-29, "2026-05-05"]
        """
    )
    calendar = load_calendar(data)
    assert calendar == WorkingCalendar(
        timezone="Asia/Tokyo",
        start=time(9, 30),
        end=time(17, 30),
        holidays={date(2026, 4, 29), date(2026, 5, 5)},
    )
    with pytest.raises(LoadError) as caught:
        structure(
            {"timezone": "Asia/Tokyo", "start": "9am", "holidays": ["2026-13-01"], "lunch": 1},
            WorkingCalendar,
        )
    assert sorted(format_path(p.path) for p in caught.value.problems) == [
        "holidays[0]",
        "lunch",
        "start",
    ]
    with pytest.raises(LoadError) as bad_zone:
        load_calendar({"timezone": "Mars/Olympus"}, path="sla.calendar")
    assert [format_path(p.path) for p in bad_zone.value.problems] == ["sla.calendar.timezone"]
