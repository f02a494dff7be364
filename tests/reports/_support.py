"""Small builders for report tests: a converted lead, a won opportunity, a response."""

from __future__ import annotations

from datetime import UTC, date, datetime

from leadkit.model import (
    CampaignMember,
    Lead,
    LeadConversion,
    Money,
    Opportunity,
    OwnerRef,
    PersonName,
)

AT = datetime(2026, 4, 1, 9, tzinfo=UTC)


def converted_lead(
    lead_id: str, opportunity_id: str, *, source: str | None = "Web", owner: str | None = None
) -> Lead:
    return Lead(
        id=lead_id,
        name=PersonName("佐藤"),
        company="ABC",
        lead_source=source,
        status="Closed - Converted",
        owner=OwnerRef.user(owner) if owner else None,
        created_at=AT,
        conversion=LeadConversion(
            converted_at=AT,
            status="Closed - Converted",
            account_id=f"acct-{lead_id}",
            contact_id=f"contact-{lead_id}",
            opportunity_id=opportunity_id,
        ),
    )


def won(
    opportunity_id: str,
    amount: int | str | None = 1_000_000,
    *,
    currency: str = "JPY",
    close: date = date(2026, 6, 30),
    campaign_id: str | None = None,
) -> Opportunity:
    return Opportunity(
        id=opportunity_id,
        name="deal",
        account_id="acct",
        close_date=close,
        amount=Money(amount, currency) if amount is not None else None,
        is_closed=True,
        is_won=True,
        campaign_id=campaign_id,
        created_at=AT,
    )


def response(campaign_id: str, person: str, day: date, *, contact: bool = False) -> CampaignMember:
    return CampaignMember(
        campaign_id=campaign_id,
        lead_id=None if contact else person,
        contact_id=person if contact else None,
        responded=True,
        first_responded_at=day,
        created_at=AT,
    )
