"""Lead conversion throughput: 10,000 conversions in memory and in a SQLite file, one unit
of work each and in batches (``PYTHONPATH=src python benchmarks/convert.py [N]``).

The baseline, measured in the same process, is the model work alone: building the
account, contact and opportunity and the converted lead for each lead, with no storage.
Each lead has a campaign membership and a task to carry over; five leads share a company,
so most conversions join an account an earlier one created (the matcher at work).
"""

from __future__ import annotations

import functools
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import attrs
from _timing import best_of

from leadkit.convert import ConversionRequest, convert_lead, convert_leads
from leadkit.model import (
    Account,
    CampaignMember,
    Contact,
    Lead,
    LeadConversion,
    Opportunity,
    OwnerRef,
    PersonName,
    Task,
)
from leadkit.repository import InMemoryStore, SqliteUnitOfWork, UnitOfWorkFactory

T0 = datetime(2026, 4, 1, tzinfo=UTC)
AS_OF = datetime(2026, 5, 20, tzinfo=UTC)
CONVERTED = "Closed - Converted"
BATCH = 500


def make_leads(n: int) -> list[Lead]:
    return [
        Lead(
            id=f"l-{i}",
            name=PersonName("山田", f"太郎{i}"),
            company=f"株式会社サンプル{i // 5}",
            email=f"taro{i}@sample{i // 5}.co.jp",
            phone="03-1234-5678",
            employees=100 + i,
            lead_source="Trade Show",
            owner=OwnerRef.user(f"u-{i % 7}"),
            created_at=T0,
        )
        for i in range(n)
    ]


def seed(factory: UnitOfWorkFactory, leads: list[Lead]) -> None:
    with factory() as uow:
        for lead in leads:
            uow.leads.add(lead)
            uow.campaign_members.add(
                CampaignMember(
                    id=f"m-{lead.id}", campaign_id="cmp-expo", lead_id=lead.id, created_at=T0
                )
            )
            uow.tasks.add(Task(id=f"t-{lead.id}", subject="Call", lead_id=lead.id, created_at=T0))
        uow.commit()


def model_only(leads: list[Lead]) -> int:
    """The floor: the records a conversion builds, without reading or writing anything."""
    for lead in leads:
        account = Account(name=lead.company, phone=lead.phone, owner=lead.owner, created_at=AS_OF)
        contact = Contact(
            account_id=account.id, name=lead.name, email=lead.email, owner=lead.owner,
            created_at=AS_OF,
        )  # fmt: skip
        opportunity = Opportunity(
            name=lead.company, account_id=account.id, close_date=date(2026, 6, 30),
            owner=lead.owner, created_at=AS_OF,
        )  # fmt: skip
        conversion = LeadConversion(
            converted_at=AS_OF, status=CONVERTED, account_id=account.id,
            contact_id=contact.id, opportunity_id=opportunity.id,
        )  # fmt: skip
        attrs.evolve(lead, status=CONVERTED, conversion=conversion)
    return len(leads)


def one_unit_each(factory: UnitOfWorkFactory, leads: list[Lead]) -> int:
    for lead in leads:
        convert_lead(ConversionRequest(lead.id, CONVERTED, account="match"), factory(), as_of=AS_OF)
    return len(leads)


def per_lead_results(factory: UnitOfWorkFactory, leads: list[Lead]) -> int:
    """``convert_leads`` with an outcome per request (chunks of 500 in one unit of work)."""
    requests = [ConversionRequest(lead.id, CONVERTED, account="match") for lead in leads]
    return sum(result.success for result in convert_leads(requests, factory, as_of=AS_OF))


def in_batches(factory: UnitOfWorkFactory, leads: list[Lead]) -> int:
    done = 0
    for start in range(0, len(leads), BATCH):
        batch = leads[start : start + BATCH]
        requests = [ConversionRequest(lead.id, CONVERTED, account="match") for lead in batch]
        results = convert_leads(requests, factory, as_of=AS_OF, all_or_none=True)
        done += sum(result.success for result in results)
    return done


def measure(
    label: str,
    make_factory: Callable[[], UnitOfWorkFactory],
    run: Callable[[UnitOfWorkFactory, list[Lead]], int],
    leads: list[Lead],
    floor: float,
    *,
    repeat: int = 1,
) -> None:
    seconds = float("inf")
    for _ in range(repeat):  # each run needs fresh, unconverted data
        factory = make_factory()
        seed(factory, leads)
        converted, elapsed = best_of(1, lambda: run(factory, leads))  # noqa: B023
        assert converted == len(leads), f"{label}: only {converted} of {len(leads)} converted"
        seconds = min(seconds, elapsed)
    with factory() as uow:
        accounts = len(uow.accounts)
    rate = len(leads) / seconds
    print(
        f"{label:<38} {rate:>10,.0f} conversions/s  {seconds / floor:>6.1f}x the model floor"
        f"  ({accounts:,} accounts)"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    leads = make_leads(n)
    _, floor = best_of(3, lambda: model_only(leads))
    print(f"{n:,} conversions; model floor {n / floor:,.0f} records-sets/s")
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        files = iter(range(100))

        def sqlite() -> UnitOfWorkFactory:
            return functools.partial(SqliteUnitOfWork, Path(folder) / f"crm{next(files)}.db")

        def memory() -> UnitOfWorkFactory:
            return InMemoryStore().unit_of_work

        measure("in memory, one unit of work each", memory, one_unit_each, leads, floor, repeat=3)
        measure(f"in memory, batches of {BATCH}", memory, in_batches, leads, floor, repeat=3)
        measure("SQLite file, one unit of work each", sqlite, one_unit_each, leads, floor)
        measure("SQLite file, per-lead results", sqlite, per_lead_results, leads, floor, repeat=2)
        measure(f"SQLite file, batches of {BATCH}", sqlite, in_batches, leads, floor, repeat=2)


if __name__ == "__main__":
    main()
