"""Imports with a campaign column (issue 20): a ``Campaign`` / ``キャンペーン`` column in
any layout is the campaign the row responded to (``custom.campaign_id``), and
record_campaign_responses makes the lead a responded member dated its creation — by the
campaign's id or its name. Semantics as documented in read_lead_file and
docs/merge-and-intake.md."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from leadkit.intake import record_campaign_responses
from leadkit.io import ValueFormat, read_lead_file
from leadkit.model import Campaign
from leadkit.repository import InMemoryUnitOfWork

TOKYO = ValueFormat(timezone="Asia/Tokyo")


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("会社名,姓,作成日,キャンペーン", "ABC,山田,2026-04-01,{c}"),
        ("会社名,姓,作成日,キャンペーンＩＤ", "ABC,山田,2026-04-01,{c}"),  # full width
        ("会社名,姓,作成日,施策", "ABC,山田,2026-04-01,{c}"),
        ("Last Name,Company,Created Date,Campaign", "Yamada,ABC,2026-04-01,{c}"),
        ("family_name,company,created_at,Campaign ID", "山田,ABC,2026-04-01T09:00+09:00,{c}"),
    ],
)
def test_a_campaign_column_in_every_layout(tmp_path: Path, header: str, row: str) -> None:
    path = tmp_path / "leads.csv"
    path.write_text(f"{header}\n{row.format(c='expo')}\n", encoding="utf-8")
    lead = read_lead_file(path, values=TOKYO).leads[0]
    assert lead.custom["campaign_id"] == "expo"


def test_imported_leads_become_responded_members(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text(
        "会社名,姓,作成日,キャンペーン\n"
        "ABC,山田,2026-04-01,expo\n"  # by id
        "DEF,佐藤,2026-04-03,ｗｅｂｉｎａｒ　２０２６\n"  # by name, full width
        "GHI,鈴木,2026-04-04,\n"  # no campaign
        "JKL,田中,2026-04-05,unknown\n",  # not stored: no membership
        encoding="utf-8",
    )
    file = read_lead_file(path, values=TOKYO)
    uow = InMemoryUnitOfWork()
    with uow:
        uow.campaigns.add(Campaign(id="expo", name="Expo 2026"))
        uow.campaigns.add(Campaign(id="web-1", name="Webinar 2026"))
        uow.leads.add_all(file.leads)
        written = record_campaign_responses(uow, leads=file.leads)
        again = record_campaign_responses(uow, leads=file.leads)
        uow.commit()
    assert [(m.campaign_id, m.lead_id, m.first_responded_at, m.responded) for m in written] == [
        ("expo", file.leads[0].id, date(2026, 4, 1), True),
        ("web-1", file.leads[1].id, date(2026, 4, 3), True),
    ]
    assert again == []  # responding again adds nothing


def test_a_name_two_campaigns_share_names_neither() -> None:
    from datetime import UTC, datetime

    from leadkit.model import Lead, PersonName

    lead = Lead(name=PersonName("山田"), company="ABC", created_at=datetime(2026, 4, 1, tzinfo=UTC),
                custom={"campaign_id": "Expo"})  # fmt: skip
    uow = InMemoryUnitOfWork()
    with uow:
        uow.campaigns.add(Campaign(id="expo-a", name="Expo"))
        uow.campaigns.add(Campaign(id="expo-b", name="EXPO"))
        assert record_campaign_responses(uow, leads=[lead]) == []
