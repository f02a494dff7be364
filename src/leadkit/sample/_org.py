"""The selling side of the sample: its users, queues and marketing campaigns."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import attrs

from leadkit.model import Campaign, CampaignStatus, CustomFields, Money, OwnerRef, Queue, User

__all__ = ["CampaignPlan", "campaigns", "queues", "territory_of", "users"]

_US_TERRITORIES = {
    "US-West": ("CA", "WA", "OR", "AZ", "CO", "UT"),
    "US-East": ("NY", "NJ", "MA", "PA", "VA", "GA", "FL", "NC"),
    "US-Central": ("TX", "IL", "OH", "MI", "MN", "TN"),
}
_STATE_TERRITORY = {state: name for name, states in _US_TERRITORIES.items() for state in states}

# (id, name, e-mail, territories, timezone, capacity, language, active)
_USERS = [
    ("user-sato", "佐藤 健", "関東", "Asia/Tokyo", 250, "ja", True),
    ("user-tanaka", "田中 美咲", "関東;中部", "Asia/Tokyo", 200, "ja", True),
    ("user-yamamoto", "山本 大輔", "近畿;中国;四国", "Asia/Tokyo", 200, "ja", True),
    ("user-kobayashi", "小林 由美", "九州・沖縄;北海道;東北", "Asia/Tokyo", 150, "ja", True),
    ("user-smith", "John Smith", "US-West", "America/Los_Angeles", 200, "en", True),
    ("user-garcia", "Maria Garcia", "US-East", "America/New_York", 200, "en", True),
    ("user-lee", "Karen Lee", "US-Central", "America/Chicago", 150, "en", True),
    ("user-brown", "Robert Brown", "US-East", "America/New_York", 100, "en", False),
]


def users() -> tuple[User, ...]:
    """Eight salespeople: four in Japan, four in the US (one of them no longer active)."""
    made = []
    for user_id, name, territories, timezone, capacity, language, active in _USERS:
        fields: dict[str, Any] = {
            "territories": frozenset(territories.split(";")),
            "attributes": CustomFields({"language": language}),
        }
        made.append(
            User(
                id=user_id,
                name=name,
                email=f"{user_id.removeprefix('user-')}@leadkit.example",
                active=active,
                capacity=capacity,
                timezone=timezone,
                **fields,
            )
        )
    return tuple(made)


_QUEUES = [
    ("queue-inbound", "インバウンド", "user-sato user-tanaka", "inbound"),
    (
        "queue-inside-sales",
        "インサイドセールス",
        "user-tanaka user-yamamoto user-kobayashi",
        "inside-sales",
    ),
    ("queue-us-sdr", "US SDR", "user-smith user-garcia user-lee", "sdr"),
]


def queues() -> tuple[Queue, ...]:
    """Shared queues that new leads wait in until someone picks them up."""
    made = []
    for queue_id, name, members, mailbox in _QUEUES:
        fields: dict[str, Any] = {"member_ids": tuple(members.split())}
        made.append(Queue(id=queue_id, name=name, email=f"{mailbox}@leadkit.example", **fields))
    return tuple(made)


def territory_of(country: str, state: str, region: str | None) -> str:
    """The sales territory of a head office: a region of Japan or a part of the US."""
    if country == "JP":
        return region or "関東"
    return _STATE_TERRITORY.get(state, "US-East")


def owners_by_territory() -> dict[str, tuple[OwnerRef, ...]]:
    """Active users per territory, as owners."""
    result: dict[str, list[OwnerRef]] = {}
    for user in users():
        if user.active:
            for territory in user.territories:
                result.setdefault(territory, []).append(OwnerRef.user(user.id))
    return {territory: tuple(owners) for territory, owners in result.items()}


@attrs.frozen
class CampaignPlan:
    """A campaign and what the generator needs to know about it."""

    key: str
    campaign: Campaign
    language: str | None
    """``"ja"``, ``"en"`` or ``None`` for both audiences."""
    first_day: date
    last_day: date


# (key, name, type, days before as_of it starts, days it lasts, language, budget). Every
# budget is in yen, the company's currency (the English campaigns' at about 150 yen to the
# dollar), so that cost and revenue compare per campaign and per lead source.
_PLANS = [
    ("it_week", "Japan IT Week 春 {year}", "Trade Show", 330, 3, "ja", Money(3_000_000, "JPY")),
    ("partner", "Partner Co-marketing {year}", "Partner", 300, 240, None, Money(300_000, "JPY")),
    ("webinar_en", "Webinar: Lead Scoring 101", "Webinar", 240, 1, "en", Money(225_000, "JPY")),
    ("saas_summit", "SaaS Summit {year}", "Trade Show", 200, 2, "en", Money(3_750_000, "JPY")),
    ("ads", "Search Ads {year} H2", "Advertisement", 180, 150, None, Money(1_200_000, "JPY")),
    ("seminar_ja", "名寄せ入門セミナー", "Seminar", 120, 1, "ja", Money(300_000, "JPY")),
    ("webinar_ja", "ウェビナー: 営業とマーケの連携", "Webinar", 45, 1, "ja", Money(200_000, "JPY")),
    ("newsletter_ja", "月刊メルマガ", "Email", 365, 730, "ja", Money(600_000, "JPY")),
    ("newsletter_en", "Monthly Newsletter", "Email", 365, 730, "en", Money(900_000, "JPY")),
    ("launch", "Product Launch {year}", "Webinar", -30, 1, None, Money(5_000_000, "JPY")),
]

# The campaign a lead source brings leads in through, per language.
SOURCE_CAMPAIGNS = {
    ("Trade Show", "ja"): "it_week",
    ("Trade Show", "en"): "saas_summit",
    ("Seminar", "ja"): "seminar_ja",
    ("Webinar", "ja"): "webinar_ja",
    ("Webinar", "en"): "webinar_en",
    ("Newsletter", "ja"): "newsletter_ja",
    ("Newsletter", "en"): "newsletter_en",
    ("Advertisement", "ja"): "ads",
    ("Advertisement", "en"): "ads",
    ("Partner Referral", "ja"): "partner",
    ("Partner Referral", "en"): "partner",
}


def campaigns(as_of: datetime) -> tuple[CampaignPlan, ...]:
    """The campaigns of the year before ``as_of`` (and one planned after it)."""
    today = as_of.date()
    plans = []
    for number, (key, name, kind, days_before, length, language, budget) in enumerate(
        _PLANS, start=1
    ):
        first = today - timedelta(days=days_before)
        last = first + timedelta(days=length - 1)
        if first > today:
            status = CampaignStatus.PLANNED
        elif last < today:
            status = CampaignStatus.COMPLETED
        else:
            status = CampaignStatus.IN_PROGRESS
        spent = None
        if status is not CampaignStatus.PLANNED:
            share = 100 if status is CampaignStatus.COMPLETED else 60
            spent = Money(budget.amount * (share - number) / 100, budget.currency)
            spent = Money(round(spent.amount, spent.minor_units), spent.currency)
        campaign = Campaign(
            id=f"campaign-{number:03d}",
            name=name.format(year=first.year),
            type=kind,
            status=status,
            start_date=first,
            end_date=last,
            budgeted_cost=budget,
            actual_cost=spent,
            is_active=status is not CampaignStatus.COMPLETED,
        )
        plans.append(CampaignPlan(key, campaign, language, first, last))
    return tuple(plans)
