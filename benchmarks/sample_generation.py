"""How fast the sample generator makes leads and events (run by hand, not a test).

    PYTHONPATH=src python benchmarks/sample_generation.py [n_leads] [--events]

The baseline is the floor any generator of validated model objects pays: building the
same number of :class:`Lead` (and :class:`EngagementEvent`) objects from one fixed set of
fields. The ratio says how much the drawing itself costs on top of that.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from _timing import best_of

from leadkit.model import Address, CustomFields, EngagementEvent, Lead, PersonName
from leadkit.sample import SampleGenerator

_FIELDS: dict[str, Any] = {
    "name": PersonName("山田", "太郎", family_kana="ヤマダ", given_kana="タロウ"),
    "company": "株式会社サンプル",
    "title": "部長",
    "email": "taro.yamada@sample.co.jp",
    "phone": "03-1234-5678",
    "industry": "製造業",
    "employees": 120,
    "address": Address(country="JP", state="東京都", city="港区"),
    "lead_source": "Web",
    "created_at": datetime(2026, 1, 1, tzinfo=UTC),
}


def _baseline_leads(n: int) -> int:
    for i in range(n):
        Lead(id=f"lead-{i:06d}", **_FIELDS)
    return n


def _baseline_events(n: int) -> int:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    properties = CustomFields({"url": "/pricing"})
    for i in range(n):
        EngagementEvent(
            id=f"event-{i:08d}",
            kind="page_view",
            occurred_at=moment,
            lead_id="lead-000001",
            properties=properties,
        )
    return n


def _leads_only(n: int) -> int:
    return sum(1 for _ in SampleGenerator(n).leads())


def _with_events(n: int) -> int:
    return sum(len(chunk.events) for chunk in SampleGenerator(n).chunks())


def _timed(repeat: int, fn: Callable[[], int]) -> tuple[int, float, float]:
    """The result, the best wall time and the CPU time per run (the box may be shared)."""
    start = time.process_time()
    result, wall = best_of(repeat, fn)
    return result, wall, (time.process_time() - start) / repeat


def main(argv: list[str]) -> None:
    """Time the generator for the number of leads given (default 100,000)."""
    numbers = [a for a in argv if not a.startswith("--")]
    n = int(numbers[0].replace("_", "")) if numbers else 100_000
    repeat = 1 if n >= 500_000 else 3
    sample = min(n, 100_000)

    _, floor = best_of(3, lambda: _baseline_leads(sample))
    _, leads, leads_cpu = _timed(repeat, lambda: _leads_only(n))
    per_lead = leads / n
    print(
        f"leads only: {n:,d} leads in {leads:.1f} s, {leads_cpu:.1f} s of CPU "
        f"({per_lead * 1e6:.0f} µs per lead)"
    )
    print(f"  baseline (building Lead objects only): {floor / sample * 1e6:.0f} µs per lead")
    print(f"  ratio generator / baseline: {per_lead / (floor / sample):.1f}x")

    if "--events" in argv:
        events, with_events, events_cpu = _timed(repeat, lambda: _with_events(n))
        _, event_floor = best_of(3, lambda: _baseline_events(sample * 10))
        per_event = (with_events - leads) / events
        print(
            f"with events: {n:,d} leads and {events:,d} events in {with_events:.1f} s, "
            f"{events_cpu:.1f} s of CPU "
            f"({per_event * 1e6:.1f} µs per event on top of the leads)"
        )
        print(f"  baseline (building events only): {event_floor / (sample * 10) * 1e6:.1f} µs")
        print(f"  ratio generator / baseline: {per_event / (event_floor / (sample * 10)):.1f}x")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:,.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
