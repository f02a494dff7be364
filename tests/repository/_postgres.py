"""Shared by the PostgreSQL tests: the server URL, or a skip (or a failure in CI)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

URL_VARIABLE = "LEADKIT_POSTGRES_URL"
REQUIRE_VARIABLE = "LEADKIT_REQUIRE_POSTGRES"


REASON = (
    f"no PostgreSQL server: {URL_VARIABLE} is unset (run the tests through "
    "scripts/with-postgres to start a throwaway one)"
)


def postgres_url(*, module: bool = False) -> str:
    """The server to test against; without one, skip with the reason (the whole module
    when ``module``, from its top level), unless ``LEADKIT_REQUIRE_POSTGRES=1``
    (``.ci/run`` sets it) makes that a failure."""
    url = os.environ.get(URL_VARIABLE, "")
    if url:
        return url
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"{REQUIRE_VARIABLE}=1 but {REASON}", pytrace=False)
    pytest.skip(REASON, allow_module_level=module)


def fresh_schema(url: str) -> Iterator[str]:
    """A new, empty PostgreSQL schema name for one test; dropped afterwards."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:16]}"
    yield name
    from leadkit.repository._postgres import close_idle_connections

    close_idle_connections()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
