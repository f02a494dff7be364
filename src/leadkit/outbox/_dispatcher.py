"""The dispatcher: reads the outbox, hands each event to a callback, marks it delivered."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import attrs

from leadkit.errors import ConcurrencyError, ValidationError
from leadkit.outbox._events import DomainEvent

if TYPE_CHECKING:
    from leadkit.repository import UnitOfWork
    from leadkit.repository._outbox import OutboxEntry

__all__ = ["DispatchReport", "Dispatcher"]

_SETTLE_TRIES = 5


@attrs.frozen
class DispatchReport:
    """What one :meth:`Dispatcher.run_once` did: entries claimed, delivered and marked,
    failed (to be retried), and delivered but no longer ours to mark (``lost_claims``:
    the lease ran out first; another dispatcher delivers them again)."""

    claimed: int = 0
    delivered: int = 0
    failed: int = 0
    lost_claims: int = 0


def _positive(name: str, value: timedelta) -> timedelta:
    if not isinstance(value, timedelta) or value <= timedelta(0):
        raise ValidationError(
            f"{name} is a timedelta > 0, got {value!r}", path=f"Dispatcher.{name}"
        )
    return value


class Dispatcher:
    """Deliver the outbox's events to ``handler``, at least once, in order per lead.

    ``unit_of_work`` makes a fresh unit of work (``store.unit_of_work``,
    ``functools.partial(SqliteUnitOfWork, path)``). Each round claims up to ``batch``
    events for ``lease`` in one transaction, calls ``handler(event)`` for each outside
    any transaction, and marks each delivered in a short transaction of its own. A
    handler that raises gets the event back for a retry after ``backoff`` (doubling per
    attempt, at most ``max_backoff``); the lead's later events wait behind it. A crash
    anywhere leaves the event undelivered, and it is claimed again once the lease runs
    out: so the handler should be idempotent (``event.id`` is deterministic).
    """

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        handler: Callable[[DomainEvent], object],
        *,
        batch: int = 100,
        lease: timedelta = timedelta(seconds=60),
        backoff: timedelta = timedelta(seconds=5),
        max_backoff: timedelta = timedelta(hours=1),
        clock: Callable[[], datetime] | None = None,
        name: str | None = None,
    ) -> None:
        if not callable(unit_of_work) or not callable(handler):
            raise ValidationError("unit_of_work and handler are callables", path="Dispatcher")
        if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
            raise ValidationError(f"batch is an int >= 1, got {batch!r}", path="Dispatcher.batch")
        self._unit_of_work = unit_of_work
        self._handler = handler
        self.batch = batch
        self.lease = _positive("lease", lease)
        self.backoff = _positive("backoff", backoff)
        self.max_backoff = _positive("max_backoff", max_backoff)
        self._clock = clock or (lambda: datetime.now(UTC))
        self.name = name or f"dispatcher-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def retry_delay(self, attempts: int) -> timedelta:
        """How long an event waits after its ``attempts``-th failed delivery."""
        factor: int = 2 ** min(max(attempts - 1, 0), 30)
        return min(self.backoff * factor, self.max_backoff)

    def _claim(self) -> list[OutboxEntry]:
        try:
            with self._unit_of_work() as uow:
                claimed = uow.outbox.claim(
                    token=self.name, now=self._clock(), lease=self.lease, limit=self.batch
                )
                uow.commit()
                return claimed
        except ConcurrencyError:
            return []  # another dispatcher claimed at the same moment: next round

    def _settle(self, entry: OutboxEntry, error: BaseException | None) -> bool:
        for _ in range(_SETTLE_TRIES - 1):
            try:
                return self._settle_once(entry, error)
            except ConcurrencyError:
                continue  # a serialisation conflict with another dispatcher's mark
        return self._settle_once(entry, error)

    def _settle_once(self, entry: OutboxEntry, error: BaseException | None) -> bool:
        with self._unit_of_work() as uow:
            now = self._clock()
            if error is None:
                done = uow.outbox.mark_delivered(entry.id, token=self.name, at=now)
            else:
                done = uow.outbox.mark_failed(
                    entry.id,
                    token=self.name,
                    error=f"{type(error).__name__}: {error}",
                    retry_at=now + self.retry_delay(entry.attempts),
                )
            uow.commit()
            return done

    def _release(self, entries: list[OutboxEntry]) -> None:
        with self._unit_of_work() as uow:
            for entry in entries:
                uow.outbox.release(entry.id, token=self.name)
            uow.commit()

    def run_once(self) -> DispatchReport:
        """One round: claim, deliver, mark."""
        claimed = self._claim()
        delivered = failed = lost = 0
        stopped: set[str] = set()
        skipped: list[OutboxEntry] = []
        for entry in claimed:
            key = entry.lead_id or entry.id
            if key in stopped:
                skipped.append(entry)  # an earlier event of this lead failed: keep order
                continue
            try:
                self._handler(entry.event)
            except Exception as exc:  # the handler's failure is the event's, not ours
                stopped.add(key)
                failed += 1
                self._settle(entry, exc)
                continue
            if self._settle(entry, None):
                delivered += 1
            else:
                lost += 1
                stopped.add(key)
        if skipped:
            self._release(skipped)
        return DispatchReport(len(claimed), delivered, failed, lost)

    def run_until_idle(self, *, max_rounds: int = 1000) -> DispatchReport:
        """Rounds until one claims nothing (or ``max_rounds``); the totals."""
        total = DispatchReport()
        for _ in range(max_rounds):
            report = self.run_once()
            total = DispatchReport(
                total.claimed + report.claimed,
                total.delivered + report.delivered,
                total.failed + report.failed,
                total.lost_claims + report.lost_claims,
            )
            if report.claimed == 0:
                break
        return total
