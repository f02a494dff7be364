"""The server over real HTTP on PostgreSQL (issue 18): a post becomes a lead, over the
daily limit a pending row, both in the server's database. Needs scripts/with-postgres."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator

import pytest

if os.environ.get("LEADKIT_REQUIRE_SERVER") != "1":
    pytest.importorskip("starlette", reason="leadkit[server] is not installed")
import httpx

from leadkit.repository import PostgresUnitOfWork
from leadkit.server import create_app, load_form_definition
from tests.repository._postgres import fresh_schema, postgres_url
from tests.server._live import serving

postgres_url(module=True)


@pytest.fixture
def schema() -> Iterator[str]:
    yield from fresh_schema(postgres_url())


def test_posts_are_stored_in_postgres(schema: str) -> None:
    factory = functools.partial(PostgresUnitOfWork, postgres_url(), schema=schema)
    form = load_form_definition({"name": "web", "limits": {"daily": 1}})
    app = create_app(unit_of_work=factory, form=form, process_pending_every=3600)
    with serving(app) as url:
        first = httpx.post(f"{url}/submit", json={"会社名": "株式会社A", "姓": "山田",
                                                   "email": "a@a.jp"})  # fmt: skip
        second = httpx.post(f"{url}/submit", json={"会社名": "株式会社B", "姓": "鈴木",
                                                    "email": "b@b.jp"})  # fmt: skip
    assert (first.status_code, second.status_code) == (201, 202)
    with factory() as uow:
        assert [lead.email for lead in uow.leads.all()] == ["a@a.jp"]
        pending = uow.pending_submissions.oldest(10)
        assert [p.fields["email"] for p in pending] == ["b@b.jp"]
