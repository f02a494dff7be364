"""The server over real HTTP on PostgreSQL (issue 18): a post becomes a lead, over the
daily limit a pending row, both in the server's database. Needs scripts/with-postgres."""

from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

if os.environ.get("LEADKIT_REQUIRE_SERVER") != "1":
    pytest.importorskip("starlette", reason="leadkit[server] is not installed")
import httpx

from leadkit.model import OwnerRef
from leadkit.repository import PostgresUnitOfWork, UnitOfWorkFactory
from leadkit.server import WebToLead, create_app, load_form_definition
from tests.repository._postgres import fresh_schema, postgres_url
from tests.server._live import serving
from tests.server.test_store_and_assign import (
    FORM,
    T0,
    USERS,
    _crash_at_every_step,
    _everything,
    _lead,
    _router,
)

postgres_url(module=True)


@pytest.fixture
def schema() -> Iterator[str]:
    yield from fresh_schema(postgres_url())


def test_posts_are_stored_in_postgres(schema: str) -> None:
    factory = functools.partial(PostgresUnitOfWork, postgres_url(), schema=schema)
    form = load_form_definition({"name": "web", "limits": {"daily": 1}})
    app = create_app(unit_of_work=factory, form=form, process_pending_every=3600)
    with serving(app) as url:
        first = httpx.post(f"{url}/submit", json={"会社名": "株式会社A", "姓": "山田",
                                                   "email": "a@a.jp"})  # fmt: skip
        second = httpx.post(f"{url}/submit", json={"会社名": "株式会社B", "姓": "鈴木",
                                                    "email": "b@b.jp"})  # fmt: skip
    assert (first.status_code, second.status_code) == (201, 202)
    with factory() as uow:
        assert [lead.email for lead in uow.leads.all()] == ["a@a.jp"]
        pending = uow.pending_submissions.oldest(10)
        assert [p.fields["email"] for p in pending] == ["b@b.jp"]


def _seeded(schema: str) -> UnitOfWorkFactory:
    factory = functools.partial(PostgresUnitOfWork, postgres_url(), schema=schema)
    with factory() as uow:
        for user in USERS:
            uow.users.add(user)
        uow.commit()
    return factory


def test_a_crash_at_any_write_step_leaves_nothing_in_postgres(schema: str) -> None:
    """As tests/server/test_store_and_assign.py on SQLite: the lead, its owner, the
    routing turn and the rate-limit counts commit together or not at all."""
    factory = _seeded(schema)
    form = load_form_definition(FORM)
    before = _everything(factory)

    def submit(crashing: UnitOfWorkFactory) -> object:
        return WebToLead(crashing, form, router=_router(), clock=lambda: T0).submit(
            _lead(1), client="203.0.113.9"
        )

    failures, steps = _crash_at_every_step(factory, submit)
    assert steps >= 6
    assert failures == list(range(1, steps + 1))
    records, state, hits, _ = _everything(factory)
    (lead,) = records["leads"]
    assert lead.owner == OwnerRef.user("u-1")
    assert state != before[1]
    assert [len(h) for h in hits.values()] == [1, 1]


def test_concurrent_submissions_on_postgres_take_each_turn_once(schema: str) -> None:
    """Threads submitting at once conflict on the routing turn (SERIALIZABLE): the losers
    run again, so every submission is stored with an owner, turns alternate exactly."""
    factory = _seeded(schema)
    form = load_form_definition({**FORM, "limits": {"daily": 1000, "queue_size": 10}})
    server = WebToLead(factory, form, router=_router(), clock=lambda: T0)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda n: server.submit(_lead(n)), range(40)))
    assert [a.status for a in answers] == [201] * 40, [a.body for a in answers if a.status != 201]
    with factory() as uow:
        owners = Counter(str(lead.owner) for lead in uow.leads.all())
    assert owners == {"user:u-1": 20, "user:u-2": 20}
