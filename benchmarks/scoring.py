"""Scoring and grading 100,000 leads (about 2,000,000 events) against hand-written Python.

    PYTHONPATH=src python benchmarks/scoring.py [--leads N]

The reference workload and its straight-line model live in ``../shared/bench`` beside the
repository (set ``LEADKIT_SHARED`` to that ``shared`` directory if it is elsewhere). This
script writes the same model in leadkit's DSL, builds the leads and events as leadkit
objects (not timed), scores them with ``ScoringModel.score_many`` and grades them with
``GradingProfile.grade_many``, checks every score within 1e-9 and every grade exactly,
and prints the time ratio leadkit / hand-written, measured in the same run, last.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from _timing import best_of

from leadkit.model import Address, EngagementEvent, Lead, Money, PersonName
from leadkit.rules import events, field
from leadkit.scoring import (
    Criterion,
    EventRule,
    GradingProfile,
    HalfLife,
    ProfileRule,
    ScoringModel,
)


def load_reference() -> ModuleType:
    """The reference workload from ``../shared/bench`` (or ``$LEADKIT_SHARED/bench``)."""
    shared = os.environ.get("LEADKIT_SHARED")
    root = Path(shared) if shared else Path(__file__).resolve().parents[1].parent / "shared"
    source = root / "bench" / "reference_scoring.py"
    if not source.is_file():
        sys.exit(
            f"benchmarks/scoring.py: the reference workload {source} is missing; ../shared "
            "must sit beside the repository root (or set LEADKIT_SHARED to that directory)"
        )
    spec = importlib.util.spec_from_file_location("reference_scoring", source)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_model(ref: Any) -> tuple[ScoringModel, GradingProfile]:
    """The reference model, rule for rule, in leadkit's DSL."""
    free = sorted(ref.FREEMAIL)
    employees = field("employees")
    domain = field("email_domain")
    japan = field("address.country") == "JP"
    model = ScoringModel(
        "reference",
        [
            EventRule("page view", "page_view", points=1, cap=ref.CAPS["page_view"]),
            EventRule("email open", "email_open", points=3, cap=ref.CAPS["email_open"]),
            EventRule("email click", "email_click", points=5),
            EventRule("form submission", "form_submit", points=20),
            EventRule("file download", "file_download", points=10),
            EventRule("webinar", "webinar", points=25),
            EventRule("pricing page", "pricing_page_visit", points=15),
            ProfileRule("active this week", events().within(days=7), points=10),
            ProfileRule(
                "pricing this month", events("pricing_page_visit").within(days=30), points=10
            ),
            ProfileRule("director", field("title").contains_any(ref.DIRECTOR_WORDS), points=10),
            ProfileRule("executive", field("title").contains_any(ref.EXEC_WORDS), points=15),
            ProfileRule("junior", field("title").contains_any(ref.JUNIOR_WORDS), points=-20),
            ProfileRule("1000+ employees", employees >= 1000, points=20),
            ProfileRule("100-999 employees", employees.between(100, 999), points=10),
            ProfileRule(
                "target industry", field("industry").is_in(sorted(ref.TARGET_INDUSTRIES)), points=5
            ),
            ProfileRule("Japan", japan, points=5),
            ProfileRule(
                "Tokyo or Osaka",
                japan & field("address.prefecture").is_in(sorted(ref.HOT_PREFECTURES)),
                points=3,
            ),
            ProfileRule("big revenue", field("annual_revenue") >= ref.REVENUE_BIG, points=10),
            ProfileRule("free mail", domain.is_in(free), points=-10),
            ProfileRule(".co.jp domain", domain.endswith(".co.jp") & domain.not_in(free), points=2),
        ],
        decay=HalfLife(days=ref.HALF_LIFE_DAYS),
    )
    profile = GradingProfile(
        "reference fit",
        [
            Criterion("decision maker", field("title").contains_any(ref.DECISION_WORDS), weight=2),
            Criterion("company size", employees >= 1000, weight=2),
            Criterion("industry", field("industry").is_in(sorted(ref.TARGET_INDUSTRIES)), weight=2),
            Criterion("location", japan, weight=1),
            Criterion("business email", domain.not_in(free), weight=1),
        ],
    )
    return model, profile


def build_leads(raw: list[dict[str, Any]], now: datetime) -> list[Lead]:
    return [
        Lead(
            id=f"lead-{row['lead_id']}",
            name=PersonName("Lead"),
            company="ACME",
            title=row["title"],
            industry=row["industry"],
            employees=row["employees"],
            address=Address(country=row["country"], state=row["prefecture"]),
            annual_revenue=Money(row["annual_revenue"], "JPY"),
            email=f"user{row['lead_id']}@{row['email_domain']}",
            created_at=now,
        )
        for row in raw
    ]


def build_events(raw: list[tuple[int, str, int]], leads: list[Lead]) -> list[EngagementEvent]:
    ids = [lead.id for lead in leads]
    return [
        EngagementEvent(
            id=f"event-{n}",
            kind=kind,
            lead_id=ids[lead],
            occurred_at=datetime.fromtimestamp(at, UTC),
        )
        for n, (lead, kind, at) in enumerate(raw)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ref = load_reference()
    now = datetime.fromtimestamp(ref.NOW, UTC)
    raw_leads, raw_events = ref.generate(args.leads)
    model, profile = build_model(ref)
    leads = build_leads(raw_leads, now)
    found = build_events(raw_events, leads)
    print(f"{len(leads):,} leads, {len(found):,} events, best of {args.repeat} runs")

    expected, plain = best_of(args.repeat, lambda: ref.score_plain(raw_leads, raw_events))

    def run() -> tuple[dict[str, float], dict[str, Any]]:
        return (
            model.score_many(leads, found, as_of=now),
            profile.grade_many(leads, as_of=now),
        )

    (scores, grades), ours = best_of(args.repeat, run)
    for lead, (score, grade) in zip(leads, expected, strict=True):
        assert abs(scores[lead.id] - score) <= 1e-9, (lead.id, scores[lead.id], score)
        assert str(grades[lead.id]) == grade, (lead.id, grades[lead.id], grade)
    print(f"hand-written  {plain:7.3f} s")
    print(f"leadkit       {ours:7.3f} s  (score_many + grade_many; every score and grade equal)")
    print(f"scoring ratio: {ours / plain:.2f}")


if __name__ == "__main__":
    main()
