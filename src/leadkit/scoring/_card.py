"""Score cards: a lead's total, its group totals and every contribution, explained."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import attrs

from leadkit._html import html_table
from leadkit.scoring._rules import EventRule, ProfileRule

__all__ = ["Contribution", "ScoreCard"]


def show_value(value: object) -> str:
    """A value seen by a condition, as in a rule: text quoted, dates in ISO form."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def fmt(points: float) -> str:
    """Points as people read them: whole numbers without decimals, others with two."""
    if float(points).is_integer():
        return f"{int(points):+d}" if points else "0"
    return f"{points:+.2f}"


@attrs.frozen(slots=True)
class Contribution:
    """What one rule added to a lead's score.

    ``points`` is after the rule's cap, ``uncapped`` before it; ``event_ids`` are the
    events the rule counted (or, for a profile rule, the events its condition matched);
    ``seen`` the field values a profile rule's condition read.
    """

    rule: EventRule | ProfileRule
    points: float
    uncapped: float
    event_ids: tuple[str, ...] = ()
    seen: tuple[tuple[str, object], ...] = ()

    @property
    def name(self) -> str:
        """The rule's name."""
        return self.rule.name

    @property
    def group(self) -> str | None:
        """The rule's group, if any."""
        return self.rule.group

    @property
    def capped(self) -> bool:
        """True when the rule's cap cut its points."""
        return self.points != self.uncapped

    def describe(self) -> str:
        """One line: points, rule name and why."""
        return f"{fmt(self.points):>8}  {self.rule.name}: {self._why()}"

    def _why(self) -> str:
        rule = self.rule
        if isinstance(rule, EventRule):
            count = len(self.event_ids)
            why = f"{count} event{'s' if count != 1 else ''}"
            if rule.per == "lead":
                why += ", counted once"
            if self.capped:
                why += f", capped at {fmt(self.points)} from {fmt(self.uncapped)}"
        else:
            why = str(rule.when)
            if self.seen:
                why += "  [" + "; ".join(f"{k} = {show_value(v)}" for k, v in self.seen) + "]"
            if self.event_ids:
                why += f"  [{len(self.event_ids)} event(s)]"
        return why


@attrs.frozen(slots=True)
class ScoreCard:
    """A lead's score at ``as_of`` under one model, with its breakdown.

    ``total`` is exactly what :meth:`ScoringModel.score_many` returns for the lead.
    ``groups`` holds each declared group's total (after its cap); ``contributions``
    every rule that counted something, in the model's order.
    """

    lead_id: str
    total: float
    groups: Mapping[str, float]
    contributions: tuple[Contribution, ...]
    model: str
    version: str
    as_of: datetime
    group_caps: Mapping[str, float | None] = attrs.field(factory=dict, repr=False)
    cap: float | None = attrs.field(default=None, repr=False)
    floor: float | None = attrs.field(default=None, repr=False)

    def contribution(self, rule: str) -> Contribution | None:
        """The contribution of the rule named ``rule``, or None if it counted nothing."""
        for item in self.contributions:
            if item.rule.name == rule:
                return item
        return None

    def explain(self) -> str:
        """The breakdown as readable text: groups, rules, events, caps and the total."""
        lines = [
            f"Score {fmt_total(self.total)} for {self.lead_id} "
            f"(model {self.model!r} v{self.version}, as of {self.as_of.isoformat()})"
        ]
        sections: dict[str | None, list[Contribution]] = {name: [] for name in self.groups}
        sections[None] = []
        for item in self.contributions:
            sections.setdefault(item.group, []).append(item)
        for name, items in sections.items():
            if name is None:
                if not items:
                    continue
                if self.groups:  # without groups, the rules are the whole story
                    subtotal = sum(i.points for i in items)
                    lines.append(f"  ungrouped: {fmt_total(subtotal)}")
            else:
                total = self.groups[name]
                head = f"  {name}: {fmt_total(total)}"
                raw = sum(i.points for i in items)
                group_cap = self.group_caps.get(name)
                if group_cap is not None and abs(raw) > group_cap:
                    head += f" (capped at {fmt_total(group_cap)} from {fmt_total(raw)})"
                lines.append(head)
            lines.extend(f"  {item.describe()}" for item in items)
            if not items:
                lines.append("      (nothing counted)")
        if self.cap is not None and self.total == self.cap:
            lines.append(f"  the total is capped at {fmt_total(self.cap)}")
        if self.floor is not None and self.total == self.floor:
            lines.append(f"  the total is floored at {fmt_total(self.floor)}")
        lines.append(f"Total: {fmt_total(self.total)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()

    def _repr_html_(self) -> str:
        """The breakdown as an HTML table (Jupyter): a row per group total and per
        contribution, then the total."""
        rows: list[tuple[object, ...]] = []
        by_group: dict[str | None, list[Contribution]] = {name: [] for name in self.groups}
        by_group[None] = []
        for item in self.contributions:
            by_group.setdefault(item.group, []).append(item)
        for name, items in by_group.items():
            if name is not None:
                raw = sum(i.points for i in items)
                group_cap = self.group_caps.get(name)
                note = ""
                if group_cap is not None and abs(raw) > group_cap:
                    note = f"capped at {fmt_total(group_cap)} from {fmt_total(raw)}"
                rows.append((name, "(group total)", fmt_total(self.groups[name]), "", note))
            rows.extend(
                (name or "", i.name, fmt(i.points), str(len(i.event_ids)), i._why()) for i in items
            )
        note = ""
        if self.cap is not None and self.total == self.cap:
            note = f"capped at {fmt_total(self.cap)}"
        if self.floor is not None and self.total == self.floor:
            note = f"floored at {fmt_total(self.floor)}"
        rows.append(("", "Total", fmt_total(self.total), "", note))
        caption = (
            f"Score {fmt_total(self.total)} for {self.lead_id} "
            f"(model {self.model!r} v{self.version}, as of {self.as_of.isoformat()})"
        )
        return html_table(
            ("group", "rule", "points", "events", "why"),
            rows,
            caption=caption,
            right_align=(False, False, True, True, False),
        )


def fmt_total(value: float) -> str:
    """A total: whole numbers without decimals, others with two."""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"
