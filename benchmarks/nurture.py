"""Advancing nurture enrolments in bulk against a plain evaluation of the same conditions.

    PYTHONPATH=src python benchmarks/nurture.py [--enrolments 100000] [--events 2000000]

A 12-step program (three lessons, each a send, a 3-day wait and a branch on a pricing
click; a branch on opens; a hand-off and an end) and seeded leads with
about 20 events each (opens, clicks, page views) over 40 days. Not timed: building the
leads, events and enrolments. Timed in one run: ``advance_many`` of every enrolment to day
40, and the baseline, a hand-written batch job that groups the same events by lead and
evaluates each of the program's branch and exit conditions once per lead with the
compiled predicate. Prints the per-enrolment cost of each and last ``nurture ratio: X``
(engine / baseline; target <= 2).
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from _timing import best_of

from leadkit.model import EngagementEvent, Lead, PersonName
from leadkit.nurture import Branch, ChangeStage, End, Enrolment, Program, Send, Wait, advance_many
from leadkit.rules import compile_condition, events, prop

T0 = datetime(2026, 4, 1, tzinfo=UTC)


def program() -> Program:
    pricing = events("link_click").where(prop("url").startswith("/pricing"))
    steps: dict[str, object] = {}
    for i in range(1, 4):
        steps[f"lesson{i}"] = Send(f"lesson-{i}", next=f"wait{i}")
        steps[f"wait{i}"] = Wait(timedelta(days=3), next=f"pricing{i}")
        steps[f"pricing{i}"] = Branch(
            pricing, yes="handoff", no=f"lesson{i + 1}" if i < 3 else "opens"
        )
    steps["opens"] = Branch(events("email_open").count() >= 3, yes="handoff", no="done")
    steps["handoff"] = ChangeStage("mql", next="done")
    steps["done"] = End()
    return Program("bench", steps, exit=[events("unsubscribe")])


def data(n: int, total_events: int, seed: int = 1) -> tuple[list[Lead], list[EngagementEvent]]:
    rng = random.Random(seed)
    leads = [Lead(name=PersonName(f"L{i}"), company=f"C{i}", created_at=T0) for i in range(n)]
    per = max(1, total_events // n)
    found = []
    for lead in leads:
        for _ in range(rng.randint(per // 2, per + per // 2)):
            kind = rng.choice(["email_open", "page_view", "page_view", "link_click"])
            url = rng.choice(["/pricing", "/blog", "/product"])
            found.append(
                EngagementEvent(
                    kind=kind,
                    lead_id=lead.id,
                    occurred_at=T0 + timedelta(minutes=rng.randint(0, 40 * 24 * 60)),
                    properties={"url": url},
                )
            )
        if rng.random() < 0.02:
            found.append(
                EngagementEvent(
                    kind="unsubscribe",
                    lead_id=lead.id,
                    occurred_at=T0 + timedelta(days=rng.randint(0, 40)),
                )
            )
    return leads, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrolments", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=2_000_000)
    args = parser.parse_args()
    prog = program()
    leads, found = data(args.enrolments, args.events)
    enrolments = [Enrolment(prog.name, lead.id, T0, prog.start, T0) for lead in leads]
    by_id = {lead.id: lead for lead in leads}
    as_of = T0 + timedelta(days=40)
    conditions = [compile_condition(c).predicate for c in prog.conditions()]

    def baseline() -> int:
        grouped: dict[str, list[EngagementEvent]] = defaultdict(list)
        for event in found:
            grouped[event.lead_id or ""].append(event)
        held = 0
        for lead in leads:
            mine = grouped.get(lead.id, [])
            for test in conditions:
                held += bool(test(lead, mine, as_of))
        return held

    def engine() -> int:
        result = advance_many(prog, enrolments, by_id, found, as_of=as_of)
        return sum(len(r.actions) for r in result.values())

    print(f"{len(enrolments):,} enrolments, {len(found):,} events, {len(prog.steps)} steps")
    held, base = best_of(2, baseline)
    actions, mine = best_of(2, engine)
    per = 1e6 / len(enrolments)
    print(f"baseline (each condition once per lead): {base * per:.1f} µs per lead ({held:,} held)")
    print(f"advance_many: {mine * per:.1f} µs per enrolment ({actions:,} actions)")
    print(f"nurture ratio: {mine / base:.2f}")


if __name__ == "__main__":
    main()
