"""Web-to-lead behind HTTP, without HTTP: one submission in, one answer out.

:class:`WebToLead` runs :func:`~leadkit.intake.intake` with the form definition's
limits, stores the lead through the unit of work, routes it, and says what happened as
an :class:`Answer` (an HTTP status and a JSON body); over the daily limit it puts the
submission in the pending queue, which :func:`process_pending` empties as the limit
allows. The ASGI app (:mod:`leadkit.server._app`) only translates requests.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import attrs

from leadkit.dedupe import DEFAULT_LEAD_DUPLICATE_RULES, DuplicateRuleSet
from leadkit.errors import ConcurrencyError, LeadkitError, format_path
from leadkit.intake import IntakeOutcome, IntakeResult, RateDecision, UnitOfWorkRateLimiter, intake
from leadkit.model import Lead
from leadkit.repository import (
    PendingQueueUnitOfWork,
    PendingSubmission,
    RateLimitRepository,
    UnitOfWork,
    UnitOfWorkFactory,
)
from leadkit.routing import InMemoryState, Router, RoutingDecision, StateTransaction
from leadkit.server._form import FormDefinition

__all__ = ["Answer", "PendingReport", "WebToLead", "process_pending"]

DAY = timedelta(days=1)
COUNT_PREFIX = "leadkit.server/"
"""The routing-state keys of the server's counts start with this, then the form name."""

log = logging.getLogger("leadkit.server")


@attrs.frozen
class Answer:
    """What the server answers: an HTTP status, the outcome's name and a JSON body."""

    status: int
    outcome: str
    body: Mapping[str, Any]
    lead_id: str | None = None


@attrs.frozen
class PendingReport:
    """One pass over the pending queue: how many became leads (or events on a duplicate),
    how many were rejected after all (a blocking duplicate rule with nothing to record
    them on), how many still wait."""

    processed: int
    rejected: int
    remaining: int


class _Limits:
    """The limits of one intake call, taken inside intake's unit of work: the client's
    rate limit, then the daily limit; a pending submission is also taken off the queue
    there, so that the queue and the new lead commit together."""

    def __init__(
        self,
        definition: FormDefinition,
        *,
        uow: PendingQueueUnitOfWork,
        now: datetime,
        per_client: bool = True,
        pending_id: str | None = None,
    ) -> None:
        self.definition = definition
        self.uow = uow
        self.now = now
        self.per_client = per_client
        self.pending_id = pending_id
        self.refused: str | None = None  # "client", "daily" or "taken"

    def hit(self, key: str, *, as_of: datetime) -> RateDecision:  # pragma: no cover
        raise NotImplementedError("counted in the unit of work only")

    def refund(self, key: str, *, as_of: datetime) -> bool:  # pragma: no cover
        return False

    def take(self, limits: RateLimitRepository, key: str, *, as_of: datetime) -> RateDecision:
        form = self.definition
        if self.per_client and form.per_client is not None:
            limiter = _limiter(self.uow, form.per_client, form.per_client_window)
            client = f"client:{key}"
            decision = limiter.take(limits, client, as_of=_counted_at(limits, client, self.now))
            if not decision.allowed:
                self.refused = "client"
                return decision
        if form.daily is not None:
            limiter = _limiter(self.uow, form.daily, DAY)
            daily = f"daily:{form.form.name}"
            decision = limiter.take(limits, daily, as_of=_counted_at(limits, daily, self.now))
            if not decision.allowed:
                self.refused = "daily"
                return decision
        if self.pending_id is not None and not self.uow.pending_submissions.remove(self.pending_id):
            self.refused = "taken"  # another process stored it meanwhile
            return RateDecision(key, False, 0, 1, DAY)
        return RateDecision(key, True, 0, 1, DAY)


def _counted_at(limits: RateLimitRepository, key: str, now: datetime) -> datetime:
    """When a submission received at ``now`` counts in ``key``'s limit: ``now``, or the
    latest count if that is later. Submissions take their time before they wait for the
    store; one that waited behind a later one must still see that one's count (a window
    ending at ``now`` would not), else concurrent submissions could pass the limit."""
    latest = limits.latest(key)
    return now if latest is None or latest <= now else latest


def _limiter(uow: PendingQueueUnitOfWork, limit: int, window: timedelta) -> UnitOfWorkRateLimiter:
    # Only take() is used, in the caller's unit of work; the factory is never called.
    return UnitOfWorkRateLimiter(lambda: uow, limit=limit, window=window)


