"""The shipped contract suite, unchanged, against a real PostgreSQL server (one fresh
schema per test), directly and through the fault wrapper."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest

from leadkit.repository import PostgresUnitOfWork, UnitOfWorkFactory
from leadkit.testing.contract import FailingUnitOfWork, UnitOfWorkContract
from tests.repository._postgres import fresh_schema, postgres_url

postgres_url(module=True)  # every test here needs the server


@pytest.fixture
def schema() -> Iterator[str]:
    yield from fresh_schema(postgres_url())


class TestPostgres(UnitOfWorkContract):
    @pytest.fixture
    def uow_factory(self, schema: str) -> UnitOfWorkFactory:
        return functools.partial(PostgresUnitOfWork, postgres_url(), schema=schema)


class TestPostgresThroughTheFailingWrapper(UnitOfWorkContract):
    @pytest.fixture
    def uow_factory(self, schema: str) -> UnitOfWorkFactory:
        url = postgres_url()
        return lambda: FailingUnitOfWork(PostgresUnitOfWork(url, schema=schema))
