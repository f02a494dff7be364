"""Campaign cost and ROI, and per-message e-mail rates (issue 20). The definitions are
the ones documented in the module docstrings of leadkit.reports._roi / _email and in
docs/reports.md ("Campaign ROI", "E-mail rates")."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import attrs

from leadkit.model import (
    Campaign,
    CampaignMember,
    EngagementEvent,
    Lead,
    LeadConversion,
    Money,
    Opportunity,
    PersonName,
)
from leadkit.reports import FirstTouch, campaign_roi, email_rates
from leadkit.stages import Stage, StageHistory, Transition

AT = datetime(2026, 4, 1, tzinfo=UTC)


def _lead(n: int, source: str, *, opportunity: str | None = None) -> Lead:
    conversion = None
    if opportunity is not None:
        conversion = LeadConversion(
            converted_at=AT,
            status="Closed - Converted",
            account_id=f"a{n}",
            contact_id=f"c{n}",
            opportunity_id=opportunity,
        )
    return Lead(
        id=f"l{n}",
        name=PersonName("佐藤"),
        company=f"Co {n}",
        created_at=AT,
        lead_source=source,
        status="Closed - Converted" if conversion else "Open - Not Contacted",
        conversion=conversion,
    )


def _member(campaign: str, lead_id: str, day: int = 1) -> CampaignMember:
    return CampaignMember(
        campaign_id=campaign,
        lead_id=lead_id,
        responded=True,
        first_responded_at=date(2026, 4, day),
        created_at=AT,
    )


def _history(lead_id: str, *stages: Stage) -> StageHistory:
    previous: Stage | None = None
    steps = []
    for stage in stages:
        steps.append(Transition(previous, stage, AT, "u-1", "test"))
        previous = stage
    return StageHistory(lead_id, steps)


def _opportunity(oid: str, amount: int, *, won: bool) -> Opportunity:
    return Opportunity(
        id=oid,
        name=oid,
        account_id="a",
        close_date=date(2026, 6, 1),
        amount=Money(amount, "JPY"),
        is_closed=won,
        is_won=won,
        created_at=AT,
    )


CAMPAIGNS = [
    Campaign(id="expo", name="Expo", actual_cost=Money(400_000, "JPY")),
    Campaign(id="webinar", name="Webinar", budgeted_cost=Money(100_000, "JPY")),
]
LEADS = [
    _lead(1, "Trade Show", opportunity="won1"),
    _lead(2, "Trade Show"),
    _lead(3, "Web", opportunity="open1"),
    _lead(4, "Web"),
]
MEMBERS = [
    _member("expo", "l1"),
    _member("expo", "l2"),
    _member("expo", "l3"),
    _member("expo", "l4"),
    _member("webinar", "l3", day=2),
]
HISTORIES = [
    _history("l1", Stage.INQUIRY, Stage.MQL, Stage.SAL, Stage.SQL),
    _history("l2", Stage.INQUIRY, Stage.MQL),
    _history("l3", Stage.INQUIRY, Stage.MQL, Stage.SAL, Stage.SQL),
    _history("l4", Stage.INQUIRY),
]
OPPORTUNITIES = [
    _opportunity("won1", 2_000_000, won=True),
    _opportunity("open1", 500_000, won=False),
]


def test_cost_per_stage_and_return_per_campaign() -> None:
    report = campaign_roi(
        CAMPAIGNS, MEMBERS, leads=LEADS, opportunities=OPPORTUNITIES, histories=HISTORIES
    )
    rows = {r.key: r for r in report.rows}
    expo = rows["expo"]
    assert (expo.cost_basis, expo.leads, expo.mqls, expo.sqls) == ("actual", 4, 3, 2)
    assert expo.cost_per_lead == Money(Decimal("100000"), "JPY")
    assert expo.cost_per_mql == Money(Decimal("133333"), "JPY")
    assert expo.cost_per_sql == Money(Decimal("200000"), "JPY")
    # won1 was touched by expo only: a whole deal, 2,000,000 on 400,000 spent.
    assert expo.won_deals == 1
    assert expo.cost_per_won == Money(Decimal("400000"), "JPY")
    assert expo.won_per_cost == Decimal("5.00")
    # open1 (l3) touched expo and webinar: even split of 500,000.
    assert expo.pipeline == Money(Decimal(250_000), "JPY")
    webinar = rows["webinar"]
    assert (webinar.cost_basis, webinar.leads, webinar.won_deals) == ("budgeted", 1, Decimal(0))
    assert webinar.cost_per_won is None  # nothing won: no cost per won deal
    assert webinar.won_per_cost == Decimal("0.00")
    assert webinar.pipeline_per_cost == Decimal("2.50")
    assert "even_split" in report.table().title  # type: ignore[operator]


def test_the_model_is_stated_and_used() -> None:
    report = campaign_roi(
        CAMPAIGNS, MEMBERS, leads=LEADS, opportunities=OPPORTUNITIES, model=FirstTouch()
    )
    assert "first_touch" in str(report.table().title)
    rows = {r.key: r for r in report.rows}
    assert rows["expo"].pipeline == Money(Decimal(500_000), "JPY")  # expo responded first
    assert rows["webinar"].pipeline is None
    assert rows["expo"].mqls is None  # no histories: unknown, not zero


def test_per_source_costs_are_split_by_responded_leads() -> None:
    report = campaign_roi(
        CAMPAIGNS, MEMBERS, leads=LEADS, opportunities=OPPORTUNITIES, histories=HISTORIES
    )
    sources = {r.key: r for r in report.sources}
    # expo: 2 of 4 responders each; webinar: its one responder is a web lead.
    assert sources["Trade Show"].cost == Money(Decimal("200000"), "JPY")
    assert sources["Web"].cost == Money(Decimal("300000"), "JPY")
    assert sources["Trade Show"].won_per_cost == Decimal("10.00")
    assert sources["Web"].cost_per_mql == Money(Decimal("300000"), "JPY")
    assert "split by responded leads" in str(report.source_table().title)


def test_email_rates_count_people_per_message() -> None:
    def event(kind: str, who: str, message: str) -> EngagementEvent:
        return EngagementEvent(
            kind=kind, lead_id=who, occurred_at=AT, properties={"message_id": message}
        )

    found = [
        *(event("email_send", w, "news-04") for w in ("a", "b", "c", "d")),
        event("email_open", "a", "news-04"),
        event("email_open", "a", "news-04"),
        event("email_open", "b", "news-04"),
        event("email_click", "a", "news-04"),
        event("email_open", "z", "news-05"),  # opened, but no send recorded
    ]
    rows = {r.message: r for r in email_rates(found).rows}
    news = rows["news-04"]
    assert (news.sent, news.opened, news.clicked) == (4, 2, 1)
    assert news.open_rate == 0.5
    assert news.click_rate == 0.25
    assert news.click_to_open == 0.5
    assert rows["news-05"].open_rate is None


def test_memberships_moved_to_the_contact_by_conversion_still_count() -> None:
    """Conversion moves a lead's memberships to its contact (leadkit.convert); the ROI
    report counts them as the converted lead's (module docstring of reports._roi)."""
    moved = [
        attrs.evolve(_member("expo", "l1"), lead_id=None, contact_id="c1"),  # l1 → c1
        _member("expo", "l2"),
        attrs.evolve(_member("expo", "l2"), lead_id=None, contact_id="c-unknown"),
    ]
    report = campaign_roi(
        CAMPAIGNS, moved, leads=LEADS, opportunities=OPPORTUNITIES, histories=HISTORIES
    )
    expo = next(r for r in report.rows if r.key == "expo")
    assert (expo.leads, expo.mqls, expo.sqls) == (2, 2, 1)


def test_report_headings_in_japanese() -> None:
    report = campaign_roi(
        CAMPAIGNS, MEMBERS, leads=LEADS, opportunities=OPPORTUNITIES, histories=HISTORIES
    )
    table = report.table(locale="ja")
    assert table.title == "キャンペーン別の費用対効果 (attribution: even_split)"
    assert table.columns[:4] == ("キャンペーン", "キャンペーン名", "費用の種別", "費用")
    assert "MQL単価" in table.columns
    assert "受注額/費用" in table.columns
    assert report.table().columns[1] == "campaign_name"
    assert report.source_table(locale="ja").title is not None
    assert str(report.source_table(locale="ja").title).startswith("リードソース別の費用対効果")
    rates = email_rates(
        [
            EngagementEvent(
                kind="email_send", lead_id="l1", occurred_at=AT, properties={"campaign_id": "news"}
            )
        ]
    ).table(locale="ja")
    assert rates.columns[:3] == ("メッセージ", "送信数", "開封数")
    assert rates.title == "メール別の開封率・クリック率"
