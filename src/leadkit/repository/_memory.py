"""The in-memory adapter: the default for notebooks, tests and teaching.

Committed records live in an :class:`InMemoryStore`. A unit of work never touches them
until it commits: its writes go to a private overlay that reads consult first. Commit
checks, under the store's lock, that every record it overwrites is still at the version it
was read at, then applies the overlay in one step, so two units of work over one store
(two threads, say) get the same optimistic concurrency as two SQLite connections.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from typing import Any, Generic, TypeVar

from leadkit.errors import ConcurrencyError
from leadkit.repository._config import MemoryConfig
from leadkit.repository._enrolments import MemoryEnrolments
from leadkit.repository._generic import Table
from leadkit.repository._histories import MemoryRoutingDecisions, MemoryStageHistories
from leadkit.repository._outbox import MemoryOutbox, OutboxEntry
from leadkit.repository._pending import MemoryPendingQueue, PendingSubmission
from leadkit.repository._protocols import Record
from leadkit.repository._schema import TABLES, Keys, TableSpec
from leadkit.repository._state import MemoryRateLimits, MemoryRoutingState
from leadkit.repository._unit import BaseUnitOfWork
from leadkit.repository._visitors import MemoryVisitors

__all__ = ["InMemoryStore", "InMemoryUnitOfWork"]

R = TypeVar("R", bound=Record)


class _Committed(Generic[R]):
    """The committed records of one kind, with an index per lookup column."""

    def __init__(self, spec: TableSpec[R]) -> None:
        self.spec = spec
        self.records: dict[str, R] = {}
        self.keys: dict[str, Keys] = {}
        self.order: dict[str, int] = {}
        self.next_order = 0
        # column position -> key value -> ids (a dict, as an insertion-ordered set)
        self.index: list[dict[str, dict[str, None]]] = [{} for _ in spec.columns]

    def put(self, id: str, record: R | None, keys: Keys) -> None:
        old_keys = self.keys.pop(id, None)
        if old_keys is not None:
            for position, value in enumerate(old_keys):
                if value is not None:
                    ids = self.index[position][value]
                    del ids[id]
                    if not ids:
                        del self.index[position][value]
        if record is None:
            del self.records[id]
            del self.order[id]
            return
        if id not in self.records:
            self.order[id] = self.next_order
            self.next_order += 1
        self.records[id] = record
        self.keys[id] = keys
        for position, value in enumerate(keys):
            if value is not None:
                self.index[position].setdefault(value, {})[id] = None


class InMemoryStore:
    """Committed in-memory data that any number of :class:`InMemoryUnitOfWork` share."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._tables: dict[str, _Committed[Any]] = {
            name: _Committed(spec) for name, spec in TABLES.items()
        }
        self._routing_state: dict[str, int] = {}
        self._rate_limits: dict[str, list[int]] = {}
        self._enrolments: dict[Any, Any] = {}
        self._outbox: dict[str, OutboxEntry] = {}
        self._outbox_seq = [0]
        self._config: dict[str, str] = {}
        self._pending: dict[str, PendingSubmission] = {}
        self._stage_histories: dict[str, Any] = {}
        self._routing_decisions: dict[int, Any] = {}
        self._visitor_events: dict[str, Any] = {}
        self._visitor_links: dict[str, Any] = {}

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}={len(t.records)}" for name, t in self._tables.items())
        return f"<InMemoryStore {sizes}>"

    def unit_of_work(self, *, record_events: bool = False) -> InMemoryUnitOfWork:
        """A fresh unit of work on this store: pass ``store.unit_of_work`` as a factory
        (``record_events``: see :class:`InMemoryUnitOfWork`)."""
        return InMemoryUnitOfWork(self, record_events=record_events)


