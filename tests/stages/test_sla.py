"""Service levels: MQLs not answered within N working hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit.errors import ValidationError, format_path
from leadkit.stages import (
    MqlRule,
    Stage,
    StageHistory,
    StagePolicy,
    WorkingCalendar,
    accept,
    overdue,
    reject,
)
from tests.stages._support import histories, walk

JST = ZoneInfo("Asia/Tokyo")
H = timedelta(hours=1)
CAL = WorkingCalendar(timezone="Asia/Tokyo")
POLICY = StagePolicy(mql=MqlRule(min_score=100), accept_within_hours=8)
MON_10 = datetime(2026, 4, 6, 10, tzinfo=JST)


def mql_at(lead_id: str, at: datetime) -> StageHistory:
    return walk(lead_id, Stage.INQUIRY, Stage.MQL, start=at - H, step=H)


def test_a_waiting_mql_is_overdue_after_eight_working_hours() -> None:
    history = mql_at("lead-1", MON_10)
    # Monday 10:00 + 8 working hours (9:00-18:00) = Monday 18:00; the evening is not
    # working time, so the MQL is late from Tuesday 9:00 on.
    mon_18 = MON_10 + 8 * H
    for as_of in (MON_10 + 7 * H, mon_18, mon_18 + 4 * H, mon_18 + 15 * H):
        assert overdue([history], policy=POLICY, calendar=CAL, as_of=as_of) == ()
    [breach] = overdue([history], policy=POLICY, calendar=CAL, as_of=mon_18 + 15.5 * H)
    assert breach.lead_id == "lead-1"
    assert breach.due_at == mon_18
    assert breach.is_open
    assert breach.waited == 8.5 * H
    assert "still waiting" in str(breach)


def test_the_weekend_does_not_count() -> None:
    fri_17 = datetime(2026, 4, 10, 17, tzinfo=JST)
    history = mql_at("lead-1", fri_17)
    mon_16 = datetime(2026, 4, 13, 16, tzinfo=JST)  # 1 hour on Friday + 7 on Monday
    assert overdue([history], policy=POLICY, calendar=CAL, as_of=mon_16) == ()
    [breach] = overdue([history], policy=POLICY, calendar=CAL, as_of=mon_16 + H)
    assert breach.due_at == mon_16
    assert breach.waited == 9 * H


def test_answered_in_time_is_fine_late_answers_are_listed_on_request() -> None:
    on_time = accept(mql_at("lead-1", MON_10), at=MON_10 + 3 * H, by="u-1")
    late = reject(mql_at("lead-2", MON_10), at=MON_10 + 48 * H, by="u-1", reason="no budget")
    as_of = MON_10 + 72 * H
    assert overdue([on_time, late], policy=POLICY, calendar=CAL, as_of=as_of) == ()
    [breach] = overdue(
        [on_time, late], policy=POLICY, calendar=CAL, as_of=as_of, include_answered=True
    )
    assert (breach.lead_id, breach.answer, breach.answered_at) == (
        "lead-2",
        Stage.RECYCLED,
        MON_10 + 48 * H,
    )
    assert breach.waited == 18 * H  # Monday 10-18, Tuesday 9-18, Wednesday 9-10


def test_answers_after_as_of_are_not_known_yet() -> None:
    answered_later = accept(mql_at("lead-1", MON_10), at=MON_10 + 72 * H, by="u-1")
    [breach] = overdue([answered_later], policy=POLICY, calendar=CAL, as_of=MON_10 + 48 * H)
    assert breach.is_open


def test_overdue_needs_a_service_level() -> None:
    with pytest.raises(ValidationError) as caught:
        overdue([], policy=StagePolicy(mql=MqlRule(min_score=1)), calendar=CAL, as_of=MON_10)
    assert format_path(caught.value.path) == "policy.accept_within_hours"


@given(
    st.lists(histories(max_steps=6), max_size=6),
    st.integers(min_value=0, max_value=400 * 86400),
    st.sampled_from([1, 4, 8, 16.5]),
)
def test_a_breach_is_exactly_more_working_time_than_allowed(
    stage_histories: list[StageHistory], offset: int, hours: float
) -> None:
    policy = StagePolicy(mql=MqlRule(min_score=1), accept_within_hours=hours)
    as_of = datetime(2025, 1, 1, tzinfo=JST) + timedelta(seconds=offset)
    breaches = overdue(
        stage_histories, policy=policy, calendar=CAL, as_of=as_of, include_answered=True
    )
    expected = []
    for history in stage_histories:
        steps = history.until(as_of).transitions
        for index, step in enumerate(steps):
            if step.to_stage is not Stage.MQL:
                continue
            end = steps[index + 1].at if index + 1 < len(steps) else as_of
            if CAL.working_time(step.at, end) > hours * H:
                expected.append((history.lead_id, step.at))
    assert sorted(expected) == sorted((b.lead_id, b.mql_at) for b in breaches)
    for breach in breaches:
        assert breach.waited > hours * H
        assert breach.due_at <= (breach.answered_at or as_of)
    assert [b.due_at for b in breaches] == sorted(b.due_at for b in breaches)
