"""Routing 100,000 leads through assignment rule sets of 10, 100 and 1,000 entries
(run by hand).

    PYTHONPATH=src python benchmarks/routing.py

The entries test territory (prefecture, region), industry and company-size bands by
equality, membership and band ranges, some through filter logic with OR. The last two
are ones no index can serve: a title search and a catch-all that sends everyone else to
a round robin. Targets are users, queues and round robins. Sizes are timed in turns,
three rounds, best of each (the machine may be busy). Prints leads per second for each
size and, last, the time per lead with 1,000 entries over the time with 10 (``routing
ratio 1000/10``). For reference it also times a linear scan of the compiled entries.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from _timing import best_of

from leadkit.model import PREFECTURES, Address, Lead, OwnerRef, PersonName, User
from leadkit.routing import (
    COMPANY_SIZE_BANDS,
    AssignmentRules,
    AssignmentTarget,
    InMemoryState,
    Roster,
    RoundRobin,
    Router,
    RuleEntry,
    in_prefecture,
    in_region,
)
from leadkit.rules import Condition, compile, criteria, field
from leadkit.rules._dnf import first_match_linear

N = 100_000
AS_OF = datetime(2026, 5, 1, 3, tzinfo=UTC)
INDUSTRIES = ["IT", "製造業", "小売", "金融", "医療", "建設", "物流", "教育", "不動産", "広告"]
REGIONS = ["北海道", "東北", "関東", "中部", "近畿", "中国", "四国", "九州・沖縄"]
BANDS = list(COMPANY_SIZE_BANDS.names)
USERS = [User(id=f"u-{i}", name=f"営業 {i}") for i in range(20)]


def make_leads(n: int) -> list[Lead]:
    rng = random.Random(11)
    return [
        Lead(
            id=f"lead-{i}",
            name=PersonName("山田"),
            company="ABC",
            title=rng.choice(["営業部長", "課長", "Engineer", None]),
            industry=rng.choice([*INDUSTRIES, None]),
            employees=rng.choice([None, 10, 120, 450, 2000, 9000]),
            address=Address(country="JP", state=rng.choice(PREFECTURES).name),
            created_at=AS_OF - timedelta(days=rng.randint(0, 300)),
        )
        for i in range(n)
    ]


def make_condition(rng: random.Random) -> Condition:
    prefecture = field("address.prefecture")
    industry = field("industry")
    shape = rng.randrange(5)
    if shape == 0:
        return (prefecture == rng.choice(PREFECTURES).name) & industry.is_in(
            rng.sample(INDUSTRIES, 2)
        )
    if shape == 1:
        return in_region(rng.choice(REGIONS)) & COMPANY_SIZE_BANDS.condition(rng.choice(BANDS))
    if shape == 2:
        return (industry == rng.choice(INDUSTRIES)) & COMPANY_SIZE_BANDS.condition(
            *rng.sample(BANDS, 2)
        )
    if shape == 3:
        return criteria(
            [
                in_prefecture(*(p.name for p in rng.sample(PREFECTURES, 3))),
                industry == rng.choice(INDUSTRIES),
                COMPANY_SIZE_BANDS.condition("enterprise"),
            ],
            logic="(1 AND 2) OR (2 AND 3)",
        )
    return in_region(*rng.sample(REGIONS, 2)) & (industry == rng.choice(INDUSTRIES))


def make_target(rng: random.Random) -> AssignmentTarget:
    kind = rng.randrange(3)
    if kind == 0:
        return OwnerRef.user(rng.choice(USERS).id)
    if kind == 1:
        return OwnerRef.queue(f"queue-{rng.randrange(5)}")
    return RoundRobin([u.id for u in rng.sample(USERS, 4)])


def make_rules(size: int) -> AssignmentRules:
    rng = random.Random(size)
    entries = [
        RuleEntry(make_condition(rng), make_target(rng), name=f"entry {i}") for i in range(size - 2)
    ]
    # Entries only a scan can test, at the end as catch-alls usually are: executives by
    # title, then everyone else to an inside-sales round robin (so that every set does
    # the same bookkeeping per lead and the sizes differ only in matching).
    entries.append(RuleEntry(field("title").contains("部長"), OwnerRef.queue("executives")))
    inside_sales = RoundRobin([u.id for u in USERS[:5]], pool="inside sales")
    entries.append(RuleEntry(field("company").is_present(), inside_sales, name="everyone else"))
    return AssignmentRules(entries, default_owner=OwnerRef.queue("inbound"))


def main() -> None:
    leads = make_leads(N)
    roster = Roster(USERS)
    routers = {size: Router(make_rules(size), roster=roster) for size in (10, 100, 1000)}
    best: dict[int, float] = {}
    matched: dict[int, int] = {}
    for _ in range(3):
        for size, router in routers.items():

            def run(router: Router = router, catch_all: int = size - 1) -> int:
                decisions = router.route_many(leads, as_of=AS_OF, state=InMemoryState())
                return sum(1 for d in decisions if d.entry and d.entry.index < catch_all)

            matched[size], seconds = best_of(1, run)
            best[size] = min(best.get(size, seconds), seconds)
    for size, router in routers.items():
        stats = router.index_stats
        print(
            f"{size:>5} entries: {N / best[size]:>9,.0f} leads/s  "
            f"({matched[size]:,} matched before the catch-all; {stats.indexed_entries} "
            f"indexed, {stats.scanned_entries} scanned, {stats.tables} tables)"
        )
    predicates = [compile(e.when).predicate for e in routers[1000].rules.entries]
    sample = leads[:10_000]

    def linear() -> int:
        found = (first_match_linear(predicates, lead, (), AS_OF) for lead in sample)
        return sum(1 for position in found if position is not None)

    _, scan = best_of(1, linear)
    print(f"(matching alone by a linear scan of 1000 entries: {len(sample) / scan:,.0f} leads/s)")
    print(f"routing ratio 1000/10: {best[1000] / best[10]:.2f}")


if __name__ == "__main__":
    main()
