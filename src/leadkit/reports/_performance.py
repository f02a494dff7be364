"""Source effectiveness, the open pipeline and team performance.

Stage histories are read through a small protocol (``lead_id`` and ``transitions`` whose
``from_stage`` / ``to_stage`` have a ``value`` such as ``"mql"``), which
:class:`leadkit.stages.StageHistory` satisfies; reports do not need the stages package
to be imported.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol

import attrs

from leadkit.model import (
    Activity,
    Event,
    Lead,
    Money,
    Opportunity,
    OwnerRef,
    TaskStatus,
    User,
    active_statuses,
)
from leadkit.reports._report import ReportMixin
from leadkit.reports._sources import source_label, source_name
from leadkit.reports._table import Percent, Table

__all__ = [
    "OwnerRow",
    "PipelineReport",
    "PipelineRow",
    "SourceReport",
    "SourceRow",
    "StageStep",
    "StageTrail",
    "TeamReport",
    "pipeline",
    "source_effectiveness",
    "team_performance",
]

UNASSIGNED = "(unassigned)"


class _StageValue(Protocol):
    @property
    def value(self) -> object: ...


class StageStep(Protocol):
    """One stage transition: where from, where to, when."""

    @property
    def from_stage(self) -> _StageValue | None: ...
    @property
    def to_stage(self) -> _StageValue: ...
    @property
    def at(self) -> datetime: ...


class StageTrail(Protocol):
    """A lead's stage history (``leadkit.stages.StageHistory`` is one)."""

    @property
    def lead_id(self) -> str: ...
    @property
    def transitions(self) -> Sequence[StageStep]: ...


def _reached(trail: StageTrail) -> set[object]:
    return {step.to_stage.value for step in trail.transitions}


def _current(trail: StageTrail) -> str | None:
    return str(trail.transitions[-1].to_stage.value) if trail.transitions else None


def _rate(part: int | None, whole: int) -> Percent | None:
    return None if part is None or whole == 0 else Percent(part / whole)


def _sum_money(values: Iterable[Money | None]) -> tuple[Money, ...]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for money in values:
        if money is not None:
            totals[money.currency] += money.amount
    return tuple(Money(totals[c], c) for c in sorted(totals))


def _live(leads: Iterable[Lead]) -> list[Lead]:
    # A merged-away lead is a copy of its master; counting it would count a person twice.
    return [lead for lead in leads if not lead.is_merged]


@attrs.frozen(slots=True)
class SourceRow:
    """How one lead source performs: volume, MQL and SQL rates, and won business."""

    lead_source: str
    leads: int
    mqls: int | None
    mql_rate: Percent | None
    sqls: int | None
    sql_rate: Percent | None
    won: int
    won_amounts: tuple[Money, ...]


@attrs.frozen(slots=True, repr=False)
class SourceReport(ReportMixin):
    """Source effectiveness, one row per lead source, most leads first."""

    rows: tuple[SourceRow, ...]

    def _table_in(self, locale: str) -> Table:
        table = self.table().translated(locale)
        rows = [(source_label(str(r[0]), locale=locale), *r[1:]) for r in table.rows]
        return attrs.evolve(table, rows=rows)

    def table(self) -> Table:
        """The rows as a table."""
        return Table(
            ("lead_source", "leads", "mqls", "mql_rate", "sqls", "sql_rate", "won", "won_amount"),
            [
                (
                    r.lead_source,
                    r.leads,
                    r.mqls,
                    r.mql_rate,
                    r.sqls,
                    r.sql_rate,
                    r.won,
                    r.won_amounts,
                )
                for r in self.rows
            ],
            title="Source effectiveness",
        )  # fmt: skip


