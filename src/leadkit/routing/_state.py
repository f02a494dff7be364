"""Where strategy state lives: turn pointers, weighted credits, open-lead counts, counts
per day and week, and when each member was last given a lead.

The protocol is a small transactional map from text keys to integers. Routing reads what
it needs, decides and writes back inside one :meth:`RoutingState.transaction`, so that
a decision and its bookkeeping happen together or not at all. :class:`InMemoryState`
serves tests, notebooks and dry runs; :class:`~leadkit.routing.SqliteState` survives
restarts and serialises several processes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

from leadkit.routing._errors import RoutingError

__all__ = [
    "SEQUENCE_KEY",
    "InMemoryState",
    "RoutingState",
    "StateMethods",
    "StateTransaction",
    "last_assigned_key",
    "open_key",
    "period_key",
    "sequence_key",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def open_key(member: str) -> str:
    """The key of ``member``'s open-lead count."""
    return f"open/{member}"


def last_assigned_key(member: str) -> str:
    """The key of when ``member`` was last given a lead (microseconds since 1970, UTC)."""
    return f"last/{member}"


SEQUENCE_KEY = "assignments"
"""The key of the number of assignments recorded so far (all members)."""


def sequence_key(member: str) -> str:
    """The key of the sequence number of ``member``'s latest assignment."""
    return f"sequence/{member}"


def period_key(member: str, period: str) -> str:
    """The key of how many leads ``member`` was given in ``period`` (``D2026-05-01``,
    ``W2026-18``)."""
    return f"assigned/{member}/{period}"


def to_micros(moment: datetime) -> int:
    """``moment`` as whole microseconds since 1970 UTC (how state stores times)."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def from_micros(value: int) -> datetime:
    """The inverse of :func:`to_micros`."""
    return _EPOCH + timedelta(microseconds=value)


@runtime_checkable
class StateTransaction(Protocol):
    """Reads and writes inside one transaction. Missing keys read as None."""

    def get(self, key: str) -> int | None:
        """The value stored at ``key``, or None."""
        ...  # pragma: no cover

    def set(self, key: str, value: int) -> None:
        """Store ``value`` at ``key`` (visible to later reads of this transaction)."""
        ...  # pragma: no cover


@runtime_checkable
class RoutingState(Protocol):
    """Strategy state shared by every routing call.

    ``transaction()`` must be atomic and isolated: while one is open, no other
    transaction (thread or process) can read values it is about to change. ``snapshot``
    returns an independent in-memory copy, for dry runs that must not change anything.
    """

    def transaction(self) -> AbstractContextManager[StateTransaction]:
        """A context manager yielding a transaction; it commits on normal exit and
        discards every write if the block raises."""
        ...  # pragma: no cover

    def snapshot(self) -> InMemoryState:
        """An in-memory copy of the current values."""
        ...  # pragma: no cover


class StateMethods:
    """Conveniences shared by the state implementations (built on ``transaction``)."""

    def transaction(self) -> AbstractContextManager[StateTransaction]:  # pragma: no cover
        raise NotImplementedError

    def open_count(self, member: str) -> int:
        """How many open leads ``member`` holds, as routing counts them."""
        with self.transaction() as txn:
            return txn.get(open_key(member)) or 0

    def set_open_count(self, member: str, count: int) -> None:
        """Set ``member``'s open-lead count, e.g. from a repository query at start-up."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise RoutingError(f"an open-lead count is a whole number >= 0, got {count!r}")
        with self.transaction() as txn:
            txn.set(open_key(member), count)

    def release(self, member: str, count: int = 1) -> int:
        """A lead of ``member`` was closed, converted or reassigned: lower the open
        count by ``count`` (never below 0). Returns the new count."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise RoutingError(f"release a whole number >= 0 of leads, got {count!r}")
        with self.transaction() as txn:
            new = max(0, (txn.get(open_key(member)) or 0) - count)
            txn.set(open_key(member), new)
            return new

    def last_assigned(self, member: str) -> datetime | None:
        """When ``member`` was last given a lead by routing, or None."""
        with self.transaction() as txn:
            value = txn.get(last_assigned_key(member))
        return None if value is None else from_micros(value)


class _MemoryTransaction:
    __slots__ = ("_base", "_writes")

    def __init__(self, base: dict[str, int]) -> None:
        self._base = base
        self._writes: dict[str, int] = {}

    def get(self, key: str) -> int | None:
        value = self._writes.get(key)
        return self._base.get(key) if value is None else value

    def set(self, key: str, value: int) -> None:
        self._writes[key] = value


class InMemoryState(StateMethods):
    """State in a dict, guarded by a lock (safe across threads, not processes).

    >>> state = InMemoryState()
    >>> with state.transaction() as txn:
    ...     txn.set("open/u-1", 3)
    >>> state.open_count("u-1"), state.release("u-1")
    (3, 2)
    """

    def __init__(self, values: Mapping[str, int] | None = None) -> None:
        self._values: dict[str, int] = dict(values or {})
        self._lock = threading.RLock()

    @contextmanager
    def _transaction(self) -> Iterator[StateTransaction]:
        with self._lock:
            txn = _MemoryTransaction(self._values)
            yield txn
            # Reached only when the block did not raise: a failed decision writes nothing.
            self._values.update(txn._writes)

    def transaction(self) -> AbstractContextManager[StateTransaction]:
        """An isolated transaction (the lock is held until it ends)."""
        return self._transaction()

    def snapshot(self) -> InMemoryState:
        """An independent copy."""
        with self._lock:
            return InMemoryState(self._values)

    def values(self) -> dict[str, int]:
        """A copy of every stored value (for inspection and tests)."""
        with self._lock:
            return dict(self._values)
