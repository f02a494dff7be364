"""The funnel (demand waterfall): how many leads reached each stage, conversion between
consecutive stages and the time spent in each, per group.

A lead's path is fixed by how it entered: an Inquiry walks the marketing path
(Inquiry → MQL → SAL → SQL → won), an SGL the sales path (SGL → SQL → won). Counting each
lead on its own path keeps the waterfall honest: along a path the counts never increase.
"""

from __future__ import annotations

import enum
import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import attrs

from leadkit._checks import aware_datetime, time_zone
from leadkit._locale import text
from leadkit._optional import require
from leadkit.model import Lead
from leadkit.reports._report import ReportMixin
from leadkit.reports._sources import source_label, source_name
from leadkit.reports._table import Percent, Table
from leadkit.stages import Stage, StageHistory
from leadkit.stages._errors import stage_error

__all__ = [
    "ConversionRate",
    "FunnelPath",
    "FunnelReport",
    "FunnelRow",
    "GroupBy",
    "Velocity",
    "funnel",
]


class FunnelPath(enum.Enum):
    """The way a lead walks the waterfall, fixed by the stage it entered at."""

    MARKETING = "marketing"
    SALES = "sales"

    @property
    def stages(self) -> tuple[Stage, ...]:
        """The stages of the path, in order."""
        return _PATH_STAGES[self]


_PATH_STAGES = {
    FunnelPath.MARKETING: (Stage.INQUIRY, Stage.MQL, Stage.SAL, Stage.SQL, Stage.WON),
    FunnelPath.SALES: (Stage.SGL, Stage.SQL, Stage.WON),
}
_PATH_PAIRS = {path: tuple(itertools.pairwise(stages)) for path, stages in _PATH_STAGES.items()}
_SIDE_STAGES = (Stage.RECYCLED, Stage.DISQUALIFIED, Stage.LOST)


class GroupBy(enum.Enum):
    """How :func:`funnel` groups leads."""

    ALL = "all"
    SOURCE = "source"
    CAMPAIGN = "campaign"
    OWNER = "owner"
    MONTH = "month"


@attrs.frozen(slots=True)
class FunnelRow:
    """How many leads of ``group`` on ``path`` reached ``stage`` (their history contains it)."""

    group: str
    path: FunnelPath
    stage: Stage
    reached: int


@attrs.frozen(slots=True)
class ConversionRate:
    """Of the ``total`` leads that reached ``from_stage``, ``converted`` also reached
    ``to_stage``. ``rate`` is their ratio in [0, 1], or None when ``total`` is zero."""

    group: str
    path: FunnelPath
    from_stage: Stage
    to_stage: Stage
    converted: int
    total: int

    @property
    def rate(self) -> float | None:
        """``converted / total``, None for no leads (not a division error)."""
        return self.converted / self.total if self.total else None


@attrs.frozen(slots=True)
class Velocity:
    """Time spent in ``stage`` by leads of ``group`` on ``path``: the median and the 90th
    percentile (nearest rank) over ``stays`` finished stays; None when there are none.

    A lead still in the stage at ``as_of`` has not finished its stay and is not counted.
    """

    group: str
    path: FunnelPath
    stage: Stage
    stays: int
    median: timedelta | None
    p90: timedelta | None


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else value / timedelta(hours=1)


