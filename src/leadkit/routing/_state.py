"""Where strategy state lives: turn pointers, weighted credits, open-lead counts, counts
per day and week, and when each member was last given a lead.

The protocol is a small transactional map from text keys to integers. Routing reads what
it needs, decides and writes back inside one :meth:`RoutingState.transaction`, so that
a decision and its bookkeeping happen together or not at all. The state is stored by the
repository (:attr:`~leadkit.repository.UnitOfWork.routing_state`), one unit of work per
transaction (:class:`UnitOfWorkState`): :class:`InMemoryState` serves tests, notebooks
and dry runs; :class:`~leadkit.routing.SqliteState` survives restarts and serialises
several processes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

from leadkit.repository import InMemoryStore, UnitOfWorkFactory
from leadkit.routing._errors import routing_error

__all__ = [
    "SEQUENCE_KEY",
    "InMemoryState",
    "RoutingState",
    "StateMethods",
    "StateTransaction",
    "UnitOfWorkState",
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
            raise routing_error(f"an open-lead count is a whole number >= 0, got {count!r}")
        with self.transaction() as txn:
            txn.set(open_key(member), count)

    def release(self, member: str, count: int = 1) -> int:
        """A lead of ``member`` was closed, converted or reassigned: lower the open
        count by ``count`` (never below 0). Returns the new count."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise routing_error(f"release a whole number >= 0 of leads, got {count!r}")
        with self.transaction() as txn:
            new = max(0, (txn.get(open_key(member)) or 0) - count)
            txn.set(open_key(member), new)
            return new

    def last_assigned(self, member: str) -> datetime | None:
        """When ``member`` was last given a lead by routing, or None."""
        with self.transaction() as txn:
            value = txn.get(last_assigned_key(member))
        return None if value is None else from_micros(value)


class UnitOfWorkState(StateMethods):
    """Routing state kept by a unit of work: each :meth:`transaction` is one unit of work
    from ``factory``, whose :attr:`~leadkit.repository.UnitOfWork.routing_state` it yields
    and commits on normal exit (an exception rolls it back).

    The state then follows the records' connection and transaction policy, and may live in
    the same store as the records (``functools.partial(SqliteUnitOfWork, path)``,
    ``store.unit_of_work``). Transactions of one object are serialised by a lock; two
    processes (or two objects) are isolated by the store itself (SQLite's write lock; the
    in-memory store's commit check, which raises
    :class:`~leadkit.errors.ConcurrencyError` on a conflict).
    """

    def __init__(self, factory: UnitOfWorkFactory) -> None:
        if not callable(factory):
            raise routing_error(f"factory makes units of work, got {factory!r}", path="factory")
        self._factory = factory
        self._lock = threading.RLock()

    @contextmanager
    def _transaction(self) -> Iterator[StateTransaction]:
        with self._lock, self._factory() as uow:
            yield uow.routing_state
            # Reached only when the block did not raise: a failed decision writes nothing.
            uow.commit()

    def transaction(self) -> AbstractContextManager[StateTransaction]:
        """An isolated transaction; commits on exit, rolls back on error."""
        return self._transaction()

    def values(self) -> dict[str, int]:
        """A copy of every stored value (for inspection and tests)."""
        with self._lock, self._factory() as uow:
            return uow.routing_state.items()

    def snapshot(self) -> InMemoryState:
        """An independent in-memory copy."""
        return InMemoryState(self.values())


class InMemoryState(UnitOfWorkState):
    """State in an :class:`~leadkit.repository.InMemoryStore` (its own unless ``store`` is
    given, to keep routing state beside the records); safe across threads, not processes.

    >>> state = InMemoryState()
    >>> with state.transaction() as txn:
    ...     txn.set("open/u-1", 3)
    >>> state.open_count("u-1"), state.release("u-1")
    (3, 2)
    """

    def __init__(
        self, values: Mapping[str, int] | None = None, *, store: InMemoryStore | None = None
    ) -> None:
        self.store = store if store is not None else InMemoryStore()
        super().__init__(self.store.unit_of_work)
        if values:
            with self.transaction() as txn:
                for key, value in values.items():
                    txn.set(key, value)

    def __repr__(self) -> str:
        return f"<InMemoryState on {self.store!r}>"
