"""The inside-sales reports of issue 19: rejections by reason, overdue tasks per owner,
and the sales pipeline (won and lost, win rate, won revenue per rep, weighted forecast).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Literal

import attrs

from leadkit.errors import ValidationError
from leadkit.model import Lead, Money, Opportunity, Task, User, active_catalogues
from leadkit.reports._performance import _names, _owner_label, _sum_money
from leadkit.reports._report import ReportMixin
from leadkit.reports._table import Percent, Table
from leadkit.stages import Stage, StageHistory

__all__ = [
    "ForecastRow",
    "OverdueReport",
    "OverdueRow",
    "RejectionReport",
    "RejectionRow",
    "RepRow",
    "SalesPipelineReport",
    "overdue_tasks",
    "rejections",
    "sales_pipeline",
]

OTHER = "(free text)"


# -- rejections ----------------------------------------------------------------------------


@attrs.frozen(slots=True)
class RejectionRow:
    """How many MQLs sales rejected for one reason, from one source and campaign."""

    reason: str
    lead_source: str
    campaign: str
    rejected: int


@attrs.frozen(slots=True, repr=False)
class RejectionReport(ReportMixin):
    """Rejected MQLs by reason, source and campaign, most first: marketing's feedback."""

    rows: tuple[RejectionRow, ...]

    def table(self) -> Table:
        """The rows as a table."""
        return Table(
            ("reason", "lead_source", "campaign", "rejected"),
            [(r.reason, r.lead_source, r.campaign, r.rejected) for r in self.rows],
            title="Rejected MQLs",
        )

    def by_reason(self) -> dict[str, int]:
        """The rejections per reason."""
        totals: Counter[str] = Counter()
        for row in self.rows:
            totals[row.reason] += row.rejected
        return dict(totals.most_common())


def rejections(
    leads: Iterable[Lead],
    histories: Iterable[StageHistory],
    *,
    campaign_of: Mapping[str, str] | None = None,
) -> RejectionReport:
    """Every MQL → recycled move (a rejection, :func:`leadkit.stages.reject`) counted by
    its reason, the lead's source and campaign (``campaign_of[lead.id]``, such as the
    campaign of its first membership). A reason is matched against the rejection
    reason catalogue in force (by api name or any label, ``予算なし`` is ``No Budget``);
    a reason the catalogue does not know counts as ``(free text)``.
    """
    catalogue = active_catalogues().rejection_reasons
    by_id = {lead.id: lead for lead in leads}
    campaigns = dict(campaign_of or {})
    counts: Counter[tuple[str, str, str]] = Counter()
    for history in histories:
        if not isinstance(history, StageHistory):
            raise ValidationError(
                f"expected a StageHistory, got {type(history).__name__}", path="histories"
            )
        lead = by_id.get(history.lead_id)
        source = lead.lead_source if lead is not None and lead.lead_source else "(none)"
        source = active_catalogues().sources.canonical(source)
        campaign = campaigns.get(history.lead_id, "(none)")
        for step in history:
            if step.from_stage is Stage.MQL and step.to_stage is Stage.RECYCLED:
                found = catalogue.find(step.reason)
                counts[(found.api_name if found else OTHER, source, campaign)] += 1
    rows = [
        RejectionRow(reason, source, campaign, n)
        for (reason, source, campaign), n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))
    ]
    return RejectionReport(tuple(rows))


# -- overdue tasks -------------------------------------------------------------------------


@attrs.frozen(slots=True)
class OverdueRow:
    """One owner's open tasks past their due date: how many, the oldest due date."""

    owner: str
    overdue: int
    oldest_due: date
    task_ids: tuple[str, ...]


@attrs.frozen(slots=True, repr=False)
class OverdueReport(ReportMixin):
    """Overdue tasks per owner, most first."""

    rows: tuple[OverdueRow, ...]

    def table(self) -> Table:
        """The rows as a table."""
        return Table(
            ("owner", "overdue", "oldest_due"),
            [(r.owner, r.overdue, r.oldest_due) for r in self.rows],
            title="Overdue tasks",
        )


def overdue_tasks(tasks: Iterable[Task], *, on: date, users: Iterable[User] = ()) -> OverdueReport:
    """Open tasks whose due date is before ``on``, per owner (a completed task or one
    without a due date is never overdue)."""
    if not isinstance(on, date):
        raise ValidationError(f"expected a date, got {type(on).__name__}", path="on")
    names = _names(users)
    late: dict[str, list[Task]] = defaultdict(list)
    for task in tasks:
        if isinstance(task, Task) and task.is_overdue(on=on):
            late[_owner_label(task.owner, names)].append(task)
    rows = []
    for owner, owned in late.items():
        owned.sort(key=lambda t: (t.due_date or on, t.id))
        due = owned[0].due_date
        assert due is not None
        rows.append(OverdueRow(owner, len(owned), due, tuple(t.id for t in owned)))
    rows.sort(key=lambda r: (-r.overdue, r.owner))
    return OverdueReport(tuple(rows))


