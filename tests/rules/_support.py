"""Helpers shared by the rules tests: building leads and events in one line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
from hypothesis import strategies as st

from leadkit.model import EngagementEvent, Lead, PersonName
from leadkit.testing import strategies as lks
from leadkit.testing.rule_strategies import AS_OF, lead_custom_fields

__all__ = ["AS_OF", "T0", "event", "events_near", "lead", "leads_near"]

T0 = datetime(2026, 4, 1, tzinfo=UTC)


def lead(**fields: Any) -> Lead:
    """A valid lead with only the given fields set."""
    fields.setdefault("name", PersonName("山田", "太郎"))
    fields.setdefault("company", "株式会社サンプル")
    fields.setdefault("created_at", T0)
    return Lead(**fields)


def event(kind: str, days_ago: float, *, id: str = "", **properties: Any) -> EngagementEvent:
    """An event of ``lead-1`` that happened ``days_ago`` days before AS_OF."""
    return EngagementEvent(
        id=id or f"event-{kind}-{days_ago}",
        kind=kind,
        lead_id="lead-1",
        occurred_at=AS_OF - timedelta(days=days_ago),
        properties=properties,
    )


def leads_near() -> st.SearchStrategy[Lead]:
    """Random leads created around AS_OF, with the custom fields the conditions test."""
    times = st.integers(-400 * 24, 400 * 24).map(lambda h: AS_OF + timedelta(hours=h))
    return st.builds(
        lambda base, created, custom: attrs.evolve(base, created_at=created, custom=custom),
        lks.leads(),
        times,
        lead_custom_fields(),
    )


def events_near() -> st.SearchStrategy[list[EngagementEvent]]:
    """A few events around AS_OF, some with a numeric ``amount`` property."""
    times = st.integers(-400 * 24, 30 * 24).map(lambda h: AS_OF + timedelta(hours=h))
    base = lks.engagement_events(
        lead_ids=st.just("lead-1"),
        kinds=st.sampled_from(["page_view", "form_submit", "webinar", "custom_kind"]),
        occurred_at=times,
    )
    amount = st.none() | st.integers(0, 150) | st.just("12")
    one = st.builds(
        lambda e, a: e if a is None else attrs.evolve(e, properties={**e.properties, "amount": a}),
        base,
        amount,
    )
    return st.lists(one, max_size=6)
