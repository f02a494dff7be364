"""Explaining a verdict: which parts of a condition held, with the values they saw."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs

from leadkit._html import html_table
from leadkit.model import EngagementEvent
from leadkit.rules._compile import EventMatcher, aggregate, check_as_of, combine, compile_leaf
from leadkit.rules._errors import RuleError
from leadkit.rules._grammar import (
    AllOf,
    AnyOf,
    Condition,
    Criteria,
    EventCount,
    EventDifference,
    EventExists,
    EventLast,
    EventRatio,
    EventSum,
    FieldRef,
    Not,
    Presence,
    PropRef,
    check_top_level,
    info_of,
)
from leadkit.rules._literals import show
from leadkit.rules._logic import fold_logic
from leadkit.rules._operators import mismatch

__all__ = ["Explanation", "explain"]


@attrs.frozen(slots=True)
class Explanation:
    """Why a condition held or not, as a tree that mirrors the condition.

    ``held`` is the verdict of :func:`~leadkit.rules.compile` (two-valued); ``known`` the
    three-valued one of ``compile(...).known`` (None when it depends on a missing value).
    A leaf carries the ``value`` it saw (a field's value, an event count, the time of the
    last event) and the ids of the events that matched; ``note`` says why a value could
    not be tested (missing, or of another type). A ratio or difference of two aggregates
    also carries the two ``parts`` it combined.
    """

    condition: Condition
    held: bool
    known: bool | None
    value: Any = None
    event_ids: tuple[str, ...] = ()
    note: str = ""
    children: tuple[Explanation, ...] = ()
    parts: tuple[Any, ...] = ()

    def __str__(self) -> str:
        return "\n".join(self._lines(0, ""))

    def _repr_html_(self) -> str:
        """The tree as an HTML table (Jupyter): a row per part, indented by depth."""
        rows = []
        for line in self._lines(0, ""):
            body = line.lstrip(" ")
            indent = "\u00a0" * (len(line) - len(body))  # non-breaking: HTML keeps them
            rows.append((body[0], indent + body[2:]))
        verdict = "held" if self.held else "did not hold"
        return html_table(("held", "condition"), rows, caption=f"The condition {verdict}")

    def _lines(self, depth: int, number: str) -> list[str]:
        mark = "✓" if self.held else "✗"
        pad = "  " * depth
        node = self.condition
        if isinstance(node, AllOf):
            head = "all of"
        elif isinstance(node, AnyOf):
            head = "any of"
        elif isinstance(node, Not):
            head = "not"
        elif isinstance(node, Criteria):
            head = f"criteria {node.logic}"
        else:
            head = f"{node}{self._seen()}"
        if self.children and self.known is None:
            head += "  [unknown]"
        lines = [f"{pad}{mark} {number}{head}"]
        numbered = isinstance(node, Criteria)
        for index, child in enumerate(self.children, start=1):
            lines.extend(child._lines(depth + 1, f"{index}. " if numbered else ""))
        return lines

    def _seen(self) -> str:
        node = self.condition
        subject = getattr(node, "subject", None)
        parts: list[str] = []
        if isinstance(subject, FieldRef | PropRef):
            missing = f"{subject} is missing"
            parts.append(missing if self.value is None else f"{subject} = {show(self.value)}")
        elif isinstance(subject, EventLast):
            last = "no matching event" if self.value is None else f"last at {show(self.value)}"
            parts.append(last)
        elif isinstance(subject, EventSum):
            parts.append(f"sum = {show(self.value)}")
        elif isinstance(subject, EventRatio | EventDifference) and len(self.parts) == 2:
            sign = "/" if isinstance(subject, EventRatio) else "-"
            left, right = (show(p) for p in self.parts)
            if self.value is None:
                parts.append(f"{left} / {right}: no denominator, the ratio is missing")
            else:
                parts.append(f"{left} {sign} {right} = {show(self.value)}")
        if isinstance(node, EventExists) or isinstance(
            subject, EventCount | EventSum | EventLast | EventRatio | EventDifference
        ):
            count = len(self.event_ids)
            ids = ", ".join(self.event_ids[:5]) + (" ..." if count > 5 else "")
            parts.append(f"{count} event(s)" + (f": {ids}" if ids else ""))
        if self.known is None:
            parts.append("unknown")
        if self.note:
            parts.append(self.note)
        return f"  [{'; '.join(parts)}]" if parts else ""


_Verdict = tuple[bool, bool | None]
"""``(held, known)``: the two-valued and the three-valued verdict of one part."""


def _all(parts: tuple[_Verdict, ...]) -> _Verdict:
    knowns = [k for _, k in parts]
    if any(k is False for k in knowns):
        known: bool | None = False
    else:
        known = None if any(k is None for k in knowns) else True
    return all(h for h, _ in parts), known


def _any(parts: tuple[_Verdict, ...]) -> _Verdict:
    knowns = [k for _, k in parts]
    if any(k is True for k in knowns):
        known: bool | None = True
    else:
        known = None if any(k is None for k in knowns) else False
    return any(h for h, _ in parts), known


def _not(part: _Verdict) -> _Verdict:
    held, known = part
    return not held, None if known is None else not known


def _explain(
    node: Condition, record: Any, events: Sequence[EngagementEvent], as_of: datetime
) -> Explanation:
    if isinstance(node, AllOf | AnyOf | Criteria):
        children = tuple(_explain(item, record, events, as_of) for item in node.items)
        verdicts = [(c.held, c.known) for c in children]
        if isinstance(node, AllOf):
            held, known = _all(tuple(verdicts))
        elif isinstance(node, AnyOf):
            held, known = _any(tuple(verdicts))
        else:
            # The criteria's verdicts combined as their desugared logic says.
            held, known = fold_logic(node.logic, verdicts, all_of=_all, any_of=_any, not_=_not)
        return Explanation(node, held, known, children=children)
    if isinstance(node, Not):
        child = _explain(node.item, record, events, as_of)
        held, known = _not((child.held, child.known))
        return Explanation(node, held, known, children=(child,))
    if isinstance(node, EventExists):
        found = list(EventMatcher.of(node.query).select(events, as_of))
        held = bool(found)
        return Explanation(node, held, held, len(found), tuple(e.id for e in found))
    subject = node.subject  # type: ignore[attr-defined]
    ids: tuple[str, ...] = ()
    value: object
    values: tuple[Any, ...] = ()
    if isinstance(subject, FieldRef | PropRef):
        value = info_of(subject).get(record)
    elif isinstance(subject, EventRatio | EventDifference):
        seen: dict[str, None] = {}
        for part in subject.parts:
            found = list(EventMatcher.of(part.query).select(events, as_of))
            seen.update(dict.fromkeys(e.id for e in found))
            values += (aggregate(part, found),)
        ids = tuple(seen)
        value = combine(subject, *values)
    else:
        found = list(EventMatcher.of(subject.query).select(events, as_of))
        ids = tuple(e.id for e in found)
        value = aggregate(subject, found)
    if isinstance(node, Presence):
        held = (value is not None) == node.present
        return Explanation(node, held, held, value, ids, parts=values)
    if value is None:
        return Explanation(node, False, None, None, ids, parts=values)
    check = compile_leaf(node).check
    assert check is not None
    result = bool(check(value, as_of))
    note = mismatch(node, value) or ""
    return Explanation(node, result, result, value, ids, note=note, parts=values)


def explain(
    condition: Condition,
    record: Any,
    events: Sequence[EngagementEvent] = (),
    *,
    as_of: datetime,
) -> Explanation:
    """Evaluate ``condition`` for ``record`` step by step and say why it held or not.

    The verdict always equals ``compile(condition)(record, events, as_of=as_of)``; explain
    is slower (it evaluates every part and records values), so use it to show a decision,
    not to make many.

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import Lead, PersonName
    >>> from leadkit.rules import explain, field
    >>> lead = Lead(name=PersonName("Sato"), company="ABC", title="営業部長",
    ...             created_at=datetime(2026, 4, 1, tzinfo=UTC))
    >>> rule = (field("employees") >= 1000) | field("title").contains("部長")
    >>> print(explain(rule, lead, as_of=datetime(2026, 5, 1, tzinfo=UTC)))
    ✓ any of
      ✗ employees >= 1000  [employees is missing; unknown]
      ✓ title contains '部長'  [title = '営業部長']
    """
    if not isinstance(condition, Condition):
        raise RuleError(f"explain() takes a condition, got {type(condition).__name__}")
    check_top_level(condition)
    check_as_of(as_of)
    try:
        return _explain(condition, record, events, as_of)
    except (AttributeError, TypeError, OverflowError) as exc:
        raise RuleError(f"cannot evaluate {condition} on {type(record).__name__}: {exc}") from exc
