"""Campaign responses from every door (issue 20): a web form with a hidden campaign field
(Salesforce Web-to-Lead's ``Campaign_ID``), an imported lead with a campaign column
(``custom.campaign_id``) and an engagement event linked to a campaign make the person a
responded member with the first-responded date; attribution then sees web leads."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.intake import campaign_response, intake, record_campaign_responses
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
from leadkit.reports import attribute
from leadkit.repository import InMemoryUnitOfWork

AT = datetime(2026, 4, 1, 10, tzinfo=UTC)
FORM = {"会社名": "株式会社ABC", "姓": "山田", "メールアドレス": "taro@abc.co.jp"}


def _store() -> InMemoryUnitOfWork:
    uow = InMemoryUnitOfWork()
    with uow:
        uow.campaigns.add(Campaign(id="expo", name="Expo 2026"))
        uow.commit()
    return uow


def test_hidden_field_makes_a_responded_member() -> None:
    uow = _store()
    result = intake({**FORM, "Campaign_ID": "expo"}, as_of=AT, uow=uow)
    assert result.lead is not None
    assert result.event is not None
    assert result.event.campaign_id == "expo"
    assert "unmapped_fields" not in result.event.properties
    member = result.campaign_member
    assert member is not None
    assert (member.lead_id, member.responded, member.first_responded_at) == (
        result.lead.id,
        True,
        date(2026, 4, 1),
    )
    with uow:
        assert uow.campaign_members.by_lead(result.lead.id) == [member]


def test_unknown_campaign_creates_no_membership() -> None:
    uow = _store()
    result = intake({**FORM, "campaign_id": "typo"}, as_of=AT, uow=uow)
    assert result.campaign_member is None
    with uow:
        assert uow.campaign_members.all() == []


def test_a_second_submission_keeps_the_first_response_date() -> None:
    uow = _store()
    first = intake({**FORM, "Campaign_ID": "expo"}, as_of=AT, uow=uow)
    later = AT + timedelta(days=3)
    again = intake({**FORM, "Campaign_ID": "expo"}, as_of=later, uow=uow, attach_to_match=True)
    assert again.outcome.value == "matched"
    assert again.campaign_member is None  # already responded earlier: nothing changes
    with uow:
        members = uow.campaign_members.all()
    assert len(members) == 1
    assert members[0] == first.campaign_member


def test_without_a_store_the_membership_is_returned_unsaved() -> None:
    result = intake({**FORM, "Campaign_ID": "expo"}, as_of=AT, rules=None)
    assert result.campaign_member is not None
    assert result.campaign_member.campaign_id == "expo"
    assert not result.stored


def test_imports_and_events_respond_too() -> None:
    uow = _store()
    imported = Lead(
        name=PersonName("佐藤"), company="XYZ", created_at=AT, custom={"campaign_id": "expo"}
    )
    other = Lead(name=PersonName("鈴木"), company="QRS", created_at=AT)
    click = EngagementEvent(
        kind="email_click",
        lead_id=other.id,
        occurred_at=AT + timedelta(days=2),
        properties={"campaign_id": "expo"},
    )
    with uow:
        written = record_campaign_responses(uow, leads=[imported, other], events=[click])
        assert record_campaign_responses(uow, leads=[imported], events=[click]) == []
        uow.commit()
    assert [(m.lead_id, m.first_responded_at) for m in written] == [
        (imported.id, date(2026, 4, 1)),
        (other.id, date(2026, 4, 3)),
    ]


def test_attribution_sees_web_leads() -> None:
    """The issue's complaint: web leads were invisible to attribution."""
    uow = _store()
    result = intake({**FORM, "Campaign_ID": "expo"}, as_of=AT, uow=uow)
    assert result.lead is not None
    assert result.campaign_member is not None
    converted = attr_lead(result.lead)
    won = Opportunity(
        id="o1",
        name="ABC",
        account_id="a1",
        close_date=date(2026, 6, 1),
        amount=Money(1_000_000, "JPY"),
        is_closed=True,
        is_won=True,
        created_at=AT,
    )
    report = attribute([won], [result.campaign_member], leads=[converted])
    assert [c.campaign_id for c in report.credits] == ["expo"]


def attr_lead(lead: Lead) -> Lead:
    conversion = LeadConversion(
        converted_at=AT,
        status="Closed - Converted",
        account_id="a1",
        contact_id="c1",
        opportunity_id="o1",
    )
    return Lead(
        id=lead.id,
        name=lead.name,
        company=lead.company,
        created_at=lead.created_at,
        status="Closed - Converted",
        conversion=conversion,
    )


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=6))
def test_responding_keeps_the_earliest_date_and_one_member(days: list[int]) -> None:
    members: list[CampaignMember] = []
    for offset in days:
        changed = campaign_response(
            members, campaign_id="expo", lead_id="l1", responded_at=AT + timedelta(days=offset)
        )
        if changed is not None:
            members = [changed]
    assert len(members) == 1
    assert members[0].first_responded_at == (AT + timedelta(days=min(days))).date()


def test_a_hidden_visitor_field_stitches_earlier_visits() -> None:
    """Issue 20: intake attaches the visitor's earlier events to the new lead, once."""
    from leadkit.visitors import InMemoryVisitorStore, VisitorEvent

    visits = InMemoryVisitorStore()
    earlier = AT - timedelta(days=4)
    visits.add_event(VisitorEvent("cookie-1", kind="page_view", occurred_at=earlier))
    uow = _store()
    result = intake({**FORM, "visitor_id": "cookie-1"}, as_of=AT, uow=uow, visitors=visits)
    assert result.lead is not None
    assert result.event is not None
    assert "unmapped_fields" not in result.event.properties
    with uow:
        stored = sorted(uow.engagement_events.all(), key=lambda e: e.occurred_at)
    assert [(e.kind, e.occurred_at, e.lead_id) for e in stored] == [
        ("page_view", earlier, result.lead.id),
        ("inquiry", AT, result.lead.id),
    ]
