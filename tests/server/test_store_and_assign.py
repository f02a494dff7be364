"""Store and assign in one unit of work (issue 18): a web-to-lead submission's lead, its
owner and the routing turn it took, its rate-limit counts and (from the pending queue)
its removal from the queue are written in one transaction. A failure at any write step
leaves nothing; a run that gets through leaves everything; never a stored lead without
an owner. No HTTP here: :class:`~leadkit.server.WebToLead` is the server without it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest

from leadkit.errors import ConcurrencyError
from leadkit.model import OwnerRef, User
from leadkit.repository import (
    InMemoryStore,
    PendingQueueRepository,
    PendingQueueUnitOfWork,
    RoutingStateRepository,
    SqliteUnitOfWork,
    UnitOfWorkFactory,
)
from leadkit.routing import AssignmentRules, Roster, RoundRobin, Router, RuleEntry, in_region
from leadkit.server import WebToLead, load_form_definition, process_pending
from leadkit.server._intake import COUNT_PREFIX, RETRIES
from leadkit.testing.contract import FailingUnitOfWork, snapshot

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
SINCE, UNTIL = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
USERS = [User(id="u-1", name="佐藤"), User(id="u-2", name="鈴木")]
FORM = {
    "name": "contact-us",
    "fields": {"company": "company", "last_name": "name.family", "email": "email",
               "state": "address.state"},
    "limits": {"daily": 10, "per_client": 50, "queue_size": 10},
}  # fmt: skip


def _router() -> Router:
    rules = AssignmentRules(
        [RuleEntry(in_region("関東"), RoundRobin(["u-1", "u-2"]), name="Kanto")],
        default_owner=OwnerRef.queue("inbound"),
    )
    return Router(rules, roster=Roster(USERS))


def _lead(n: int) -> dict[str, str]:
    return {"company": f"株式会社{n}", "last_name": "山田", "email": f"u{n}@ex{n}.jp",
            "state": "東京都"}  # fmt: skip


class _Counted:
    """A repository whose writes (``set``, ``add``, ``remove``) are steps of ``owner``."""

    def __init__(self, inner: Any, owner: FailingUnitOfWork, name: str) -> None:
        self._inner, self._owner, self._name = inner, owner, name

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._inner, attr)
        if attr not in ("set", "add", "remove", "forget"):
            return value
        return lambda *a, **k: self._owner._step(f"{self._name}.{attr}", lambda: value(*a, **k))


class _Crashing(FailingUnitOfWork):
    """:class:`FailingUnitOfWork` where the routing state, the rate limits and the
    pending queue count too: every write of a submission is a step that can fail."""

    @property
    def routing_state(self) -> RoutingStateRepository:
        return cast(RoutingStateRepository, _Counted(self.inner.routing_state, self, "state"))

    @property
    def rate_limits(self) -> Any:
        return _Counted(self.inner.rate_limits, self, "rate_limits")

    @property
    def pending_submissions(self) -> PendingQueueRepository:
        inner = cast(PendingQueueUnitOfWork, self.inner).pending_submissions
        return cast(PendingQueueRepository, _Counted(inner, self, "pending"))


def _everything(factory: UnitOfWorkFactory) -> tuple[Any, ...]:
    """Every record, the routing state (without the server's counts, which count the
    failures too), the rate-limit hits and the pending queue."""
    records = snapshot(factory)
    with factory() as uow:
        state = {
            k: v for k, v in uow.routing_state.items().items() if not k.startswith(COUNT_PREFIX)
        }
        hits = {
            key: uow.rate_limits.hits(key, after=SINCE, until=UNTIL)
            for key in ("client:203.0.113.9", "daily:contact-us")
        }
        pending = [p.id for p in cast(PendingQueueUnitOfWork, uow).pending_submissions.oldest(99)]
    return records, state, hits, pending


@pytest.fixture(params=["sqlite", "memory"])
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> UnitOfWorkFactory:
    made: UnitOfWorkFactory
    if request.param == "sqlite":
        made = functools.partial(SqliteUnitOfWork, tmp_path / "crm.db")
    else:
        made = InMemoryStore().unit_of_work
    with made() as uow:
        for user in USERS:
            uow.users.add(user)
        uow.commit()
    return made


def _crash_at_every_step(
    factory: UnitOfWorkFactory, run: Callable[[UnitOfWorkFactory], object]
) -> tuple[list[int], int]:
    """Run ``run`` with units of work failing at write step 1, 2 ... until a run gets
    through; after each failure the store must be exactly as before. Returns the steps
    that failed and how many steps the run that got through took."""
    before = _everything(factory)
    failures: list[int] = []
    for step in range(1, 100):
        units: list[_Crashing] = []

        def crashing(step: int = step, units: list[_Crashing] = units) -> _Crashing:
            unit = _Crashing(factory(), fail_at=step)
            units.append(unit)
            return unit

        run(crashing)
        if not any(unit.steps >= step for unit in units):  # no unit reached the fault
            return failures, max(unit.steps for unit in units)
        failures.append(step)
        assert _everything(factory) == before, f"a failure at step {step} left a trace"
    raise AssertionError("the run never got through")


def test_a_crash_at_any_write_step_of_a_submission_leaves_nothing(
    factory: UnitOfWorkFactory,
) -> None:
    form = load_form_definition(FORM)
    before = _everything(factory)
    answers: list[int] = []

    def submit(crashing: UnitOfWorkFactory) -> object:
        answer = WebToLead(crashing, form, router=_router(), clock=lambda: T0).submit(
            _lead(1), client="203.0.113.9"
        )
        answers.append(answer.status)
        return answer

    failures, steps = _crash_at_every_step(factory, submit)
    # the rate-limit counts, the routing turn's state keys, the lead, its event, the commit
    assert steps >= 6
    assert failures == list(range(1, steps + 1))
    assert answers[:-1] == [503] * len(failures)  # each failure: storage unavailable
    assert answers[-1] == 201
    records, state, hits, _ = _everything(factory)
    (lead,) = records["leads"]
    assert lead.owner == OwnerRef.user("u-1")  # stored with its owner, in one go
    assert [e.lead_id for e in records["engagement_events"]] == [lead.id]
    assert state != before[1]  # the turn taken is recorded with the lead
    assert [len(h) for h in hits.values()] == [1, 1]


def _always(unit: _Crashing) -> UnitOfWorkFactory:
    return lambda: unit


def test_a_write_that_fails_after_writing_is_rolled_back_too(
    factory: UnitOfWorkFactory,
) -> None:
    form = load_form_definition(FORM)
    before = _everything(factory)
    for step in range(1, 100):
        unit = _Crashing(factory(), fail_at=step, when="after")
        server = WebToLead(_always(unit), form, router=_router(), clock=lambda: T0)
        answer = server.submit(_lead(1), client="203.0.113.9")
        after = _everything(factory)
        if "(commit)" in str(answer.body.get("problems", "")):
            break  # the commit was written before the fault: all of it is there
        assert answer.status == 503, answer
        assert after == before, f"a failure after step {step} left a trace"
    else:
        raise AssertionError("never reached the commit")
    (lead,) = after[0]["leads"]
    assert lead.owner == OwnerRef.user("u-1")
    assert after[1] != before[1]


def test_the_next_submission_takes_the_next_turn_after_a_crash(
    factory: UnitOfWorkFactory,
) -> None:
    """A crashed submission gives no turn away: u-1, then u-2 (RoundRobin's order)."""
    form = load_form_definition(FORM)
    crashed = _Crashing(factory(), fail_at=4)
    assert WebToLead(lambda: crashed, form, router=_router(), clock=lambda: T0).submit(
        _lead(1)
    ).status == 503  # fmt: skip
    server = WebToLead(factory, form, router=_router(), clock=lambda: T0)
    owners = [server.submit(_lead(n)).body["owner"] for n in (2, 3)]
    assert owners == ["user:u-1", "user:u-2"]


def test_a_pending_submission_is_taken_off_the_queue_stored_and_assigned_together(
    factory: UnitOfWorkFactory,
) -> None:
    form = load_form_definition({**FORM, "limits": {"daily": 1, "queue_size": 10}})
    server = WebToLead(factory, form, router=_router(), clock=lambda: T0)
    assert server.submit(_lead(1)).status == 201
    assert server.submit(_lead(2)).status == 202  # over the daily limit: queued
    tomorrow = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)

    def drain(crashing: UnitOfWorkFactory) -> object:
        return process_pending(crashing, form, router=_router(), as_of=tomorrow)

    failures, steps = _crash_at_every_step(factory, drain)
    # the queue's removal, the daily count, the routing state, the lead, the event, commit
    assert steps >= 6
    assert failures == list(range(1, steps + 1))
    records, _, _, pending = _everything(factory)
    assert pending == []
    assert [lead.owner for lead in records["leads"]] == [OwnerRef.user(u) for u in ("u-1", "u-2")]


