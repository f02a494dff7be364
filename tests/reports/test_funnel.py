"""The funnel: reached, conversion and velocity per group, on each lead's own path."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.errors import ValidationError, format_path
from leadkit.model import OwnerRef
from leadkit.reports import FunnelPath, FunnelReport, GroupBy, display_width, funnel
from leadkit.stages import Stage, StageHistory, Transition
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
    assert text.splitlines()[0] == report.title()
    assert text.splitlines()[1].split() == [
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
    assert len(text.splitlines()) == len(records) + 3  # title, header, rule


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


def test_the_report_renders_through_the_one_table() -> None:
    """issue 11 "Reports own the tables and the funnel": text, CSV and HTML are
    :meth:`FunnelReport.table`, like every other report."""
    report = funnel(HISTORIES, since=SINCE, until=AS_OF, as_of=AS_OF)
    table = report.table()
    assert report.to_text() == table.to_text()
    assert report._repr_html_() == table.to_html()
    assert report.to_csv() == table.to_csv()
    assert len(table.rows) == len(report.rows)
    assert len(report.table(side=False).rows) == len(report.rows) - 6  # 3 side stages x 2 paths


def test_repr_is_one_short_line() -> None:
    """issue 15 "Notebooks and pictures": a short repr, not every row (62,609 chars before)."""
    histories = [history(f"L{i}", (S.INQUIRY, apr(1 + i % 20))) for i in range(300)]
    report = funnel(histories, by="month", as_of=AS_OF)
    text = repr(report)
    assert "\n" not in text
    assert len(text) < 200
    assert text.startswith("<FunnelReport Funnel by month of 300 leads")


def test_japanese_group_names_stay_aligned() -> None:
    """issue 11: the old writer padded by len() and misaligned Japanese group names."""
    leads = [
        lead(id="L1", lead_source="展示会"),
        lead(id="L2", lead_source="Trade Show"),
        lead(id="L3", lead_source="セミナー"),
        lead(id="L4", lead_source="Web"),
        lead(id="L5", lead_source="Web"),
        lead(id="L6", lead_source="Cold Call"),
    ]
    report = funnel(HISTORIES, by="source", leads=leads, as_of=AS_OF)
    lines = report.to_text(locale="ja").splitlines()[3:]  # title, header, rule

    def path_column(line: str) -> int:
        at = min(i for i in (line.find("マーケティング"), line.find("営業")) if i >= 0)
        return display_width(line[:at])

    # the "path" column starts at the same terminal column on every line
    assert len({path_column(line) for line in lines}) == 1
    assert {line.split()[0] for line in lines} == {"展示会", "セミナー", "Webフォーム", "テレアポ"}


def test_by_source_uses_the_source_catalogue() -> None:
    """issue 15: the funnel split 展示会 from "Trade Show" while the CLI merged them;
    docs/reports.md: a report groups by the catalogue's name of the source."""
    leads = [
        lead(id="L1", lead_source="展示会"),
        lead(id="L2", lead_source="Trade Show"),
        lead(id="L3", lead_source="ｾﾐﾅｰ"),
        lead(id="L4", lead_source="Podcast"),
        lead(id="L5"),
        lead(id="L6", lead_source="Web"),
    ]
    report = funnel(HISTORIES, by="source", leads=leads, as_of=AS_OF)
    assert report.groups == ("(none)", "Podcast", "Seminar", "Trade Show", "Web")
    assert report.reached(S.INQUIRY, group="Trade Show") == 2
    groups_ja = {row[0] for row in report.table(locale="ja").rows}
    assert groups_ja == {"（なし）", "Podcast", "セミナー", "展示会", "Webフォーム"}


def test_to_dataframe_has_one_row_per_record() -> None:
    pd = pytest.importorskip("pandas")
    report = funnel(HISTORIES, since=SINCE, until=AS_OF, as_of=AS_OF)
    frame = report.to_dataframe()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(report.to_records()[0])
    assert frame["reached"].tolist() == [r.reached for r in report.rows]
    empty = funnel([], as_of=AS_OF).to_dataframe()
    assert len(empty) == 0
    assert "reached" in empty.columns


def test_old_stages_names_warn_and_resolve_to_the_reports_ones() -> None:
    """The deprecated aliases in leadkit.stages (moved in issue 11) still work."""
    import leadkit
    import leadkit.stages

    with pytest.warns(DeprecationWarning, match="from leadkit.reports import funnel"):
        old = leadkit.stages.funnel
    assert old is funnel
    with pytest.warns(DeprecationWarning, match="from leadkit.reports import FunnelReport"):
        assert leadkit.stages.FunnelReport is FunnelReport
    with pytest.warns(DeprecationWarning, match="leadkit.reports"):
        assert leadkit.FunnelReport is FunnelReport
    assert leadkit.funnel is funnel
    with pytest.raises(AttributeError):
        _ = leadkit.stages.no_such_name  # type: ignore[attr-defined]


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.text(alphabet="abcXYZ展示会ｾﾐﾅｰ営業部１２", min_size=1, max_size=8),
        min_size=1,
        max_size=4,
        unique=True,
    )
)
def test_columns_line_up_whatever_the_group_names(names: list[str]) -> None:
    """issue 11: columns are padded by display width (全角 counts two), not len()."""
    campaigns = {h.lead_id: names[i % len(names)] for i, h in enumerate(HISTORIES)}
    report = funnel(HISTORIES, by="campaign", campaigns=campaigns, as_of=AS_OF)
    lines = report.to_text().splitlines()[3:]
    starts = set()
    for line in lines:
        at = min(i for i in (line.find("  marketing"), line.find("  sales")) if i >= 0)
        starts.add(display_width(line[:at]))  # where the path column starts on screen
    assert len(starts) == 1
