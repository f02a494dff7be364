"""The funnel: reached, conversion and velocity per group, on each lead's own path."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit.errors import ValidationError, format_path
from leadkit.model import OwnerRef
from leadkit.stages import (
    FunnelPath,
    GroupBy,
    Stage,
    StageHistory,
    Transition,
    funnel,
)
from tests.stages._support import histories, lead

DAY = timedelta(days=1)
S = Stage


def history(lead_id: str, *steps: tuple[Stage, datetime]) -> StageHistory:
    previous: Stage | None = None
    transitions = []
    for stage, at in steps:
        transitions.append(Transition(previous, stage, at, "u-1", "test"))
        previous = stage
    return StageHistory(lead_id, transitions)


def apr(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 4, day, hour, tzinfo=UTC)


def may(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 5, day, hour, tzinfo=UTC)


HISTORIES = [
    history(
        "L1",
        (S.INQUIRY, apr(1)),
        (S.MQL, apr(3)),
        (S.SAL, apr(4)),
        (S.SQL, apr(10)),
        (S.WON, may(10)),
    ),
    history("L2", (S.INQUIRY, apr(2)), (S.MQL, apr(5)), (S.RECYCLED, apr(6))),
    history("L3", (S.INQUIRY, apr(30, 20))),  # 1 May 05:00 in Tokyo
    history("L4", (S.SGL, apr(3)), (S.SQL, apr(7)), (S.LOST, apr(30))),
    history("L5", (S.INQUIRY, may(2)), (S.MQL, may(3))),
    history("L6", (S.INQUIRY, datetime(2026, 3, 15, tzinfo=UTC)), (S.DISQUALIFIED, apr(2))),
]
LEADS = [
    lead(id="L1", lead_source="Web", owner=OwnerRef.user("u-a")),
    lead(id="L2", lead_source="Web", owner=OwnerRef.user("u-b")),
    lead(id="L3", lead_source="Trade Show", owner=OwnerRef.user("u-a")),
    lead(id="L4", lead_source="Cold Call", owner=OwnerRef.user("u-a")),
    lead(id="L5", lead_source="Web", owner=OwnerRef.queue("q-1")),
    lead(id="L6"),
]
AS_OF = datetime(2026, 6, 1, tzinfo=UTC)
SINCE = apr(1, 0)


def test_reached_counts_each_lead_on_the_path_it_entered() -> None:
    report = funnel(HISTORIES, since=SINCE, until=AS_OF, as_of=AS_OF)
    counts = {(r.path, r.stage): r.reached for r in report.rows}
    marketing, sales = FunnelPath.MARKETING, FunnelPath.SALES
    # L6 entered in March: outside the cohort
    assert [counts[(marketing, s)] for s in marketing.stages] == [4, 3, 1, 1, 1]
    assert counts[(marketing, S.RECYCLED)] == 1
    assert counts[(marketing, S.DISQUALIFIED)] == 0
    assert [counts[(sales, s)] for s in sales.stages] == [1, 1, 0]
    assert counts[(sales, S.LOST)] == 1
    assert report.reached(S.SQL) == 2  # both paths


def test_conversion_rates_between_consecutive_stages() -> None:
    report = funnel(HISTORIES, since=SINCE, until=AS_OF, as_of=AS_OF)
    rates = {
        (c.from_stage, c.to_stage, c.path): (c.converted, c.total, c.rate)
        for c in report.conversions
    }
    m, s = FunnelPath.MARKETING, FunnelPath.SALES
    assert rates[(S.INQUIRY, S.MQL, m)] == (3, 4, 0.75)
    assert rates[(S.MQL, S.SAL, m)] == (1, 3, 1 / 3)
    assert rates[(S.SAL, S.SQL, m)] == (1, 1, 1.0)
    assert rates[(S.SGL, S.SQL, s)] == (1, 1, 1.0)
    assert rates[(S.SQL, S.WON, s)] == (0, 1, 0.0)
    both = report.conversion(S.SQL, S.WON)
    assert (both.converted, both.total, both.rate) == (1, 2, 0.5)
    with pytest.raises(ValidationError, match="consecutive"):
        report.conversion(S.INQUIRY, S.SQL)


def test_velocity_counts_finished_stays() -> None:
    report = funnel(HISTORIES, since=SINCE, until=AS_OF, as_of=AS_OF)
    velocity = {(v.path, v.stage): v for v in report.velocities}
    inquiry = velocity[(FunnelPath.MARKETING, S.INQUIRY)]
    # L1 2 days, L2 3 days, L5 1 day; L3 is still an Inquiry and does not count
    assert (inquiry.stays, inquiry.median, inquiry.p90) == (3, 2 * DAY, 3 * DAY)
    mql = velocity[(FunnelPath.MARKETING, S.MQL)]
    assert (mql.stays, mql.median, mql.p90) == (2, DAY, DAY)
    won = velocity[(FunnelPath.MARKETING, S.WON)]
    assert (won.stays, won.median, won.p90) == (0, None, None)


def test_as_of_cuts_histories() -> None:
    report = funnel(HISTORIES, since=apr(1, 0), as_of=apr(4, 12))
    counts = {(r.path, r.stage): r.reached for r in report.rows}
    assert counts[(FunnelPath.MARKETING, S.INQUIRY)] == 2  # L1, L2 (L3 and L5 not yet)
    assert counts[(FunnelPath.MARKETING, S.MQL)] == 1  # L2's MQL is on 5 April
    assert counts[(FunnelPath.MARKETING, S.SAL)] == 1


def test_grouped_by_source_owner_campaign_and_month() -> None:
    by_source = funnel(HISTORIES, by="source", leads=LEADS, since=SINCE, until=AS_OF, as_of=AS_OF)
    assert by_source.groups == ("Cold Call", "Trade Show", "Web")
    assert by_source.reached(S.INQUIRY, group="Web") == 3
    assert by_source.conversion(S.INQUIRY, S.MQL, group="Web").rate == 1.0
    by_owner = funnel(
        HISTORIES,
        by=GroupBy.OWNER,
        leads={x.id: x for x in LEADS},
        since=SINCE,
        until=AS_OF,
        as_of=AS_OF,
    )
    assert by_owner.groups == ("q-1", "u-a", "u-b")
    assert by_owner.reached(S.SQL, group="u-a") == 2
    by_campaign = funnel(
        HISTORIES,
        by="campaign",
        campaigns={"L1": "展示会2026", "L2": "展示会2026"},
        since=SINCE,
        until=AS_OF,
        as_of=AS_OF,
    )
    assert by_campaign.groups == ("(none)", "展示会2026")
    assert by_campaign.reached(S.MQL, group="展示会2026") == 2
    utc_months = funnel(HISTORIES, by="month", since=SINCE, until=AS_OF, as_of=AS_OF)
    assert utc_months.reached(S.INQUIRY, group="2026-04") == 3
    tokyo_months = funnel(
        HISTORIES, by="month", timezone="Asia/Tokyo", since=SINCE, until=AS_OF, as_of=AS_OF
    )
    assert tokyo_months.reached(S.INQUIRY, group="2026-04") == 2  # L3 entered on 1 May in Tokyo
    assert tokyo_months.reached(S.INQUIRY, group="2026-05") == 2


def test_grouping_needs_its_data() -> None:
    with pytest.raises(ValidationError) as no_leads:
        funnel(HISTORIES, by="owner", as_of=AS_OF)
    assert format_path(no_leads.value.path) == "leads"
    with pytest.raises(ValidationError, match="no lead with id L6"):
        funnel(HISTORIES, by="source", leads=LEADS[:5], as_of=AS_OF)
    with pytest.raises(ValidationError, match="campaign"):
        funnel(HISTORIES, by="campaign", as_of=AS_OF)
    with pytest.raises(ValidationError, match="unknown grouping"):
        funnel(HISTORIES, by="colour", as_of=AS_OF)


def test_records_and_text() -> None:
    report = funnel(HISTORIES, since=SINCE, until=AS_OF, as_of=AS_OF)
    records = report.to_records()
    assert len(records) == len(report.rows)
    assert {tuple(sorted(r)) for r in records} == {tuple(sorted(records[0]))}  # one shape
    json.dumps(records)  # plain values only: DataFrame- and JSON-ready
    inquiry = records[0]
    assert inquiry["stage"] == "Inquiry"
    assert inquiry["reached"] == 4
    assert inquiry["next_stage"] == "MQL"
    assert inquiry["rate"] == 0.75
    assert inquiry["median_hours"] == 48.0
    text = report.to_text()
    assert text.splitlines()[0].split() == [
        "group",
        "path",
        "stage",
        "reached",
        "→",
        "next",
        "rate",
        "median",
        "p90",
    ]
    assert "75.0%" in text
    assert len(text.splitlines()) == len(records) + 2


def test_empty_input_gives_an_empty_report() -> None:
    report = funnel([], as_of=AS_OF)
    assert report.rows == ()
    assert report.to_records() == []


@given(st.lists(histories(max_steps=10), max_size=12), st.sampled_from(["all", "month"]))
def test_counts_never_increase_along_a_path_and_rates_and_times_stay_in_range(
    stage_histories: list[StageHistory], by: str
) -> None:
    as_of = datetime(2027, 6, 1, tzinfo=UTC)
    report = funnel(stage_histories, by=by, as_of=as_of)
    counts = {(r.group, r.path, r.stage): r.reached for r in report.rows}
    for group in report.groups:
        for path in FunnelPath:
            along = [counts.get((group, path, s), 0) for s in path.stages]
            assert along == sorted(along, reverse=True), (group, path, along)
    entered = sum(counts.get((g, p, p.stages[0]), 0) for g in report.groups for p in FunnelPath)
    assert entered == sum(1 for h in stage_histories if len(h))
    for conversion in report.conversions:
        assert 0 <= conversion.converted <= conversion.total
        assert (conversion.rate is None) is (conversion.total == 0)
        if conversion.rate is not None:
            assert 0.0 <= conversion.rate <= 1.0
    for velocity in report.velocities:
        if velocity.stays:
            assert velocity.median is not None
            assert velocity.p90 is not None
            assert timedelta(0) <= velocity.median <= velocity.p90
        else:
            assert velocity.median is None
