"""Score cards: a lead's total, its group totals and every contribution, explained."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import attrs

from leadkit._html import html_table
from leadkit._locale import check_locale, period_text, text
from leadkit.scoring._rules import EventRule, ProfileRule

__all__ = ["CardGroup", "Contribution", "ScoreCard"]


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

    def describe(self, *, locale: str = "en") -> str:
        """One line: points, rule name and why (``locale="ja"``: 「資料請求 +20（3回）」)."""
        return text("card.line", locale, points=fmt(self.points), rule=self.rule.name,
                    why=self.why(locale=locale))  # fmt: skip

    def why(self, *, locale: str = "en") -> str:
        """Why the rule gave its points: the events it counted (in its window, once, or
        capped), or the condition that held and the values it read."""
        rule = self.rule
        if isinstance(rule, EventRule):
            count = len(self.event_ids)
            window = rule.within
            within = (
                text("card.within", locale, period=period_text(window.as_dict(), locale))
                if window is not None
                else ""
            )
            why = text("card.events", locale, count=count, plural="s" if count != 1 else "",
                       window=within)  # fmt: skip
            if rule.per == "lead":
                why += text("card.once", locale)
            if self.capped:
                why += text("card.rule_capped", locale, points=fmt(self.points),
                            uncapped=fmt(self.uncapped))  # fmt: skip
        else:
            why = str(rule.when)
            if self.seen:
                why += "  [" + "; ".join(f"{k} = {show_value(v)}" for k, v in self.seen) + "]"
            if self.event_ids:
                why += "  [" + text("card.matched_events", locale, count=len(self.event_ids)) + "]"
        return why


@attrs.frozen(slots=True)
class CardGroup:
    """One section of a score card: a declared group (``name``) or the ungrouped rules
    (``name`` None), its total after the group's cap, the sum before it, and its
    contributions. Computed once by :meth:`ScoreCard.sections` for the text, the table
    and the HTML."""

    name: str | None
    total: float
    raw: float
    cap: float | None
    contributions: tuple[Contribution, ...]

    @property
    def capped(self) -> bool:
        """True when the group's cap cut its sum."""
        return self.cap is not None and abs(self.raw) > self.cap

    def note(self, *, locale: str = "en") -> str:
        """``capped at 40 from 50`` when the cap cut the group, else empty."""
        if not self.capped:
            return ""
        assert self.cap is not None
        return text("card.group_capped", locale, cap=fmt_total(self.cap), raw=fmt_total(self.raw))


_CARD_COLUMNS = ("group", "rule", "points", "events", "why")