class _Conflicting:
    """Units of work whose first ``conflicts`` commits raise ConcurrencyError (as a
    PostgreSQL serialization failure does), rolling back."""

    def __init__(self, factory: UnitOfWorkFactory, conflicts: int) -> None:
        self.factory = factory
        self.conflicts = conflicts

    def __call__(self) -> Any:
        unit = self.factory()
        if self.conflicts <= 0:
            return unit
        self.conflicts -= 1

        def commit() -> None:
            raise ConcurrencyError("could not serialize access", path="commit")

        unit.commit = commit  # type: ignore[method-assign]
        return unit


def test_a_conflict_with_a_concurrent_submission_is_run_again(
    factory: UnitOfWorkFactory,
) -> None:
    form = load_form_definition(FORM)
    server = WebToLead(_Conflicting(factory, 3), form, router=_router(), clock=lambda: T0)
    answer = server.submit(_lead(1))
    assert answer.status == 201, answer
    with factory() as uow:
        assert [lead.owner for lead in uow.leads.all()] == [OwnerRef.user("u-1")]


def test_too_many_conflicts_answer_503_with_nothing_written(factory: UnitOfWorkFactory) -> None:
    form = load_form_definition(FORM)
    before = _everything(factory)
    server = WebToLead(_Conflicting(factory, RETRIES + 1), form, router=_router(), clock=lambda: T0)
    answer = server.submit(_lead(1))
    assert answer.status == 503
    assert answer.body["reason"] == "storage"
    assert _everything(factory) == before