class _OverlayTable(Generic[R]):
    """One kind's records as a unit of work sees them: committed data plus its own writes."""

    def __init__(self, committed: _Committed[R], lock: threading.RLock) -> None:
        self.spec = committed.spec
        self._committed = committed
        self._lock = lock
        self.writes: dict[str, tuple[R | None, Keys]] = {}
        # The committed version each written record had when this unit first wrote it
        # (None: it did not exist); commit insists it is unchanged.
        self.based_on: dict[str, int | None] = {}
        # Lookup index of the written records, as for the committed ones, so that a big
        # unit of work (a bulk conversion) does not scan its writes on every lookup.
        self.written_index: list[dict[str, dict[str, None]]] = [{} for _ in self.spec.columns]
        self.written_order: dict[str, int] = {}
        # Ids removed and then added again by this unit: a new record, listed after the
        # others as a store that deletes and inserts the row lists it.
        self.readded: set[str] = set()
        self.next_written = 0

    def reset(self) -> None:
        if not self.based_on:
            return  # nothing written: nothing to forget
        self.writes.clear()
        self.based_on.clear()
        self.written_order.clear()
        self.readded.clear()
        self.next_written = 0
        for index in self.written_index:
            index.clear()

    def load(self, id: str) -> R | None:
        written = self.writes.get(id)
        if written is not None:
            return written[0]
        return self._committed.records.get(id)

    def _write(self, id: str, record: R | None, seen: R | None) -> None:
        """Record a write; ``seen`` is what :meth:`load` returned for the check just made.

        The first write of an id remembers the version of ``seen`` (then necessarily the
        committed record) rather than reading the committed data again: another thread
        may commit in between, and a version read afterwards would let this unit's commit
        overwrite that change unseen (a lost update).
        """
        if id not in self.based_on:
            self.based_on[id] = None if seen is None else seen.version
        keys = self.spec.keys(record) if record is not None else ()
        previous = self.writes.get(id)
        if previous is not None:
            for position, value in enumerate(previous[1]):
                if value is not None:
                    del self.written_index[position][value][id]
        for position, value in enumerate(keys):
            if value is not None:
                self.written_index[position].setdefault(value, {})[id] = None
        if record is not None and previous is not None and previous[0] is None:
            # Removed, then added again: a new record, in the order of this addition.
            del self.writes[id]
            self.written_order.pop(id, None)
            self.readded.add(id)
        self.writes[id] = (record, keys)
        if id not in self.written_order:
            self.written_order[id] = self.next_written
            self.next_written += 1

    def insert(self, record: R) -> bool:
        if self.load(record.id) is not None:
            return False
        self._write(record.id, record, None)
        return True

    def replace(self, record: R, expected_version: int) -> bool:
        current = self.load(record.id)
        if current is None or current.version != expected_version:
            return False
        self._write(record.id, record, current)
        return True

    def delete(self, id: str, expected_version: int) -> bool:
        current = self.load(id)
        if current is None or current.version != expected_version:
            return False
        self._write(id, None, current)
        return True

    def scan(self) -> list[R]:
        with self._lock:
            committed = list(self._committed.records.items())
        result: list[R] = []
        readded = self.readded
        for id, record in committed:
            written = self.writes.get(id)
            if written is None:
                result.append(record)
            elif written[0] is not None and id not in readded:
                result.append(written[0])
        known = {id for id, _ in committed if id not in readded}
        result.extend(r for id, (r, _) in self.writes.items() if r is not None and id not in known)
        return result

    def count(self) -> int:
        with self._lock:
            size = len(self._committed.records)
            for id, (record, _) in self.writes.items():
                exists = id in self._committed.records
                size += (record is not None) - exists
        return size

    def lookup(self, columns: tuple[str, ...], value: str) -> list[R]:
        positions = [self.spec.columns.index(c) for c in columns]
        committed = self._committed
        with self._lock:
            ids: dict[str, None] = {}
            for position in positions:
                ids.update(committed.index[position].get(value, {}))
            found = [
                (committed.order[i], committed.records[i]) for i in ids if i not in self.writes
            ]
            after = committed.next_order
        written: dict[str, None] = {}
        for position in positions:
            written.update(self.written_index[position].get(value, {}))
        for id in written:
            record = self.writes[id][0]
            if record is not None:
                order = after + self.written_order[id]
                if id not in self.readded:
                    order = committed.order.get(id, order)
                found.append((order, record))
        found.sort(key=lambda pair: pair[0])
        return [record for _, record in found]

    def count_by(
        self, column: str, *, unless_column: str, unless_values: Collection[str]
    ) -> dict[str, int]:
        position = self.spec.columns.index(column)
        unless = self.spec.columns.index(unless_column)
        skip = set(unless_values)
        counts: dict[str, int] = {}

        def tally(keys: Keys) -> None:
            value = keys[position]
            if value is not None and keys[unless] not in skip:
                counts[value] = counts.get(value, 0) + 1

        with self._lock:
            committed = self._committed
            for ids in committed.index[position].values():
                for id in ids:
                    if id not in self.writes:
                        tally(committed.keys[id])
        for record, keys in self.writes.values():
            if record is not None:
                tally(keys)
        return counts

    def conflicts(self) -> list[str]:
        """Ids whose committed version moved since this unit wrote them (lock held)."""
        records = self._committed.records
        stale = []
        for id, version in self.based_on.items():
            committed = records.get(id)
            if (None if committed is None else committed.version) != version:
                stale.append(id)
        return stale

    def apply(self) -> None:
        """Write this unit's overlay into the committed data (lock held)."""
        for id, (record, keys) in self.writes.items():
            if record is None and id not in self._committed.records:
                continue  # added and removed again in this unit
            if id in self.readded and id in self._committed.records:
                self._committed.put(id, None, ())  # removed, then added anew: at the end
            self._committed.put(id, record, keys)


