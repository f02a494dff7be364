"""Campaign cost and return: what each lead, MQL, SQL and won deal cost, and how much
pipeline and won revenue each yen bought, per campaign and per lead source, beside the
attribution model that credited the revenue.

Cost is the campaign's ``actual_cost``, else its ``budgeted_cost`` (the row says which).
Leads are the campaign's responded members that are leads (or contacts a given lead was
converted into: conversion moves the memberships to the contact); MQLs and SQLs those of them
whose stage history reached ``mql`` / ``sql`` (unknown without histories). Won deals and
revenue are the attribution model's credits of won opportunities, pipeline its credits of
open ones. Ratios are computed in the cost's currency (costs per lead ... rounded to its minor
units, returns per cost to two places); a ratio over nothing is missing.
Per source, each campaign's cost is split over the lead sources of its responded leads in
proportion to their number (the allocation is stated in the table's title).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from leadkit.model import Campaign, CampaignMember, Lead, Money, Opportunity
from leadkit.reports._attribution import AttributionModel, AttributionReport, EvenSplit, attribute
from leadkit.reports._performance import StageTrail
from leadkit.reports._report import ReportMixin
from leadkit.reports._sources import source_label, source_name
from leadkit.reports._table import Table

__all__ = ["RoiReport", "RoiRow", "campaign_roi"]

_PLACES = Decimal("0.01")


def _money(amount: Decimal, currency: str) -> Money:
    """``amount`` rounded (half even) to the currency's minor units."""
    places = Money(0, currency).minor_units
    return Money(amount.quantize(Decimal(1).scaleb(-places)), currency)


@attrs.frozen(slots=True)
class RoiRow:
    """Cost and return of one campaign (or one lead source)."""

    key: str
    name: str
    cost: Money | None
    cost_basis: str
    leads: int
    mqls: int | None
    sqls: int | None
    won_deals: Decimal
    pipeline: Money | None
    won_revenue: Money | None

    def _per(self, count: Decimal | int | None) -> Money | None:
        if self.cost is None or count is None or count == 0:
            return None
        return _money(self.cost.amount / Decimal(count), self.cost.currency)

    def _return(self, revenue: Money | None) -> Decimal | None:
        if self.cost is None or self.cost.amount == 0:
            return None
        made = revenue.amount if revenue is not None else Decimal(0)
        return (made / self.cost.amount).quantize(_PLACES)

    @property
    def cost_per_lead(self) -> Money | None:
        return self._per(self.leads)

    @property
    def cost_per_mql(self) -> Money | None:
        return self._per(self.mqls)

    @property
    def cost_per_sql(self) -> Money | None:
        return self._per(self.sqls)

    @property
    def cost_per_won(self) -> Money | None:
        return self._per(self.won_deals)

    @property
    def pipeline_per_cost(self) -> Decimal | None:
        """Credited open pipeline per unit of cost (missing without a cost)."""
        return self._return(self.pipeline)

    @property
    def won_per_cost(self) -> Decimal | None:
        """Credited won revenue per unit of cost: 3.00 means 3 yen back for each yen."""
        return self._return(self.won_revenue)


_COLUMNS = (
    "cost",
    "leads",
    "mqls",
    "sqls",
    "won_deals",
    "cost_per_lead",
    "cost_per_mql",
    "cost_per_sql",
    "cost_per_won",
    "pipeline",
    "won_revenue",
    "pipeline_per_cost",
    "won_per_cost",
)


def _cells(row: RoiRow) -> tuple[object, ...]:
    return (
        row.cost,
        row.leads,
        row.mqls,
        row.sqls,
        row.won_deals,
        row.cost_per_lead,
        row.cost_per_mql,
        row.cost_per_sql,
        row.cost_per_won,
        row.pipeline,
        row.won_revenue,
        row.pipeline_per_cost,
        row.won_per_cost,
    )