def test_a_submission_that_waited_behind_a_later_one_still_sees_its_count(
    factory: UnitOfWorkFactory,
) -> None:
    """Submissions take their time before waiting for the store: one received at 9:00
    stored after one received at 9:01 must still find the day's single place taken
    (the serve_load benchmark stored 2,002 leads under a daily limit of 2,000 before)."""
    form = load_form_definition({**FORM, "limits": {"daily": 1, "queue_size": 10}})
    later = WebToLead(factory, form, clock=lambda: T0 + timedelta(minutes=1))
    earlier = WebToLead(factory, form, clock=lambda: T0)
    assert later.submit(_lead(1), client="203.0.113.9").status == 201
    assert earlier.submit(_lead(2), client="203.0.113.9").status == 202  # queued
    with factory() as uow:
        assert len(uow.leads.all()) == 1


def test_a_conflict_while_queueing_is_run_again(factory: UnitOfWorkFactory) -> None:
    """Over the daily limit every submission reads the queue's length and adds to it:
    on PostgreSQL concurrent ones conflict (the benchmark answered 503 to 75 of 1,000)."""
    form = load_form_definition({**FORM, "limits": {"daily": 1, "queue_size": 10}})
    assert WebToLead(factory, form, clock=lambda: T0).submit(_lead(1)).status == 201
    server = WebToLead(_Conflicting(factory, 3), form, clock=lambda: T0)
    assert server.submit(_lead(2)).status == 202
    with factory() as uow:
        assert len(cast(PendingQueueUnitOfWork, uow).pending_submissions.oldest(9)) == 1
