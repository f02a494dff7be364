"""Attribution and source reports at scale, against the cost of reading the inputs once.

Run by hand: ``PYTHONPATH=src python benchmarks/reports.py``. The baseline walks every
campaign member and lead once and sums the opportunity amounts (what any report must do
at least); the ratios say how many such passes each report costs.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from _timing import best_of

from leadkit.model import CampaignMember, Lead, LeadConversion, Money, Opportunity, PersonName
from leadkit.reports import (
    AttributionModel,
    AttributionReport,
    EvenSplit,
    PositionBased,
    TimeDecay,
    attribute,
    source_effectiveness,
)

AT = datetime(2026, 1, 1, tzinfo=UTC)
SOURCES = ["Web", "展示会", "Trade Show", "Webinar", "Referral", "広告"]


def build(
    n: int, touches: int, seed: int = 7
) -> tuple[list[Opportunity], list[Lead], list[CampaignMember]]:
    rng = random.Random(seed)
    opportunities, leads, members = [], [], []
    for i in range(n):
        opp_id, lead_id, contact_id = f"o{i}", f"l{i}", f"c{i}"
        close = date(2026, 6, 30)
        opportunities.append(
            Opportunity(id=opp_id, name="deal", account_id=f"a{i}", close_date=close,
                        amount=Money(rng.randrange(100_000, 10_000_000), "JPY"),
                        is_closed=True, is_won=rng.random() < 0.6, created_at=AT)
        )  # fmt: skip
        leads.append(
            Lead(id=lead_id, name=PersonName("佐藤"), company="ABC", created_at=AT,
                 lead_source=rng.choice(SOURCES), status="Closed - Converted",
                 conversion=LeadConversion(converted_at=AT, status="Closed - Converted",
                                           account_id=f"a{i}", contact_id=contact_id,
                                           opportunity_id=opp_id))
        )  # fmt: skip
        for t in range(touches):
            members.append(
                CampaignMember(campaign_id=f"camp-{rng.randrange(40)}", responded=True,
                               lead_id=lead_id if t % 2 else None,
                               contact_id=None if t % 2 else contact_id,
                               first_responded_at=close - timedelta(days=rng.randrange(1, 180)),
                               created_at=AT)
            )  # fmt: skip
    return opportunities, leads, members


def baseline(
    opportunities: list[Opportunity], leads: list[Lead], members: list[CampaignMember]
) -> Decimal:
    seen = {m.lead_id or m.contact_id for m in members}
    total = sum((o.amount.amount for o in opportunities if o.amount and o.is_won), Decimal(0))
    return total + len(seen) + len([lead for lead in leads if lead.conversion])


def run(n: int, touches: int) -> None:
    """Time the reports on ``n`` opportunities with ``touches`` responses each."""
    opportunities, leads, members = build(n, touches)
    _, base = best_of(5, lambda: baseline(opportunities, leads, members))
    print(f"{n:,} opportunities, {len(members):,} members (baseline {base * 1e3:.1f} ms)")
    models: tuple[AttributionModel, ...] = (
        EvenSplit(), PositionBased(), TimeDecay(half_life_days=30)
    )  # fmt: skip
    for model in models:

        def attribution(model: AttributionModel = model) -> AttributionReport:
            return attribute(opportunities, members, leads=leads, model=model)

        report, seconds = best_of(3, attribution)
        _, summed = best_of(3, report.by_campaign)
        print(
            f"  attribute {model.name:<15} {seconds * 1e3:8.1f} ms  x{seconds / base:6.1f}"
            f"   by_campaign x{summed / base:5.1f}"
        )
    _, seconds = best_of(3, lambda: source_effectiveness(leads, opportunities=opportunities))
    print(f"  source_effectiveness      {seconds * 1e3:8.1f} ms  x{seconds / base:6.1f}")


def main() -> None:
    for n, touches in ((2_000, 4), (20_000, 4)):
        run(n, touches)


if __name__ == "__main__":
    main()