@attrs.frozen(slots=True, repr=False)
class RoiReport(ReportMixin):
    """Campaign ROI: one row per campaign, and :meth:`source_table` per lead source.

    ``model`` is the attribution model that credited pipeline and won revenue; the
    tables' titles name it.
    """

    model: AttributionModel
    rows: tuple[RoiRow, ...]
    sources: tuple[RoiRow, ...]

    def table(self, *, locale: str = "en") -> Table:
        """Per campaign: cost, volumes, cost per stage, revenue and return per cost
        (headings in ``locale``, ``"en"`` or ``"ja"``)."""
        return Table(
            ("campaign", "campaign_name", "cost_basis", *_COLUMNS),
            [(r.key, r.name, r.cost_basis, *_cells(r)) for r in self.rows],
            title=f"Campaign ROI (attribution: {self.model.name})",
        ).translated(locale)

    def source_table(self, *, locale: str = "en") -> Table:
        """Per lead source, campaign costs split by responded leads."""
        return Table(
            ("lead_source", *_COLUMNS),
            [(source_label(r.key, locale=locale), *_cells(r)) for r in self.sources],
            title=(
                f"ROI by lead source (attribution: {self.model.name}; "
                "campaign costs split by responded leads)"
            ),
        ).translated(locale)


def _reached(histories: Iterable[StageTrail]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for trail in histories:
        found[trail.lead_id] = {str(step.to_stage.value) for step in trail.transitions}
    return found


def _amount(amounts: Sequence[Money], currency: str | None) -> Money | None:
    for money in amounts:
        if currency is None or money.currency == currency:
            return money
    return None


def campaign_roi(
    campaigns: Iterable[Campaign],
    members: Iterable[CampaignMember],
    *,
    leads: Iterable[Lead],
    opportunities: Iterable[Opportunity],
    histories: Iterable[StageTrail] | None = None,
    model: AttributionModel | None = None,
    opportunity_contacts: Mapping[str, Iterable[str]] | None = None,
) -> RoiReport:
    """Cost per lead, MQL, SQL and won deal, and pipeline and won revenue per cost, per
    campaign and per lead source (see the module's docstring for each definition).

    >>> from datetime import date, datetime, UTC
    >>> from leadkit.model import PersonName
    >>> at = datetime(2026, 4, 1, tzinfo=UTC)
    >>> expo = Campaign(id="expo", name="Expo", actual_cost=Money(300_000, "JPY"))
    >>> leads = [Lead(id=f"l{n}", name=PersonName("佐藤"), company="ABC", created_at=at,
    ...               lead_source="Trade Show") for n in range(3)]
    >>> members = [CampaignMember(campaign_id="expo", lead_id=lead.id, responded=True,
    ...                           first_responded_at=date(2026, 4, 1), created_at=at)
    ...            for lead in leads]
    >>> report = campaign_roi([expo], members, leads=leads, opportunities=[])
    >>> row = report.rows[0]
    >>> row.leads, row.cost_per_lead.amount, row.mqls, row.won_per_cost
    (3, Decimal('100000'), None, Decimal('0.00'))
    """
    model = model if model is not None else EvenSplit()
    campaign_list = list(campaigns)
    member_list = list(members)
    lead_index = {lead.id: lead for lead in leads}
    opportunity_list = list(opportunities)
    reached = _reached(histories) if histories is not None else None
    won = attribute(
        [o for o in opportunity_list if o.is_won],
        member_list,
        leads=lead_index,
        campaigns=campaign_list,
        model=model,
        opportunity_contacts=opportunity_contacts,
    )
    open_ = attribute(
        [o for o in opportunity_list if not o.is_closed],
        member_list,
        leads=lead_index,
        campaigns=campaign_list,
        model=model,
        opportunity_contacts=opportunity_contacts,
        won_only=False,
    )
    won_by = {c.campaign_id: c for c in won.by_campaign()}
    open_by = {c.campaign_id: c for c in open_.by_campaign()}
    # Conversion moves a lead's memberships to its contact: they still count as the lead's.
    converted = {
        lead.conversion.contact_id: lead.id
        for lead in lead_index.values()
        if lead.conversion is not None and lead.conversion.contact_id is not None
    }
    responders: dict[str, set[str]] = defaultdict(set)
    for member in member_list:
        lead_id = member.lead_id
        if lead_id is None and member.contact_id is not None:
            lead_id = converted.get(member.contact_id)
        if member.responded and lead_id is not None:
            responders[member.campaign_id].add(lead_id)

    def count(ids: set[str], stage: str) -> int | None:
        if reached is None:
            return None
        return sum(1 for i in ids if stage in reached.get(i, ()))

    rows: list[RoiRow] = []
    source_cost: dict[str, Decimal] = defaultdict(Decimal)
    currencies: set[str] = set()
    for campaign in campaign_list:
        cost = campaign.actual_cost or campaign.budgeted_cost
        basis = "actual" if campaign.actual_cost else "budgeted" if cost else "none"
        currency = cost.currency if cost is not None else None
        ids = responders.get(campaign.id, set())
        credited = won_by.get(campaign.id)
        pipeline = open_by.get(campaign.id)
        rows.append(
            RoiRow(
                key=campaign.id,
                name=campaign.name,
                cost=cost,
                cost_basis=basis,
                leads=len(ids),
                mqls=count(ids, "mql"),
                sqls=count(ids, "sql"),
                won_deals=credited.deals if credited else Decimal(0),
                pipeline=_amount(pipeline.amounts, currency) if pipeline else None,
                won_revenue=_amount(credited.amounts, currency) if credited else None,
            )
        )
        if cost is not None and ids:
            currencies.add(cost.currency)
            by_source: dict[str, int] = defaultdict(int)
            for lead_id in ids:
                lead = lead_index.get(lead_id)
                by_source[source_name(lead.lead_source if lead else None)] += 1
            for source, n in by_source.items():
                source_cost[source] += cost.amount * n / len(ids)
    currency = next(iter(currencies)) if len(currencies) == 1 else None
    rows.sort(key=lambda r: (-(r.won_per_cost or Decimal(-1)), r.key))
    return RoiReport(
        model, tuple(rows), _source_rows(lead_index, source_cost, currency, reached, won, open_)
    )


def _source_rows(
    lead_index: Mapping[str, Lead],
    source_cost: Mapping[str, Decimal],
    currency: str | None,
    reached: Mapping[str, set[str]] | None,
    won: AttributionReport,
    open_: AttributionReport,
) -> tuple[RoiRow, ...]:
    groups: dict[str, list[str]] = defaultdict(list)
    for lead in lead_index.values():
        if not lead.is_merged:
            groups[source_name(lead.lead_source)].append(lead.id)
    won_by = {s.lead_source: s for s in won.by_source()}
    open_by = {s.lead_source: s for s in open_.by_source()}
    rows = []
    for source in sorted(set(groups) | set(won_by) | set(open_by)):
        ids = groups.get(source, [])
        cost = None
        if currency is not None and source in source_cost:
            cost = _money(source_cost[source], currency)
        credited = won_by.get(source)
        pipeline = open_by.get(source)
        rows.append(
            RoiRow(
                key=source,
                name=source,
                cost=cost,
                cost_basis="allocated" if cost is not None else "none",
                leads=len(ids),
                mqls=None
                if reached is None
                else sum(1 for i in ids if "mql" in reached.get(i, ())),
                sqls=None
                if reached is None
                else sum(1 for i in ids if "sql" in reached.get(i, ())),
                won_deals=credited.deals if credited else Decimal(0),
                pipeline=_amount(pipeline.amounts, currency) if pipeline else None,
                won_revenue=_amount(credited.amounts, currency) if credited else None,
            )
        )
    rows.sort(key=lambda r: (-r.leads, r.key))
    return tuple(rows)
