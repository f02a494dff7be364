"""The scoring engine: a model compiled once into flat tables, then one pass over the
events and one over the leads.

Both ``ScoringModel.score`` (one lead, with its breakdown) and ``score_many`` (many
leads, totals only) run this same code, so a lead's total is bit for bit the same
whichever way it was asked for.

The event pass keeps, per lead and event kind, the sum of the events' decay factors and
the age of the latest event. That answers most rules without looking at an event
twice: "points per event" is ``points * sum``, "points once" is ``points * factor of the
latest``, "some event within 7 days" compares the latest age with the window. Rules that
filter events by their properties or by a window of their own are tested per event
(a dict from kind to the rules interested says which). Profile conditions run as
compiled closures, once per lead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import attrs

from leadkit._checks import aware_datetime
from leadkit.model import EngagementEvent, EventBatch, Lead
from leadkit.rules import CompiledCondition, EventExists, EventMatcher, Period, compile
from leadkit.scoring._decay import DAY_SECONDS, HalfLife, InactivityDecay, LinearDecay
from leadkit.scoring._errors import scoring_error
from leadkit.scoring._leads import index_leads
from leadkit.scoring._rules import EventRule, ProfileRule

if TYPE_CHECKING:
    from leadkit.scoring._model import ScoringModel

__all__ = ["Engine", "Run", "check_as_of", "matching_event_ids"]

# Ages are float seconds: cheaper to compare than timedeltas, and exact for the purpose:
# below 2**32 seconds (136 years) distinct microseconds stay distinct floats, so a window
# test on seconds gives the verdict the same test on datetimes gives.
_NEVER = math.inf  # the "age" of the latest event when there is none
_ROW = attrgetter("kind", "lead_id", "timestamp")  # what the lean pass reads of an event
_NO_DECAY, _HALF_LIFE, _LINEAR, _INACTIVITY = range(4)
_SUM, _COUNT, _ONCE = range(3)

Column = tuple[int, int, Sequence[float], Sequence[float], Sequence[bool] | None]
"""One rule's points for every lead: rule index, group, points, uncapped points, verdicts."""


def check_as_of(as_of: object) -> datetime:
    """``as_of`` itself, or a ``ValidationError`` (``bad_scoring``) unless it is a
    timezone-aware datetime."""
    return aware_datetime(as_of, code="bad_scoring")


@attrs.frozen(slots=True)
class _EventSpec:
    rule_index: int
    rule: EventRule
    selection: EventMatcher
    points: float
    group: int
    # Simple rules (no where, no window) are answered from the per-kind tables; the
    # others get a slot of their own, fed per event.
    simple: bool
    slot: int


@attrs.frozen(slots=True)
class _FoldSpec:
    rule_index: int
    rule: ProfileRule
    selection: EventMatcher
    points: float
    group: int
    simple: bool  # no where: the latest age per kind answers it
    slot: int


@attrs.frozen(slots=True)
class _ProfileSpec:
    rule_index: int
    rule: ProfileRule
    compiled: CompiledCondition
    points: float
    group: int


@attrs.frozen(slots=True)
class Run:
    """What one engine run found: totals aligned with the leads and, when recorded,
    every rule's value (after its cap), its uncapped value, the profile verdicts, the
    group totals, and each lead's events."""

    totals: list[float]
    values: list[list[float]] | None = None
    uncapped: list[list[float]] | None = None
    held: list[list[bool]] | None = None
    group_totals: list[list[float]] | None = None
    lead_events: list[list[EngagementEvent]] | None = None


@attrs.frozen(slots=True)
class _Tables:
    """The accumulators of one event pass (flat lists, lead-major)."""

    sums: list[float]
    counts: list[float] | None
    mins: list[float] | None
    extra: list[float]
    flags: list[bool]
    lists: list[list[EngagementEvent]] | None


