"""Date arithmetic near the ends of the calendar ends in a result or a ``LeadkitError``.

Issue 21 ("Time zones"): windows of years before year 200 and ``--as-of`` near
9999-12-31 raised ``ValueError``/``OverflowError``. Times leadkit accepts lie in
0001-01-02 .. 9999-12-30 UTC (``leadkit._checks.aware_datetime``); working time, service
level deadlines, requalification holds, score windows and decay near either end must stay
inside it. The zones are chosen for their distance from UTC (+14, -12, Tokyo's local
mean time in year 1), which is where a local day crosses the end of the calendar.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit._checks import EARLIEST, LATEST
from leadkit.errors import LeadkitError, LoadError, ValidationError
from leadkit.model import EngagementEvent, Lead, PersonName
from leadkit.scoring import default_grading_profile, load_scoring_model
from leadkit.stages import (
    Stage,
    StageHistory,
    WorkingCalendar,
    advance,
    classify,
    dump_calendar,
    load_calendar,
    load_stage_policy,
    overdue,
    recycle,
)

ZONES = ["UTC", "Pacific/Kiritimati", "Etc/GMT+12", "Asia/Tokyo", "America/New_York"]
EDGE = timedelta(days=20)

calendars = st.builds(
    WorkingCalendar,
    timezone=st.sampled_from(ZONES),
    weekdays=st.sets(st.integers(0, 6), min_size=1),
    start=st.sampled_from([time(0), time(9), time(13, 30, 15)]),
    end=st.sampled_from([time(18), time(23, 59, 59)]),
)
offsets = st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))])


@st.composite
def near_an_end(draw: st.DrawFn, *, low: bool | None = None) -> datetime:
    """An instant within 20 days of the first (``low``) or the last time leadkit allows.

    Never both ends in one example: working time from year 1 to 9999 is exact but takes
    seconds (one step per day), and is not what this file is about."""
    if low is None:
        low = draw(st.booleans())
    base = EARLIEST if low else LATEST - EDGE
    moment = base + draw(st.timedeltas(min_value=timedelta(0), max_value=EDGE))
    return moment.astimezone(draw(offsets))


@st.composite
def three_near_one_end(draw: st.DrawFn) -> tuple[datetime, datetime, datetime]:
    low = draw(st.booleans())
    first, second, third = (draw(near_an_end(low=low)) for _ in range(3))
    return first, second, third


def test_the_ends_of_the_calendar_in_zones_far_from_utc() -> None:
    """Examples from the issue: each call overflowed before (a local day past 9999-12-31
    or before 0001-01-01 in the zone)."""
    kiritimati = WorkingCalendar(timezone="Pacific/Kiritimati")
    west = WorkingCalendar(timezone="Etc/GMT+12")
    three_days = timedelta(days=3)
    assert kiritimati.working_time(EARLIEST, EARLIEST + three_days) == timedelta(hours=27)
    assert west.working_time(LATEST - three_days, LATEST) == timedelta(hours=27)
    assert west.add_working_time(EARLIEST, timedelta(hours=1)).astimezone(UTC) == datetime(
        1, 1, 2, 1, tzinfo=UTC
    )
    with pytest.raises(ValidationError) as raised:
        kiritimati.add_working_time(LATEST - timedelta(hours=30), timedelta(hours=100))
    assert raised.value.path == ("amount",)
    assert "9999-12-30" in str(raised.value)


def test_a_deadline_past_the_end_is_refused_without_searching_to_it() -> None:
    with pytest.raises(ValidationError) as raised:
        WorkingCalendar().add_working_time(EARLIEST, timedelta(days=999_999_999))
    assert raised.value.path == ("amount",)


@settings(max_examples=60, deadline=None)
@given(calendar=calendars, start=near_an_end(), length=st.timedeltas(timedelta(0), EDGE))
def test_working_time_near_the_ends_is_a_duration_within_the_wall_clock(
    calendar: WorkingCalendar, start: datetime, length: timedelta
) -> None:
    end = start + min(length, LATEST - start)
    worked = calendar.working_time(start, end)
    assert timedelta(0) <= worked <= max(end - start, timedelta(0))


@settings(max_examples=60, deadline=None)
@given(
    calendar=calendars,
    start=near_an_end(),
    amount=st.timedeltas(timedelta(0), timedelta(days=40)),
)
def test_a_deadline_near_the_ends_is_exact_or_a_stage_error_naming_amount(
    calendar: WorkingCalendar, start: datetime, amount: timedelta
) -> None:
    # Refused exactly when too little working time is left (only near the last day: from
    # year 1, the 40 days always fit, and measuring to 9999 would take seconds).
    short = LATEST - start < 2 * EDGE + amount and calendar.working_time(start, LATEST) < amount
    if short:
        with pytest.raises(ValidationError) as raised:
            calendar.add_working_time(start, amount)
        assert raised.value.path == ("amount",)
        return
    due = calendar.add_working_time(start, amount)
    assert start <= due <= LATEST
    assert calendar.working_time(start, due) == amount


# -- classification, SLA, scoring and grading at the ends -----------------------------------

POLICY = load_stage_policy(
    {
        "mql": {
            "min_score": 10,
            "or_when": {"events": ["demo_request"], "within": {"days": 36_600}},
        },
        "disqualify_when": {"events": ["unsubscribe"], "within": {"months": 1_200}},
        "requalify_after_days": 36_600,
        "accept_within_hours": 24 * 36_600,
    }
)
_RULES = [
    {"name": "views", "events": ["page_view"], "points": 5, "within": {"years": 100}},
    {"name": "demo", "events": ["demo_request"], "points": 50},
]
MODELS = [
    load_scoring_model({"name": name, "decay": decay, "rules": _RULES})
    for name, decay in [
        ("half-life", {"kind": "half_life", "days": 36_500}),
        ("linear", {"kind": "linear", "percent": 1, "every_days": 36_500}),
        ("inactivity", {"kind": "inactivity", "days": 36_500, "percent": 50}),
    ]
]


def _lead(created: datetime) -> Lead:
    return Lead(
        id="lead-1", name=PersonName("佐藤", "花子"), company="株式会社テスト",
        created_at=created, title="部長",
    )  # fmt: skip


def _events(at: datetime) -> list[EngagementEvent]:
    kinds = ("page_view", "demo_request", "unsubscribe")
    return [EngagementEvent(id=f"e-{k}", kind=k, occurred_at=at, lead_id="lead-1") for k in kinds]


def test_a_recycled_lead_whose_hold_ends_after_the_calendar_stays_held() -> None:
    """requalify_after_days = 36,600 from 9999-12-01 overflowed (``timedelta`` add)."""
    recycled_at = datetime(9999, 12, 1, tzinfo=UTC)
    lead = _lead(recycled_at)
    history = advance(
        StageHistory("lead-1"), classify(lead, score=50, policy=POLICY, as_of=recycled_at)
    )
    history = recycle(history, at=recycled_at, by="sato", reason="not now")
    result = classify(lead, score=100, history=history, policy=POLICY, as_of=LATEST)
    assert result.stage is Stage.RECYCLED
    (hold,) = [r for r in result.reasons if r.rule == "requalify_after_days"]
    assert not hold.held
    assert "9999-12-30" in hold.detail


SLA = load_stage_policy({"mql": {"min_score": 10}, "accept_within_hours": 1})


@settings(max_examples=40, deadline=None)
@given(moments=three_near_one_end())
def test_classify_overdue_score_and_grade_near_the_ends_never_overflow(
    moments: tuple[datetime, datetime, datetime],
) -> None:
    created, happened, as_of = moments
    created, as_of = min(created, as_of), max(created, as_of)
    lead, events = _lead(created), _events(happened)
    runs: list[Callable[[], object]] = [
        partial(model.score_many, [lead], events, as_of=as_of, breakdown=True) for model in MODELS
    ]
    runs.append(partial(default_grading_profile().grade, lead, as_of=as_of))
    runs.append(partial(classify, lead, score=50, policy=POLICY, as_of=as_of, events=events))
    refused = []
    for run in runs:
        try:
            run()
        except LeadkitError as error:  # anything else fails the test
            refused.append(error.path)
    assert all(path == ("as_of",) for path in refused), refused
    mql = advance(StageHistory("lead-1"), classify(lead, score=50, policy=SLA, as_of=created))
    assert mql.current is Stage.MQL
    calendar = WorkingCalendar(timezone="Pacific/Kiritimati", weekdays=range(7))
    for breach in overdue([mql], policy=SLA, calendar=calendar, as_of=as_of):
        assert created <= breach.due_at <= as_of
        assert calendar.working_time(created, breach.due_at) == timedelta(hours=1)
    recycled = recycle(mql, at=created, by="sato", reason="not now")
    again = classify(lead, score=50, history=recycled, policy=POLICY, as_of=as_of, events=events)
    assert again.stage in (Stage.RECYCLED, Stage.DISQUALIFIED)  # held for 36,600 days


# -- calendars as data: seconds kept, odd times refused --------------------------------------

times_of_day = st.times().map(lambda t: t.replace(fold=0))


@settings(max_examples=80, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    start=times_of_day,
    end=times_of_day,
    holidays=st.sets(st.dates(date(1, 1, 1), date(9999, 12, 31)), max_size=3),
)
def test_dump_calendar_then_load_calendar_is_the_same_calendar(
    zone: str, start: time, end: time, holidays: set[date]
) -> None:
    if start >= end:
        start, end = end, start
    if start == end:
        return
    calendar = WorkingCalendar(timezone=zone, start=start, end=end, holidays=holidays)
    data = dump_calendar(calendar)
    assert load_calendar(data) == calendar
    if not start.second and not start.microsecond:
        assert data["start"] == start.strftime("%H:%M")


@pytest.mark.parametrize(
    ("text", "read"),
    [("09:00", time(9)), ("09:00:30", time(9, 0, 30)), ("23:59:59.5", time(23, 59, 59, 500_000))],
)
def test_times_of_day_in_calendar_files(text: str, read: time) -> None:
    """The documented forms (docs/stages.md, "Calendars are data too")."""
    assert load_calendar({"start": text, "end": "23:59:59.9"}).start == read


@pytest.mark.parametrize(
    "text", ["12.50", "1250", "12", "9:00", "09:00+09:00", "24:00", "T09:00", "０９:００", "9am"]
)
def test_times_python_would_guess_at_are_problems_at_their_path(text: str) -> None:
    """Issue 21: ``"12.50"`` read as 12:00:00.5 (``time.fromisoformat``); now refused."""
    with pytest.raises(LoadError) as raised:
        load_calendar({"timezone": "Asia/Tokyo", "start": text})
    assert [p.path for p in raised.value.problems] == [("calendar", "start")]
    assert text in str(raised.value)
