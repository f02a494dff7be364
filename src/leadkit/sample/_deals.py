"""The sample's sales history: leads of earlier campaigns that became deals, won or lost.

Existing customers did not come from nowhere: some of their contacts answered one of the
year's earlier campaigns as leads, were converted into their account, and the deal was
closed won or lost before ``as_of``. With them the reports have something to say about
wins (a funnel that reaches won, a win rate, won revenue per source and campaign).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, time, timedelta

from leadkit.model import (
    Account,
    CampaignMember,
    Contact,
    Lead,
    LeadConversion,
    Money,
    Opportunity,
)
from leadkit.sample._org import SOURCE_CAMPAIGNS, CampaignPlan

__all__ = ["SEAT_PRICE", "closed_deals"]

SEAT_PRICE = Money(120_000, "JPY")
"""The price of one seat, as the demo's sales team quotes it."""

_CONVERTED = "Closed - Converted"
_WIN_RATE = 0.55


def _sources(language: str | None) -> dict[str, str]:
    """Campaign key → lead source, for one audience."""
    return {key: source for (source, lang), key in SOURCE_CAMPAIGNS.items() if lang == language}


def closed_deals(
    accounts: Sequence[Account],
    contacts: Sequence[Contact],
    plans: Sequence[CampaignPlan],
    *,
    as_of: datetime,
    seed: int | str,
) -> tuple[tuple[Lead, ...], tuple[Opportunity, ...], tuple[CampaignMember, ...]]:
    """For about half the accounts, one contact that came in through an earlier campaign:
    the converted lead, its closed opportunity and the contact's campaign response."""
    rng = random.Random(f"{seed}/deals")
    first_contact: dict[str, Contact] = {}
    for contact in contacts:
        first_contact.setdefault(contact.account_id, contact)
    today = as_of.date()
    # Campaigns that ended at least four months ago, so their deals had time to close.
    earlier = [
        p for p in plans if p.last_day <= today - timedelta(days=120) and p.campaign.type != "Email"
    ]
    leads: list[Lead] = []
    deals: list[Opportunity] = []
    members: list[CampaignMember] = []
    for account in accounts:
        found = first_contact.get(account.id)
        if found is None or rng.random() >= 0.5:
            continue
        contact = found
        japanese = (account.billing_address.country or "JP") == "JP"
        language = "ja" if japanese else "en"
        fitting = [p for p in earlier if p.language in (language, None)]
        if not fitting:
            continue
        plan = rng.choice(fitting)
        source = _sources(plan.language).get(plan.key) or _sources(language).get(plan.key)
        number = len(leads) + 1
        day = plan.first_day + timedelta(
            days=rng.randrange(0, min(10, (plan.last_day - plan.first_day).days + 1))
        )
        created = datetime.combine(day, time(10, 0), tzinfo=as_of.tzinfo)
        converted_at = created + timedelta(days=rng.randrange(20, 60))
        close = min(
            (converted_at + timedelta(days=rng.randrange(30, 90))).date(),
            today - timedelta(days=1),
        )
        seats = rng.choice([5, 10, 10, 20, 30, 50])
        opportunity = Opportunity(
            id=f"opportunity-h{number:05d}",
            name=account.name[:80],
            account_id=account.id,
            close_date=close,
            stage="Proposal/Price Quote",
            amount=Money(SEAT_PRICE.amount * seats, SEAT_PRICE.currency),
            lead_source=source,
            campaign_id=plan.campaign.id,
            owner=account.owner,
            created_at=converted_at,
        )
        if rng.random() < _WIN_RATE:
            opportunity = opportunity.closed_won(on=close)
        else:
            opportunity = opportunity.closed_lost(on=close)
        conversion = LeadConversion(
            converted_at=converted_at,
            status=_CONVERTED,
            account_id=account.id,
            contact_id=contact.id,
            opportunity_id=opportunity.id,
        )
        leads.append(
            Lead(
                id=f"lead-h{number:05d}",
                name=contact.name,
                company=account.name,
                title=contact.title,
                department=contact.department,
                email=contact.email,
                phone=contact.phone,
                employees=account.employees,
                industry=account.industry,
                address=account.billing_address,
                lead_source=source,
                status=_CONVERTED,
                owner=account.owner,
                created_at=created,
                conversion=conversion,
            )
        )
        deals.append(opportunity)
        # Conversion moved the lead's response to the contact.
        members.append(
            CampaignMember(
                id=f"campaign_member-h{number:05d}",
                campaign_id=plan.campaign.id,
                contact_id=contact.id,
                status="Responded",
                responded=True,
                first_responded_at=day,
                created_at=created,
            )
        )
    return tuple(leads), tuple(deals), tuple(members)
