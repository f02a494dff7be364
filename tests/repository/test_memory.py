"""What only the in-memory adapter shows: isolation and optimistic concurrency between
units of work that are open at the same time over one store."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest

from leadkit.errors import ConcurrencyError
from leadkit.model import Account, User
from leadkit.repository import InMemoryStore, InMemoryUnitOfWork, UnitOfWorkStateError, _memory
from leadkit.testing.contract import snapshot

T0 = datetime(2026, 4, 1, tzinfo=UTC)


def _store_with(*records: Account) -> InMemoryStore:
    store = InMemoryStore()
    with store.unit_of_work() as uow:
        for record in records:
            uow.accounts.add(record)
        uow.commit()
    return store


def test_writes_are_invisible_to_another_open_unit_until_commit() -> None:
    store = InMemoryStore()
    writer, reader = store.unit_of_work(), store.unit_of_work()
    account = Account(name="ABC", created_at=T0)
    with writer, reader:
        writer.accounts.add(account)
        assert account.id not in reader.accounts
        assert reader.accounts.by_company_key("ABC") == []
        writer.commit()
        assert reader.accounts.get(account.id) == account  # read committed


def test_a_conflicting_commit_raises_and_writes_nothing_of_its_unit() -> None:
    account = Account(name="ABC", created_at=T0)
    store = _store_with(account)
    first, second = store.unit_of_work(), store.unit_of_work()
    user = User(id="u-1", name="Late writer")
    with first, second:
        first.accounts.update(attrs.evolve(account, phone="03-1111-1111"))
        second.accounts.update(attrs.evolve(account, phone="06-2222-2222"))
        second.users.add(user)
        first.commit()
        before = snapshot(store.unit_of_work)
        with pytest.raises(ConcurrencyError) as raised:
            second.commit()
        assert f"accounts.{account.id}" in str(raised.value)
        assert snapshot(store.unit_of_work) == before
        # the failed commit rolled its unit back: the unit sees committed data again
        assert second.users.find("u-1") is None
    with store.unit_of_work() as uow:
        assert uow.accounts.get(account.id).phone == "03-1111-1111"


def test_two_units_adding_the_same_id_conflict_at_commit() -> None:
    store = InMemoryStore()
    first, second = store.unit_of_work(), store.unit_of_work()
    with first, second:
        first.users.add(User(id="u-1", name="First"))
        second.users.add(User(id="u-1", name="Second"))
        first.commit()
        with pytest.raises(ConcurrencyError):
            second.commit()
    with store.unit_of_work() as uow:
        assert uow.users.get("u-1").name == "First"


def test_units_touching_different_records_both_commit() -> None:
    a, b = Account(name="A", created_at=T0), Account(name="B", created_at=T0)
    store = _store_with(a, b)
    first, second = store.unit_of_work(), store.unit_of_work()
    with first, second:
        first.accounts.update(attrs.evolve(a, phone="1"))
        second.accounts.update(attrs.evolve(b, phone="2"))
        first.commit()
        second.commit()
    with store.unit_of_work() as uow:
        assert [x.phone for x in uow.accounts] == ["1", "2"]


def test_add_then_remove_in_one_unit_leaves_nothing() -> None:
    store = InMemoryStore()
    account = Account(name="Short-lived", created_at=T0)
    with store.unit_of_work() as uow:
        uow.accounts.add(account)
        uow.accounts.remove(account)
        assert len(uow.accounts) == 0
        uow.commit()
    assert snapshot(store.unit_of_work)["accounts"] == []


def test_a_unit_cannot_be_nested_in_itself() -> None:
    uow = InMemoryUnitOfWork()
    with uow:
        with pytest.raises(UnitOfWorkStateError), uow:
            pass
        assert uow.active  # the refused inner `with` did not end the outer one
    assert not uow.active


@pytest.mark.parametrize("change", ["update", "add"])
def test_a_commit_landing_between_check_and_write_is_a_conflict(
    change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Forces the interleaving that once made the thread test below flaky: another unit
    # commits after this one checked the stored version but before it recorded the write.
    # The write must stay based on the version it checked, so this commit conflicts
    # instead of silently overwriting the other one.
    existing = Account(name="Counter", employees=0, created_at=T0)
    store = _store_with(existing)
    fresh = Account(name="Fresh", created_at=T0)
    original = _memory._OverlayTable._write
    raced = False

    def write_after_a_rival_commit(self: Any, *args: Any) -> None:
        nonlocal raced
        if not raced:
            raced = True
            with store.unit_of_work() as rival:
                if change == "update":
                    current = rival.accounts.get(existing.id)
                    rival.accounts.update(attrs.evolve(current, employees=10))
                else:
                    rival.accounts.add(fresh)
                rival.commit()
        original(self, *args)

    monkeypatch.setattr(_memory._OverlayTable, "_write", write_after_a_rival_commit)
    with store.unit_of_work() as uow:
        if change == "update":
            current = uow.accounts.get(existing.id)
            uow.accounts.update(attrs.evolve(current, employees=1))
        else:
            uow.accounts.add(attrs.evolve(fresh, name="Other"))
        with pytest.raises(ConcurrencyError):
            uow.commit()
    monkeypatch.undo()
    with store.unit_of_work() as uow:
        assert uow.accounts.get(existing.id).employees == (10 if change == "update" else 0)
        if change == "add":
            assert uow.accounts.get(fresh.id).name == "Fresh"


def test_concurrent_threads_lose_no_update() -> None:
    # Each thread increments a counter kept in an account's employee count, retrying on
    # conflict; without the commit-time version check some increments would be lost.
    account = Account(name="Counter", employees=0, created_at=T0)
    store = _store_with(account)

    def bump(times: int) -> None:
        done = 0
        while done < times:
            try:
                with store.unit_of_work() as uow:
                    current = uow.accounts.get(account.id)
                    employees = (current.employees or 0) + 1
                    uow.accounts.update(attrs.evolve(current, employees=employees))
                    uow.commit()
            except ConcurrencyError:
                continue  # another thread got there first (at update or at commit): retry
            done += 1

    threads = [threading.Thread(target=bump, args=(200,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with store.unit_of_work() as uow:
        final = uow.accounts.get(account.id)
    assert final.employees == 800
    assert final.version == 800
