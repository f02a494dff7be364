"""Worklists on a real PostgreSQL server, in the database (issue 19: "SQLite (and later
PostgreSQL) filter in the database rather than loading every lead into Python"): the
built-ins on the hand-checked day, the parity property against the Python filter, and
the fallback for a condition PostgreSQL cannot read. Run through ``scripts/with-postgres``
(``.ci/run`` does, with ``LEADKIT_REQUIRE_POSTGRES=1``); skipped without a server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadkit.errors import SqlCompileError
from leadkit.model import Event, Lead, Task
from leadkit.repository import InMemoryUnitOfWork, UnitOfWork
from leadkit.rules import field
from leadkit.worklists import BUILTIN_WORKLISTS, Worklist, run_worklist
from tests.repository._postgres import fresh_schema, postgres_url
from tests.worklists import test_parity as parity
from tests.worklists import test_worklists as day
from tests.worklists._support import store

pytest.importorskip("sqlglot")
pytest.importorskip("psycopg")


@pytest.fixture
def url() -> str:
    return postgres_url()


@pytest.fixture
def schema(url: str) -> Iterator[str]:
    yield from fresh_schema(url)


def _postgres(url: str, schema: str) -> UnitOfWork:
    from leadkit.repository import PostgresUnitOfWork

    made: UnitOfWork = PostgresUnitOfWork(url, schema=schema)
    return made


def _ids(uow: UnitOfWork, worklist: Worklist, **kw: object) -> list[str]:
    with uow:
        return [x.id for x in run_worklist(uow, worklist, as_of=day.NOW, **kw).leads]  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(day.EXPECTED))
def test_builtin_worklists_in_postgres(url: str, schema: str, name: str) -> None:
    uow = _postgres(url, schema)
    store(uow, day.LEADS, day.ACTIVITIES, day.HISTORIES)
    assert _ids(uow, BUILTIN_WORKLISTS[name], in_database=True) == day.EXPECTED[name]


def test_postgres_filters_in_the_database(
    url: str, schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run never scans the leads: it reads back only the page's ids; sorting and
    paging are the database's too."""
    uow = _postgres(url, schema)
    store(uow, day.LEADS, day.ACTIVITIES, day.HISTORIES)
    with uow:

        def scan() -> list[Lead]:
            raise AssertionError("the worklist loaded every lead")

        monkeypatch.setattr(uow.leads, "all", scan)
        page = run_worklist(uow, BUILTIN_WORKLISTS["double-handled"], as_of=day.NOW)
        assert [x.id for x in page.leads] == ["c"]
        everyone = Worklist("all", sort=["-created_at"], page_size=2)
        second = run_worklist(uow, everyone, as_of=day.NOW, page=2)
        assert ([x.id for x in second.leads], second.more) == (["e", "d"], True)
        mine = run_worklist(uow, everyone, as_of=day.NOW, page=4, owners=["u-1"])
        assert [x.id for x in mine.leads] == []


def test_a_condition_postgres_cannot_read_is_filtered_in_python(url: str, schema: str) -> None:
    """``email_domain`` is derived by leadkit: the run falls back to Python (same
    answer), and ``in_database=True`` says why it cannot run there."""
    uow = _postgres(url, schema)
    store(uow, day.LEADS, day.ACTIVITIES, day.HISTORIES)
    derived = Worklist(
        "d", condition=field("email_domain").is_missing() & (field("owner.id") == "u-1")
    )
    assert _ids(uow, derived) == ["a", "b", "c", "e", "f", "g"]
    with pytest.raises(SqlCompileError):
        _ids(uow, derived, in_database=True)


@pytest.mark.slow
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    today=parity.days(),
    picks=st.lists(st.integers(0, len(parity.BLOCKS) - 1), min_size=1, max_size=3),
    negate=st.booleans(),
    either=st.booleans(),
    sort=st.lists(st.sampled_from(parity.SORTS), max_size=2, unique=True),
)
def test_postgres_and_memory_agree(
    url: str,
    today: tuple[list[Lead], list[Task | Event], list[object]],
    picks: list[int],
    negate: bool,
    either: bool,
    sort: list[str],
) -> None:
    """The parity property of the SQLite run, on PostgreSQL."""
    leads, activities, histories = today
    parts = [parity.BLOCKS[i] for i in picks]
    condition = parts[0]
    for part in parts[1:]:
        condition = (condition | part) if either else (condition & part)
    if negate:
        condition = ~condition
    worklist = Worklist("p", condition=condition, sort=sort, page_size=3)
    memory = InMemoryUnitOfWork()
    store(memory, leads, activities, histories)  # type: ignore[arg-type]
    for name in fresh_schema(url):
        postgres = _postgres(url, name)
        store(postgres, leads, activities, histories)  # type: ignore[arg-type]
        pages = [[x.id for x in _page(postgres, worklist, p)] for p in (1, 2)]
        assert pages == [[x.id for x in _page(memory, worklist, p)] for p in (1, 2)]


def _page(uow: UnitOfWork, worklist: Worklist, page: int) -> tuple[Lead, ...]:
    with uow:
        return run_worklist(uow, worklist, as_of=parity.NOW, page=page, in_database=None).leads