def source_effectiveness(
    leads: Iterable[Lead],
    *,
    histories: Iterable[StageTrail] | None = None,
    opportunities: Iterable[Opportunity] = (),
) -> SourceReport:
    """Leads, MQL rate, SQL rate and won amount per lead source (spellings of one source
    in the source catalogue, such as ``展示会`` and ``Trade Show``, are one row).

    MQL and SQL counts come from the stage histories (a lead counts once it *reached*
    the stage, even if it moved on); without histories they are left empty. Won business
    is the won opportunities the leads were converted into. Merged-away leads are not
    counted.
    """
    live = _live(leads)
    trails = {t.lead_id: _reached(t) for t in histories} if histories is not None else None
    won = {o.id: o for o in opportunities if o.is_won}
    groups: dict[str, list[Lead]] = defaultdict(list)
    for lead in live:
        groups[source_name(lead.lead_source)].append(lead)
    rows = []
    for source, members in groups.items():
        mqls = sqls = None
        if trails is not None:
            mqls = sum(1 for lead in members if "mql" in trails.get(lead.id, ()))
            sqls = sum(1 for lead in members if "sql" in trails.get(lead.id, ()))
        won_opps = [
            won[lead.conversion.opportunity_id]
            for lead in members
            if lead.conversion is not None and lead.conversion.opportunity_id in won
        ]
        rows.append(
            SourceRow(
                lead_source=source,
                leads=len(members),
                mqls=mqls,
                mql_rate=_rate(mqls, len(members)),
                sqls=sqls,
                sql_rate=_rate(sqls, len(members)),
                won=len(won_opps),
                won_amounts=_sum_money(o.amount for o in won_opps),
            )
        )
    return SourceReport(tuple(sorted(rows, key=lambda r: (-r.leads, r.lead_source))))


def _owner_label(owner: OwnerRef | None, names: Mapping[str, str]) -> str:
    if owner is None:
        return UNASSIGNED
    name = names.get(owner.id)
    return f"{name} ({owner.id})" if name and not owner.is_queue else str(owner)


def _names(users: Iterable[User]) -> dict[str, str]:
    return {u.id: u.name for u in users}


def _lead_is_open(lead: Lead) -> bool:
    if lead.is_converted or lead.is_merged:
        return False
    return not active_statuses().get(lead.status).is_closed


@attrs.frozen(slots=True)
class PipelineRow:
    """Open work of one owner in one stage: leads or opportunities, and their amount."""

    owner: str
    kind: str
    stage: str
    count: int
    amounts: tuple[Money, ...]


@attrs.frozen(slots=True, repr=False)
class PipelineReport(ReportMixin):
    """Open leads (by lifecycle stage, or status without histories) and open
    opportunities (by opportunity stage) per owner."""

    rows: tuple[PipelineRow, ...]

    def table(self) -> Table:
        """The rows as a table."""
        return Table(
            ("owner", "kind", "stage", "count", "amount"),
            [(r.owner, r.kind, r.stage, r.count, r.amounts) for r in self.rows],
            title="Open pipeline",
        )


def pipeline(
    leads: Iterable[Lead],
    opportunities: Iterable[Opportunity] = (),
    *,
    histories: Iterable[StageTrail] | None = None,
    users: Iterable[User] = (),
) -> PipelineReport:
    """Open leads and open opportunities by owner and stage."""
    names = _names(users)
    stage_of = {t.lead_id: _current(t) for t in histories} if histories is not None else {}
    counts: Counter[tuple[str, str, str]] = Counter()
    amounts: dict[tuple[str, str, str], list[Money | None]] = defaultdict(list)
    for lead in _live(leads):
        if _lead_is_open(lead):
            key = (_owner_label(lead.owner, names), "lead", stage_of.get(lead.id) or lead.status)
            counts[key] += 1
    for opp in opportunities:
        if not opp.is_closed:
            key = (_owner_label(opp.owner, names), "opportunity", opp.stage)
            counts[key] += 1
            amounts[key].append(opp.amount)
    rows = [
        PipelineRow(
            owner=o, kind=k, stage=s, count=n, amounts=_sum_money(amounts.get((o, k, s), ()))
        )
        for (o, k, s), n in sorted(counts.items())
    ]
    return PipelineReport(tuple(rows))


@attrs.frozen(slots=True)
class OwnerRow:
    """One owner's load and results.

    ``median_response`` is the median time from assignment to the first completed activity
    on the lead; ``awaiting_response`` counts open leads with none since assignment.
    """

    owner: str
    leads: int
    open_leads: int
    open_opportunities: int
    open_amounts: tuple[Money, ...]
    median_response: timedelta | None
    awaiting_response: int
    accepted_mqls: int | None
    rejected_mqls: int | None
    converted: int
    conversion_rate: Percent | None
    won_amounts: tuple[Money, ...] = attrs.field(default=(), kw_only=True)
    """Revenue of the owner's won opportunities."""


