"""``add_all``: many records in one batch, all or none, on every adapter (issue 18)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadkit.errors import InjectedFault, ValidationError
from leadkit.model import Account, Lead, PersonName, User
from leadkit.repository import (
    DuplicateIdError,
    InMemoryStore,
    InMemoryUnitOfWork,
    PostgresUnitOfWork,
    SqliteUnitOfWork,
)
from leadkit.testing.contract import FailingUnitOfWork
from tests.repository._postgres import fresh_schema, postgres_url

T0 = datetime(2026, 4, 1, tzinfo=UTC)

# add_all belongs to leadkit's adapters, not to the protocols third-party ones implement.
Factory = Callable[[], InMemoryUnitOfWork | SqliteUnitOfWork | PostgresUnitOfWork]


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def uow_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Factory]:
    if request.param == "memory":
        yield InMemoryStore().unit_of_work
    elif request.param == "sqlite":
        yield functools.partial(SqliteUnitOfWork, tmp_path / "crm.db")
    else:
        url = postgres_url()
        for schema in fresh_schema(url):
            yield functools.partial(PostgresUnitOfWork, url, schema=schema)


def _leads(n: int, prefix: str = "l") -> list[Lead]:
    return [
        Lead(
            id=f"{prefix}-{i}",
            name=PersonName("山田", f"太郎{i}"),
            company=f"株式会社{i % 3}",
            email=f"t{i}@abc.co.jp",
            created_at=T0,
        )
        for i in range(n)
    ]


def test_added_records_are_stored_in_order_and_findable(uow_factory: Factory) -> None:
    leads = _leads(50)
    with uow_factory() as uow:
        assert uow.leads.add_all(leads) == leads
        uow.commit()
    with uow_factory() as uow:
        assert uow.leads.all() == leads
        assert uow.leads.by_email_key("t7@abc.co.jp") == [leads[7]]
        assert uow.leads.by_company_key("株式会社1") == leads[1::3]


def test_a_taken_id_adds_nothing_and_names_it(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        uow.leads.add(_leads(1, "x")[0])
        uow.commit()
    batch = [*_leads(5), _leads(1, "x")[0], *_leads(3, "y")]
    with uow_factory() as uow:
        with pytest.raises(DuplicateIdError) as raised:
            uow.leads.add_all(batch)
        assert "'x-0'" in str(raised.value)
        assert len(uow.leads) == 1  # and the unit of work goes on
        uow.leads.add_all(_leads(2))
        uow.commit()
    with uow_factory() as uow:
        assert [lead.id for lead in uow.leads] == ["x-0", "l-0", "l-1"]


def test_an_id_given_twice_or_a_wrong_kind_adds_nothing(uow_factory: Factory) -> None:
    leads = _leads(3)
    with uow_factory() as uow:
        with pytest.raises(DuplicateIdError, match="given twice"):
            uow.leads.add_all([*leads, leads[1]])
        with pytest.raises(ValidationError):
            uow.accounts.add_all([Account(id="a-1", name="A", created_at=T0), leads[0]])  # type: ignore[list-item]
        assert uow.leads.add_all([]) == []
        assert (len(uow.leads), len(uow.accounts)) == (0, 0)


def test_a_batch_rolls_back_with_its_unit_of_work(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        uow.users.add_all([User(id=f"u-{i}", name="U") for i in range(10)])
    with uow_factory() as uow:
        assert len(uow.users) == 0


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(ids=st.lists(st.sampled_from("abcdef"), max_size=8), stored=st.sets(st.sampled_from("abc")))
def test_add_all_is_add_one_by_one_or_nothing(ids: list[str], stored: set[str]) -> None:
    """The same outcome as the one-by-one loop, undone on its first failure."""
    store = InMemoryStore()
    with store.unit_of_work() as uow:
        uow.users.add_all([User(id=i, name="old") for i in sorted(stored)])
        uow.commit()
    batch = [User(id=i, name="new") for i in ids]
    fails = len(set(ids)) != len(ids) or bool(set(ids) & stored)
    with store.unit_of_work() as uow:
        if fails:
            with pytest.raises(DuplicateIdError):
                uow.users.add_all(batch)
        else:
            uow.users.add_all(batch)
        uow.commit()
    with store.unit_of_work() as uow:
        expected = sorted(stored) + ([] if fails else ids)
        assert [user.id for user in uow.users] == expected


def test_a_batch_is_one_write_step_for_fault_injection() -> None:
    store = InMemoryStore()
    failing = FailingUnitOfWork(store.unit_of_work(), fail_at=1, when="after")
    with failing, pytest.raises(InjectedFault, match=r"step 1 \(users.add_all\)"):
        failing.users.add_all([User(id=f"u-{i}", name="U") for i in range(3)])  # type: ignore[attr-defined]
    with store.unit_of_work() as uow:
        assert len(uow.users) == 0  # written, then rolled back with the unit
