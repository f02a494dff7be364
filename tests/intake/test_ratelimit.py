"""Rate limits: at most N accepted submissions per key in any sliding window."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit.errors import DatabaseFileError, ValidationError, format_path
from leadkit.intake import InMemoryRateLimiter, RateLimiter, SqliteRateLimiter

MakeLimiter = Callable[[int, timedelta], RateLimiter]
T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture(params=["memory", "sqlite"])
def make(request: pytest.FixtureRequest, tmp_path: Path) -> MakeLimiter:
    def build(limit: int, window: timedelta) -> RateLimiter:
        if request.param == "memory":
            return InMemoryRateLimiter(limit=limit, window=window)
        return SqliteRateLimiter(tmp_path / "limits.db", limit=limit, window=window)

    return build


def test_the_limit_holds_in_any_window_and_says_when_to_retry(make: MakeLimiter) -> None:
    limiter: RateLimiter = make(3, HOUR)
    minutes = [0, 10, 20, 30, 65, 69, 71]
    decisions = [limiter.hit("203.0.113.7", as_of=T0 + timedelta(minutes=m)) for m in minutes]
    assert [d.allowed for d in decisions] == [True, True, True, False, True, False, True]
    refused = decisions[3]
    assert refused.count == 3
    assert refused.retry_at == T0 + HOUR  # the first submission leaves the window
    assert "try again" in str(refused)
    # at 69 the window (9:09, 10:09] holds 10, 20 and 65; the earliest (10) expires at 10:10
    assert decisions[5].retry_at == T0 + timedelta(minutes=70)
    assert [d.count for d in decisions[:3]] == [1, 2, 3]


def test_keys_are_counted_apart(make: MakeLimiter) -> None:
    limiter: RateLimiter = make(1, HOUR)
    assert limiter.hit("a", as_of=T0).allowed
    assert limiter.hit("b", as_of=T0).allowed
    assert not limiter.hit("a", as_of=T0 + timedelta(minutes=1)).allowed


def test_the_sqlite_limits_are_shared_by_every_limiter_on_the_file(tmp_path: Path) -> None:
    first = SqliteRateLimiter(tmp_path / "x.db", limit=1, window=HOUR)
    second = SqliteRateLimiter(tmp_path / "x.db", limit=1, window=HOUR)
    assert first.hit("a", as_of=T0).allowed
    assert not second.hit("a", as_of=T0 + timedelta(minutes=5)).allowed


@pytest.mark.parametrize(("limit", "window", "where"), [
    (0, HOUR, "limit"),
    (True, HOUR, "limit"),
    (2, timedelta(0), "window"),
    (2, 3600, "window"),
])  # fmt: skip
def test_limits_are_checked(limit: object, window: object, where: str) -> None:
    with pytest.raises(ValidationError) as raised:
        InMemoryRateLimiter(limit=limit, window=window)  # type: ignore[arg-type]
    assert format_path(raised.value.path) == where


def test_hits_are_checked(make: MakeLimiter) -> None:
    limiter: RateLimiter = make(1, HOUR)
    with pytest.raises(ValidationError, match="timezone"):
        limiter.hit("a", as_of=datetime(2026, 4, 1))
    with pytest.raises(ValidationError) as raised:
        limiter.hit("", as_of=T0)
    assert format_path(raised.value.path) == "key"


@given(
    limit=st.integers(1, 4),
    steps=st.lists(st.tuples(st.sampled_from("ab"), st.integers(0, 40)), max_size=25),
)
def test_both_limiters_agree_with_a_naive_count(
    tmp_path_factory: pytest.TempPathFactory, limit: int, steps: list[tuple[str, int]]
) -> None:
    window = timedelta(minutes=30)
    memory = InMemoryRateLimiter(limit=limit, window=window)
    sqlite = SqliteRateLimiter(tmp_path_factory.mktemp("rl") / "x.db", limit=limit, window=window)
    accepted: dict[str, list[datetime]] = {"a": [], "b": []}
    now = T0
    for key, gap in steps:
        now += timedelta(minutes=gap)
        inside = [t for t in accepted[key] if now - window < t <= now]
        expected = len(inside) < limit
        if expected:
            accepted[key].append(now)
        assert memory.hit(key, as_of=now).allowed is expected
        assert sqlite.hit(key, as_of=now).allowed is expected


def test_a_refund_gives_back_exactly_one_accepted_submission(make: MakeLimiter) -> None:
    limiter: RateLimiter = make(2, HOUR)
    assert limiter.hit("a", as_of=T0).allowed
    assert limiter.hit("a", as_of=T0 + timedelta(minutes=1)).allowed
    assert not limiter.hit("a", as_of=T0 + timedelta(minutes=2)).allowed
    # Nothing was accepted at minute 2, nor from "b": nothing to give back.
    assert not limiter.refund("a", as_of=T0 + timedelta(minutes=2))
    assert not limiter.refund("b", as_of=T0)
    assert limiter.refund("a", as_of=T0 + timedelta(minutes=1))
    assert not limiter.refund("a", as_of=T0 + timedelta(minutes=1))  # only once
    assert limiter.hit("a", as_of=T0 + timedelta(minutes=3)).allowed
    assert not limiter.hit("a", as_of=T0 + timedelta(minutes=4)).allowed


def test_the_sqlite_limiter_refuses_another_applications_database(tmp_path: Path) -> None:
    """Issue 21: leadkit adds no tables to a database that is not its own."""
    path = tmp_path / "app.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE orders (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseFileError, match="another application's database"):
        SqliteRateLimiter(path, limit=1, window=HOUR)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("orders",)]
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        conn.close()


def test_the_sqlite_limiter_shares_a_file_with_the_record_store(tmp_path: Path) -> None:
    from leadkit.repository import SqliteUnitOfWork

    path = tmp_path / "crm.db"
    limiter = SqliteRateLimiter(path, limit=1, window=HOUR)
    assert limiter.hit("a", as_of=T0).allowed
    with SqliteUnitOfWork(path, create=False) as uow:
        assert len(uow.leads) == 0
    assert (
        not SqliteRateLimiter(path, limit=1, window=HOUR, create=False).hit("a", as_of=T0).allowed
    )