def _problems(result: IntakeResult) -> list[dict[str, str]]:
    return [{"path": format_path(p.path), "message": p.message} for p in result.problems]


class _UnitState:
    """The routing state of one open unit of work, as a :class:`RoutingState`: the
    routing turn is taken in the transaction that stores the lead and commits (or rolls
    back) with it, never on its own."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    @contextmanager
    def _transaction(self) -> Iterator[StateTransaction]:
        yield self._uow.routing_state

    def transaction(self) -> AbstractContextManager[StateTransaction]:
        """The unit of work's routing state (no commit of its own)."""
        return self._transaction()

    def snapshot(self) -> InMemoryState:
        """An in-memory copy of the values the unit of work sees."""
        return InMemoryState(self._uow.routing_state.items())


class _Assignment:
    """Intake's ``assign``: the new lead routed in intake's own unit of work, so that the
    lead, its owner and the routing turn are written in one transaction (a crash
    between them leaves nothing, not an unassigned lead). A lead that has an owner
    already keeps it and takes no turn."""

    def __init__(self, router: Router, now: datetime) -> None:
        self.router = router
        self.now = now
        self.decision: RoutingDecision | None = None

    def __call__(self, lead: Lead, uow: UnitOfWork) -> Lead:
        self.decision = None
        if lead.owner is not None:
            return lead
        decision = self.router.route(lead, as_of=self.now, state=_UnitState(uow), explain=False)
        self.decision = decision
        return attrs.evolve(lead, owner=decision.owner)


RETRIES = 20
"""How many times a submission is run again after a conflict with a concurrent one
(:class:`~leadkit.errors.ConcurrencyError`, such as PostgreSQL's serialization
failure), before it is answered 503."""


def _conflicted(result: IntakeResult) -> bool:
    """True when ``result`` was rejected because a concurrent unit of work conflicted."""
    code = f"[{ConcurrencyError.code}]"
    return result.outcome is IntakeOutcome.REJECTED and any(
        p.path == ("storage",) and p.message.startswith(code) for p in result.problems
    )


def _pause(attempt: int) -> None:
    # Jittered and growing (5 ms, 10 ms ... up to 200 ms), so that the runs that
    # conflicted do not meet again.
    time.sleep(random.uniform(0, min(0.2, 0.005 * 2**attempt)))


def _created(result: IntakeResult, decision: RoutingDecision | None) -> Answer:
    lead = cast(Lead, result.lead)
    body: dict[str, Any] = {"outcome": "created", "lead_id": lead.id}
    if decision is not None:
        body["owner"] = str(decision.owner)
    if result.matches:
        body["outcome"] = "duplicate_alert"
        body["possible_duplicates"] = [pair.right for pair in result.matches]
    return Answer(201, str(body["outcome"]), body, lead.id)


def _matched(result: IntakeResult) -> Answer:
    event = result.event
    kind, id = ("contact", None if event is None else event.contact_id)
    if event is not None and event.lead_id:
        kind, id = "lead", event.lead_id
    body = {"outcome": "duplicate", "recorded_on": {"kind": kind, "id": id}}
    return Answer(200, "duplicate", body)


def _rejected(result: IntakeResult, limits: _Limits) -> Answer:
    problems = _problems(result)
    paths = {p["path"] for p in problems}
    if limits.refused == "client":
        body = {"outcome": "blocked", "reason": "rate_limit", "problems": problems}
        return Answer(429, "blocked", body)
    if any(p["message"].startswith("spam:") for p in problems):
        return Answer(403, "blocked", {"outcome": "blocked", "reason": "spam", "problems": []})
    if "duplicate" in paths:
        body = {"outcome": "blocked", "reason": "duplicate", "problems": problems}
        return Answer(409, "blocked", body)
    if "storage" in paths:
        body = {"outcome": "unavailable", "reason": "storage", "problems": problems}
        return Answer(503, "unavailable", body)
    return Answer(422, "invalid", {"outcome": "invalid", "problems": problems})


