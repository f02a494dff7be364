"""Strategy state: transactions, persistence across restarts, and processes routing at
once against one SQLite file."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from collections import Counter
from pathlib import Path

import pytest

from leadkit.errors import DatabaseFileError
from leadkit.model import OwnerRef, User
from leadkit.routing import (
    AssignmentRules,
    CapacityBased,
    InMemoryState,
    Roster,
    RoundRobin,
    Router,
    RoutingState,
    RuleEntry,
    SqliteState,
)
from leadkit.rules import field
from tests.routing._support import AT, lead

OVERFLOW = OwnerRef.queue("overflow")
CAPACITIES = {"c-1": 3, "c-2": 5, "c-3": 0}


def make_router() -> Router:
    rules = AssignmentRules(
        [
            RuleEntry(field("industry") == "IT", RoundRobin(["r-1", "r-2", "r-3"])),
            RuleEntry(
                field("industry").is_present(),
                CapacityBased(list(CAPACITIES), fallback=OVERFLOW),
            ),
        ],
        default_owner=OwnerRef.queue("inbound"),
    )
    users = [User(id=f"r-{i}", name="R") for i in (1, 2, 3)] + [
        User(id=member, name="C", capacity=cap) for member, cap in CAPACITIES.items()
    ]
    return Router(rules, roster=Roster(users))


@pytest.mark.parametrize("make", [InMemoryState, "sqlite"])
def test_a_failed_transaction_writes_nothing(make: object, tmp_path: Path) -> None:
    state: RoutingState = SqliteState(tmp_path / "s.db") if make == "sqlite" else InMemoryState()
    with state.transaction() as txn:
        txn.set("a", 1)

    def fail_half_way() -> None:
        with state.transaction() as txn:
            txn.set("a", 2)
            txn.set("b", 3)
            assert txn.get("a") == 2  # a transaction sees its own writes
            _ = 1 / 0

    with pytest.raises(ZeroDivisionError):
        fail_half_way()
    assert state.snapshot().values() == {"a": 1}


def test_turns_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "routing.db"
    router = make_router()
    with SqliteState(path) as state:
        first = [
            router.route(lead(industry="IT"), as_of=AT, state=state).owner.id for _ in range(2)
        ]
        state.set_open_count("c-1", 2)
    with SqliteState(path) as state:
        later = router.route(lead(industry="IT"), as_of=AT, state=state).owner.id
        assert state.open_count("c-1") == 2
        assert state.last_assigned("r-2") == AT
    assert [*first, later] == ["r-1", "r-2", "r-3"]


def test_dry_run_on_sqlite_leaves_the_file_unchanged(tmp_path: Path) -> None:
    router = make_router()
    with SqliteState(tmp_path / "s.db") as state:
        router.route(lead(industry="IT"), as_of=AT, state=state)
        before = state.snapshot().values()
        counts = router.dry_run([lead(industry="IT")] * 4, as_of=AT, state=state)
        assert counts == {OwnerRef.user("r-2"): 2, OwnerRef.user("r-3"): 1, OwnerRef.user("r-1"): 1}
        assert state.snapshot().values() == before


def test_an_unusable_path_is_a_database_file_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseFileError, match="folder"):
        SqliteState(tmp_path / "missing" / "dir" / "s.db")
    assert not (tmp_path / "missing").exists()


def test_another_applications_database_gets_no_routing_table(tmp_path: Path) -> None:
    """Issue 21: only leadkit's own or new files are written to."""
    path = tmp_path / "app.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE orders (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseFileError, match="another application's database"):
        SqliteState(path)
    conn = sqlite3.connect(path)
    try:
        names = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    finally:
        conn.close()
    assert names == {"orders"}


def test_routing_state_shares_a_file_with_the_record_store(tmp_path: Path) -> None:
    from leadkit.repository import SqliteUnitOfWork

    path = tmp_path / "crm.db"
    with SqliteUnitOfWork(path):
        pass
    with SqliteState(path) as state, state.transaction() as tx:
        tx.set("k", 3)
    # (The state first: a unit of work holds the write lock until it ends.)
    with SqliteState(path) as state, SqliteUnitOfWork(path, create=False) as uow:
        assert len(uow.users) == 0
        assert state.snapshot().values() == {"k": 3}


def _route_in_process(
    path: str, industries: list[str], start_at: float
) -> list[tuple[str, str, int | None]]:
    router = make_router()
    out = []
    with SqliteState(path) as state:
        # Start together, so that the processes really contend for the state.
        time.sleep(max(0.0, start_at - time.time()))
        for industry in industries:
            decision = router.route(lead(industry=industry), as_of=AT, state=state, explain=False)
            reasoning = decision.strategy_reasoning
            pool = reasoning.pool if reasoning else ""
            out.append((str(decision.owner), pool, reasoning.turn if reasoning else None))
    return out


def test_processes_routing_at_once_never_share_a_turn_or_exceed_a_capacity(
    tmp_path: Path,
) -> None:
    path = str(tmp_path / "shared.db")
    SqliteState(path).close()  # create the table before the processes race
    work = [["IT", "小売", "IT", "金融", "IT", "IT"] * 10 for _ in range(4)]
    start_at = time.time() + 2.0
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.starmap(_route_in_process, [(path, w, start_at) for w in work])
    decisions = [d for per_process in results for d in per_process]
    assert len(decisions) == 240
    by_pool: dict[str, list[int]] = {}
    for _, pool_name, turn in decisions:
        if turn is not None:
            by_pool.setdefault(pool_name, []).append(turn)
    # Every turn of every pool was handed out exactly once.
    for turns in by_pool.values():
        assert sorted(turns) == list(range(1, len(turns) + 1))
    owners = Counter(owner for owner, _, _ in decisions)
    robin = [owners[f"user:r-{i}"] for i in (1, 2, 3)]
    assert sum(robin) == 160
    assert max(robin) - min(robin) <= 1
    for member, capacity in CAPACITIES.items():
        assert owners[f"user:{member}"] == capacity  # filled, never beyond
    assert owners["queue:overflow"] == 80 - sum(CAPACITIES.values())
    with SqliteState(path) as state:
        assert state.open_count("c-2") == 5