class Engine:
    """A :class:`ScoringModel` compiled into tables (the model builds its own)."""

    __slots__ = (
        "_cap",
        "_decay_mode",
        "_event_specs",
        "_floor",
        "_fold_specs",
        "_group_caps",
        "_idle",
        "_idle_factor",
        "_kind_slots",
        "_linear",
        "_needs_counts",
        "_needs_lists",
        "_needs_mins",
        "_other_slot",
        "_profile_specs",
        "_rate",
        "_rule_count",
        "_width",
    )

    def __init__(self, model: ScoringModel) -> None:
        self._set_decay(model)
        decaying = self._decay_mode in (_HALF_LIFE, _LINEAR)
        groups = {group.name: index for index, group in enumerate(model.groups)}
        ungrouped = len(model.groups)  # the extra slot at the end of a lead's group sums

        def group_of(rule: EventRule | ProfileRule) -> int:
            return ungrouped if rule.group is None else groups[rule.group]

        event_specs: list[_EventSpec] = []
        fold_specs: list[_FoldSpec] = []
        profile_specs: list[_ProfileSpec] = []
        extra_slots = flag_slots = 0
        for index, rule in enumerate(model.rules):
            if isinstance(rule, EventRule):
                selection = EventMatcher.of(rule.events.query)
                simple = selection.where is None and selection.window is None
                event_specs.append(
                    _EventSpec(
                        index,
                        rule,
                        selection,
                        float(rule.points),
                        group_of(rule),
                        simple,
                        -1 if simple else extra_slots,
                    )
                )
                extra_slots += not simple
            elif isinstance(rule.when, EventExists):
                # "Some event matched" is answered during the event pass, without keeping
                # each lead's events and walking them again.
                selection = EventMatcher.of(rule.when.query)
                simple = selection.where is None
                fold_specs.append(
                    _FoldSpec(
                        index,
                        rule,
                        selection,
                        float(rule.points),
                        group_of(rule),
                        simple,
                        -1 if simple else flag_slots,
                    )
                )
                flag_slots += not simple
            else:
                compiled = compile(rule.when)
                profile_specs.append(
                    _ProfileSpec(index, rule, compiled, float(rule.points), group_of(rule))
                )
        self._rule_count = len(model.rules)
        self._event_specs = tuple(event_specs)
        self._fold_specs = tuple(fold_specs)
        self._profile_specs = tuple(profile_specs)
        self._needs_lists = any(spec.compiled.needs_events for spec in profile_specs)

        answered = [s.selection for s in event_specs if s.simple]
        answered += [s.selection for s in fold_specs if s.simple]
        named = sorted({kind for selection in answered for kind in selection.kinds})
        self._kind_slots = {kind: slot for slot, kind in enumerate(named)}
        # Events of kinds no simple rule names share one slot, if anything reads it.
        any_kind = any(not selection.kinds for selection in answered)
        other = any_kind or self._decay_mode == _INACTIVITY
        self._other_slot = len(named) if other else -1
        self._width = len(named) + int(other)
        self._needs_counts = decaying and any(
            s.simple and s.rule.per == "event" and not s.rule.decays for s in event_specs
        )
        self._needs_mins = (
            self._decay_mode == _INACTIVITY
            or any(s.simple and s.rule.per == "lead" for s in event_specs)
            or any(s.simple for s in fold_specs)
        )
        self._group_caps = tuple(
            None if group.cap is None else float(group.cap) for group in model.groups
        )
        self._cap = None if model.cap is None else float(model.cap)
        self._floor = None if model.floor is None else float(model.floor)

    def _set_decay(self, model: ScoringModel) -> None:
        decay = model.decay
        self._rate = 0.0
        self._linear: Callable[[float], float] = _no_decay
        self._idle = 0.0
        self._idle_factor = 1.0
        if isinstance(decay, HalfLife):
            self._decay_mode = _HALF_LIFE
            self._rate = decay.rate
        elif isinstance(decay, LinearDecay):
            self._decay_mode = _LINEAR
            self._linear = decay.factor
        elif isinstance(decay, InactivityDecay):
            self._decay_mode = _INACTIVITY
            self._idle = decay.days * DAY_SECONDS
            self._idle_factor = 1.0 - decay.percent / 100.0
        else:
            self._decay_mode = _NO_DECAY

    def factor(self, age: float) -> float:
        """The decay factor of an event ``age`` seconds old (1.0 unless the model decays
        per event)."""
        if self._decay_mode == _HALF_LIFE:
            return math.exp(age * self._rate)
        if self._decay_mode == _LINEAR:
            return self._linear(age)
        return 1.0

    # -----------------------------------------------------------------------------------
    # Per call: windows and the kind -> rules dispatch table
    # -----------------------------------------------------------------------------------

    def windows(self, as_of: datetime) -> dict[Period, float]:
        """The longest age (in seconds) each window admits at ``as_of``.

        A window holds an event when ``start <= occurred_at``, that is when the event's
        age (``as_of - occurred_at``) is at most ``as_of - start``: one comparison per
        event, with calendar months handled once here.
        """
        as_of_utc = as_of.astimezone(UTC)
        windows: dict[Period, float] = {}
        for selection in self._selections():
            period = selection.window
            if period is None or period in windows:
                continue
            try:
                start = period.start(as_of).astimezone(UTC)
                windows[period] = (as_of_utc - start).total_seconds()
            except (OverflowError, ValueError):
                raise scoring_error(
                    f"as_of {as_of.isoformat()} minus {period} is outside the calendar",
                    path="as_of",
                ) from None
        return windows

    def _entry(self, kind: str | None, windows: dict[Period, float]) -> Any:
        """What an event of ``kind`` feeds: its kind slot, the rules that test it one by
        one, and the conditions it may satisfy (None when nothing reads it)."""
        slot = self._kind_slots.get(kind, self._other_slot) if kind else self._other_slot
        decaying = self._decay_mode in (_HALF_LIFE, _LINEAR)
        extra = []
        for spec in self._event_specs:
            if spec.simple or (spec.selection.kinds and kind not in spec.selection.kinds):
                continue
            window = _NEVER if spec.selection.window is None else windows[spec.selection.window]
            extra.append(
                (
                    spec.slot,
                    spec.points,
                    window,
                    spec.selection.where,
                    spec.rule.per == "lead",
                    decaying and spec.rule.decays,
                )
            )
        flagged = []
        for fold in self._fold_specs:
            if fold.simple or (fold.selection.kinds and kind not in fold.selection.kinds):
                continue
            window = _NEVER if fold.selection.window is None else windows[fold.selection.window]
            flagged.append((fold.slot, window, fold.selection.where))
        if slot < 0 and not extra and not flagged:
            return None
        return (slot, tuple(extra), tuple(flagged))

    # -----------------------------------------------------------------------------------
    # The run
    # -----------------------------------------------------------------------------------

    def run(
        self,
        leads: Sequence[Lead],
        events: Iterable[EngagementEvent],
        as_of: datetime,
        *,
        record: bool = False,
    ) -> Run:
        """Score ``leads`` with their ``events`` (matched by ``lead_id``) at ``as_of``."""
        check_as_of(as_of)
        index = _index(leads)
        windows = self.windows(as_of)
        try:
            tables = self._event_pass(events, index, len(leads), as_of, windows, record=record)
        except (AttributeError, TypeError) as exc:
            raise scoring_error(
                f"events must be EngagementEvent objects with timezone-aware times ({exc})",
                path="events",
            ) from None
        return self._lead_pass(leads, tables, as_of, windows, record=record)

    def _event_pass(
        self,
        events: Iterable[EngagementEvent],
        index: dict[str, int],
        count: int,
        as_of: datetime,
        windows: dict[Period, float],
        *,
        record: bool,
    ) -> _Tables:
        width = self._width
        sums = [0.0] * (count * width)
        counts = [0.0] * (count * width) if self._needs_counts else None
        mins = [_NEVER] * (count * width) if self._needs_mins else None
        extra_width = sum(not s.simple for s in self._event_specs)
        flag_width = sum(not s.simple for s in self._fold_specs)
        # Per lead and rule tested event by event: the sum of its (decayed) points, or for
        # a once-per-lead rule the best decay factor of its matching events (0.0: none).
        extra = [0.0] * (count * extra_width)
        flags = [False] * (count * flag_width)
        lists: list[list[EngagementEvent]] | None = None
        if self._needs_lists or record:
            lists = [[] for _ in range(count)]
        tables = _Tables(sums, counts, mins, extra, flags, lists)
        as_of_utc = as_of.astimezone(UTC)
        as_of_ts = as_of_utc.timestamp()  # ages as float seconds (EngagementEvent.timestamp)
        lean = not (extra_width or flag_width or counts is not None or lists is not None)
        if lean and self._decay_mode in (_NO_DECAY, _HALF_LIFE):
            self._lean_pass(events, index, as_of_utc, tables)
            return tables
        table = {kind: self._entry(kind, windows) for kind in self._kinds()}
        default = self._entry(None, windows)
        get = table.get
        lead_index = index.get
        mode = self._decay_mode
        half_life = mode == _HALF_LIFE
        decaying = mode in (_HALF_LIFE, _LINEAR)
        rate = self._rate
        linear = self._linear
        exp = math.exp
        last_id: str | None = None
        i = -1
        for event in events:
            entry = get(event.kind, default)
            if entry is None and lists is None:
                continue
            lead_id = event.lead_id
            if lead_id is not last_id:  # events often come grouped by lead
                last_id = lead_id
                i = lead_index(lead_id, -1)  # type: ignore[arg-type]  # None: a contact's
            if i < 0:
                continue
            if lists is not None:
                lists[i].append(event)
                if entry is None:
                    continue
            age = as_of_ts - event.timestamp
            if age < 0.0:
                continue  # after as_of: never counts
            slot, tested, flagged = entry
            factor = 1.0
            if decaying and (slot >= 0 or tested):
                factor = exp(age * rate) if half_life else linear(age)
            if slot >= 0:
                at = i * width + slot
                sums[at] += factor
                if counts is not None:
                    counts[at] += 1.0
                if mins is not None and age < mins[at]:
                    mins[at] = age
            if tested:
                base = i * extra_width
                for place, points, window, where, per_lead, decays in tested:
                    if age > window or (where is not None and not where(event, (), as_of)):
                        continue
                    weight = factor if decays else 1.0
                    if not per_lead:
                        extra[base + place] += points * weight
                    elif weight > extra[base + place]:
                        extra[base + place] = weight
            if flagged:
                base = i * flag_width
                for place, window, where in flagged:
                    if age <= window and (where is None or where(event, (), as_of)):
                        flags[base + place] = True
        return tables

    def _lean_pass(
        self,
        events: Iterable[EngagementEvent],
        index: dict[str, int],
        as_of_utc: datetime,
        tables: _Tables,
    ) -> None:
        """The event pass when every rule is answered from the per-kind tables: the hot
        loop of batch scoring, kept as short as the hand-written equivalent."""
        as_of_ts = as_of_utc.timestamp()
        width = self._width
        sums, mins = tables.sums, tables.mins
        slot_of = self._kind_slots.get
        other = self._other_slot
        lead_index = index.get
        rate = self._rate
        exp = math.exp
        last_id: str | None = None
        i = -1
        # (kind, lead id, seconds) rows: a batch's own columns, or read off each event.
        rows = events.rows() if isinstance(events, EventBatch) else map(_ROW, events)
        if self._decay_mode == _HALF_LIFE and mins is not None:
            for kind, lead_id, stamp in rows:
                slot = slot_of(kind, other)
                if slot < 0:
                    continue
                if lead_id is not last_id:  # events often come grouped by lead
                    last_id = lead_id
                    i = lead_index(lead_id, -1)
                if i < 0:
                    continue
                age = as_of_ts - stamp
                at = i * width + slot
                # The latest age so far is never negative: an age at or above it is too,
                # so only a new latest needs the "after as_of" test.
                if age < mins[at]:
                    if age < 0.0:
                        continue
                    mins[at] = age
                sums[at] += exp(age * rate)
            return
        half_life = self._decay_mode == _HALF_LIFE
        for kind, lead_id, stamp in rows:
            slot = slot_of(kind, other)
            if slot < 0:
                continue
            if lead_id is not last_id:
                last_id = lead_id
                i = lead_index(lead_id, -1)
            if i < 0:
                continue
            age = as_of_ts - stamp
            if age < 0.0:
                continue
            at = i * width + slot
            sums[at] += exp(age * rate) if half_life else 1.0
            if mins is not None and age < mins[at]:
                mins[at] = age

    def _selections(self) -> list[EventMatcher]:
        return [s.selection for s in self._event_specs] + [s.selection for s in self._fold_specs]

    def _kinds(self) -> set[str]:
        kinds = set(self._kind_slots)
        for selection in self._selections():
            kinds |= selection.kinds
        return kinds

    def _slots(self, kinds: frozenset[str]) -> tuple[int, ...]:
        if not kinds:
            return tuple(range(self._width))
        return tuple(sorted(self._kind_slots[kind] for kind in kinds))

    def _lead_pass(
        self,
        leads: Sequence[Lead],
        tables: _Tables,
        as_of: datetime,
        windows: dict[Period, float],
        *,
        record: bool,
    ) -> Run:
        """Every rule's points for every lead, one rule at a time (a column of values per
        rule: list comprehensions over the tables are several times faster than a loop
        over leads that asks each rule in turn), then group caps, the total, cap and floor.
        """
        count = len(leads)
        columns: list[Column] = []
        self._event_columns(tables, count, columns)
        self._condition_columns(leads, tables, as_of, windows, columns, record=record)
        group_caps = self._group_caps
        by_group: list[list[Sequence[float]]] = [[] for _ in range(len(group_caps) + 1)]
        for _, group, values, _, _ in columns:
            by_group[group].append(values)
        group_totals = []
        for group_cap, group_columns in zip(group_caps, by_group, strict=False):
            subtotal = _add(group_columns, count)
            if group_cap is not None:
                subtotal = _clamp(subtotal, group_cap)
            group_totals.append(subtotal)
        totals = _add([*group_totals, *by_group[-1]], count)
        if self._cap is not None:
            cap = self._cap
            totals = [cap if total > cap else total for total in totals]
        if self._floor is not None:
            floor = self._floor
            totals = [floor if total < floor else total for total in totals]
        if not record:
            return Run(totals)
        values_out = [[0.0] * self._rule_count for _ in range(count)]
        uncapped_out = [[0.0] * self._rule_count for _ in range(count)]
        held_out = [[False] * self._rule_count for _ in range(count)]
        for index, _, values, raw, held in columns:
            for i in range(count):
                values_out[i][index] = values[i]
                uncapped_out[i][index] = raw[i]
                if held is not None:
                    held_out[i][index] = held[i]
        groups_out = [[column[i] for column in group_totals] for i in range(count)]
        return Run(totals, values_out, uncapped_out, held_out, groups_out, tables.lists)

    def _event_columns(
        self,
        tables: _Tables,
        count: int,
        columns: list[Column],
    ) -> None:
        width = self._width
        sums, counts, mins = tables.sums, tables.counts, tables.mins
        mode = self._decay_mode
        decaying = mode in (_HALF_LIFE, _LINEAR)
        never = _NEVER
        factor = self.factor
        lead_factors: list[float] | None = None
        if mode == _INACTIVITY and mins is not None:
            idle, idle_factor = self._idle, self._idle_factor
            latest = _least([mins[slot::width] for slot in range(width)], count)
            lead_factors = [idle_factor if idle < age != never else 1.0 for age in latest]
        extra_width = sum(not s.simple for s in self._event_specs)
        for spec in self._event_specs:
            rule = spec.rule
            points = spec.points
            values: list[float]
            if not spec.simple:
                values = tables.extra[spec.slot :: extra_width]
                if rule.per == "lead":
                    values = [points * weight for weight in values]
            elif rule.per == "lead":
                slots = self._slots(spec.selection.kinds)
                latest = _least([mins[slot::width] for slot in slots], count)  # type: ignore[index]
                if decaying and rule.decays:
                    values = [0.0 if age == never else points * factor(age) for age in latest]
                else:
                    values = [0.0 if age == never else points for age in latest]
            else:
                table: list[float] = counts if decaying and not rule.decays else sums  # type: ignore[assignment]
                slots = self._slots(spec.selection.kinds)
                if len(slots) == 1:
                    values = [points * value for value in table[slots[0] :: width]]
                else:
                    total = _add([table[slot::width] for slot in slots], count)
                    values = [points * value for value in total]
            if lead_factors is not None and rule.decays:
                values = [value * f for value, f in zip(values, lead_factors, strict=True)]
            raw = values
            if rule.cap is not None:
                values = _clamp(values, float(rule.cap))
            columns.append((spec.rule_index, spec.group, values, raw, None))

    def _condition_columns(
        self,
        leads: Sequence[Lead],
        tables: _Tables,
        as_of: datetime,
        windows: dict[Period, float],
        columns: list[Column],
        *,
        record: bool,
    ) -> None:
        count = len(leads)
        never = _NEVER
        width = self._width
        flag_width = sum(not s.simple for s in self._fold_specs)
        for fold in self._fold_specs:
            held: list[bool]
            if fold.simple:
                slots = self._slots(fold.selection.kinds)
                latest = _least([tables.mins[slot::width] for slot in slots], count)  # type: ignore[index]
                window = never if fold.selection.window is None else windows[fold.selection.window]
                held = [age <= window and age != never for age in latest]
            else:
                held = tables.flags[fold.slot :: flag_width]
            points = fold.points
            values = [points if holds else 0.0 for holds in held]
            columns.append((fold.rule_index, fold.group, values, values, held))
        specs = self._profile_specs
        if not specs:
            return
        # Row by row: the conditions of one lead run one after the other, so that a
        # derived field several of them read (email_domain) is computed once per lead.
        found = tables.lists if tables.lists is not None else [()] * count
        pairs = zip(leads, found, strict=True)
        try:
            if record:
                predicates = tuple(spec.compiled.predicate for spec in specs)
                rows: list[Any] = [
                    [p(lead, events, as_of) for p in predicates] for lead, events in pairs
                ]
            else:
                # The points straight away: one pass, no verdict columns to convert.
                scored = tuple((spec.compiled.predicate, spec.points) for spec in specs)
                rows = [
                    [points if p(lead, events, as_of) else 0.0 for p, points in scored]
                    for lead, events in pairs
                ]
        except (AttributeError, TypeError, OverflowError) as exc:
            raise scoring_error(f"cannot evaluate a profile rule: {exc}", path="leads") from exc
        by_rule = list(zip(*rows, strict=True)) if rows else [() for _ in specs]
        for spec, column in zip(specs, by_rule, strict=True):
            if record:
                points = spec.points
                held = list(column)
                points_of = [points if holds else 0.0 for holds in held]
                columns.append((spec.rule_index, spec.group, points_of, points_of, held))
            else:
                columns.append((spec.rule_index, spec.group, column, column, None))


