"""The pending queue's contract (issue 18) against a real PostgreSQL server."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest

from leadkit.repository import PostgresUnitOfWork, UnitOfWorkFactory
from leadkit.testing.contract import PendingQueueContract
from tests.repository._postgres import fresh_schema, postgres_url

postgres_url(module=True)  # every test here needs the server


@pytest.fixture
def schema() -> Iterator[str]:
    yield from fresh_schema(postgres_url())


class TestPostgresPendingQueue(PendingQueueContract):
    @pytest.fixture
    def uow_factory(self, schema: str) -> UnitOfWorkFactory:
        return functools.partial(PostgresUnitOfWork, postgres_url(), schema=schema)
