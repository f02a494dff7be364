"""Merge and intake throughput (``PYTHONPATH=src python benchmarks/merge_intake.py [N]``).

Intake: N web forms into a store that already holds 20,000 leads, with the default
duplicate rules (candidates from the repositories' e-mail, phone and company keys). The
baseline, in the same process, stores the same leads and Inquiry events built from
already-parsed values: no mapping, validation or duplicate check.

Merge: N pairs of leads, each duplicate with three tasks, two engagement events and a
campaign membership. The baseline makes the same writes by hand in one unit of work each
(no survivorship, no checks).
"""

from __future__ import annotations

import functools
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
from _timing import best_of

from leadkit.dedupe import merge_leads
from leadkit.intake import IntakeForm, IntakeOutcome, intake
from leadkit.model import CampaignMember, EngagementEvent, EventKind, Lead, PersonName, Task
from leadkit.repository import InMemoryStore, SqliteUnitOfWork, UnitOfWorkFactory

T0 = datetime(2026, 4, 1, tzinfo=UTC)
EXISTING = 20_000
FORM = IntakeForm()


def existing_leads(n: int) -> list[Lead]:
    return [
        Lead(
            id=f"old-{i}",
            name=PersonName("佐藤", f"一郎{i}"),
            company=f"既存商事{i % 5000}",
            email=f"ichiro{i}@kizon{i % 5000}.co.jp",
            phone=f"03-{i % 10000:04d}-{i // 10000:04d}",
            created_at=T0,
        )
        for i in range(n)
    ]


def forms(n: int) -> list[dict[str, str]]:
    return [
        {
            "会社名": f"株式会社サンプル{i // 3}",
            "姓": "山田",
            "名": f"太郎{i}",
            "メールアドレス": f"taro{i}@sample{i // 3}.co.jp",
            "電話番号": f"06-{i % 10000:04d}-1234",
            "従業員数": "1,200",
        }
        for i in range(n)
    ]


def seed(factory: UnitOfWorkFactory, records: list[Lead]) -> None:
    with factory() as uow:
        for record in records:
            uow.leads.add(record)
        uow.commit()


def run_intake(factory: UnitOfWorkFactory, submissions: list[dict[str, str]]) -> int:
    created = 0
    for n, form in enumerate(submissions):
        as_of = T0 + timedelta(seconds=n)
        result = intake(form, mapping=FORM, as_of=as_of, uow=factory())
        created += result.outcome is IntakeOutcome.CREATED
    return created


def run_baseline_intake(factory: UnitOfWorkFactory, submissions: list[dict[str, str]]) -> int:
    for n, form in enumerate(submissions):
        as_of = T0 + timedelta(seconds=n)
        lead = Lead(
            name=PersonName(form["姓"], form["名"]),
            company=form["会社名"],
            email=form["メールアドレス"],
            phone=form["電話番号"],
            employees=1200,
            lead_source="Web",
            created_at=as_of,
        )
        event = EngagementEvent(kind=EventKind.INQUIRY, occurred_at=as_of, lead_id=lead.id)
        with factory() as uow:
            uow.leads.add(lead)
            uow.engagement_events.add(event)
            uow.commit()
    return len(submissions)


def merge_scenario(n: int) -> list[object]:
    records: list[object] = []
    for i in range(n):
        master = Lead(id=f"m-{i}", name=PersonName("Ito"), company="ABC", created_at=T0)
        duplicate = attrs.evolve(master, id=f"d-{i}", phone="03-1234-5678")
        records += [master, duplicate]
        records += [
            Task(id=f"t-{i}-{k}", subject="Call", lead_id=duplicate.id, created_at=T0)
            for k in range(3)
        ]
        records += [
            EngagementEvent(id=f"e-{i}-{k}", kind="page_view", occurred_at=T0, lead_id=duplicate.id)
            for k in range(2)
        ]
        records.append(
            CampaignMember(id=f"c-{i}", campaign_id="cmp", lead_id=duplicate.id, created_at=T0)
        )
    return records


def seed_any(factory: UnitOfWorkFactory, records: list[object]) -> None:
    with factory() as uow:
        for record in records:
            name = {
                Lead: "leads",
                Task: "tasks",
                EngagementEvent: "engagement_events",
                CampaignMember: "campaign_members",
            }[type(record)]
            getattr(uow, name).add(record)
        uow.commit()


def run_merges(factory: UnitOfWorkFactory, n: int) -> int:
    for i in range(n):
        merge_leads(f"m-{i}", [f"d-{i}"], factory())
    return n


def run_baseline_merges(factory: UnitOfWorkFactory, n: int) -> int:
    for i in range(n):
        with factory() as uow:
            master, duplicate = uow.leads.get(f"m-{i}"), uow.leads.get(f"d-{i}")
            for task in uow.tasks.by_lead(duplicate.id):
                uow.tasks.update(attrs.evolve(task, lead_id=master.id))
            for event in uow.engagement_events.by_lead(duplicate.id):
                uow.engagement_events.update(attrs.evolve(event, lead_id=master.id))
            for member in uow.campaign_members.by_lead(duplicate.id):
                uow.campaign_members.update(attrs.evolve(member, lead_id=master.id))
            uow.leads.update(attrs.evolve(duplicate, master_record_id=master.id))
            uow.leads.update(attrs.evolve(master, phone=duplicate.phone))
            uow.commit()
    return n


def fresh(kind: str, directory: Path, label: str) -> UnitOfWorkFactory:
    if kind == "memory":
        return InMemoryStore().unit_of_work
    return functools.partial(SqliteUnitOfWork, directory / f"{label}.db")


def compare(
    title: str,
    n: int,
    run: Callable[[UnitOfWorkFactory], object],
    baseline: Callable[[UnitOfWorkFactory], object],
    setup: Callable[[UnitOfWorkFactory], None],
    kind: str,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        counter = iter(range(1_000_000))

        def timed(fn: Callable[[UnitOfWorkFactory], object]) -> float:
            factory = fresh(kind, directory, f"db{next(counter)}")
            setup(factory)
            _, seconds = best_of(1, lambda: fn(factory))
            return seconds

        ours = min(timed(run) for _ in range(2))
        base = min(timed(baseline) for _ in range(2))
    print(
        f"{title:<34} {kind:<7} {n / ours:9.0f}/s  baseline {n / base:9.0f}/s  "
        f"ratio {ours / base:5.2f}"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    old = existing_leads(EXISTING)
    submissions = forms(n)
    for kind in ("memory", "sqlite"):
        compare(
            f"intake ({EXISTING:,} leads stored)",
            n,
            lambda f: run_intake(f, submissions),
            lambda f: run_baseline_intake(f, submissions),
            lambda f: seed(f, old),
            kind,
        )
    scenario = merge_scenario(n)
    for kind in ("memory", "sqlite"):
        compare(
            "merge (6 related records each)",
            n,
            lambda f: run_merges(f, n),
            lambda f: run_baseline_merges(f, n),
            lambda f: seed_any(f, scenario),
            kind,
        )


if __name__ == "__main__":
    main()
