"""Several processes on one PostgreSQL database (issue 18): one conversion of a lead
wins, the others are refused and write nothing; round-robin turns are never handed out
twice; conversions and merges fail at any write step without a trace."""

from __future__ import annotations

import functools
import multiprocessing
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from leadkit.convert import ConversionRequest, convert_lead, convert_leads
from leadkit.dedupe import merge_accounts, merge_leads
from leadkit.errors import ConcurrencyError
from leadkit.repository import PostgresUnitOfWork, UnitOfWork, UnitOfWorkFactory
from leadkit.testing.contract import fail_at_every_step, snapshot
from tests.convert.conftest import AS_OF, CONVERTED, make_lead
from tests.convert.test_faults import SETTINGS, _seed_a_busy_lead
from tests.dedupe.test_merge_faults import _busy_accounts, _busy_leads
from tests.repository._postgres import fresh_schema, postgres_url
from tests.repository._postgres_workers import convert_when_started, read_while, route_in_process
from tests.routing.test_state import CAPACITIES

postgres_url(module=True)  # every test here needs the server

PROCESSES = 4


@pytest.fixture
def url() -> str:
    return postgres_url()


@pytest.fixture
def schema(url: str) -> Iterator[str]:
    yield from fresh_schema(url)


@pytest.fixture
def factory(url: str, schema: str) -> UnitOfWorkFactory:
    return functools.partial(PostgresUnitOfWork, url, schema=schema)


def _seed(factory: UnitOfWorkFactory) -> Any:
    def add(*records: Any) -> None:
        with factory() as uow:
            for record in records:
                name = {
                    "Lead": "leads",
                    "Account": "accounts",
                    "Contact": "contacts",
                    "Opportunity": "opportunities",
                    "Task": "tasks",
                    "Event": "events",
                    "CampaignMember": "campaign_members",
                    "EngagementEvent": "engagement_events",
                }[type(record).__name__]
                getattr(uow, name).add(record)
            uow.commit()

    return add


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _convert_at_once(url: str, schema: str, lead_ids: list[str]) -> list[tuple[str, str, str]]:
    context = _context()
    start = context.Event()
    results = context.Queue()
    workers = [
        context.Process(target=convert_when_started, args=(url, schema, i, start, results))
        for i in lead_ids
    ]
    for worker in workers:
        worker.start()
    start.set()
    outcomes = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    return outcomes


def test_exactly_one_process_converts_a_lead(
    url: str, schema: str, factory: UnitOfWorkFactory
) -> None:
    with factory() as uow:
        uow.leads.add(make_lead(id="l-1"))
        uow.commit()

    outcomes = _convert_at_once(url, schema, ["l-1"] * PROCESSES)

    assert not [o for o in outcomes if o[1] == "crash"], outcomes
    assert sum(kind == "ok" for _, kind, _ in outcomes) == 1, outcomes
    # A loser either conflicted with the winner's transaction (ConcurrencyError) or
    # started after its commit and found the lead converted.
    losers = [detail for _, kind, detail in outcomes if kind == "error"]
    assert len(losers) == PROCESSES - 1
    assert set(losers) <= {"concurrent_modification", "already_converted"}, losers
    with factory() as uow:  # nothing half-written by the losers
        assert (len(uow.accounts), len(uow.contacts), len(uow.opportunities)) == (1, 1, 1)
        lead = uow.leads.get("l-1")
        assert lead.conversion is not None
        assert lead.conversion.account_id == uow.accounts.all()[0].id
        assert lead.version == 1


def test_leads_of_one_company_converted_at_once_never_get_two_accounts(
    url: str, schema: str, factory: UnitOfWorkFactory
) -> None:
    lead_ids = [f"l-{n}" for n in range(PROCESSES)]
    with factory() as uow:
        for lead_id in lead_ids:
            uow.leads.add(make_lead(id=lead_id, company="株式会社サンプル"))
        uow.commit()

    outcomes = _convert_at_once(url, schema, lead_ids)

    assert {kind for _, kind, _ in outcomes} <= {"ok", "error"}, outcomes
    assert {d for _, kind, d in outcomes if kind == "error"} <= {"concurrent_modification"}
    # The refused ones retried one at a time: all end up sharing the one account.
    for lead_id, kind, _ in outcomes:
        if kind == "error":
            convert_lead(
                ConversionRequest(lead_id, "Closed - Converted", account="match"),
                factory(),
                as_of=AS_OF,
            )
    with factory() as uow:
        assert len(uow.accounts) == 1
        assert len(uow.contacts) == PROCESSES
        assert all(lead.is_converted for lead in uow.leads)


