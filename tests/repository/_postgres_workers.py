"""Code run in child processes by the PostgreSQL concurrency tests (importable under
spawn): each reports what happened instead of raising, so the test says why it failed."""

from __future__ import annotations

import functools
import time
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event

from leadkit.convert import ConversionRequest, convert_lead
from leadkit.errors import ConcurrencyError, LeadkitError
from leadkit.repository import PostgresUnitOfWork
from leadkit.routing import UnitOfWorkState
from tests.convert.conftest import AS_OF, CONVERTED
from tests.routing._support import AT, lead
from tests.routing.test_state import make_router

MAX_TRIES = 200
READ_PAUSE = 0.25  # seconds between a reader's snapshots


def convert_when_started(
    url: str, schema: str, lead_id: str, start: Event, results: Queue[tuple[str, str, str]]
) -> None:
    """Wait for the start signal, convert ``lead_id`` once, report (lead, outcome, detail)."""
    start.wait(timeout=30)
    try:
        request = ConversionRequest(lead_id, CONVERTED, account="match")
        result = convert_lead(request, PostgresUnitOfWork(url, schema=schema), as_of=AS_OF)
    except LeadkitError as error:
        results.put((lead_id, "error", error.code))
    except Exception as error:
        results.put((lead_id, "crash", repr(error)))
    else:
        results.put((lead_id, "ok", str(result.account_id)))


def route_in_process(
    url: str, schema: str, industries: list[str], start_at: float
) -> tuple[list[tuple[str, str, int | None]], int]:
    """Route one lead per industry, each retried on ConcurrencyError (bounded); the
    decisions (owner, pool, turn) and how many attempts conflicted."""
    router = make_router()
    state = UnitOfWorkState(functools.partial(PostgresUnitOfWork, url, schema=schema))
    time.sleep(max(0.0, start_at - time.time()))  # start together, to contend
    out: list[tuple[str, str, int | None]] = []
    conflicts = 0
    for industry in industries:
        for _ in range(MAX_TRIES):
            try:
                decision = router.route(
                    lead(industry=industry), as_of=AT, state=state, explain=False
                )
            except ConcurrencyError:
                conflicts += 1
                continue
            reasoning = decision.strategy_reasoning
            pool = reasoning.pool if reasoning else ""
            out.append((str(decision.owner), pool, reasoning.turn if reasoning else None))
            break
        else:
            raise AssertionError(f"no routing got through in {MAX_TRIES} tries")
    return out, conflicts


def read_while(url: str, schema: str, stop: Event, results: Queue[tuple[int, list[str]]]) -> None:
    """Read in snapshots until ``stop``: the record counts must be all before or all after
    the bulk conversion, and every merge group merged whole or not at all. Reports how
    many snapshots were read and what was wrong in them."""
    problems: list[str] = []
    reads = 0
    seen: set[tuple[int, int, int]] = set()
    try:
        while not stop.is_set() and reads < 10_000:
            with PostgresUnitOfWork(url, schema=schema) as uow:
                counts = (len(uow.accounts), len(uow.contacts), len(uow.opportunities))
                merged: dict[str, set[bool]] = {}
                for record in uow.leads.by_company_key("merge group"):
                    group = record.id.split("-")[0]
                    if record.id.endswith("-m"):
                        continue
                    merged.setdefault(group, set()).add(record.master_record_id is not None)
            reads += 1
            seen.add(counts)
            # Paced: readers in a tight loop took both cores of a CI machine from the
            # writer (10,000 conversions and 1,000 merges ran 7 minutes instead of 1).
            stop.wait(READ_PAUSE)
            problems += [
                f"group {g} half merged" for g, states in merged.items() if len(states) > 1
            ]
    except LeadkitError as error:
        problems.append(f"{error.code}: {error}")
    problems += [f"counts seen: {sorted(seen)}"] if len(seen) > 2 else []
    results.put((reads, problems))