class InMemoryUnitOfWork(BaseUnitOfWork):
    """A :class:`~leadkit.repository.UnitOfWork` over an :class:`InMemoryStore`.

    Without a store it makes its own, so ``InMemoryUnitOfWork()`` is a complete database
    for a notebook; several units of work over one store are isolated from each other
    until they commit, and a commit based on stale versions raises
    :class:`~leadkit.errors.ConcurrencyError` and writes nothing.

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import Account
    >>> store = InMemoryStore()
    >>> with store.unit_of_work() as uow:
    ...     _ = uow.accounts.add(Account(id="a-1", name="ABC", created_at=datetime.now(UTC)))
    ...     # not committed: the block's end rolls it back
    >>> with store.unit_of_work() as uow:
    ...     len(uow.accounts)
    0
    """

    def __init__(self, store: InMemoryStore | None = None, *, record_events: bool = False) -> None:
        self.store = store if store is not None else InMemoryStore()
        self._tables: dict[str, _OverlayTable[Any]] = {
            name: _OverlayTable(committed, self.store._lock)
            for name, committed in self.store._tables.items()
        }
        self._state = MemoryRoutingState(self.store._routing_state, self._guard)
        self._limits = MemoryRateLimits(self.store._rate_limits, self._guard)
        self._enrolled = MemoryEnrolments(self.store._enrolments, self._guard)
        self._events = MemoryOutbox(self.store._outbox, self.store._outbox_seq, self._guard)
        self._settings = MemoryConfig(self.store._config, self.store._lock, self._guard)
        self._queue = MemoryPendingQueue(self.store._pending, self._guard)
        self._histories = MemoryStageHistories(self.store._stage_histories, self._guard)
        self._decisions = MemoryRoutingDecisions(self.store._routing_decisions, self._guard)
        self._visited = MemoryVisitors(
            self.store._visitor_events, self.store._visitor_links, self._guard
        )
        super().__init__(
            routing_state=self._state,
            rate_limits=self._limits,
            enrolments=self._enrolled,
            outbox=self._events,
            record_events=record_events,
            config=self._settings,
            pending=self._queue,
            stage_histories=self._histories,
            routing_decisions=self._decisions,
            visitors=self._visited,
        )

    def __repr__(self) -> str:
        state = "active" if self._active else "inactive"
        return f"<InMemoryUnitOfWork {state} on {self.store!r}>"

    def _table(self, name: str) -> Table[Any]:
        return self._tables[name]

    def _commit(self) -> None:
        with self.store._lock:
            stale = [
                f"{name}.{id}" for name, table in self._tables.items() for id in table.conflicts()
            ]
            stale += [f"routing_state.{key}" for key in self._state.conflicts()]
            stale += [f"rate_limits.{key}" for key in self._limits.conflicts()]
            stale += [f"enrolments.{key[0]}.{key[1]}" for key in self._enrolled.overlay.conflicts()]
            stale += [f"outbox.{key}" for key in self._events.overlay.conflicts()]
            stale += [f"pending_submissions.{id}" for id in self._queue.conflicts()]
            stale += [f"stage_histories.{id}" for id in self._histories.overlay.conflicts()]
            stale += [f"routing_decisions.{n}" for n in self._decisions.overlay.conflicts()]
            stale += self._visited.conflicts()
            if stale:
                raise ConcurrencyError(
                    f"another unit of work changed {', '.join(stale)} after this one read "
                    "them; nothing was written; load them again and retry",
                    path=stale[0],
                )
            for table in self._tables.values():
                table.apply()
            self._state.apply()
            self._limits.apply()
            self._enrolled.overlay.apply()
            self._events.apply()
            self._settings.apply()
            self._queue.apply()
            self._histories.overlay.apply()
            self._decisions.overlay.apply()
            self._visited.apply()
        self._rollback()

    def _rollback(self) -> None:
        for table in self._tables.values():
            table.reset()
        self._state.reset()
        self._limits.reset()
        self._enrolled.overlay.reset()
        self._events.overlay.reset()
        self._settings.reset()
        self._queue.reset()
        self._histories.overlay.reset()
        self._decisions.overlay.reset()
        self._visited.reset()
