"""Run in child processes by the two-dispatcher tests (importable under spawn)."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from datetime import timedelta

from leadkit.outbox import Dispatcher, DomainEvent
from leadkit.repository import PostgresUnitOfWork, SqliteUnitOfWork, UnitOfWork


def factory(where: tuple[str, ...]) -> Callable[[], UnitOfWork]:
    """A unit-of-work factory from ("sqlite", path) or ("postgres", url, schema)."""
    if where[0] == "sqlite":
        return functools.partial(SqliteUnitOfWork, where[1], record_events=True)
    return functools.partial(PostgresUnitOfWork, where[1], schema=where[2], record_events=True)


def dispatch(
    where: tuple[str, ...], name: str, start_at: float
) -> tuple[list[tuple[str, str, int, int]], int]:
    """Dispatch until the outbox is empty (at most 60 s); what the handler saw
    (event id, lead, handling start and end in ns) and how many marks this process won.
    Every third first attempt fails, to exercise retries."""
    make = factory(where)
    seen: list[tuple[str, str, int, int]] = []
    tried: set[str] = set()

    def handler(event: DomainEvent) -> None:
        started = time.time_ns()
        if event.id not in tried and hash(event.id) % 3 == 0:
            tried.add(event.id)
            raise ConnectionError("flaky webhook")
        time.sleep(0.001)
        seen.append((event.id, event.lead_id, started, time.time_ns()))

    dispatcher = Dispatcher(make, handler, batch=5, backoff=timedelta(milliseconds=1), name=name)
    time.sleep(max(0.0, start_at - time.time()))
    marked, deadline = 0, time.monotonic() + 60
    while time.monotonic() < deadline:
        report = dispatcher.run_once()
        marked += report.delivered
        if report.claimed == 0:
            with make() as uow:
                if not uow.outbox.pending():
                    break
            time.sleep(0.005)
    return seen, marked
