"""The report that rolls engagement up to the account and its head office (issue 19)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadkit.errors import ValidationError
from leadkit.model import Account, Contact, EngagementEvent, Lead, Money, Opportunity, PersonName
from leadkit.reports import account_rollup

T = datetime(2026, 4, 1, tzinfo=UTC)


def test_engagement_rolls_up_to_the_head_office() -> None:
    accounts = [
        Account(id="hq", name="株式会社ABC", created_at=T),
        Account(id="osaka", name="大阪支店", parent_id="hq", created_at=T),
        Account(id="kobe", name="神戸営業所", parent_id="osaka", created_at=T),
        Account(id="xyz", name="XYZ商事", created_at=T),
        Account(id="old", name="旧ABC", master_record_id="hq", created_at=T),
    ]
    leads = [
        Lead(id="l1", name=PersonName("佐藤"), company="ABC", account_id="kobe", created_at=T),
        Lead(id="l2", name=PersonName("鈴木"), company="ABC", account_id="old", created_at=T),
    ]
    contacts = [Contact(id="c1", account_id="osaka", name=PersonName("高橋"), created_at=T)]
    deals = [
        Opportunity(
            id="o1",
            name="導入",
            account_id="kobe",
            close_date=T.date(),
            amount=Money(1_000_001, "JPY"),
            probability=50,
            created_at=T,
        )
    ]
    events = [
        EngagementEvent(kind="webinar", lead_id="l1", occurred_at=T + timedelta(days=1)),
        EngagementEvent(kind="email_open", contact_id="c1", occurred_at=T + timedelta(days=2)),
        EngagementEvent(kind="email_open", lead_id="l2", occurred_at=T),  # merged account
        EngagementEvent(kind="page_view", contact_id="c1", occurred_at=T + timedelta(days=30)),
    ]
    report = account_rollup(
        accounts,
        leads=leads,
        contacts=contacts,
        opportunities=deals,
        engagement_events=events,
        as_of=T + timedelta(days=10),
        since=T,
    )
    assert [r.account_id for r in report.rows] == ["xyz", "hq", "osaka", "kobe"]
    assert [r.level for r in report.rows] == [0, 0, 1, 2]
    hq = report.row("hq")
    assert hq.own.engagement_events == 0
    assert hq.rolled_up.engagement_events == 2
    assert hq.rolled_up.last_engaged_at == T + timedelta(days=2)
    assert hq.rolled_up.open_leads == 1
    assert report.row("osaka").rolled_up.contacts == 1
    text = report.to_text()
    assert "    神戸営業所" in text
    # Half of 1,000,001 yen, to the yen (half to even).
    assert "500,000 JPY" in text
    assert report.to_text(locale="ja").splitlines()[0].startswith("取引先")
    with pytest.raises(KeyError):
        report.row("old")


def test_a_dangling_parent_is_named() -> None:
    accounts = [Account(id="osaka", name="大阪支店", parent_id="hq", created_at=T)]
    with pytest.raises(ValidationError) as err:
        account_rollup(accounts, as_of=T)
    assert err.value.path == ("accounts", "osaka", "parent_id")