@attrs.frozen(slots=True, repr=False)
class ScoreCard:
    """A lead's score at ``as_of`` under one model, with its breakdown.

    ``total`` is exactly what :meth:`ScoringModel.score_many` returns for the lead.
    ``groups`` holds each declared group's total (after its cap); ``contributions``
    every rule that counted something, in the model's order.

    ``repr`` is one summary line; :meth:`explain` (``str``) and ``_repr_html_`` (Jupyter)
    give the full breakdown, both from :meth:`sections`; ``locale="ja"`` in Japanese.
    """

    lead_id: str
    total: float
    groups: Mapping[str, float]
    contributions: tuple[Contribution, ...]
    model: str
    version: str
    as_of: datetime
    group_caps: Mapping[str, float | None] = attrs.field(factory=dict)
    cap: float | None = attrs.field(default=None)
    floor: float | None = attrs.field(default=None)

    def contribution(self, rule: str) -> Contribution | None:
        """The contribution of the rule named ``rule``, or None if it counted nothing."""
        for item in self.contributions:
            if item.rule.name == rule:
                return item
        return None

    def sections(self) -> tuple[CardGroup, ...]:
        """The card's groups in the model's order (with their caps), then the ungrouped
        rules when any counted: the one grouping that text, table and HTML show."""
        members: dict[str | None, list[Contribution]] = {name: [] for name in self.groups}
        members[None] = []
        for item in self.contributions:
            members.setdefault(item.group, []).append(item)
        found: list[CardGroup] = []
        for name, items in members.items():
            raw = sum(i.points for i in items)
            if name is None:
                if items:
                    found.append(CardGroup(None, raw, raw, None, tuple(items)))
                continue
            total = self.groups.get(name, raw)
            found.append(CardGroup(name, total, raw, self.group_caps.get(name), tuple(items)))
        return tuple(found)

    def total_note(self, *, locale: str = "en") -> str:
        """``capped at 100`` / ``floored at 0`` when the model's cap or floor set the
        total, else empty."""
        if self.floor is not None and self.total == self.floor:
            return text("card.floored_short", locale, floor=fmt_total(self.floor))
        if self.cap is not None and self.total == self.cap:
            return text("card.capped_short", locale, cap=fmt_total(self.cap))
        return ""

    def headline(self, *, locale: str = "en") -> str:
        """``Score 125 for lead-1 (model 'web' v2, as of ...)``."""
        return text("card.score_head", locale, total=fmt_total(self.total), lead=self.lead_id,
                    model=self.model, version=self.version,
                    as_of=self.as_of.isoformat())  # fmt: skip

    def explain(self, *, locale: str = "en") -> str:
        """The breakdown as readable text: groups, rules, events, caps and the total.

        ``locale="ja"`` writes it in Japanese: 「資料請求 +20（30日以内に3回）」.
        """
        check_locale(locale)
        lines = [self.headline(locale=locale)]
        sections = self.sections()
        for section in sections:
            # without groups, the ungrouped rules are the whole story: no heading
            if section.name is not None or self.groups:
                name = section.name or text("card.ungrouped", locale)
                head = text("card.group_head", locale, name=name, total=fmt_total(section.total))
                note = section.note(locale=locale)
                lines.append(head + (text("card.group_note", locale, note=note) if note else ""))
            lines.extend(f"  {item.describe(locale=locale)}" for item in section.contributions)
            if not section.contributions:
                lines.append("      " + text("card.nothing", locale))
        if self.cap is not None and self.total == self.cap:
            lines.append("  " + text("card.total_capped", locale, cap=fmt_total(self.cap)))
        if self.floor is not None and self.total == self.floor:
            lines.append("  " + text("card.total_floored", locale, floor=fmt_total(self.floor)))
        lines.append(text("card.total", locale, total=fmt_total(self.total)))
        return "\n".join(lines)

    def table_rows(self, *, locale: str = "en") -> tuple[tuple[str, ...], list[tuple[object, ...]]]:
        """The breakdown as a table: column headings and one row per group total and per
        contribution, then the total (what ``_repr_html_`` shows)."""
        rows: list[tuple[object, ...]] = []
        for section in self.sections():
            if section.name is not None:
                note = section.note(locale=locale)
                head = text("card.group_total", locale)
                rows.append((section.name, head, fmt_total(section.total), "", note))
            rows.extend(
                (section.name or "", i.name, fmt(i.points), str(len(i.event_ids)),
                 i.why(locale=locale))
                for i in section.contributions
            )  # fmt: skip
        rows.append(("", text("card.total_row", locale), fmt_total(self.total), "",
                     self.total_note(locale=locale)))  # fmt: skip
        columns = tuple(text(f"card.col.{c}", locale) for c in _CARD_COLUMNS)
        return columns, rows

    def to_html(self, *, locale: str = "en") -> str:
        """The breakdown as an HTML table: a row per group total and per contribution,
        then the total; text left-aligned, points right-aligned."""
        columns, rows = self.table_rows(locale=locale)
        return html_table(columns, rows, caption=self.headline(locale=locale),
                          right_align=(False, False, True, True, False))  # fmt: skip

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        return self.explain()

    def __repr__(self) -> str:
        return self.summary()

    def summary(self, *, locale: str = "en") -> str:
        """One line: lead, total, model, ``as_of``, how many rules counted, group totals."""
        groups = ", ".join(f"{name} {fmt_total(total)}" for name, total in self.groups.items())
        return text(
            "card.score_summary",
            locale,
            lead=self.lead_id,
            total=fmt_total(self.total),
            model=self.model,
            version=self.version,
            as_of=self.as_of.isoformat(timespec="minutes"),
            rules=len(self.contributions),
            groups=text("card.groups_summary", locale, groups=groups) if groups else "",
        )


def fmt_total(value: float) -> str:
    """A total: whole numbers without decimals, others with two."""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"
