"""Campaign attribution: crediting won opportunities back to the campaigns that touched them.

A *touch* is a campaign the opportunity's people responded to before it closed: the
contact, and the lead before it was converted. An attribution model turns the ordered
touches into weights; the weights split the opportunity into shares that sum to exactly
1 and its amount into credits that sum to exactly the amount.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import ClassVar, TypeAlias, TypeVar

import attrs

from leadkit.errors import ValidationError
from leadkit.model import Campaign, CampaignMember, Lead, Money, Opportunity
from leadkit.reports._allocate import split_money, split_shares
from leadkit.reports._report import ReportMixin
from leadkit.reports._sources import source_label, source_name
from leadkit.reports._table import Percent, Table

__all__ = [
    "MODELS",
    "AttributionModel",
    "AttributionReport",
    "CampaignCredit",
    "Credit",
    "EvenSplit",
    "FirstTouch",
    "LastTouch",
    "PositionBased",
    "SourceCredit",
    "TimeDecay",
    "Touch",
    "attribute",
    "parse_attribution_model",
]

_R = TypeVar("_R", Lead, Campaign)


@attrs.frozen(slots=True)
class Touch:
    """One campaign response counted for an opportunity: which campaign, when, by whom."""

    campaign_id: str
    responded_on: date
    person_id: str


@attrs.frozen(slots=True)
class FirstTouch:
    """All credit to the earliest touch."""

    name: ClassVar[str] = "first_touch"

    def weights(self, touches: Sequence[Touch], *, closed_on: date) -> list[float]:
        """1 for the first touch, 0 for the others."""
        return [1.0 if i == 0 else 0.0 for i in range(len(touches))]


@attrs.frozen(slots=True)
class LastTouch:
    """All credit to the latest touch before the close."""

    name: ClassVar[str] = "last_touch"

    def weights(self, touches: Sequence[Touch], *, closed_on: date) -> list[float]:
        """1 for the last touch, 0 for the others."""
        return [1.0 if i == len(touches) - 1 else 0.0 for i in range(len(touches))]


@attrs.frozen(slots=True)
class EvenSplit:
    """Equal credit to every touch."""

    name: ClassVar[str] = "even_split"

    def weights(self, touches: Sequence[Touch], *, closed_on: date) -> list[float]:
        """The same weight for each touch."""
        return [1.0] * len(touches)


def _fraction(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValidationError(
            f"must be a number between 0 and 1, got {value!r}", path=f"model.{attribute.name}"
        )


@attrs.frozen(slots=True)
class PositionBased:
    """U-shaped: ``first`` and ``last`` shares to the first and last touches (40% each by
    default), the rest split evenly over the touches between. One touch takes everything;
    two touches split in the ratio ``first`` : ``last``.

    >>> touches = [Touch("a", date(2026, 1, d), "p") for d in (1, 2, 3, 4)]
    >>> [round(w, 6) for w in PositionBased().weights(touches, closed_on=date(2026, 2, 1))]
    [0.4, 0.1, 0.1, 0.4]
    """

    name: ClassVar[str] = "position_based"
    first: float = attrs.field(default=0.4, validator=_fraction, kw_only=True)
    last: float = attrs.field(default=0.4, validator=_fraction, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.first + self.last > 1 + 1e-9:
            raise ValidationError(
                f"first ({self.first}) + last ({self.last}) must not exceed 1", path="model"
            )
        if self.first + self.last == 0:
            raise ValidationError("first and last cannot both be 0", path="model")

    def weights(self, touches: Sequence[Touch], *, closed_on: date) -> list[float]:
        """First and last weighted, the middle sharing what is left."""
        n = len(touches)
        if n <= 1:
            return [1.0] * n
        if n == 2:
            return [self.first, self.last]
        middle = (1 - self.first - self.last) / (n - 2)
        return [self.first, *([middle] * (n - 2)), self.last]


def _half_life(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValidationError(
            f"must be a positive number of days, got {value!r}", path="model.half_life_days"
        )


@attrs.frozen(slots=True)
class TimeDecay:
    """Touches closer to the close count more: a touch ``half_life_days`` before the close
    counts half as much as one on the close date.

    >>> TimeDecay(half_life_days=7).weights(
    ...     [Touch("a", date(2026, 1, 1), "p"), Touch("b", date(2026, 1, 8), "p")],
    ...     closed_on=date(2026, 1, 8))
    [0.5, 1.0]
    """

    name: ClassVar[str] = "time_decay"
    half_life_days: float = attrs.field(default=7.0, validator=_half_life, kw_only=True)

    def weights(self, touches: Sequence[Touch], *, closed_on: date) -> list[float]:
        """``0.5 ** (days before close / half-life)`` per touch."""
        return [
            math.pow(0.5, max(0, (closed_on - t.responded_on).days) / self.half_life_days)
            for t in touches
        ]


AttributionModel: TypeAlias = FirstTouch | LastTouch | EvenSplit | PositionBased | TimeDecay
"""Any of the attribution models; each is plain data with a ``weights`` method."""

MODELS: Mapping[str, AttributionModel] = {
    m.name: m for m in (FirstTouch(), LastTouch(), EvenSplit(), PositionBased(), TimeDecay())
}
"""The models by name, with their default settings."""


def parse_attribution_model(text: str, *, half_life_days: float | None = None) -> AttributionModel:
    """The model named ``text`` (``first_touch``, ``last_touch``, ``even_split``,
    ``position_based``, ``time_decay``; hyphens and case ignored).

    >>> parse_attribution_model("time-decay", half_life_days=30)
    TimeDecay(half_life_days=30)
    """
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in MODELS:
        raise ValidationError(
            f"unknown attribution model {text!r}; expected one of {', '.join(MODELS)}",
            path="model",
        )
    if key == TimeDecay.name and half_life_days is not None:
        return TimeDecay(half_life_days=half_life_days)
    return MODELS[key]


@attrs.frozen(slots=True)
class Credit:
    """The share and amount of one opportunity credited to one campaign."""

    opportunity_id: str
    campaign_id: str
    campaign_name: str
    lead_source: str
    responded_on: date
    share: Decimal
    amount: Money | None


@attrs.frozen(slots=True)
class CampaignCredit:
    """Credit summed over opportunities for one campaign.

    ``deals`` is the sum of its shares (fractional opportunities won thanks to it);
    ``share`` the part of all credited deals; ``amounts`` the credited amount per currency.
    """

    campaign_id: str
    campaign_name: str
    opportunities: int
    deals: Decimal
    share: Percent
    amounts: tuple[Money, ...]


@attrs.frozen(slots=True)
class SourceCredit:
    """Credit summed over the opportunities of one lead source."""

    lead_source: str
    opportunities: int
    deals: Decimal
    share: Percent
    amounts: tuple[Money, ...]


def _sum_money(values: Iterable[Money | None]) -> tuple[Money, ...]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for money in values:
        if money is not None:
            totals[money.currency] += money.amount
    return tuple(Money(totals[c], c) for c in sorted(totals))


@attrs.frozen(slots=True, repr=False)
class AttributionReport(ReportMixin):
    """Credits of each opportunity to each campaign, and their sums.

    ``unattributed`` lists the opportunities no campaign touched, so totals reconcile.
    """

    model: AttributionModel
    credits: tuple[Credit, ...]
    unattributed: tuple[str, ...]

    def by_campaign(self) -> tuple[CampaignCredit, ...]:
        """One row per campaign, most credited deals first."""
        groups: dict[str, list[Credit]] = defaultdict(list)
        for credit in self.credits:
            groups[credit.campaign_id].append(credit)
        total = sum((c.share for c in self.credits), Decimal(0))
        rows = [
            CampaignCredit(
                campaign_id=cid,
                campaign_name=items[0].campaign_name,
                opportunities=len({c.opportunity_id for c in items}),
                deals=sum((c.share for c in items), Decimal(0)),
                share=Percent(sum(c.share for c in items) / total if total else 0),
                amounts=_sum_money(c.amount for c in items),
            )
            for cid, items in groups.items()
        ]
        return tuple(sorted(rows, key=lambda r: (-r.deals, r.campaign_id)))

    def by_source(self) -> tuple[SourceCredit, ...]:
        """One row per lead source of the credited opportunities."""
        groups: dict[str, list[Credit]] = defaultdict(list)
        for credit in self.credits:
            groups[credit.lead_source].append(credit)
        total = sum((c.share for c in self.credits), Decimal(0))
        rows = [
            SourceCredit(
                lead_source=source,
                opportunities=len({c.opportunity_id for c in items}),
                deals=sum((c.share for c in items), Decimal(0)),
                share=Percent(sum(c.share for c in items) / total if total else 0),
                amounts=_sum_money(c.amount for c in items),
            )
            for source, items in groups.items()
        ]
        return tuple(sorted(rows, key=lambda r: (-r.deals, r.lead_source)))

    def table(self) -> Table:
        """Per campaign: opportunities touched, credited deals, share and amount."""
        return Table(
            ("campaign", "name", "opportunities", "deals", "share", "amount"),
            [
                (r.campaign_id, r.campaign_name, r.opportunities, r.deals, r.share, r.amounts)
                for r in self.by_campaign()
            ],
            title=f"Campaign attribution ({self.model.name})",
        )

    def source_table(self, *, locale: str = "en") -> Table:
        """Per lead source: opportunities, credited deals, share and amount
        (``locale="ja"``: Japanese headings and source names)."""
        return Table(
            ("lead_source", "opportunities", "deals", "share", "amount"),
            [
                (
                    source_label(r.lead_source, locale=locale),
                    r.opportunities,
                    r.deals,
                    r.share,
                    r.amounts,
                )
                for r in self.by_source()
            ],
            title=f"Attribution by lead source ({self.model.name})",
        ).translated(locale)

    def credit_table(self) -> Table:
        """Every credit: opportunity, campaign, response date, share and amount."""
        return Table(
            ("opportunity", "campaign", "responded_on", "share", "amount"),
            [
                (c.opportunity_id, c.campaign_id, c.responded_on, c.share, c.amount)
                for c in self.credits
            ],
            title=f"Credits ({self.model.name})",
        )


def _index(records: Iterable[_R] | Mapping[str, _R]) -> dict[str, _R]:
    if isinstance(records, Mapping):
        return dict(records)
    return {r.id: r for r in records}


def _touches(
    opportunity: Opportunity,
    people: Iterable[str],
    responses: Mapping[str, list[CampaignMember]],
) -> list[Touch]:
    earliest: dict[str, Touch] = {}
    for person in people:
        for member in responses.get(person, ()):
            when = member.first_responded_at
            if when is None or when > opportunity.close_date:
                continue
            known = earliest.get(member.campaign_id)
            # The lead's response and the contact's (after conversion) are one person's:
            # each campaign counts once, from its first response.
            if known is None or when < known.responded_on:
                earliest[member.campaign_id] = Touch(member.campaign_id, when, person)
    return sorted(earliest.values(), key=lambda t: (t.responded_on, t.campaign_id))


def attribute(
    opportunities: Iterable[Opportunity],
    members: Iterable[CampaignMember],
    *,
    leads: Iterable[Lead] | Mapping[str, Lead] = (),
    campaigns: Iterable[Campaign] | Mapping[str, Campaign] = (),
    model: AttributionModel | None = None,
    opportunity_contacts: Mapping[str, Iterable[str]] | None = None,
    won_only: bool = True,
) -> AttributionReport:
    """Credit opportunities (won ones by default) to the campaigns their people responded to.

    An opportunity's people are the leads converted into it (found through
    ``Lead.conversion.opportunity_id``), the contacts those leads became, and any contact
    ids given in ``opportunity_contacts`` (contact roles). A touch is a campaign member of
    one of them that responded on or before the close date; each campaign counts once,
    from its earliest response. An opportunity without touches but with a primary
    ``campaign_id`` credits that campaign in full; one with neither is *unattributed*.

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import LeadConversion, PersonName
    >>> at = datetime(2026, 5, 1, tzinfo=UTC)
    >>> lead = Lead(id="l1", name=PersonName("佐藤"), company="ABC", created_at=at,
    ...             status="Closed - Converted",
    ...             conversion=LeadConversion(converted_at=at, status="Closed - Converted",
    ...                                       account_id="a1", contact_id="c1",
    ...                                       opportunity_id="o1"))
    >>> won = Opportunity(id="o1", name="ABC", account_id="a1", close_date=date(2026, 6, 1),
    ...                   amount=Money(1_000_000, "JPY"), is_closed=True, is_won=True,
    ...                   created_at=at)
    >>> members = [
    ...     CampaignMember(campaign_id="expo", lead_id="l1", responded=True,
    ...                    first_responded_at=date(2026, 4, 1), created_at=at),
    ...     CampaignMember(campaign_id="webinar", contact_id="c1", responded=True,
    ...                    first_responded_at=date(2026, 5, 10), created_at=at),
    ... ]
    >>> report = attribute([won], members, leads=[lead], model=PositionBased())
    >>> [(c.campaign_id, c.share, str(c.amount.amount)) for c in report.credits]
    [('expo', Decimal('0.500000'), '500000'), ('webinar', Decimal('0.500000'), '500000')]
    """
    model = model if model is not None else EvenSplit()
    lead_index = _index(leads)
    campaign_index = _index(campaigns)
    responses: dict[str, list[CampaignMember]] = defaultdict(list)
    for member in members:
        if member.responded:
            responses[member.lead_id or member.contact_id or ""].append(member)
    people: dict[str, list[str]] = defaultdict(list)
    source_of: dict[str, str] = {}
    for lead in lead_index.values():
        conversion = lead.conversion
        if conversion is None or conversion.opportunity_id is None:
            continue
        people[conversion.opportunity_id] += [lead.id, conversion.contact_id]
        if lead.lead_source:
            source_of.setdefault(conversion.opportunity_id, lead.lead_source)
    for opportunity_id, contact_ids in (opportunity_contacts or {}).items():
        people[opportunity_id] += list(contact_ids)

    credits: list[Credit] = []
    unattributed: list[str] = []
    for opp in opportunities:
        if won_only and not opp.is_won:
            continue
        touches = _touches(opp, people.get(opp.id, ()), responses)
        if not touches and opp.campaign_id is not None:
            touches = [Touch(opp.campaign_id, opp.created_at.date(), "")]
        if not touches:
            unattributed.append(opp.id)
            continue
        weights = model.weights(touches, closed_on=opp.close_date)
        if math.fsum(weights) <= 0:
            weights = [1.0] * len(touches)
        # A touch the model gives nothing (first touch's later ones) is not a credit.
        kept = [(t, w) for t, w in zip(touches, weights, strict=True) if w > 0]
        touches, weights = [t for t, _ in kept], [w for _, w in kept]
        shares = split_shares(weights)
        amounts: Sequence[Money | None] = (
            split_money(opp.amount, weights) if opp.amount is not None else [None] * len(touches)
        )
        source = source_name(opp.lead_source or source_of.get(opp.id))
        for touch, share, amount in zip(touches, shares, amounts, strict=True):
            campaign = campaign_index.get(touch.campaign_id)
            credits.append(
                Credit(
                    opportunity_id=opp.id,
                    campaign_id=touch.campaign_id,
                    campaign_name=campaign.name if campaign is not None else touch.campaign_id,
                    lead_source=source,
                    responded_on=touch.responded_on,
                    share=share,
                    amount=amount,
                )
            )
    return AttributionReport(model=model, credits=tuple(credits), unattributed=tuple(unattributed))
