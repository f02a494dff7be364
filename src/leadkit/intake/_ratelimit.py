"""Rate limits against form spam: at most ``limit`` accepted submissions per key (an IP
address, an e-mail address) in any sliding window of ``window``.

Time is always given (``as_of``), never read from the clock, so limits are testable and
replayable. Only accepted submissions count: a refused one does not extend the wait,
and a submission accepted by the limiter but rejected afterwards (a storage failure, a
blocking duplicate) is given back with :meth:`RateLimiter.refund`.
"""

from __future__ import annotations

import bisect
import os
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol

import attrs

from leadkit._checks import aware_datetime
from leadkit._sqlite_file import open_database, set_up
from leadkit.errors import ConcurrencyError, DatabaseFileError, ValidationError

__all__ = ["InMemoryRateLimiter", "RateDecision", "RateLimiter", "SqliteRateLimiter"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@attrs.frozen
class RateDecision:
    """Whether one submission from ``key`` is accepted at ``as_of``.

    ``count`` is how many accepted submissions the window holds (this one included when
    allowed); ``retry_at`` is, when refused, the first moment another would be accepted.
    """

    key: str
    allowed: bool
    count: int
    limit: int
    window: timedelta
    retry_at: datetime | None = None

    def __str__(self) -> str:
        if self.allowed:
            return f"{self.key}: {self.count} of {self.limit} per {self.window}"
        when = self.retry_at.isoformat() if self.retry_at else "later"
        return (
            f"{self.key}: {self.count} submissions in the last {self.window} reach the "
            f"limit of {self.limit}; try again at {when}"
        )


class RateLimiter(Protocol):
    """Counts submissions per key and says whether one more is accepted."""

    def hit(self, key: str, *, as_of: datetime) -> RateDecision:
        """Record a submission from ``key`` at ``as_of`` if the limit allows it."""
        ...

    def refund(self, key: str, *, as_of: datetime) -> bool:
        """Give back one submission :meth:`hit` accepted from ``key`` at ``as_of`` (it
        was rejected after all); True if one was found."""
        ...


def _check_limits(limit: object, window: object) -> tuple[int, timedelta]:
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise ValidationError(f"limit is a whole number >= 1, got {limit!r}", path="limit")
    if not isinstance(window, timedelta) or window <= timedelta(0):
        raise ValidationError(f"window is a positive timedelta, got {window!r}", path="window")
    return limit, window


def _check_hit(key: object, as_of: object) -> tuple[str, datetime]:
    if not isinstance(key, str) or not key:
        raise ValidationError(f"key is a non-empty str, got {key!r}", path="key")
    return key, aware_datetime(as_of)


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def _moment(micros: int) -> datetime:
    return _EPOCH + micros * _MICROSECOND


def _decide(
    key: str, hits: list[int], now: int, limit: int, window: timedelta
) -> tuple[RateDecision, bool]:
    """``hits``: accepted submissions in (now - window, now], sorted."""
    if len(hits) < limit:
        return RateDecision(key, True, len(hits) + 1, limit, window), True
    retry = _moment(hits[len(hits) - limit]) + window
    return RateDecision(key, False, len(hits), limit, window, retry_at=retry), False


class InMemoryRateLimiter:
    """A :class:`RateLimiter` in memory (one process; thread-safe).

    >>> from datetime import datetime, timedelta, UTC
    >>> limiter = InMemoryRateLimiter(limit=2, window=timedelta(hours=1))
    >>> t = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
    >>> [limiter.hit("203.0.113.7", as_of=t + timedelta(minutes=m)).allowed for m in (0, 10, 20)]
    [True, True, False]
    >>> limiter.hit("203.0.113.7", as_of=t + timedelta(minutes=61)).allowed
    True
    """

    def __init__(self, *, limit: int, window: timedelta) -> None:
        self.limit, self.window = _check_limits(limit, window)
        self._hits: dict[str, list[int]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"InMemoryRateLimiter(limit={self.limit}, window={self.window!r})"

    def hit(self, key: str, *, as_of: datetime) -> RateDecision:
        """Record a submission from ``key`` at ``as_of`` if the limit allows it."""
        key, as_of = _check_hit(key, as_of)
        now = _micros(as_of)
        start = now - self.window // _MICROSECOND
        with self._lock:
            hits = self._hits.setdefault(key, [])
            inside = hits[bisect.bisect_right(hits, start) : bisect.bisect_right(hits, now)]
            decision, accept = _decide(key, inside, now, self.limit, self.window)
            if accept:
                bisect.insort(hits, now)
            # Hits older than the newest window can never count again.
            del hits[: bisect.bisect_right(hits, hits[-1] - self.window // _MICROSECOND)]
            if not hits:
                del self._hits[key]
        return decision

    def refund(self, key: str, *, as_of: datetime) -> bool:
        """Give back one submission :meth:`hit` accepted from ``key`` at ``as_of``."""
        key, as_of = _check_hit(key, as_of)
        now = _micros(as_of)
        with self._lock:
            hits = self._hits.get(key, [])
            place = bisect.bisect_left(hits, now)
            if place == len(hits) or hits[place] != now:
                return False
            del hits[place]
            if not hits:
                del self._hits[key]
        return True


_SCHEMA = """
CREATE TABLE IF NOT EXISTS leadkit_rate_limit (key TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS leadkit_rate_limit_key_at ON leadkit_rate_limit (key, at);
"""


class SqliteRateLimiter:
    """A :class:`RateLimiter` in a SQLite file, shared by every process that opens it.

    The table ``leadkit_rate_limit`` may live in the same file as a
    :class:`~leadkit.repository.SqliteUnitOfWork`'s records. Each :meth:`hit` is one
    ``BEGIN IMMEDIATE`` transaction, so concurrent submissions from one key cannot both
    take the last place. The file is created when missing (unless ``create=False``);
    another application's database, a file that is not a database or an unusable path
    raises :class:`~leadkit.errors.DatabaseFileError`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        limit: int,
        window: timedelta,
        timeout: float = 5.0,
        create: bool = True,
    ) -> None:
        self.limit, self.window = _check_limits(limit, window)
        if not isinstance(path, str | os.PathLike):
            raise ValidationError(f"path is a file path, got {path!r}", path="path")
        self.path = os.fspath(path)
        self.timeout = timeout
        # Checked before anything is written: a foreign file keeps even its journal mode.
        connection, _ = open_database(self.path, create=create, timeout=timeout)
        try:
            # WAL: submissions that only read (refused ones) never wait for a writer.
            connection.execute("PRAGMA journal_mode=WAL")
            set_up(connection, self.path, create=create, schema=_SCHEMA, table="leadkit_rate_limit")
        finally:
            connection.close()

    def __repr__(self) -> str:
        return f"SqliteRateLimiter({self.path!r}, limit={self.limit}, window={self.window!r})"

    def _connect(self) -> sqlite3.Connection:
        # Absolute: a relative name starting with "file:" must not be read as a URI.
        connection = sqlite3.connect(
            os.path.abspath(self.path), timeout=self.timeout, isolation_level=None
        )
        # A lost hit after a power cut only lets one more submission through.
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection

    def _failed(self, exc: sqlite3.Error) -> Exception:
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            return ConcurrencyError(
                f"the rate limit is locked by another process ({exc}); raise timeout",
                path="rate_limiter",
            )
        return DatabaseFileError(f"cannot be used for rate limits ({exc})", file=self.path)

    def refund(self, key: str, *, as_of: datetime) -> bool:
        """Give back one submission :meth:`hit` accepted from ``key`` at ``as_of``."""
        key, as_of = _check_hit(key, as_of)
        try:
            connection = self._connect()
            try:
                deleted = connection.execute(
                    "DELETE FROM leadkit_rate_limit WHERE rowid = (SELECT rowid FROM "
                    "leadkit_rate_limit WHERE key = ? AND at = ? LIMIT 1)",
                    (key, _micros(as_of)),
                ).rowcount
            finally:
                connection.close()
        except sqlite3.Error as exc:
            raise self._failed(exc) from None
        return deleted == 1

    def hit(self, key: str, *, as_of: datetime) -> RateDecision:
        """Record a submission from ``key`` at ``as_of`` if the limit allows it."""
        key, as_of = _check_hit(key, as_of)
        now = _micros(as_of)
        start = now - self.window // _MICROSECOND
        try:
            return self._hit(key, now, start)
        except sqlite3.Error as exc:
            raise self._failed(exc) from None

    def _hit(self, key: str, now: int, start: int) -> RateDecision:
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
            rows = connection.execute(
                "SELECT at FROM leadkit_rate_limit WHERE key = ? AND at > ? AND at <= ? "
                "ORDER BY at",
                (key, start, now),
            ).fetchall()
            decision, accept = _decide(key, [at for (at,) in rows], now, self.limit, self.window)
            if accept:
                connection.execute("INSERT INTO leadkit_rate_limit VALUES (?, ?)", (key, now))
            newest = connection.execute(
                "SELECT MAX(at) FROM leadkit_rate_limit WHERE key = ?", (key,)
            ).fetchone()[0]
            if newest is not None:
                connection.execute(
                    "DELETE FROM leadkit_rate_limit WHERE key = ? AND at <= ?",
                    (key, newest - self.window // _MICROSECOND),
                )
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()
        return decision
