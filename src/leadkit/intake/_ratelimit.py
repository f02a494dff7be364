"""Rate limits against form spam: at most ``limit`` accepted submissions per key (an IP
address, an e-mail address) in any sliding window of ``window``.

Time is always given (``as_of``), never read from the clock, so limits are testable and
replayable. Only accepted submissions count: a refused one does not extend the wait.

The counts are stored by the repository (:attr:`~leadkit.repository.UnitOfWork.rate_limits`):
:meth:`UnitOfWorkRateLimiter.take` counts in a unit of work the caller holds, so that
:func:`~leadkit.intake.intake` commits or rolls back the count together with the stored
lead (a submission rejected after its place was taken is then never counted), and
:meth:`UnitOfWorkRateLimiter.hit` is one unit of work of its own per call.
:class:`InMemoryRateLimiter` and :class:`SqliteRateLimiter` are that over an in-memory
store and a SQLite file.
"""

from __future__ import annotations

import functools
import os
import threading
from datetime import datetime, timedelta
from typing import Protocol

import attrs

from leadkit._checks import aware_datetime
from leadkit.errors import ValidationError
from leadkit.repository import (
    InMemoryStore,
    RateLimitRepository,
    SqliteUnitOfWork,
    UnitOfWorkFactory,
)

__all__ = [
    "InMemoryRateLimiter",
    "RateDecision",
    "RateLimiter",
    "SqliteRateLimiter",
    "UnitOfWorkRateLimiter",
]


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
        was rejected after all); True if one was found. :func:`~leadkit.intake.intake`
        never calls it: it takes the limit where it cannot need one."""
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


def _decide(
    key: str, hits: list[datetime], limit: int, window: timedelta
) -> tuple[RateDecision, bool]:
    """``hits``: accepted submissions in (now - window, now], oldest first."""
    if len(hits) < limit:
        return RateDecision(key, True, len(hits) + 1, limit, window), True
    retry = hits[len(hits) - limit] + window
    return RateDecision(key, False, len(hits), limit, window, retry_at=retry), False


def _hit(
    limits: RateLimitRepository, key: str, as_of: datetime, limit: int, window: timedelta
) -> RateDecision:
    hits = limits.hits(key, after=as_of - window, until=as_of)
    decision, accept = _decide(key, hits, limit, window)
    if accept:
        limits.add(key, as_of)
    newest = limits.latest(key)
    if newest is not None:
        # Hits older than the newest window can never count again.
        limits.forget(key, until=newest - window)
    return decision


class UnitOfWorkRateLimiter:
    """A :class:`RateLimiter` whose counts a unit of work keeps: each :meth:`hit` and
    :meth:`refund` is one unit of work from ``factory`` on its
    :attr:`~leadkit.repository.UnitOfWork.rate_limits`, committed before it returns.

    The counts then follow the records' connection and transaction policy and may live
    in the same store. Calls on one object are serialised by a lock; concurrent
    processes by the store (SQLite's write lock, taken before the count is read, so two
    submissions from one key cannot both take the last place).
    """

    def __init__(self, factory: UnitOfWorkFactory, *, limit: int, window: timedelta) -> None:
        if not callable(factory):
            raise ValidationError(f"factory makes units of work, got {factory!r}", path="factory")
        self.limit, self.window = _check_limits(limit, window)
        self._factory = factory
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(limit={self.limit}, window={self.window!r})"

    def hit(self, key: str, *, as_of: datetime) -> RateDecision:
        """Record a submission from ``key`` at ``as_of`` if the limit allows it."""
        key, as_of = _check_hit(key, as_of)
        with self._lock, self._factory() as uow:
            decision = _hit(uow.rate_limits, key, as_of, self.limit, self.window)
            uow.commit()
        return decision

    def take(self, limits: RateLimitRepository, key: str, *, as_of: datetime) -> RateDecision:
        """Record a submission from ``key`` at ``as_of`` if the limit allows it, in the
        caller's unit of work (``uow.rate_limits``): the count is kept only if that unit
        commits. :func:`~leadkit.intake.intake` counts this way, inside the unit of work
        that stores the lead.

        >>> from datetime import datetime, timedelta, UTC
        >>> from leadkit.repository import InMemoryStore
        >>> store = InMemoryStore()
        >>> limiter = InMemoryRateLimiter(limit=1, window=timedelta(hours=1), store=store)
        >>> t = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
        >>> with store.unit_of_work() as uow:  # no commit: the count is rolled back
        ...     limiter.take(uow.rate_limits, "k", as_of=t).allowed
        True
        >>> limiter.hit("k", as_of=t).allowed
        True
        """
        key, as_of = _check_hit(key, as_of)
        return _hit(limits, key, as_of, self.limit, self.window)

    def refund(self, key: str, *, as_of: datetime) -> bool:
        """Give back one submission :meth:`hit` accepted from ``key`` at ``as_of``, for
        callers that count in a unit of work of their own and then reject the
        submission (:func:`~leadkit.intake.intake` needs none: it uses :meth:`take`)."""
        key, as_of = _check_hit(key, as_of)
        with self._lock, self._factory() as uow:
            found = uow.rate_limits.remove(key, as_of)
            uow.commit()
        return found


class InMemoryRateLimiter(UnitOfWorkRateLimiter):
    """A :class:`RateLimiter` in memory (one process; thread-safe): counts kept in an
    :class:`~leadkit.repository.InMemoryStore` (its own unless ``store`` is given).

    >>> from datetime import datetime, timedelta, UTC
    >>> limiter = InMemoryRateLimiter(limit=2, window=timedelta(hours=1))
    >>> t = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
    >>> [limiter.hit("203.0.113.7", as_of=t + timedelta(minutes=m)).allowed for m in (0, 10, 20)]
    [True, True, False]
    >>> limiter.hit("203.0.113.7", as_of=t + timedelta(minutes=61)).allowed
    True
    """

    def __init__(
        self, *, limit: int, window: timedelta, store: InMemoryStore | None = None
    ) -> None:
        self.store = store if store is not None else InMemoryStore()
        super().__init__(self.store.unit_of_work, limit=limit, window=window)


class SqliteRateLimiter(UnitOfWorkRateLimiter):
    """A :class:`RateLimiter` in a SQLite file, shared by every process that opens it.

    The same as ``UnitOfWorkRateLimiter(functools.partial(SqliteUnitOfWork, path, ...))``:
    the counts are the table ``leadkit_rate_limit`` of a leadkit database, which may also
    hold the records. Each :meth:`hit` is one ``BEGIN IMMEDIATE`` transaction, so
    concurrent submissions from one key cannot both take the last place; a transaction
    that waits longer than ``timeout`` raises :class:`~leadkit.errors.ConcurrencyError`.
    The file is created when missing (unless ``create=False``); another application's
    database, a file that is not a database or an unusable path raises
    :class:`~leadkit.errors.DatabaseFileError` here, before anything is written.
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
        limit, window = _check_limits(limit, window)
        if not isinstance(path, str | os.PathLike):
            raise ValidationError(f"path is a file path, got {path!r}", path="path")
        self.path = os.fspath(path)
        self.timeout = timeout
        factory = functools.partial(SqliteUnitOfWork, self.path, timeout=timeout, create=create)
        with factory():  # checks the file, creates or migrates the schema
            pass
        super().__init__(factory, limit=limit, window=window)

    def __repr__(self) -> str:
        return f"SqliteRateLimiter({self.path!r}, limit={self.limit}, window={self.window!r})"
