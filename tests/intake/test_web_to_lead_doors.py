"""Issue 20, through the web-to-lead server's intake (leadkit.server.WebToLead, no HTTP):
a post with the hidden Campaign_ID field (Salesforce Web-to-Lead's name) makes the new
lead a responded campaign member dated the post, and its hidden visitor_id attaches the
visitor's stored anonymous visits to the lead, in the post's transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from leadkit.model import Campaign
from leadkit.repository import SqliteUnitOfWork
from leadkit.visitors import VisitorEvent

AT = datetime(2026, 4, 1, 10, tzinfo=UTC)


def test_a_post_names_its_campaign_and_its_visitor(tmp_path: Path) -> None:
    from leadkit.server import FormDefinition, WebToLead

    path = tmp_path / "crm.db"
    with SqliteUnitOfWork(path) as uow:
        uow.campaigns.add(Campaign(id="webinar-04", name="ウェビナー 4月"))
        for days in (5, 2):
            uow.visitors.add_event(
                VisitorEvent("cookie-9", kind="page_view", occurred_at=AT - timedelta(days=days),
                             id=f"visit-{days}")
            )  # fmt: skip
        uow.commit()
    door = WebToLead(lambda: SqliteUnitOfWork(path), FormDefinition(), clock=lambda: AT)
    answer = door.submit(
        {
            "会社名": "株式会社ABC",
            "姓": "山田",
            "メールアドレス": "taro@abc.co.jp",
            "Campaign_ID": "webinar-04",
            "visitor_id": "cookie-9",
        }
    )
    assert answer.status == 201
    with SqliteUnitOfWork(path) as uow:
        (lead,) = uow.leads.all()
        members = uow.campaign_members.by_lead(lead.id)
        kinds = sorted((e.kind, e.id) for e in uow.engagement_events.by_lead(lead.id))
    assert [(m.campaign_id, m.responded, m.first_responded_at) for m in members] == [
        ("webinar-04", True, date(2026, 4, 1))
    ]
    assert [k for k in kinds if k[0] == "page_view"] == [
        ("page_view", "visit-2"),
        ("page_view", "visit-5"),
    ]
