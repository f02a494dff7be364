"""The shipped contract suite, run against both adapters and through the fault wrapper."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from leadkit.repository import InMemoryStore, SqliteUnitOfWork, UnitOfWorkFactory
from leadkit.testing.contract import FailingUnitOfWork, UnitOfWorkContract


class TestInMemory(UnitOfWorkContract):
    @pytest.fixture
    def uow_factory(self) -> UnitOfWorkFactory:
        return InMemoryStore().unit_of_work


class TestSqlite(UnitOfWorkContract):
    @pytest.fixture
    def uow_factory(self, tmp_path: Path) -> UnitOfWorkFactory:
        return functools.partial(SqliteUnitOfWork, tmp_path / "crm.db")


class TestFailingWrapperThatNeverFailsIsTransparent(UnitOfWorkContract):
    @pytest.fixture
    def uow_factory(self) -> UnitOfWorkFactory:
        store = InMemoryStore()
        return lambda: FailingUnitOfWork(store.unit_of_work())