# -- the sales pipeline ----------------------------------------------------------------------


@attrs.frozen(slots=True)
class RepRow:
    """One rep's deals: won and lost, win rate, won revenue, open and weighted amounts."""

    owner: str
    won: int
    lost: int
    win_rate: Percent | None
    won_amounts: tuple[Money, ...]
    open: int
    weighted_amounts: tuple[Money, ...]


@attrs.frozen(slots=True)
class ForecastRow:
    """The open deals closing in one period, their amount and probability-weighted amount."""

    period: str
    open: int
    amounts: tuple[Money, ...]
    weighted_amounts: tuple[Money, ...]


@attrs.frozen(slots=True, repr=False)
class SalesPipelineReport(ReportMixin):
    """Won and lost deals per rep with the win rate, and the weighted forecast by period."""

    reps: tuple[RepRow, ...]
    forecast: tuple[ForecastRow, ...]

    @property
    def win_rate(self) -> Percent | None:
        """Won over closed deals, all reps together."""
        won = sum(r.won for r in self.reps)
        closed = won + sum(r.lost for r in self.reps)
        return Percent(won / closed) if closed else None

    def table(self) -> Table:
        """The reps as a table (the forecast is :meth:`forecast_table`)."""
        return Table(
            ("owner", "won", "lost", "win_rate", "won_amount", "open", "weighted"),
            [
                (r.owner, r.won, r.lost, r.win_rate, r.won_amounts, r.open, r.weighted_amounts)
                for r in self.reps
            ],
            title="Sales pipeline",
        )

    def forecast_table(self) -> Table:
        """The forecast by close period as a table."""
        return Table(
            ("period", "open", "amount", "weighted"),
            [(f.period, f.open, f.amounts, f.weighted_amounts) for f in self.forecast],
            title="Forecast (probability-weighted)",
        )


def _period(day: date, by: str) -> str:
    if by == "month":
        return f"{day.year}-{day.month:02d}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _weighted(opp: Opportunity) -> Money | None:
    if opp.amount is None:
        return None
    share = Decimal(opp.forecast_probability) / 100
    return Money(opp.amount.amount * share, opp.amount.currency)


def sales_pipeline(
    opportunities: Iterable[Opportunity],
    *,
    users: Iterable[User] = (),
    period: Literal["month", "quarter"] = "month",
) -> SalesPipelineReport:
    """Per rep: won and lost deals, win rate (won / closed), won revenue, open deals and
    their probability-weighted amount; and the open deals by close ``period`` ("month"
    or "quarter") with the weighted forecast. An opportunity's stage must be in the
    opportunity stage catalogue in force; its weight is its own probability, else its
    stage's (:attr:`~leadkit.model.Opportunity.forecast_probability`).
    """
    if period not in ("month", "quarter"):
        raise ValidationError(f"period is 'month' or 'quarter', got {period!r}", path="period")
    names = _names(users)
    stages = active_catalogues().opportunity_stages
    per_rep: dict[str, list[Opportunity]] = defaultdict(list)
    per_period: dict[str, list[Opportunity]] = defaultdict(list)
    for opp in opportunities:
        stages.get(opp.stage)  # refuse an opportunity in an unknown stage
        per_rep[_owner_label(opp.owner, names)].append(opp)
        if not opp.is_closed:
            per_period[_period(opp.close_date, period)].append(opp)
    reps = []
    for owner, opps in per_rep.items():
        won = [o for o in opps if o.is_won]
        lost = [o for o in opps if o.is_closed and not o.is_won]
        still = [o for o in opps if not o.is_closed]
        closed = len(won) + len(lost)
        reps.append(
            RepRow(
                owner=owner,
                won=len(won),
                lost=len(lost),
                win_rate=Percent(len(won) / closed) if closed else None,
                won_amounts=_sum_money(o.amount for o in won),
                open=len(still),
                weighted_amounts=_sum_money(_weighted(o) for o in still),
            )
        )
    reps.sort(key=lambda r: (-sum(m.amount for m in r.won_amounts), r.owner))
    forecast = [
        ForecastRow(
            period=key,
            open=len(opps),
            amounts=_sum_money(o.amount for o in opps),
            weighted_amounts=_sum_money(_weighted(o) for o in opps),
        )
        for key, opps in sorted(per_period.items())
    ]
    return SalesPipelineReport(tuple(reps), tuple(forecast))
