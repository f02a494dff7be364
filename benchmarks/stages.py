"""Lifecycle stages at volume (run by hand).

    PYTHONPATH=src python benchmarks/stages.py

- classify on 20,000 new leads against a baseline that evaluates the same policy with
  compiled predicates and bare comparisons (no reasons, no explanations, no history);
- funnel over 50,000 histories against a baseline that only walks every transition once;
- working time over 20,000 week-long spans against a baseline that walks the same days
  with naive arithmetic.

Prints each time and its ratio to the baseline measured in the same process.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from _timing import best_of

from leadkit.model import Channel, EngagementEvent, Lead, PersonName, active_sources
from leadkit.reports import funnel
from leadkit.rules import compile, events, field
from leadkit.stages import (
    MqlRule,
    Stage,
    StageHistory,
    StagePolicy,
    Transition,
    WorkingCalendar,
    classify,
    grade_rank,
)

AS_OF = datetime(2026, 5, 1, tzinfo=UTC)
GRADES = ["A+", "A", "B+", "B", "C", "D", "F"]
SOURCES = ["Web", "Trade Show", "Cold Call", "Newsletter", None]
POLICY = StagePolicy(
    mql=MqlRule(min_score=100, min_grade="B", or_when=events("demo_request").within(days=30)),
    disqualify_when=field("email").endswith("@rival.example"),
)


def make_inputs(n: int) -> list[tuple[Lead, int, str, list[EngagementEvent]]]:
    rng = random.Random(11)
    rows = []
    for i in range(n):
        lead = Lead(
            id=f"lead-{i}",
            name=PersonName("山田"),
            company="ABC",
            email=rng.choice([None, f"u{i}@abc.co.jp", f"u{i}@rival.example"]),
            lead_source=rng.choice(SOURCES),
            created_at=AS_OF - timedelta(days=rng.randint(1, 300)),
        )
        evs = [
            EngagementEvent(
                kind=rng.choice(["page_view", "demo_request", "email_open"]),
                lead_id=lead.id,
                occurred_at=AS_OF - timedelta(days=rng.randint(0, 60)),
            )
            for _ in range(rng.randint(0, 4))
        ]
        rows.append((lead, rng.randint(0, 200), rng.choice(GRADES), evs))
    return rows


def make_histories(n: int) -> list[StageHistory]:
    rng = random.Random(5)
    paths = [
        (Stage.INQUIRY,),
        (Stage.INQUIRY, Stage.MQL),
        (Stage.INQUIRY, Stage.MQL, Stage.SAL, Stage.SQL, Stage.WON),
        (Stage.INQUIRY, Stage.MQL, Stage.RECYCLED),
        (Stage.SGL, Stage.SQL, Stage.LOST),
    ]
    histories = []
    for i in range(n):
        at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randint(0, 24 * 120))
        steps, previous = [], None
        for stage in rng.choice(paths):
            steps.append(Transition(previous, stage, at, "u-1"))
            previous = stage
            at += timedelta(hours=rng.randint(1, 24 * 20))
        histories.append(StageHistory(f"lead-{i}", steps))
    return histories


def bench_classify() -> None:
    rows = make_inputs(20_000)
    disqualify = compile(POLICY.disqualify_when)  # type: ignore[arg-type]
    demo = compile(POLICY.mql.or_when)  # type: ignore[arg-type]
    floor = grade_rank("B")
    sources = active_sources()

    def baseline() -> int:
        # the same decisions, hand-written on compiled predicates: no reasons, no history
        mqls = 0
        for lead, score, grade, evs in rows:
            if sources.channel_of(lead.lead_source) is Channel.SALES:
                continue
            if disqualify.predicate(lead, evs, AS_OF):
                continue
            if (score >= 100 and grade_rank(grade) >= floor) or demo.predicate(lead, evs, AS_OF):
                mqls += 1
        return mqls

    def run(explained: bool) -> int:
        return sum(
            classify(
                lead, score=s, grade=g, policy=POLICY, as_of=AS_OF, events=evs, explain=explained
            ).stage
            is Stage.MQL
            for lead, s, g, evs in rows
        )

    base, t_base = best_of(3, baseline)
    plain, t_plain = best_of(3, lambda: run(False))
    full, t_full = best_of(3, lambda: run(True))
    assert base == plain == full, (base, plain, full)
    print(f"classify   20,000 leads ({base} MQLs): baseline {t_base:.3f}s")
    print(f"  explain=False {t_plain:.3f}s  ratio {t_plain / t_base:.1f}x")
    print(f"  explain=True  {t_full:.3f}s  ratio {t_full / t_base:.1f}x")


def bench_funnel() -> None:
    histories = make_histories(50_000)

    def baseline() -> dict[tuple[str, Stage], int]:
        # a hand-written count of leads reaching each stage per cohort month
        counts: dict[tuple[str, Stage], int] = {}
        for history in histories:
            start = history.transitions[0].at
            month = f"{start.year:04d}-{start.month:02d}"
            for stage in {t.to_stage for t in history.transitions}:
                counts[(month, stage)] = counts.get((month, stage), 0) + 1
        return counts

    _, t_base = best_of(3, baseline)
    _report, t_ours = best_of(3, lambda: funnel(histories, as_of=AS_OF, by="month"))
    print(
        f"funnel     50,000 histories: baseline (reached only) {t_base:.3f}s  "
        f"funnel (reached, conversion, velocity) {t_ours:.3f}s  ratio {t_ours / t_base:.1f}x"
    )


def bench_calendar() -> None:
    calendar = WorkingCalendar(
        timezone="Asia/Tokyo", holidays={date(2026, 4, 29), date(2026, 5, 5)}
    )
    rng = random.Random(3)
    spans = []
    for _ in range(20_000):
        start = datetime(2026, 4, 1, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 60 * 24 * 40))
        spans.append((start, start + timedelta(minutes=rng.randint(0, 60 * 24 * 7))))

    def baseline() -> timedelta:
        # the same walk over days with naive arithmetic: the floor of any exact method
        total = timedelta(0)
        opens, closes = time(9), time(18)
        for a, b in spans:
            day = a.date()
            while day <= b.date():
                if day.weekday() < 5:
                    low = max(datetime.combine(day, opens, tzinfo=UTC), a)
                    high = min(datetime.combine(day, closes, tzinfo=UTC), b)
                    if high > low:
                        total += high - low
                day += timedelta(days=1)
        return total

    _, t_base = best_of(3, baseline)
    _, t_ours = best_of(
        3, lambda: sum((calendar.working_time(a, b) for a, b in spans), timedelta(0))
    )
    print(
        f"calendar   20,000 spans: baseline {t_base:.3f}s  working_time {t_ours:.3f}s  "
        f"ratio {t_ours / t_base:.1f}x"
    )


def main() -> None:
    bench_classify()
    bench_funnel()
    bench_calendar()


if __name__ == "__main__":
    main()
