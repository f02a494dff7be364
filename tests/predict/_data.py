"""Synthetic history with known effects, for the learner tests."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

from leadkit.model import EngagementEvent, Lead, PersonName
from leadkit.predict import Outcome

CUTOFF = datetime(2026, 4, 1, tzinfo=UTC)
# The true log-odds: a demo request within 90 days, 1000+ employees, a 部長 title.
BASE, DEMO, BIG, MANAGER = -2.0, 1.6, 1.0, 0.8


def history(n: int = 1500, *, seed: int = 3) -> tuple[list[Outcome], list[EngagementEvent]]:
    """``n`` leads with outcomes drawn from BASE + DEMO·demo + BIG·big + MANAGER·manager."""
    rng = random.Random(seed)
    outcomes: list[Outcome] = []
    events: list[EngagementEvent] = []
    for i in range(n):
        employees = rng.choice([10, 80, 300, 1500, 6000])
        title = rng.choice(["営業部長", "担当", "Engineer", "主任"])
        lead = Lead(
            name=PersonName(f"L{i}"),
            company=f"Company {i}",
            employees=employees,
            title=title,
            industry=rng.choice(["製造業", "情報通信業", "小売業"]),
            created_at=CUTOFF - timedelta(days=rng.randint(91, 400)),
        )
        demo = rng.random() < 0.3
        if demo:
            at = CUTOFF - timedelta(days=rng.randint(1, 80))
            events.append(EngagementEvent(kind="demo_request", lead_id=lead.id, occurred_at=at))
        for _ in range(rng.randint(0, 4)):
            at = CUTOFF - timedelta(days=rng.randint(1, 120))
            events.append(EngagementEvent(kind="page_view", lead_id=lead.id, occurred_at=at))
        logit = BASE + DEMO * demo + BIG * (employees >= 1000) + MANAGER * (title == "営業部長")
        won = rng.random() < 1 / (1 + math.exp(-logit))
        outcomes.append(Outcome(lead, won=won, cutoff=CUTOFF))
    return outcomes, events
