"""The stage functions on stored histories (issue 19): ``store_move`` and
``store_classification`` keep each move and the status it gives the lead in the unit of
work's transaction; the stored history is the one the pure functions build."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadkit.errors import IllegalTransitionError
from leadkit.model import Lead, PersonName, Task, TaskStatus
from leadkit.repository import InMemoryStore, SqliteUnitOfWork, UnitOfWorkFactory
from leadkit.stages import (
    MqlRule,
    Stage,
    StageHistory,
    StagePolicy,
    accept,
    classify,
    disqualify,
    record_activity,
    recycle,
    reject,
    store_classification,
    store_move,
    transition,
)

T0 = datetime(2026, 4, 1, 9, tzinfo=UTC)


def _lead(lead_id: str = "l-1") -> Lead:
    return Lead(id=lead_id, name=PersonName("佐藤"), company="ABC", created_at=T0)


@pytest.fixture(params=["memory", "sqlite"])
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> UnitOfWorkFactory:
    if request.param == "memory":
        return InMemoryStore().unit_of_work
    return functools.partial(SqliteUnitOfWork, tmp_path / "crm.db")


def test_a_rejected_mql_is_stored_with_its_reason_and_status(factory: UnitOfWorkFactory) -> None:
    """The default status policy: an MQL rejected by sales goes to Nurturing; the reason
    is recorded by its api name (docs/inside-sales.md, "Decisions that are kept")."""
    with factory() as uow:
        uow.leads.add(_lead())
        store_move(uow, "l-1", transition, Stage.INQUIRY, at=T0, by="form")
        store_move(uow, "l-1", transition, Stage.MQL, at=T0 + timedelta(hours=1), by="policy")
        uow.commit()
    with factory() as uow:
        store_move(uow, "l-1", reject, at=T0 + timedelta(days=1), by="u-1", reason="予算なし")
        uow.commit()
    with factory() as uow:
        history = uow.stage_histories.get("l-1")
        lead = uow.leads.get("l-1")
    assert [t.to_stage for t in history] == [Stage.INQUIRY, Stage.MQL, Stage.RECYCLED]
    assert history.transitions[-1].reason == "No Budget"
    assert lead.status == "Nurturing"
    assert history.status_changes[-1].at == T0 + timedelta(days=1)


def test_a_first_call_moves_the_stored_status(factory: UnitOfWorkFactory) -> None:
    call = Task(
        subject="架電",
        lead_id="l-1",
        created_at=T0,
        status=TaskStatus.COMPLETED,
        completed_at=T0 + timedelta(hours=2),
    )
    with factory() as uow:
        uow.leads.add(_lead())
        store_move(uow, "l-1", record_activity, call, as_of=T0 + timedelta(days=1))
        uow.commit()
    with factory() as uow:
        assert uow.leads.get("l-1").status == "Working - Contacted"
        assert uow.stage_histories.get("l-1").status_changes[0].at == T0 + timedelta(hours=2)


def test_an_illegal_move_stores_nothing(factory: UnitOfWorkFactory) -> None:
    with factory() as uow:
        uow.leads.add(_lead())
        store_move(uow, "l-1", transition, Stage.INQUIRY, at=T0, by="form")
        uow.commit()
    with factory() as uow:
        with pytest.raises(IllegalTransitionError):
            store_move(uow, "l-1", accept, at=T0, by="u-1")  # an Inquiry is not an MQL
        assert uow.stage_histories.get("l-1").current is Stage.INQUIRY


def test_a_classification_is_stored(factory: UnitOfWorkFactory) -> None:
    policy = StagePolicy(mql=MqlRule(min_score=100))
    lead = _lead()
    decided = classify(lead, score=150, policy=policy, as_of=T0 + timedelta(days=1))
    with factory() as uow:
        uow.leads.add(lead)
        history = store_classification(uow, decided)
        uow.commit()
    with factory() as uow:
        assert uow.stage_histories.get("l-1") == history
    assert history.current is Stage.MQL
    assert list(history.transitions) == list(decided.proposed)


# A move and its options, from the history as it is: (function, args, options) or None.
Move = tuple[Callable[..., StageHistory], tuple[Any, ...], dict[str, Any]]


def _move(history: StageHistory, choice: int, at: datetime) -> Move | None:
    current = history.current
    who: dict[str, Any] = {"at": at, "by": f"u-{choice % 3}"}
    if current is None:
        return (transition, (Stage.INQUIRY,), who)
    if current in (Stage.INQUIRY, Stage.RECYCLED):
        return (
            (transition, (Stage.MQL,), who)
            if choice % 2
            else (disqualify, (), {**who, "reason": "対象外"})
        )
    if current is Stage.MQL:
        moves: list[Move] = [
            (accept, (), who),
            (reject, (), {**who, "reason": "予算なし"}),
            (disqualify, (), {**who, "reason": "競合"}),
        ]
        return moves[choice % 3]
    if current in (Stage.SAL, Stage.DISQUALIFIED):
        return (recycle, (), {**who, "reason": "再育成"})
    return None


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(choices=st.lists(st.integers(0, 5), min_size=1, max_size=8), commit_every=st.integers(1, 3))
def test_the_stored_history_is_the_one_the_pure_functions_build(
    tmp_path: Path, choices: list[int], commit_every: int
) -> None:
    """Any sequence of moves, stored a few at a time on SQLite, reads back equal to the
    history built in memory, and the lead's stored status is the history's."""
    path = tmp_path / f"s-{len(list(tmp_path.iterdir()))}.db"
    with SqliteUnitOfWork(path) as uow:
        uow.leads.add(_lead())
        uow.commit()
    pure = StageHistory("l-1")
    at = T0
    for start in range(0, len(choices), commit_every):
        with SqliteUnitOfWork(path) as uow:
            for choice in choices[start : start + commit_every]:
                at += timedelta(hours=choice)
                move = _move(pure, choice, at)
                if move is None:
                    continue
                function, args, options = move
                pure = function(pure, *args, **options)
                assert store_move(uow, "l-1", function, *args, **options) == pure
            uow.commit()
    with SqliteUnitOfWork(path) as uow:
        assert uow.stage_histories.of("l-1") == pure
        assert uow.leads.get("l-1").status == (pure.status or "Open - Not Contacted")
