"""Domain events and the outbox (issue 17, the cosmicpython unit-of-work + outbox
pattern): events are written in the change's transaction, a dispatcher delivers them at
least once, in order per lead, and marks each delivered once; fault injection at every
step."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest

from leadkit.convert import ConversionRequest, convert_lead
from leadkit.dedupe import merge_leads
from leadkit.errors import InjectedFault, ValidationError
from leadkit.model import Lead, OwnerRef, PersonName
from leadkit.outbox import (
    Dispatcher,
    DomainEvent,
    LeadAssigned,
    LeadConverted,
    LeadCreated,
    LeadsMerged,
    ProgramActionDue,
    StageChanged,
    event_from_json,
    event_to_json,
)
from leadkit.repository import InMemoryStore, InMemoryUnitOfWork, SqliteUnitOfWork, UnitOfWork
from leadkit.testing.contract import FailingUnitOfWork

T0 = datetime(2026, 4, 1, 9, tzinfo=UTC)
Factory = Callable[[], UnitOfWork]


def _lead(id: str) -> Lead:
    return Lead(id=id, name=PersonName("山田"), company="ABC", created_at=T0)


@pytest.fixture(params=["memory", "sqlite"])
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> Factory:
    if request.param == "memory":
        return functools.partial(InMemoryStore().unit_of_work, record_events=True)
    return functools.partial(SqliteUnitOfWork, tmp_path / "crm.db", record_events=True)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def _kinds(factory: Factory) -> list[str]:
    with factory() as uow:
        return [entry.kind for entry in uow.outbox.pending()]


def test_events_round_trip_through_the_codec_with_deterministic_ids() -> None:
    events: list[DomainEvent] = [
        LeadCreated("l-1", T0, "web", "user:u-1"),
        LeadAssigned("l-1", 2, "user:u-2", "user:u-1"),
        StageChanged("l-1", 3, "Working", "Open"),
        LeadConverted("l-1", T0, "a-1", "c-1", None),
        LeadsMerged("l-2", "l-1"),
        ProgramActionDue("l-1", "act-1", "send", "p", "s", T0, "why", {"template": "t"}),
    ]
    for event in events:
        assert event_from_json(event_to_json(event)) == event
        assert event_from_json(event_to_json(event)).id == event.id
    assert len({event.id for event in events}) == len(events)
    assert LeadAssigned("l-1", 2, "user:u-2").id != LeadAssigned("l-1", 3, "user:u-2").id
    with pytest.raises(ValidationError):
        event_from_json({"kind": "Nope"})


def test_lead_writes_raise_events_only_when_asked(factory: Factory, tmp_path: Path) -> None:
    """Issue 17: LeadCreated, LeadAssigned, StageChanged from the writes themselves."""
    with factory() as uow:
        uow.leads.add(_lead("l-1"))
        uow.commit()
    with factory() as uow:
        stored = uow.leads.get("l-1")
        changed = attrs.evolve(stored, owner=OwnerRef.user("u-1"), status="Working - Contacted")
        uow.leads.update(changed)
        uow.commit()
    assert _kinds(factory) == ["LeadCreated", "LeadAssigned", "StageChanged"]
    plain = InMemoryStore()
    with plain.unit_of_work() as uow:
        uow.leads.add(_lead("l-1"))
        assert len(uow.outbox) == 0  # record_events=False: no events


def test_conversion_and_merge_raise_their_events(factory: Factory) -> None:
    with factory() as uow:
        for id in ("l-1", "l-2", "l-3"):
            uow.leads.add(_lead(id))
        uow.commit()
    convert_lead(ConversionRequest("l-1", "Closed - Converted"), factory(), as_of=T0)
    merge_leads("l-2", ["l-3"], factory())
    with factory() as uow:
        events = [entry.event for entry in uow.outbox.pending()]
    converted = [e for e in events if isinstance(e, LeadConverted)]
    assert len(converted) == 1
    assert converted[0].lead_id == "l-1"
    assert [e for e in events if isinstance(e, LeadsMerged)] == [LeadsMerged("l-3", "l-2")]


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_a_crash_before_commit_leaves_no_event(factory: Factory, fail_at: int) -> None:
    """Fault injection: a failure at any write step rolls the events back with it."""

    def write() -> None:
        with FailingUnitOfWork(factory(), fail_at=fail_at, when="after") as uow:
            for id in ("l-1", "l-2", "l-3"):
                uow.leads.add(_lead(id))
            uow.commit()

    with pytest.raises(InjectedFault):
        write()
    assert _kinds(factory) == []


def test_committed_events_are_delivered_later_in_order(factory: Factory) -> None:
    """A crash after commit and before delivery: the events wait in the outbox."""
    with factory() as uow:
        uow.leads.add(_lead("l-1"))
        uow.leads.add(_lead("l-2"))
        uow.commit()
    with factory() as uow:
        uow.leads.update(attrs.evolve(uow.leads.get("l-1"), owner=OwnerRef.user("u-1")))
        uow.commit()
    seen: list[DomainEvent] = []
    report = Dispatcher(factory, seen.append).run_until_idle()
    assert report.delivered == 3
    assert report.failed == 0
    assert [(e.kind, e.lead_id) for e in seen] == [
        ("LeadCreated", "l-1"),
        ("LeadCreated", "l-2"),
        ("LeadAssigned", "l-1"),
    ]
    assert _kinds(factory) == []
    assert Dispatcher(factory, seen.append).run_until_idle().claimed == 0  # none twice


def test_a_failing_delivery_is_retried_with_backoff_and_keeps_order(factory: Factory) -> None:
    with factory() as uow:
        uow.leads.add(_lead("l-1"))
        uow.leads.update(attrs.evolve(uow.leads.get("l-1"), owner=OwnerRef.user("u-1")))
        uow.leads.add(_lead("l-2"))
        uow.commit()
    clock, seen, failures = Clock(), [], [1]

    def handler(event: DomainEvent) -> None:
        if event.lead_id == "l-1" and failures[0] > 0:
            failures[0] -= 1
            raise ConnectionError("webhook down")
        seen.append((event.kind, event.lead_id))

    dispatcher = Dispatcher(factory, handler, clock=clock, backoff=timedelta(seconds=10))
    first = dispatcher.run_once()
    assert (first.delivered, first.failed) == (1, 1)
    assert seen == [("LeadCreated", "l-2")]  # l-1's assignment waits behind its creation
    with factory() as uow:
        entry = uow.outbox.pending()[0]
    assert entry.attempts == 1
    assert entry.last_error == "ConnectionError: webhook down"
    assert entry.next_attempt_at == T0 + timedelta(seconds=10)
    assert dispatcher.run_once().claimed == 0  # not due yet
    clock.now += timedelta(seconds=10)
    assert dispatcher.run_until_idle().delivered == 2
    assert seen[1:] == [("LeadCreated", "l-1"), ("LeadAssigned", "l-1")]
    assert dispatcher.retry_delay(3) == timedelta(seconds=40)
    assert dispatcher.retry_delay(99) == timedelta(hours=1)


class Crash(BaseException):
    """A process dying mid-delivery (not an ordinary failure the dispatcher catches)."""


def test_a_crash_during_delivery_is_delivered_again_after_the_lease(factory: Factory) -> None:
    with factory() as uow:
        uow.leads.add(_lead("l-1"))
        uow.commit()
    clock, seen = Clock(), list[DomainEvent]()

    def dies(event: DomainEvent) -> None:
        raise Crash

    with pytest.raises(Crash):
        Dispatcher(factory, dies, clock=clock, name="d1").run_once()
    survivor = Dispatcher(factory, seen.append, clock=clock, name="d2")
    assert survivor.run_once().claimed == 0  # still leased to the dead dispatcher
    clock.now += timedelta(seconds=60)
    assert survivor.run_once().delivered == 1
    with factory() as uow:
        assert uow.outbox.pending() == []
    assert [e.kind for e in seen] == ["LeadCreated"]


def test_a_crash_after_delivery_before_marking_redelivers(factory: Factory) -> None:
    """At least once: the handler ran, the mark was lost, the event comes again."""
    with factory() as uow:
        uow.leads.add(_lead("l-1"))
        uow.commit()
    clock, seen, units = Clock(), list[DomainEvent](), [0]

    def crashing_factory() -> UnitOfWork:
        units[0] += 1
        if units[0] == 2:  # the unit that would mark the delivery
            raise Crash
        return factory()

    with pytest.raises(Crash):
        Dispatcher(crashing_factory, seen.append, clock=clock).run_once()
    clock.now += timedelta(minutes=5)
    assert Dispatcher(factory, seen.append, clock=clock).run_until_idle().delivered == 1
    assert [e.kind for e in seen] == ["LeadCreated", "LeadCreated"]  # same id twice
    assert seen[0].id == seen[1].id


def test_dispatcher_options_are_checked() -> None:
    store = InMemoryStore()
    with pytest.raises(ValidationError):
        store.unit_of_work(record_events="yes")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Dispatcher(store.unit_of_work, print, batch=0)
    with pytest.raises(ValidationError):
        Dispatcher(store.unit_of_work, print, lease=timedelta(0))


@pytest.fixture
def threads_store() -> InMemoryStore:
    return InMemoryStore()


def test_two_dispatchers_on_one_memory_store_never_both_mark(threads_store: InMemoryStore) -> None:
    factory = functools.partial(threads_store.unit_of_work, record_events=True)
    with factory() as uow:
        for i in range(30):
            uow.leads.add(_lead(f"l-{i % 5}-{i}"))
        uow.commit()
    seen: list[str] = []
    one = Dispatcher(factory, lambda e: seen.append(e.id), batch=4, name="one")
    two = Dispatcher(factory, lambda e: seen.append(e.id), batch=4, name="two")
    delivered = 0
    for _ in range(20):
        delivered += one.run_once().delivered + two.run_once().delivered
    assert delivered == 30
    assert sorted(seen) == sorted(set(seen))


def test_add_many_writes_each_new_event_once_in_order(tmp_path: Path) -> None:
    """``add_many`` is ``add`` one by one in a batch: an id already there, or given twice,
    is written once; the count says how many were new."""
    store = InMemoryStore()
    for unit in (store.unit_of_work, functools.partial(SqliteUnitOfWork, tmp_path / "a.db")):
        with unit() as uow:
            assert uow.outbox.add(LeadCreated("l-0", T0))
            again = [LeadCreated("l-0", T0), LeadCreated("l-1", T0), LeadCreated("l-2", T0)]
            assert uow.outbox.add_many([*again, LeadCreated("l-1", T0)]) == 2
            assert uow.outbox.add_many([]) == 0
            with pytest.raises(ValidationError):
                uow.outbox.add_many(["LeadCreated"])  # type: ignore[list-item]
            uow.commit()
        with unit() as uow:
            assert [entry.event for entry in uow.outbox.pending()] == [
                LeadCreated(f"l-{i}", T0) for i in range(3)
            ]


@pytest.mark.parametrize("adapter", ["memory", "sqlite"])
def test_add_all_raises_a_lead_created_per_lead_in_one_batch(adapter: str, tmp_path: Path) -> None:
    # add_all belongs to leadkit's adapters, not to the protocol.
    factory: Callable[[], InMemoryUnitOfWork | SqliteUnitOfWork] = (
        functools.partial(InMemoryStore().unit_of_work, record_events=True)
        if adapter == "memory"
        else functools.partial(SqliteUnitOfWork, tmp_path / "crm.db", record_events=True)
    )
    leads = [_lead(f"l-{i}") for i in range(5)]
    with factory() as uow:
        uow.leads.add_all(leads[:2])
        # rolled back: no events
    with factory() as uow:
        uow.leads.add_all(leads)
        uow.commit()
    with factory() as uow:
        events = [entry.event for entry in uow.outbox.pending()]
    assert events == [LeadCreated(lead.id, T0, None, None) for lead in leads]