class WebToLead:
    """Submissions to one form, stored through ``factory``'s units of work (which must keep
    a pending queue: every leadkit adapter does).

    With ``router``, a new lead is assigned in the transaction that stores it: the lead,
    its owner and the routing turn taken commit together or not at all. A submission
    that conflicts with a concurrent one (:class:`~leadkit.errors.ConcurrencyError`)
    is run again, up to :data:`RETRIES` times.

    ``clock`` gives the time of each submission (the wall clock by default; tests give
    their own). Thread-safe.

    The counts of each outcome (:attr:`counts`, :meth:`status`) are kept in the store,
    in its routing state under ``leadkit.server/<form>/<name>/<process>`` keys: every
    process serving the form on one database reports the same totals. Each process adds
    to keys of its own (host and process id), in a small transaction after the answer
    is known, so processes never conflict over them; a count that cannot be written
    (the store is down) is kept and added with the next one.
    """

    def __init__(
        self,
        factory: UnitOfWorkFactory,
        definition: FormDefinition,
        *,
        rules: DuplicateRuleSet | None = DEFAULT_LEAD_DUPLICATE_RULES,
        router: Router | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.factory = factory
        self.definition = definition
        self.rules = rules
        self.router = router
        self.clock = clock
        self._unsaved: Counter[str] = Counter()
        self._lock = threading.Lock()

    @property
    def _prefix(self) -> str:
        return f"{COUNT_PREFIX}{self.definition.form.name}/"

    @property
    def counts(self) -> dict[str, int]:
        """How many submissions had each outcome, over every process on the store:
        ``created``, ``duplicate_alert``, ``duplicate``, ``queued``, ``blocked``,
        ``invalid``, ``unavailable``, then ``refused_queue_full`` (among the
        ``unavailable``), ``pending_processed`` and ``pending_rejected``, and
        ``http_<status>`` per HTTP status answered."""
        with self._unit() as uow:
            items = uow.routing_state.items()
        totals: Counter[str] = Counter()
        for key, value in items.items():
            if key.startswith(self._prefix):
                name = key[len(self._prefix) :].rpartition("/")[0]
                totals[name] += value
        with self._lock:
            totals.update(self._unsaved)  # this process's counts not written yet
        return dict(sorted(totals.items()))

    def status(self) -> dict[str, Any]:
        """What ``GET /status`` answers: the form, the pending queue and its size, the
        daily limit, :attr:`counts`, ``accepted`` (answers 2xx: stored, recorded on a
        duplicate or queued) and ``refused`` (answers 4xx and 5xx)."""
        counts = self.counts
        by_status = {
            int(name.removeprefix("http_")): n
            for name, n in counts.items()
            if name.startswith("http_")
        }
        return {
            "form": self.definition.form.name,
            "pending": self.pending_count(),
            "queue_size": self.definition.queue_size,
            "daily_limit": self.definition.daily,
            "accepted": sum(n for code, n in by_status.items() if 200 <= code < 300),
            "refused": sum(n for code, n in by_status.items() if code >= 400),
            "counts": counts,
        }

    def _count(self, names: Mapping[str, int]) -> None:
        """Add ``names``' counts to this process's keys in the store."""
        shard = f"{socket.gethostname()}:{os.getpid()}".replace("/", "_")
        with self._lock:
            self._unsaved.update({name: n for name, n in names.items() if n})
            for attempt in range(RETRIES + 1):
                try:
                    with self.factory() as uow:
                        state = uow.routing_state
                        for name, n in self._unsaved.items():
                            key = f"{self._prefix}{name}/{shard}"
                            state.set(key, (state.get(key) or 0) + n)
                        uow.commit()
                except ConcurrencyError:
                    _pause(attempt)
                    continue
                except LeadkitError as error:  # the store is down: added with the next
                    log.warning("counts not stored yet: %s", error)
                    return
                self._unsaved.clear()
                return

    def _unit(self) -> PendingQueueUnitOfWork:
        return cast(PendingQueueUnitOfWork, self.factory())

    def submit(self, fields: Mapping[str, object], *, client: str | None = None) -> Answer:
        """Take one submission: stored and routed (201), recorded on the duplicate it
        matches (200), queued over the daily limit (202), or refused with the reasons
        (403 spam, 409 blocked duplicate, 422 invalid fields, 429 rate limit, 503 full
        queue or storage unavailable)."""
        now = self.clock()
        for attempt in range(RETRIES + 1):
            uow = self._unit()
            limits = _Limits(self.definition, uow=uow, now=now)
            assignment = None if self.router is None else _Assignment(self.router, now)
            result = intake(
                fields,
                as_of=now,
                mapping=self.definition.form,
                rules=self.rules,
                uow=uow,
                rate_limiter=limits,
                client=client,
                assign=assignment,
            )
            if not _conflicted(result) or attempt == RETRIES:
                break
            _pause(attempt)  # a concurrent submission won: nothing was written, run again
        if result.outcome is IntakeOutcome.REJECTED and limits.refused == "daily":
            answer = self._queue(result, now)
        elif result.outcome is IntakeOutcome.CREATED:
            answer = _created(result, None if assignment is None else assignment.decision)
        elif result.outcome is IntakeOutcome.MATCHED:
            answer = _matched(result)
        else:
            answer = _rejected(result, limits)
        counted = Counter({answer.outcome: 1, f"http_{answer.status}": 1})
        if answer.body.get("reason") == "queue_full":
            counted["refused_queue_full"] += 1
        self._count(counted)
        return answer

    def _queue(self, result: IntakeResult, now: datetime) -> Answer:
        submission = result.submission
        item = PendingSubmission(
            id=f"pending-{uuid.uuid4().hex}",
            form=submission.form,
            fields=submission.fields,
            received_at=submission.received_at,
            client=submission.client,
        )
        size = self.definition.queue_size
        for attempt in range(RETRIES + 1):
            try:
                with self._unit() as uow:
                    queue = uow.pending_submissions
                    waiting = queue.count()
                    if waiting >= size:
                        body = {
                            "outcome": "unavailable",
                            "reason": "queue_full",
                            "message": f"over the daily limit and the pending queue is full "
                            f"({waiting} of {size}); nothing was stored: try again later",
                        }
                        return Answer(503, "unavailable", body)
                    queue.add(item)
                    uow.commit()
                break
            except ConcurrencyError as error:  # a concurrent one queued meanwhile: again
                if attempt == RETRIES:
                    body = {"outcome": "unavailable", "reason": "storage", "message": str(error)}
                    return Answer(503, "unavailable", body)
                _pause(attempt)
            except LeadkitError as error:
                body = {"outcome": "unavailable", "reason": "storage", "message": str(error)}
                return Answer(503, "unavailable", body)
        body = {
            "outcome": "queued",
            "pending_id": item.id,
            "message": "over the daily limit: kept in the pending queue, processed when the "
            "limit allows",
        }
        return Answer(202, "queued", body)

    def process_pending(self, *, limit: int = 100) -> PendingReport:
        """:func:`process_pending` for this form, at the clock's time; counted."""
        report = process_pending(
            self.factory,
            self.definition,
            rules=self.rules,
            router=self.router,
            as_of=self.clock(),
            limit=limit,
        )
        self._count({"pending_processed": report.processed, "pending_rejected": report.rejected})
        return report

    def pending_count(self) -> int:
        """How many submissions wait in the pending queue."""
        with self._unit() as uow:
            return uow.pending_submissions.count()


def process_pending(
    factory: UnitOfWorkFactory,
    definition: FormDefinition,
    *,
    as_of: datetime,
    rules: DuplicateRuleSet | None = DEFAULT_LEAD_DUPLICATE_RULES,
    router: Router | None = None,
    limit: int = 100,
) -> PendingReport:
    """Turn up to ``limit`` queued submissions into leads, oldest first, while the daily
    limit allows (the Web-to-Lead pending queue).

    Each is taken off the queue in the same transaction that stores its lead (and assigns
    it through ``router``), counts in the daily limit at ``as_of`` and keeps the time it
    was received; the first one the
    limit refuses stops the pass. One a blocking duplicate rule rejects (nothing to
    record it on) is taken off and counted as rejected; a storage failure leaves it
    queued for the next pass.
    """
    processed = rejected = 0
    with factory() as uow:
        waiting = cast(PendingQueueUnitOfWork, uow).pending_submissions.oldest(limit)
    for item in waiting:
        for attempt in range(RETRIES + 1):
            unit = cast(PendingQueueUnitOfWork, factory())
            limits = _Limits(definition, uow=unit, now=as_of, per_client=False, pending_id=item.id)
            result = intake(
                item.fields,
                as_of=item.received_at,
                mapping=definition.form,
                rules=rules,
                uow=unit,
                rate_limiter=limits,
                client=item.client,
                assign=None if router is None else _Assignment(router, as_of),
            )
            if not _conflicted(result) or attempt == RETRIES:
                break
            _pause(attempt)
        if result.outcome is IntakeOutcome.REJECTED:
            if limits.refused == "taken":
                continue
            if limits.refused is not None or any(p.path == ("storage",) for p in result.problems):
                break  # the limit is reached, or the store is busy: try again later
            with cast(PendingQueueUnitOfWork, factory()) as removal:
                if removal.pending_submissions.remove(item.id):
                    removal.commit()
                    rejected += 1
            continue
        processed += 1
    with factory() as uow:
        remaining = cast(PendingQueueUnitOfWork, uow).pending_submissions.count()
    return PendingReport(processed, rejected, remaining)