@attrs.frozen(slots=True, repr=False)
class TeamReport(ReportMixin):
    """Team performance: one row per owner, most leads first."""

    rows: tuple[OwnerRow, ...]

    def table(self) -> Table:
        """The rows as a table."""
        return Table(
            ("owner", "leads", "open_leads", "open_opps", "open_amount", "median_response",
             "awaiting", "accepted", "rejected", "converted", "conversion_rate", "won_amount"),
            [
                (r.owner, r.leads, r.open_leads, r.open_opportunities, r.open_amounts,
                 r.median_response, r.awaiting_response, r.accepted_mqls, r.rejected_mqls,
                 r.converted, r.conversion_rate, r.won_amounts)
                for r in self.rows
            ],
            title="Team performance",
        )  # fmt: skip


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _activity_time(activity: Activity, as_of: datetime) -> datetime | None:
    # Only done work answers a lead: a completed task (when it was completed) or an event
    # that has ended (when it started); a planned, open task is not a response.
    if isinstance(activity, Event):
        return activity.start if activity.end <= as_of else None
    if activity.status is not TaskStatus.COMPLETED:
        return None
    return activity.completed_at or activity.created_at


def team_performance(
    leads: Iterable[Lead],
    *,
    opportunities: Iterable[Opportunity] = (),
    activities: Iterable[Activity] = (),
    histories: Iterable[StageTrail] | None = None,
    assigned_at: Mapping[str, datetime] | None = None,
    users: Iterable[User] = (),
    as_of: datetime,
) -> TeamReport:
    """Per owner: leads, open leads and opportunities, response time, MQLs accepted and
    rejected, conversion rate, and the revenue of the owner's won opportunities.

    A lead's assignment time is ``assigned_at[lead.id]`` when given, else its creation
    time; its response is the first completed activity (a task when it was completed, an
    event that has ended, at its start) on the lead — or on the contact it became — at
    or after the assignment and not after ``as_of``. A planned, open task is not one.
    Accepted MQLs are steps MQL → SAL; rejected ones MQL → recycled (from histories;
    empty without them). Counts go to the lead's current owner.
    """
    names = _names(users)
    live = _live(leads)
    assigned = dict(assigned_at or {})
    first_touch: dict[str, list[datetime]] = defaultdict(list)
    for activity in activities:
        person = activity.lead_id or activity.contact_id
        at = _activity_time(activity, as_of)
        if person is not None and at is not None:
            first_touch[person].append(at)
    steps: dict[str, Counter[str]] = {}
    if histories is not None:
        for trail in histories:
            moves: Counter[str] = Counter()
            for step in trail.transitions:
                if step.from_stage is not None and step.from_stage.value == "mql":
                    moves[str(step.to_stage.value)] += 1
            steps[trail.lead_id] = moves

    by_owner: dict[str, list[Lead]] = defaultdict(list)
    for lead in live:
        by_owner[_owner_label(lead.owner, names)].append(lead)
    open_opps: dict[str, list[Opportunity]] = defaultdict(list)
    won_opps: dict[str, list[Opportunity]] = defaultdict(list)
    for opp in opportunities:
        if not opp.is_closed:
            open_opps[_owner_label(opp.owner, names)].append(opp)
        elif opp.is_won:
            won_opps[_owner_label(opp.owner, names)].append(opp)

    rows = []
    for owner in sorted(set(by_owner) | set(open_opps) | set(won_opps)):
        owned = by_owner.get(owner, [])
        responses: list[timedelta] = []
        awaiting = 0
        for lead in owned:
            start = assigned.get(lead.id, lead.created_at)
            people = [lead.id] + ([lead.conversion.contact_id] if lead.conversion else [])
            times = [t for p in people for t in first_touch.get(p, ()) if start <= t <= as_of]
            if times:
                responses.append(min(times) - start)
            elif _lead_is_open(lead):
                awaiting += 1
        accepted = rejected = None
        if histories is not None:
            accepted = sum(steps.get(lead.id, Counter())["sal"] for lead in owned)
            rejected = sum(steps.get(lead.id, Counter())["recycled"] for lead in owned)
        converted = sum(1 for lead in owned if lead.is_converted)
        opps = open_opps.get(owner, [])
        rows.append(
            OwnerRow(
                owner=owner,
                leads=len(owned),
                open_leads=sum(1 for lead in owned if _lead_is_open(lead)),
                open_opportunities=len(opps),
                open_amounts=_sum_money(o.amount for o in opps),
                median_response=_median(responses),
                awaiting_response=awaiting,
                accepted_mqls=accepted,
                rejected_mqls=rejected,
                converted=converted,
                conversion_rate=_rate(converted, len(owned)),
                won_amounts=_sum_money(o.amount for o in won_opps.get(owner, ())),
            )
        )
    rows.sort(key=lambda r: (-r.leads, r.owner))
    return TeamReport(tuple(rows))