@pytest.mark.slow
def test_processes_routing_at_once_never_share_a_turn_or_exceed_a_capacity(
    url: str, schema: str, factory: UnitOfWorkFactory
) -> None:
    with factory():
        pass  # the schema exists before the processes race
    work = [["IT", "小売", "IT", "金融", "IT", "IT"] * 5 for _ in range(PROCESSES)]
    start_at = time.time() + 1.0
    with _context().Pool(PROCESSES) as pool:
        results = pool.starmap(route_in_process, [(url, schema, w, start_at) for w in work])
    decisions = [d for per_process, _ in results for d in per_process]
    assert len(decisions) == 6 * 5 * PROCESSES
    turns: dict[str, list[int]] = {}
    for _, pool_name, turn in decisions:
        if turn is not None:
            turns.setdefault(pool_name, []).append(turn)
    for handed_out in turns.values():  # every turn of every pool exactly once
        assert sorted(handed_out) == list(range(1, len(handed_out) + 1))
    owners = Counter(owner for owner, _, _ in decisions)
    robin = [owners[f"user:r-{i}"] for i in (1, 2, 3)]
    assert sum(robin) == 4 * 5 * PROCESSES
    assert max(robin) - min(robin) <= 1  # fair within one
    for member, capacity in CAPACITIES.items():
        assert owners[f"user:{member}"] == capacity  # filled, never beyond


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_conversion_failing_at_any_write_step_leaves_the_database_unchanged(
    factory: UnitOfWorkFactory, when: str
) -> None:
    request = _seed_a_busy_lead(_seed(factory))
    before = snapshot(factory)
    failures, _ = fail_at_every_step(
        factory,
        lambda uow: convert_lead(request, uow, as_of=AS_OF, settings=SETTINGS),
        when=when,  # type: ignore[arg-type]
    )
    assert len(failures) == (13 if when == "before" else 12), failures
    after = snapshot(factory)
    assert after != before
    assert next(lead for lead in after["leads"] if lead.id == "l-1").is_converted


def _merge_leads(uow: UnitOfWork) -> None:
    merge_leads("l-1", ["l-2", "l-3"], uow)


def _merge_accounts(uow: UnitOfWork) -> None:
    merge_accounts("a-1", ["a-2"], uow)


@pytest.mark.slow
@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize(
    ("busy", "merge", "steps"),
    [(_busy_leads, _merge_leads, 10), (_busy_accounts, _merge_accounts, 7)],
    ids=["leads", "accounts"],
)
def test_a_merge_failing_at_any_write_step_leaves_the_database_unchanged(
    factory: UnitOfWorkFactory,
    when: str,
    busy: Callable[[Any], None],
    merge: Callable[[UnitOfWork], None],
    steps: int,
) -> None:
    """The step counts are those of tests/dedupe/test_merge_faults.py."""
    busy(_seed(factory))
    before = snapshot(factory)
    failures, _ = fail_at_every_step(factory, merge, when=when)  # type: ignore[arg-type]
    assert len(failures) == (steps if when == "before" else steps - 1), failures
    assert snapshot(factory) != before


BULK = 10_000  # the size: bulk conversion of 10,000 leads
GROUPS = 1_000  # and merge of 1,000 groups, under concurrent readers
READERS = 2


@pytest.mark.slow
def test_bulk_conversion_and_merges_under_concurrent_readers(
    url: str, schema: str, factory: UnitOfWorkFactory
) -> None:
    """Readers in other processes see the bulk conversion (one unit of work) all or not
    at all, and each merge (a unit of work each) whole or not at all."""
    with PostgresUnitOfWork(url, schema=schema) as uow:
        uow.leads.add_all([make_lead(id=f"b{n}", company=f"会社{n % 125}") for n in range(BULK)])
        for g in range(GROUPS):
            uow.leads.add_all(
                [make_lead(id=f"g{g}-{part}", company="merge group") for part in ("m", "d1", "d2")]
            )
        uow.commit()
    context = _context()
    stop = context.Event()
    results = context.Queue()
    readers = [
        context.Process(target=read_while, args=(url, schema, stop, results))
        for _ in range(READERS)
    ]
    for reader in readers:
        reader.start()
    try:
        requests = [ConversionRequest(f"b{n}", CONVERTED, account="match") for n in range(BULK)]
        converted = convert_leads(requests, factory, as_of=AS_OF, all_or_none=True)
        assert all(result.success for result in converted)
        for g in range(GROUPS):
            for _ in range(20):  # a merge conflicting with a reader's snapshot is retried
                try:
                    merge_leads(f"g{g}-m", [f"g{g}-d1", f"g{g}-d2"], factory())
                    break
                except ConcurrencyError:
                    continue
    finally:
        stop.set()
        outcomes = [results.get(timeout=120) for _ in readers]
        for reader in readers:
            reader.join(timeout=60)
    assert all(reads > 0 for reads, _ in outcomes), outcomes
    assert [problems for _, problems in outcomes] == [[]] * READERS
    with factory() as uow:
        assert len(uow.accounts) == 125
        assert sum(lead.is_merged for lead in uow.leads.by_company_key("merge group")) == 2 * GROUPS
