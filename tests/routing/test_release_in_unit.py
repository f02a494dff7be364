"""Closing or converting a lead releases its count in the capacity strategies, in the unit
of work that closes it (issue 19, "A team, not a person"), on memory, SQLite and
PostgreSQL."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest

from leadkit.convert import ConversionRequest, convert_lead
from leadkit.errors import ValidationError
from leadkit.model import Lead, OwnerRef, PersonName, User
from leadkit.repository import InMemoryStore, SqliteUnitOfWork, UnitOfWork
from leadkit.routing import (
    AssignmentRules,
    CapacityBased,
    InMemoryState,
    Roster,
    Router,
    RuleEntry,
    SqliteState,
    UnitOfWorkState,
    release_closed,
)
from leadkit.rules import field
from leadkit.stages import Stage, StageHistory, disqualify, recycle, save_status, transition
from tests.repository._postgres import fresh_schema, postgres_url

AT = datetime(2026, 4, 1, 3, tzinfo=UTC)
QUEUE = OwnerRef.queue("q-in")

Backend = tuple[Callable[[], UnitOfWork], UnitOfWorkState]


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "memory":
        store = InMemoryStore()
        yield store.unit_of_work, InMemoryState(store=store)
    elif request.param == "sqlite":
        path = tmp_path / "leads.db"
        yield (lambda: SqliteUnitOfWork(path)), SqliteState(path)
    else:  # run through scripts/with-postgres; skipped without a server
        from leadkit.repository import PostgresUnitOfWork

        url = postgres_url()
        for schema in fresh_schema(url):
            factory = functools.partial(PostgresUnitOfWork, url, schema=schema)
            yield factory, UnitOfWorkState(factory)


def router() -> Router:
    users = [User(id="u-1", name="佐藤", capacity=2), User(id="u-2", name="鈴木", capacity=2)]
    rules = AssignmentRules(
        [RuleEntry(field("company").is_present(), CapacityBased(["u-1", "u-2"]), name="all")],
        default_owner=QUEUE,
    )
    return Router(rules, roster=Roster(users))


def route_and_store(backend: Backend, count: int) -> list[Lead]:
    factory, state = backend
    made = []
    for n in range(count):
        lead = Lead(
            id=f"l-{n}",
            name=PersonName("山田"),
            company=f"ABC {n}",
            created_at=AT + timedelta(minutes=n),
        )
        decision = router().route(lead, as_of=AT + timedelta(minutes=n), state=state)
        made.append(attrs.evolve(lead, owner=decision.owner))
    with factory() as uow:
        for lead in made:
            uow.leads.add(lead)
        uow.commit()
    return made


def test_conversion_gives_back_the_owner_count(backend: Backend) -> None:
    factory, state = backend
    leads = route_and_store(backend, 4)
    assert state.open_count("u-1") == 2
    assert state.open_count("u-2") == 2
    # Everyone is at capacity: the fifth lead would go to the fallback queue.
    assert router().dry_run([leads[0]], as_of=AT, state=state) == {QUEUE: 1}
    converted = convert_lead(
        ConversionRequest(leads[0].id), factory(), as_of=AT + timedelta(hours=1)
    )
    owner = leads[0].owner
    assert converted.lead is not None
    assert converted.lead.is_converted
    assert owner is not None
    assert state.open_count(owner.id) == 1
    assert router().dry_run([leads[0]], as_of=AT, state=state) == {owner: 1}


def test_a_refused_conversion_keeps_the_count(backend: Backend) -> None:
    factory, state = backend
    route_and_store(backend, 2)
    before = state.values()
    with pytest.raises(ValidationError):
        convert_lead(ConversionRequest("l-0", "Open - Not Contacted"), factory(), as_of=AT)
    assert state.values() == before


def test_disqualifying_gives_back_the_count_in_the_same_unit(backend: Backend) -> None:
    factory, state = backend
    leads = route_and_store(backend, 2)
    owner = leads[0].owner
    assert owner is not None
    history = transition(StageHistory(leads[0].id), Stage.INQUIRY, at=AT, by="web")
    closed = disqualify(history, at=AT + timedelta(hours=1), by=owner.id, reason="学生")
    uow = factory()
    with uow:
        saved = save_status(uow, closed)
        assert saved.status == "Closed - Not Converted"
        # Not committed: leaving the block rolls the status and the count back together.
    assert state.open_count(owner.id) == 1
    with factory() as uow:
        assert uow.leads.get(leads[0].id).status == "Open - Not Contacted"
        save_status(uow, closed)
        uow.commit()
    assert state.open_count(owner.id) == 0
    with factory() as uow:
        assert uow.leads.get(leads[0].id).status == "Closed - Not Converted"
        # A second save changes nothing and releases nothing.
        save_status(uow, closed)
        uow.commit()
    assert state.open_count(owner.id) == 0
    # Recycling reopens the lead; that is not a release.
    reopened = recycle(closed, at=AT + timedelta(hours=2), by=owner.id, reason="再検討")
    with factory() as uow:
        save_status(uow, reopened)
        uow.commit()
    assert state.open_count(owner.id) == 0


def test_release_closed_ignores_queues_and_leads_already_closed() -> None:
    store = InMemoryStore()
    queued = Lead(id="q", name=PersonName("佐藤"), company="ABC", owner=QUEUE, created_at=AT)
    closed = Lead(
        id="c",
        name=PersonName("佐藤"),
        company="ABC",
        owner=OwnerRef.user("u-1"),
        status="Closed - Not Converted",
        created_at=AT,
    )
    with store.unit_of_work() as uow:
        uow.routing_state.set("open/u-1", 1)
        done = attrs.evolve(queued, status="Closed - Not Converted")
        assert not release_closed(uow, queued, done)
        assert not release_closed(uow, closed, closed)
        assert uow.routing_state.get("open/u-1") == 1
        uow.commit()


def test_save_status_takes_a_history() -> None:
    with InMemoryStore().unit_of_work() as uow, pytest.raises(ValidationError) as err:
        save_status(uow, "l-1")  # type: ignore[arg-type]
    assert err.value.path == ("history",)
