"""The pending queue's contract (issue 18), against the in-memory and SQLite adapters."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from leadkit.repository import InMemoryStore, SqliteUnitOfWork, UnitOfWorkFactory
from leadkit.testing.contract import PendingQueueContract


class TestInMemoryPendingQueue(PendingQueueContract):
    @pytest.fixture
    def uow_factory(self) -> UnitOfWorkFactory:
        return InMemoryStore().unit_of_work


class TestSqlitePendingQueue(PendingQueueContract):
    @pytest.fixture
    def uow_factory(self, tmp_path: Path) -> UnitOfWorkFactory:
        return functools.partial(SqliteUnitOfWork, tmp_path / "crm.db")


def test_two_units_cannot_both_take_one_submission() -> None:
    """Taking a submission off the queue is optimistic in memory, as records are."""
    from leadkit.errors import ConcurrencyError

    store = InMemoryStore()
    item = PendingQueueContract._item(1)
    with store.unit_of_work() as uow:
        uow.pending_submissions.add(item)
        uow.commit()
    first, second = store.unit_of_work(), store.unit_of_work()
    with first, second:
        assert first.pending_submissions.remove("p-1")
        assert second.pending_submissions.remove("p-1")
        first.commit()
        with pytest.raises(ConcurrencyError, match="pending_submissions.p-1"):
            second.commit()
    with store.unit_of_work() as uow:
        assert uow.pending_submissions.count() == 0
