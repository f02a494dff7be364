"""Japanese working calendars: national holidays from jpholiday, the year-end break."""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from leadkit.errors import MissingDependencyError, ValidationError
from leadkit.stages import (
    dump_calendar,
    japanese_calendar,
    japanese_holidays,
    load_calendar,
)

pytest.importorskip("jpholiday")

JST = ZoneInfo("Asia/Tokyo")
H = timedelta(hours=1)
CAL_2026 = japanese_calendar(years=[2026, 2027])


def test_issue_example_sla_over_silver_week_is_due_on_the_24th() -> None:
    """Issue 15: an 8-working-hour SLA from Friday 18 September 2026 17:00 JST is due
    on 24 September, not 21 (敬老の日 21, 国民の休日 22, 秋分の日 23; Cabinet Office
    list of national holidays for 2026)."""
    friday = datetime(2026, 9, 18, 17, tzinfo=JST)
    due = CAL_2026.add_working_time(friday, 8 * H)
    assert due == datetime(2026, 9, 24, 16, tzinfo=JST)
    assert CAL_2026.working_time(friday, due) == 8 * H


def test_substitute_and_citizens_holidays_are_included() -> None:
    """振替休日 and 国民の休日 count as holidays (National Holiday Act, art. 3)."""
    days = japanese_holidays(years=[2026])
    assert date(2026, 5, 6) in days  # 憲法記念日 falls on a Sunday: substitute holiday
    assert date(2026, 9, 22) in days  # between two holidays: 国民の休日
    assert date(2026, 9, 24) not in days
    assert len(days) == 18


def test_new_year_break_spans_the_turn_of_the_year() -> None:
    """年末年始: 29 December to 3 January (the closing days of government offices)."""
    plain = japanese_holidays(years=[2026, 2027])
    closed = japanese_holidays(years=[2026, 2027], new_year_break=True)
    added = sorted(closed - plain)
    assert date(2026, 12, 29) in added
    assert date(2027, 1, 3) in added
    assert date(2026, 12, 28) not in closed
    assert date(2027, 1, 4) not in closed
    # The break that starts at the end of the last year asked for stays inside it.
    assert max(closed) == date(2027, 12, 31)
    assert min(closed) == date(2026, 1, 1)


def test_custom_break_and_extra_holidays() -> None:
    cal = japanese_calendar(
        years=[2026],
        new_year_break=True,
        break_start=(12, 26),
        break_end=(12, 31),
        extra_holidays={date(2026, 8, 14)},
    )
    assert not cal.is_working_day(date(2026, 12, 28))  # a Monday inside the break
    assert not cal.is_working_day(date(2026, 8, 14))  # a Friday the company closes
    assert cal.is_working_day(date(2026, 8, 13))


def test_year_end_sla_skips_the_break() -> None:
    cal = japanese_calendar(years=[2026, 2027], new_year_break=True)
    start = datetime(2026, 12, 28, 17, tzinfo=JST)  # Monday, the last day before the break
    # 1 h on the 28th; 29 Dec-3 Jan closed (4 Jan 2027 is a Monday): 1 h more by 10:00.
    assert cal.add_working_time(start, 2 * H) == datetime(2027, 1, 4, 10, tzinfo=JST)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"years": 2026}, ("years",)),
        ({"years": []}, ("years",)),
        ({"years": [1900]}, ("years",)),
        ({"years": ["2026"]}, ("years",)),
        ({"years": [2026], "break_start": (13, 1)}, ("break_start",)),
        ({"years": [2026], "break_end": "01-03"}, ("break_end",)),
        ({"years": [2026], "new_year_break": "yes"}, ("new_year_break",)),
    ],
)
def test_bad_options_name_the_option(kwargs: dict[str, object], path: tuple[str, ...]) -> None:
    with pytest.raises(ValidationError) as raised:
        japanese_holidays(**kwargs)  # type: ignore[arg-type]
    assert raised.value.path == path


def test_without_jpholiday_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jpholiday", None)  # import now fails
    with pytest.raises(MissingDependencyError, match=r"pip install 'leadkit\[jp\]'") as raised:
        japanese_calendar(years=[2026])
    assert raised.value.extra == "jp"


def test_a_japanese_calendar_is_plain_data_like_any_calendar() -> None:
    """docs/stages.md: calendars round-trip through dump_calendar / load_calendar."""
    cal = japanese_calendar(years=[2026], new_year_break=True)
    assert load_calendar(dump_calendar(cal)) == cal
