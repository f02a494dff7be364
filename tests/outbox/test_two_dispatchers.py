"""Two dispatchers in two processes on one outbox (issue 17), on SQLite and PostgreSQL:
every event delivered at least once, in order per lead, marked delivered exactly once."""

from __future__ import annotations

import itertools
import multiprocessing
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest

from leadkit.model import Lead, OwnerRef, PersonName
from tests.outbox._workers import dispatch, factory

pytestmark = pytest.mark.slow

T0 = datetime(2026, 4, 1, 9, tzinfo=UTC)
LEADS, CHANGES = 12, 4


def _fill(where: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """Leads with a few owner changes each: (event id, lead) in outbox order."""
    make = factory(where)
    for i in range(LEADS):
        with make() as uow:
            lead = Lead(id=f"l-{i}", name=PersonName("山田"), company="ABC", created_at=T0)
            uow.leads.add(lead)
            uow.commit()
    for change in range(CHANGES):
        for i in range(LEADS):
            with make() as uow:
                stored = uow.leads.get(f"l-{i}")
                uow.leads.update(attrs.evolve(stored, owner=OwnerRef.user(f"u-{change}")))
                uow.commit()
    with make() as uow:
        return [(entry.id, entry.lead_id) for entry in uow.outbox.pending()]


def _run_two(where: tuple[str, ...]) -> None:
    expected = _fill(where)
    assert len(expected) == LEADS * (1 + CHANGES)
    context = multiprocessing.get_context("spawn")
    start_at = time.time() + 1.5
    with context.Pool(2) as pool:
        runs = pool.starmap(dispatch, [(where, "one", start_at), (where, "two", start_at)])
    seen = [item for items, _ in runs for item in items]
    marked = sum(count for _, count in runs)
    assert {id for id, *_ in seen} == {id for id, _ in expected}  # at least once
    assert marked == len(expected)  # each marked delivered exactly once
    with factory(where)() as uow:
        assert uow.outbox.pending() == []
    # In order per lead: an event's handling starts after its predecessor's ended.
    order = {id: position for position, (id, _) in enumerate(expected)}
    for lead_id in {lead for _, lead in expected}:
        mine = [(order[id], start, end) for id, lead, start, end in seen if lead == lead_id]
        for before, after in itertools.pairwise(sorted(mine)):
            assert after[1] >= before[2], f"{lead_id}: delivered out of order"


def test_two_dispatchers_on_sqlite(tmp_path: Path) -> None:
    _run_two(("sqlite", str(tmp_path / "crm.db")))


@pytest.fixture
def postgres_where() -> Iterator[tuple[str, ...]]:
    from tests.repository._postgres import fresh_schema, postgres_url

    url = postgres_url()
    for schema in fresh_schema(url):
        yield ("postgres", url, schema)


def test_two_dispatchers_on_postgres(postgres_where: tuple[str, ...]) -> None:
    _run_two(postgres_where)
