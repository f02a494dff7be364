"""Working hours and leave, read in each member's own timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from leadkit.errors import ValidationError
from leadkit.model import User
from leadkit.routing import Availability, Leave, Roster, WorkingHours

WEEKDAYS = WorkingHours(days=range(5), start=time(9), end=time(18))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in April 2026 (the 6th is a Monday), in UTC."""
    return datetime(2026, 4, day, hour, minute, tzinfo=UTC)


def test_hours_are_read_in_the_members_timezone() -> None:
    office = Availability(hours=[WEEKDAYS], timezone="Asia/Tokyo")
    assert office.unavailable_reason(at(6, 0)) is None  # Mon 09:00 JST
    assert office.unavailable_reason(at(6, 8, 59)) is None  # Mon 17:59 JST
    assert office.unavailable_reason(at(6, 9)) == (
        "outside working hours (Mon-Fri 09:00-18:00 Asia/Tokyo)"
    )
    assert office.unavailable_reason(at(11, 1)) is not None  # Saturday
    # The user's own timezone wins: 09:00 UTC is 05:00 in New York.
    assert office.unavailable_reason(at(6, 9), timezone="UTC") is None
    assert office.unavailable_reason(at(6, 9), timezone="America/New_York") is not None


def test_overnight_hours_run_past_midnight() -> None:
    night = Availability(hours=[WorkingHours(days=[4], start=time(22), end=time(6))])
    assert night.unavailable_reason(at(10, 23)) is None  # Fri 23:00
    assert night.unavailable_reason(at(11, 5)) is None  # Sat 05:00, the same shift
    assert night.unavailable_reason(at(11, 7)) is not None
    assert night.unavailable_reason(at(9, 23)) is not None  # Thursday night


def test_leave_counts_whole_local_days() -> None:
    away = Availability(leave=[Leave(date(2026, 4, 29), date(2026, 5, 6))], timezone="Asia/Tokyo")
    # 15:30 UTC on the 28th is already the 29th in Tokyo.
    assert away.unavailable_reason(at(28, 15, 30)) == "on leave 2026-04-29..2026-05-06"
    assert away.unavailable_reason(at(28, 14, 30)) is None


def test_the_roster_combines_activity_and_availability() -> None:
    roster = Roster(
        [User(id="a", name="A", timezone="Asia/Tokyo"), User(id="b", name="B", active=False)],
        availability={"a": Availability(hours=[WEEKDAYS])},
    )
    assert roster.unavailable_reason("a", at(6, 1)) is None
    assert roster.unavailable_reason("a", at(6, 12)) is not None
    assert roster.unavailable_reason("b", at(6, 1)) == "inactive"
    assert roster.unavailable_reason("z", at(6, 1)) == "not in the roster"
    assert roster.timezone_of("a") == "Asia/Tokyo"
    assert roster.timezone_of("b") == "UTC"


def test_bad_schedules_are_refused() -> None:
    with pytest.raises(ValidationError, match="weekday numbers"):
        WorkingHours(days=[7], start=time(9), end=time(17))
    with pytest.raises(ValidationError, match="at least one weekday"):
        WorkingHours(days=[], start=time(9), end=time(17))
    with pytest.raises(ValidationError, match="before it starts"):
        Leave(date(2026, 5, 2), date(2026, 5, 1))
    with pytest.raises(ValidationError, match="unknown timezone"):
        Availability(timezone="Mars/Olympus")
    with pytest.raises(ValidationError, match="listed twice"):
        Roster([User(id="a", name="A"), User(id="a", name="B")])
    with pytest.raises(ValidationError, match="no user"):
        Roster().user("a")


def test_team_availability_loads_from_toml_and_round_trips() -> None:
    """docs/routing.md "Team availability as data": TOML times and dates are read too."""
    import tomllib

    from leadkit.routing import dump_team_availability, load_team_availability

    team = load_team_availability(
        tomllib.loads(
            """
            schema = 1
            [members.sato]
            timezone = "Asia/Tokyo"
            hours = [{ days = [0, 1, 2, 3, 4], start = 09:00:00, end = "18:00" }]
            [members."u-2"]
            leave = [{ start = 2026-04-27, end = 2026-05-06 }]
            """
        )
    )
    assert team["sato"].hours[0].start == time(9)
    assert team["u-2"].leave[0].end == date(2026, 5, 6)
    assert load_team_availability(dump_team_availability(team)) == team


def test_availability_problems_have_paths() -> None:
    from leadkit.errors import LoadError, format_path
    from leadkit.routing import load_availability

    with pytest.raises(LoadError) as caught:
        load_availability(
            {
                "schema": 2,
                "timezone": "Mars/Olympus",
                "hours": [{"days": [7], "start": "09:00", "end": "18:00"}],
                "leave": [{"start": "2026-05-06", "end": "2026-04-27"}, {"start": "soon"}],
            }
        )
    assert [format_path(p.path) for p in caught.value.problems] == [
        "schema",
        "hours[0]",
        "leave[0].end",
        "leave[1].start",
        "leave[1].end",
    ]