def _add(columns: Sequence[Sequence[float]], count: int) -> list[float]:
    """Element-wise sums of ``columns``, added left to right (zeros when there is none)."""
    if not columns:
        return [0.0] * count
    if len(columns) == 1:
        return [0.0 + value for value in columns[0]]
    return list(map(sum, zip(*columns, strict=True)))


def _least(columns: list[list[float]], count: int) -> list[float]:
    if len(columns) == 1:
        return columns[0]
    return list(map(min, zip(*columns, strict=True)))


def _clamp(values: list[float], cap: float) -> list[float]:
    low = -cap
    return [cap if value > cap else low if value < low else value for value in values]


def _no_decay(seconds: float) -> float:
    return 1.0


def _index(leads: Sequence[Lead]) -> dict[str, int]:
    return index_leads(leads)


def matching_event_ids(
    engine: Engine, events: Sequence[EngagementEvent], as_of: datetime
) -> dict[int, tuple[str, ...]]:
    """For each event rule (by its index in the model), the ids of the lead's ``events``
    that it counted at ``as_of``: the rule's :class:`~leadkit.rules.EventMatcher`, the one
    the event pass reads its kinds, window and filter from, kept for a breakdown."""
    return {
        spec.rule_index: tuple(e.id for e in spec.selection.select(events, as_of))
        for spec in engine._event_specs
    }
