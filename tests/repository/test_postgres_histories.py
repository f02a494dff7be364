"""Two units of work appending to one lead's stage history on PostgreSQL at once (issue
19): one wins, the other gets a ConcurrencyError and writes nothing (SERIALIZABLE: the
second read the history the first is extending); the stored history is the winner's.
Run through ``scripts/with-postgres``; skipped without a server."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from leadkit.errors import ConcurrencyError
from leadkit.repository import PostgresUnitOfWork, UnitOfWorkFactory
from leadkit.stages import Stage, StageHistory, accept, reject, transition
from tests.repository._postgres import fresh_schema, postgres_url

postgres_url(module=True)

T0 = datetime(2026, 4, 1, 9, tzinfo=UTC)


@pytest.fixture
def factory() -> Iterator[UnitOfWorkFactory]:
    url = postgres_url()
    for schema in fresh_schema(url):
        yield functools.partial(PostgresUnitOfWork, url, schema=schema, lock_timeout=20)


def test_two_units_appending_one_history_never_both_succeed(factory: UnitOfWorkFactory) -> None:
    mql = transition(StageHistory("l-1"), Stage.INQUIRY, at=T0, by="form")
    mql = transition(mql, Stage.MQL, at=T0 + timedelta(hours=1), by="policy")
    with factory() as uow:
        uow.stage_histories.save(mql)
        uow.commit()
    accepted = accept(mql, at=T0 + timedelta(days=1), by="u-1")
    rejected = reject(mql, at=T0 + timedelta(days=1), by="u-2", reason="予算なし")
    first_wrote = threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        with factory() as uow:
            uow.stage_histories.save(accepted)
            first_wrote.set()
            # Hold the row until the second unit has tried to write the same step.
            second_started.wait(timeout=10)
            threading.Event().wait(0.5)
            uow.commit()
        outcome["first"] = "committed"

    def second() -> None:
        first_wrote.wait(timeout=10)
        try:
            with factory() as uow:
                second_started.set()
                uow.stage_histories.save(rejected)
                uow.commit()
            outcome["second"] = "committed"
        except ConcurrencyError as exc:
            outcome["second"] = exc

    second_started = threading.Event()
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcome["first"] == "committed"
    assert isinstance(outcome["second"], ConcurrencyError)
    with factory() as uow:
        assert uow.stage_histories.get("l-1") == accepted
