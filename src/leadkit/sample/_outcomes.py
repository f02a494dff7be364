"""Outcomes for the sample, drawn from a known propensity: ground truth for learning.

The bundled sample's sales history is small (a few dozen closed deals), too few to learn
from or to measure a model on. :func:`sample_outcomes` draws a won/lost outcome for every
lead from :data:`SAMPLE_PROPENSITY`, a logistic model written in the condition language,
with a fixed seed: a learner should find these effects again, in direction and roughly
in size, and the tutorial can set a learned model beside the hand-set one.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict

from leadkit.model import EngagementEvent
from leadkit.rules import CompiledCondition, Condition, compile_condition, events, field
from leadkit.sample._data import SampleData
from leadkit.sample._generator import SAMPLE_AS_OF

__all__ = ["SAMPLE_BASE_LOG_ODDS", "SAMPLE_PROPENSITY", "sample_outcomes"]

SAMPLE_BASE_LOG_ODDS = -2.2
"""The log-odds of a win for a lead that meets none of :data:`SAMPLE_PROPENSITY`."""

SAMPLE_PROPENSITY: tuple[tuple[str, Condition, float], ...] = (
    ("demo request", events("demo_request").within(days=90), 1.6),
    ("pricing page 2+", events("pricing_page_visit").within(days=90).count() >= 2, 0.8),
    ("1000+ employees", field("employees") >= 1000, 0.9),
    (
        "manager title",
        field("title").contains_any(["部長", "Director", "VP", "Head", "CEO", "社長"]),
        0.7,
    ),
    ("unsubscribed", events("unsubscribe"), -1.5),
)
"""The true effects: (name, condition, log-odds added when it holds at SAMPLE_AS_OF)."""


def sample_outcomes(data: SampleData, *, seed: int = 7) -> tuple[tuple[str, bool], ...]:
    """``(lead id, won)`` for every lead of ``data``, drawn from the known propensity.

    The probability of a win is ``1 / (1 + exp(-(SAMPLE_BASE_LOG_ODDS + sum of the
    effects that hold)))`` with each lead's events up to ``SAMPLE_AS_OF``; the draw
    is seeded, so the same data and seed always give the same outcomes.

    >>> from leadkit.sample import load_sample
    >>> drawn = sample_outcomes(load_sample())
    >>> len(drawn), drawn == sample_outcomes(load_sample())
    (2000, True)
    """
    by_lead: dict[str, list[EngagementEvent]] = defaultdict(list)
    for event in data.events:
        if event.lead_id is not None and event.occurred_at <= SAMPLE_AS_OF:
            by_lead[event.lead_id].append(event)
    tests: list[tuple[CompiledCondition, float]] = [
        (compile_condition(condition), effect) for _, condition, effect in SAMPLE_PROPENSITY
    ]
    rng = random.Random(seed)
    drawn = []
    for lead in sorted(data.leads, key=lambda lead: lead.id):
        seen = by_lead.get(lead.id, [])
        logit = SAMPLE_BASE_LOG_ODDS + sum(
            effect for test, effect in tests if test(lead, seen, as_of=SAMPLE_AS_OF)
        )
        drawn.append((lead.id, rng.random() < 1.0 / (1.0 + math.exp(-logit))))
    return tuple(drawn)
