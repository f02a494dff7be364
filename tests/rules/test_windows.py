"""Relative time windows: days, weeks, hours and calendar months against an explicit as_of."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from leadkit.rules import RuleError, compile, field

from ._support import lead

JST = timezone(timedelta(hours=9))


def created(at: datetime, condition: object, as_of: datetime) -> bool:
    return compile(condition)(lead(created_at=at), as_of=as_of)  # type: ignore[arg-type]


def test_within_days_includes_both_ends_and_excludes_the_future() -> None:
    as_of = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    recent = field("created_at").within(days=30)
    assert created(as_of, recent, as_of)
    assert created(as_of - timedelta(days=30), recent, as_of)
    assert not created(as_of - timedelta(days=30, seconds=1), recent, as_of)
    # Something after as_of had not happened yet at as_of.
    assert not created(as_of + timedelta(seconds=1), recent, as_of)


def test_older_than_is_the_complement_of_within_for_the_past() -> None:
    as_of = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    old = field("created_at").older_than(days=30)
    recent = field("created_at").within(days=30)
    for offset in (0, 29, 30, 31, 400):
        at = as_of - timedelta(days=offset, seconds=offset % 2)
        assert created(at, old, as_of) is not created(at, recent, as_of)
    assert not created(as_of + timedelta(days=1), old, as_of)


@pytest.mark.parametrize(
    ("as_of", "first_inside"),
    [
        # One calendar month before 31 March is the last day of February.
        (datetime(2026, 3, 31, 10, 0, tzinfo=UTC), datetime(2026, 2, 28, 10, 0, tzinfo=UTC)),
        (datetime(2024, 3, 31, 10, 0, tzinfo=UTC), datetime(2024, 2, 29, 10, 0, tzinfo=UTC)),
        (datetime(2026, 5, 31, 10, 0, tzinfo=UTC), datetime(2026, 4, 30, 10, 0, tzinfo=UTC)),
        (datetime(2026, 1, 15, 10, 0, tzinfo=UTC), datetime(2025, 12, 15, 10, 0, tzinfo=UTC)),
    ],
)
def test_months_are_calendar_months(as_of: datetime, first_inside: datetime) -> None:
    window = field("created_at").within(months=1)
    assert created(first_inside, window, as_of)
    assert not created(first_inside - timedelta(seconds=1), window, as_of)


def test_years_weeks_and_hours() -> None:
    as_of = datetime(2026, 2, 28, 0, 0, tzinfo=UTC)
    assert created(datetime(2025, 2, 28, tzinfo=UTC), field("created_at").within(years=1), as_of)
    assert not created(
        datetime(2025, 2, 27, 23, tzinfo=UTC), field("created_at").within(years=1), as_of
    )
    assert created(as_of - timedelta(days=14), field("created_at").within(weeks=2), as_of)
    assert not created(as_of - timedelta(hours=25), field("created_at").within(hours=24), as_of)
    assert created(as_of - timedelta(hours=24), field("created_at").within(hours=24), as_of)


def test_dates_count_in_calendar_days_of_as_of_time_zone() -> None:
    window = compile(field("custom.visit").within(days=1))
    # 2026-05-01 20:00 UTC is already 2 May in Japan.
    as_of_utc = datetime(2026, 5, 1, 20, 0, tzinfo=UTC)
    as_of_jst = as_of_utc.astimezone(JST)
    visited_yesterday_utc = lead(custom={"visit": date(2026, 4, 30)})
    assert window(visited_yesterday_utc, as_of=as_of_utc)
    assert not window(visited_yesterday_utc, as_of=as_of_jst)
    assert window(lead(custom={"visit": date(2026, 5, 2)}), as_of=as_of_jst)
    assert not window(lead(custom={"visit": date(2026, 5, 2)}), as_of=as_of_utc)  # future


def test_a_window_on_text_is_false() -> None:
    window = compile(field("custom.visit").within(days=30))
    assert not window(lead(custom={"visit": "yesterday"}), as_of=datetime(2026, 5, 1, tzinfo=UTC))


def test_a_compiled_window_follows_each_as_of() -> None:
    # The start of the window is cached per as_of; a new as_of must not reuse it.
    window = compile(field("created_at").within(months=1))
    record = lead(created_at=datetime(2026, 3, 15, tzinfo=UTC))
    assert window(record, as_of=datetime(2026, 4, 1, tzinfo=UTC))
    assert not window(record, as_of=datetime(2026, 5, 1, tzinfo=UTC))
    assert window(record, as_of=datetime(2026, 4, 1, tzinfo=UTC))
    assert not window(record, as_of=datetime(2026, 3, 1, tzinfo=UTC))


@pytest.mark.parametrize("as_of", [datetime(2026, 5, 1), date(2026, 5, 1), "2026-05-01", None])
def test_as_of_must_be_an_aware_datetime(as_of: object) -> None:
    with pytest.raises(RuleError, match="as_of must be a timezone-aware datetime"):
        compile(field("created_at").within(days=1))(lead(), as_of=as_of)  # type: ignore[arg-type]


def test_absolute_comparisons_on_datetimes_respect_time_zones() -> None:
    cutoff = datetime(2026, 4, 1, 0, 0, tzinfo=JST)  # = 31 March 15:00 UTC
    after = compile(field("created_at") >= cutoff)
    as_of = datetime(2026, 5, 1, tzinfo=UTC)
    assert after(lead(created_at=datetime(2026, 3, 31, 15, 0, tzinfo=UTC)), as_of=as_of)
    assert not after(lead(created_at=datetime(2026, 3, 31, 14, 59, tzinfo=UTC)), as_of=as_of)
