"""Queue claims on PostgreSQL (issue 19): several processes claim from one queue until
it is empty; a claim that loses the race is a ConcurrencyError, retried, and no lead is
ever taken twice."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from leadkit.errors import ConcurrencyError
from leadkit.model import Lead, OwnerRef, PersonName, Queue
from leadkit.repository import PostgresUnitOfWork
from leadkit.routing import claim_next
from tests.repository._postgres import fresh_schema, postgres_url

postgres_url(module=True)  # every test here needs the server

pytestmark = pytest.mark.slow

AT = datetime(2026, 4, 1, tzinfo=UTC)
MEMBERS = ("u-1", "u-2", "u-3", "u-4")
LEADS = 30


@pytest.fixture
def url() -> str:
    return postgres_url()


@pytest.fixture
def schema(url: str) -> Iterator[str]:
    yield from fresh_schema(url)


def _claim_all(url: str, schema: str, member: str) -> tuple[list[str], int]:
    taken: list[str] = []
    lost = 0
    while True:
        try:
            with PostgresUnitOfWork(url, schema=schema) as uow:
                claim = claim_next(uow, queue="q-in", member=member)
                if claim is None:
                    return taken, lost
                uow.commit()
        except ConcurrencyError:
            lost += 1
            continue
        taken.append(claim.lead.id)


def test_concurrent_claims_never_share_a_lead(url: str, schema: str) -> None:
    with PostgresUnitOfWork(url, schema=schema) as uow:
        uow.queues.add(Queue(id="q-in", name="Inbound", member_ids=MEMBERS))  # type: ignore[arg-type]  # converter=tuple
        for i in range(LEADS):
            uow.leads.add(
                Lead(
                    id=f"l{i}",
                    name=PersonName("山田"),
                    company="ABC",
                    created_at=AT + timedelta(minutes=i),
                    owner=OwnerRef.queue("q-in"),
                )
            )
        uow.commit()
    context = multiprocessing.get_context("spawn")
    with context.Pool(len(MEMBERS)) as pool:
        results = pool.starmap(_claim_all, [(url, schema, m) for m in MEMBERS])
    claimed = [lead_id for taken, _ in results for lead_id in taken]
    assert len(claimed) == len(set(claimed)) == LEADS
    with PostgresUnitOfWork(url, schema=schema) as uow:
        owners = {x.id: x.owner for x in uow.leads.all()}
    for member, (taken, _) in zip(MEMBERS, results, strict=True):
        assert all(owners[lead_id] == OwnerRef.user(member) for lead_id in taken)