@attrs.frozen(slots=True, repr=False)
class FunnelReport(ReportMixin):
    """What :func:`funnel` measured: ``rows`` (reached), ``conversions`` and
    ``velocities``, per group and path, in a stable order.

    Like every report it renders through :meth:`table`: ``to_text()``, ``to_csv()``,
    ``_repr_html_`` (Jupyter) and, with ``leadkit[pandas]``, ``to_dataframe()`` (the flat
    :meth:`to_records`, one dict per group, path and stage). ``repr`` is one line.
    """

    by: GroupBy
    as_of: datetime
    since: datetime | None
    until: datetime | None
    rows: tuple[FunnelRow, ...]
    conversions: tuple[ConversionRate, ...]
    velocities: tuple[Velocity, ...]

    @property
    def groups(self) -> tuple[str, ...]:
        """The groups, in report order."""
        return tuple(dict.fromkeys(r.group for r in self.rows))

    def reached(self, stage: Stage, *, group: str | None = None) -> int:
        """Leads that reached ``stage`` (both paths; one ``group`` or all)."""
        return sum(r.reached for r in self.rows if r.stage is stage and group in (None, r.group))

    def conversion(
        self, from_stage: Stage, to_stage: Stage, *, group: str | None = None
    ) -> ConversionRate:
        """The conversion between two consecutive stages of a path, over one ``group`` or
        all of them (SQL → won spans both paths)."""
        found = [
            c
            for c in self.conversions
            if c.from_stage is from_stage and c.to_stage is to_stage and group in (None, c.group)
        ]
        if not found:
            raise stage_error(
                f"no conversion {from_stage} → {to_stage}"
                + (f" in group {group!r}" if group is not None else "")
                + "; conversions are between consecutive stages of a path",
                path="conversion",
            )
        first = found[0]
        if len(found) == 1:
            return first
        return ConversionRate(
            first.group if group is not None else "(all)",
            first.path,
            from_stage,
            to_stage,
            sum(c.converted for c in found),
            sum(c.total for c in found),
        )

    def to_records(self) -> list[dict[str, Any]]:
        """One flat, DataFrame-ready dict per group, path and stage."""
        conversions = {(c.group, c.path, c.from_stage): c for c in self.conversions}
        velocities = {(v.group, v.path, v.stage): v for v in self.velocities}
        records: list[dict[str, Any]] = []
        for row in self.rows:
            conversion = conversions.get((row.group, row.path, row.stage))
            velocity = velocities.get((row.group, row.path, row.stage))
            records.append(
                {
                    "by": self.by.value,
                    "group": row.group,
                    "path": row.path.value,
                    "stage": row.stage.label,
                    "reached": row.reached,
                    "next_stage": conversion.to_stage.label if conversion else None,
                    "converted": conversion.converted if conversion else None,
                    "rate": conversion.rate if conversion else None,
                    "stays": velocity.stays if velocity else 0,
                    "median_hours": _hours(velocity.median) if velocity else None,
                    "p90_hours": _hours(velocity.p90) if velocity else None,
                }
            )
        return records

    def table(self, *, side: bool = True, locale: str = "en") -> Table:
        """The report as the one report :class:`Table`: a row per group, path and stage
        (reached, the next stage, the rate to it, median and p90 stay).

        ``side=False`` leaves out the side stages (recycled, disqualified, lost);
        ``locale="ja"`` writes the headings and source names in Japanese.
        """
        conversions = {(c.group, c.path, c.from_stage): c for c in self.conversions}
        velocities = {(v.group, v.path, v.stage): v for v in self.velocities}
        rows: list[tuple[object, ...]] = []
        for row in self.rows:
            if not side and row.stage in _SIDE_STAGES:
                continue
            conversion = conversions.get((row.group, row.path, row.stage))
            velocity = velocities.get((row.group, row.path, row.stage))
            rate = conversion.rate if conversion else None
            rows.append(
                (
                    self._group_label(row.group, locale),
                    text(f"path.{row.path.value}", locale),
                    row.stage.label,
                    row.reached,
                    conversion.to_stage.label if conversion else None,
                    None if rate is None else Percent(rate),
                    velocity.median if velocity else None,
                    velocity.p90 if velocity else None,
                )
            )
        columns = tuple(
            text(f"funnel.{c}", locale)
            for c in ("group", "path", "stage", "reached", "next", "rate", "median", "p90")
        )
        return Table(columns, rows, title=self.title(locale=locale))

    def _table_in(self, locale: str) -> Table:
        return self.table(locale=locale)

    def _group_label(self, group: str, locale: str) -> str:
        if self.by is GroupBy.SOURCE:
            return source_label(group, locale=locale)
        if self.by is GroupBy.ALL:
            return text("by.all", locale)
        if group == _NONE:
            return text("source.none", locale)
        return group

    def title(self, *, locale: str = "en") -> str:
        """One line: what was grouped, the cohort window and ``as_of``."""
        window = ""
        if self.since is not None or self.until is not None:
            since = "…" if self.since is None else self.since.isoformat(timespec="minutes")
            until = "…" if self.until is None else self.until.isoformat(timespec="minutes")
            window = f" [{since}, {until})"
        return text(
            "funnel.title" if self.by is GroupBy.ALL else "funnel.title_by",
            locale,
            by=text(f"by.{self.by.value}", locale),
            leads=self.leads,
            window=window,
            as_of=self.as_of.isoformat(timespec="minutes"),
        )

    @property
    def leads(self) -> int:
        """How many leads the report counts (each entered one path once)."""
        return sum(r.reached for r in self.rows if r.stage is r.path.stages[0])

    def to_dataframe(self) -> Any:
        """A pandas DataFrame of :meth:`to_records`, one row per group, path and stage
        (needs ``leadkit[pandas]``)."""
        pd = require("pandas", "pandas")
        return pd.DataFrame.from_records(self.to_records(), columns=list(_RECORD_COLUMNS))

    def __repr__(self) -> str:
        return f"<FunnelReport {self.title()}: {len(self.groups)} group(s), {len(self.rows)} rows>"


_RECORD_COLUMNS = (
    "by",
    "group",
    "path",
    "stage",
    "reached",
    "next_stage",
    "converted",
    "rate",
    "stays",
    "median_hours",
    "p90_hours",
)


def _median(values: list[timedelta]) -> timedelta:
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    low, high = values[middle - 1], values[middle]
    return low + (high - low) / 2


def _p90(values: list[timedelta]) -> timedelta:
    return values[math.ceil(0.9 * len(values)) - 1]


def _aware(value: object, name: str) -> None:
    aware_datetime(value, path=name, code="bad_stage_input")


def _lead_index(leads: Mapping[str, Lead] | Iterable[Lead] | None) -> dict[str, Lead]:
    if leads is None:
        return {}
    if isinstance(leads, Mapping):
        return dict(leads)
    index: dict[str, Lead] = {}
    for position, lead in enumerate(leads):
        if not isinstance(lead, Lead):
            raise stage_error(
                f"expected a Lead, got {type(lead).__name__}",
                path=f"leads[{position}]",
            )
        index[lead.id] = lead
    return index


