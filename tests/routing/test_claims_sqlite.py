"""Two queue members claiming at once never get the same lead: several processes claim
from one SQLite file until the queue is empty (issue 19, "Proof"). Slow: processes."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from leadkit.model import Lead, OwnerRef, PersonName, Queue
from leadkit.repository import SqliteUnitOfWork
from leadkit.routing import claim_next

pytestmark = pytest.mark.slow

AT = datetime(2026, 4, 1, tzinfo=UTC)
MEMBERS = ("u-1", "u-2", "u-3", "u-4")


def _claim_all(path: str, member: str, order: str) -> list[str]:
    taken: list[str] = []
    while True:
        uow = SqliteUnitOfWork(path, timeout=60)
        with uow:
            claim = claim_next(
                uow,
                queue="q-in",
                member=member,
                order=order,
                priorities={f"l{i}": f"A{1 + i % 4}" for i in range(0, 40, 3)},
            )
            if claim is None:
                return taken
            uow.commit()
        taken.append(claim.lead.id)


@pytest.mark.parametrize("order", ["oldest", "priority"])
def test_concurrent_claims_never_share_a_lead(tmp_path: Path, order: str) -> None:
    path = str(tmp_path / "claims.db")
    uow = SqliteUnitOfWork(path)
    with uow:
        uow.queues.add(Queue(id="q-in", name="Inbound", member_ids=MEMBERS))  # type: ignore[arg-type]  # converter=tuple
        for i in range(40):
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
        results = pool.starmap(_claim_all, [(path, m, order) for m in MEMBERS])
    claimed = [lead_id for taken in results for lead_id in taken]
    assert len(claimed) == len(set(claimed)) == 40
    with uow:
        owners = {x.id: x.owner for x in uow.leads.all()}
    for member, taken in zip(MEMBERS, results, strict=True):
        assert all(owners[lead_id] == OwnerRef.user(member) for lead_id in taken)
