"""Helpers shared by the stage tests: leads, policies and random legal histories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from leadkit.model import Lead, PersonName
from leadkit.stages import Stage, StageHistory, Transition

__all__ = ["ALLOWED", "T0", "histories", "lead", "walk"]

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)

S = Stage
# The transition table as docs/stages.md states it, written out again here so that the
# tests check the code against the documentation, not against itself.
ALLOWED: dict[Stage | None, set[Stage]] = {
    None: {S.INQUIRY, S.SGL},
    S.INQUIRY: {S.MQL, S.DISQUALIFIED},
    S.MQL: {S.SAL, S.RECYCLED, S.DISQUALIFIED},
    S.SAL: {S.SQL, S.RECYCLED, S.DISQUALIFIED},
    S.SGL: {S.SQL, S.RECYCLED, S.DISQUALIFIED},
    S.SQL: {S.WON, S.LOST, S.RECYCLED, S.DISQUALIFIED},
    S.RECYCLED: {S.MQL, S.DISQUALIFIED},
    S.DISQUALIFIED: {S.RECYCLED},
    S.WON: set(),
    S.LOST: {S.RECYCLED},
}


def lead(**fields: Any) -> Lead:
    """A valid lead with only the given fields set (id ``lead-1`` unless given)."""
    fields.setdefault("id", "lead-1")
    fields.setdefault("name", PersonName("山田", "太郎"))
    fields.setdefault("company", "株式会社サンプル")
    fields.setdefault("created_at", T0)
    return Lead(**fields)


def walk(
    lead_id: str, *stages: Stage, start: datetime = T0, step: timedelta = timedelta(days=1)
) -> StageHistory:
    """A history through ``stages``, one ``step`` apart, made by ``u-1``."""
    transitions = []
    previous: Stage | None = None
    for index, stage in enumerate(stages):
        transitions.append(Transition(previous, stage, start + index * step, "u-1", "test"))
        previous = stage
    return StageHistory(lead_id, transitions)


@st.composite
def histories(draw: st.DrawFn, *, lead_id: str | None = None, max_steps: int = 8) -> StageHistory:
    """Legal histories: a random walk on the transition table, times never decreasing."""
    lid = lead_id or draw(st.from_regex(r"lead-[0-9]{1,4}", fullmatch=True))
    at = draw(
        st.datetimes(
            min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)
        )
    )
    steps = draw(st.integers(min_value=0, max_value=max_steps))
    transitions = []
    current: Stage | None = None
    for _ in range(steps):
        options = sorted(ALLOWED[current], key=list(Stage).index)
        if not options:
            break
        target = draw(st.sampled_from(options))
        transitions.append(Transition(current, target, at, "u-1", "walk"))
        at += timedelta(seconds=draw(st.integers(min_value=0, max_value=30 * 86400)))
        current = target
    return StageHistory(lid, transitions)