_NONE = "(none)"


def funnel(
    histories: Iterable[StageHistory],
    *,
    as_of: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
    by: GroupBy | str = GroupBy.ALL,
    leads: Mapping[str, Lead] | Iterable[Lead] | None = None,
    campaigns: Mapping[str, str] | None = None,
    timezone: str = "UTC",
) -> FunnelReport:
    """Measure the funnel of the leads that entered in ``[since, until)`` (their first
    transition; open ends when None), as their histories stood at ``as_of``.

    ``by`` groups them: ``"all"`` (one group), ``"source"`` (the source catalogue's
    name, so ``展示会`` and ``Trade Show`` are one group) or ``"owner"`` (both need
    ``leads``), ``"campaign"`` (needs ``campaigns``, a lead id → campaign mapping) or
    ``"month"`` (the cohort month they entered in, in ``timezone``). Leads without a
    value go to ``"(none)"``.
    """
    _aware(as_of, "as_of")
    if since is not None:
        _aware(since, "since")
    if until is not None:
        _aware(until, "until")
    try:
        grouping = GroupBy(by.value if isinstance(by, GroupBy) else by)
    except ValueError:
        choices = ", ".join(g.value for g in GroupBy)
        raise stage_error(
            f"unknown grouping {by!r}; expected one of {choices}", path="by"
        ) from None
    zone = time_zone(timezone, code="bad_stage_input")
    index = _lead_index(leads)
    if grouping in (GroupBy.SOURCE, GroupBy.OWNER) and leads is None:
        raise stage_error(f"grouping by {grouping.value} needs the leads", path="leads")
    if grouping is GroupBy.CAMPAIGN and campaigns is None:
        raise stage_error(
            "grouping by campaign needs campaigns: a mapping of lead id to campaign",
            path="campaigns",
        )

    def group_of(history: StageHistory) -> str:
        if grouping is GroupBy.ALL:
            return "all"
        if grouping is GroupBy.MONTH:
            assert history.started_at is not None
            local = history.started_at.astimezone(zone)
            return f"{local.year:04d}-{local.month:02d}"
        if grouping is GroupBy.CAMPAIGN:
            assert campaigns is not None
            return campaigns.get(history.lead_id) or _NONE
        lead = index.get(history.lead_id)
        if lead is None:
            raise stage_error(
                f"no lead with id {history.lead_id} among the leads given",
                path=f"leads[{history.lead_id!r}]",
            )
        if grouping is GroupBy.SOURCE:
            # the catalogue's name: 展示会 and Trade Show are one source
            return source_name(lead.lead_source)
        return lead.owner.id if lead.owner else _NONE

    reached: dict[tuple[str, FunnelPath], dict[Stage, int]] = defaultdict(
        lambda: dict.fromkeys(Stage, 0)
    )
    pairs: dict[tuple[str, FunnelPath, Stage, Stage], int] = defaultdict(int)
    durations: dict[tuple[str, FunnelPath, Stage], list[timedelta]] = defaultdict(list)
    for position, history in enumerate(histories):
        if not isinstance(history, StageHistory):
            raise stage_error(
                f"expected a StageHistory, got {type(history).__name__}",
                path=f"histories[{position}]",
            )
        history = history.until(as_of)
        start = history.started_at
        if start is None or (since is not None and start < since):
            continue
        if until is not None and start >= until:
            continue
        path = FunnelPath.MARKETING if history.entry is Stage.INQUIRY else FunnelPath.SALES
        group = group_of(history)
        counts = reached[(group, path)]
        steps = history.transitions
        seen = {t.to_stage for t in steps}
        for stage in seen:
            counts[stage] += 1
        for first, second in _PATH_PAIRS[path]:
            if first in seen and second in seen:
                pairs[(group, path, first, second)] += 1
        # finished stays only: a lead still in a stage has not finished its stay
        for step, following in itertools.pairwise(steps):
            durations[(group, path, step.to_stage)].append(following.at - step.at)

    rows: list[FunnelRow] = []
    conversions: list[ConversionRate] = []
    velocities: list[Velocity] = []
    for group, path in sorted(reached, key=lambda k: (k[0], k[1].value)):
        counts = reached[(group, path)]
        for stage in (*path.stages, *_SIDE_STAGES):
            rows.append(FunnelRow(group, path, stage, counts[stage]))
            spent = sorted(durations.get((group, path, stage), []))
            velocities.append(
                Velocity(
                    group,
                    path,
                    stage,
                    len(spent),
                    _median(spent) if spent else None,
                    _p90(spent) if spent else None,
                )
            )
        for first, second in _PATH_PAIRS[path]:
            conversions.append(
                ConversionRate(
                    group, path, first, second, pairs[(group, path, first, second)], counts[first]
                )
            )
    return FunnelReport(
        grouping, as_of, since, until, tuple(rows), tuple(conversions), tuple(velocities)
    )
