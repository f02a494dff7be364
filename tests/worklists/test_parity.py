"""Property: a worklist gives the same pages on SQLite (in the database) as in memory
(in Python). Slow-marked (a database file per example)."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadkit.model import Event, Lead, OwnerRef, Task
from leadkit.repository import InMemoryUnitOfWork, SqliteUnitOfWork, UnitOfWork
from leadkit.rules import Condition, events, field, prop
from leadkit.stages import Stage, StageHistory
from leadkit.worklists import BUILTIN_WORKLISTS, Worklist, run_worklist
from tests.worklists._support import AT, done, history, lead, planned, store, visit

pytest.importorskip("sqlglot")

NOW = AT + timedelta(days=3)
USERS = [OwnerRef.user("u-1"), OwnerRef.user("u-2")]
OWNERS: list[OwnerRef | None] = [*USERS, OwnerRef.queue("q-1"), None]
STATUSES = ["Open - Not Contacted", "Working - Contacted", "Nurturing", "Closed - Not Converted"]
BLOCKS: list[Condition] = [
    *(w.condition for w in BUILTIN_WORKLISTS.values() if w.condition is not None),
    field("status") == "Nurturing",
    field("owner.id") == "u-2",
    field("custom.stage") == "mql",
    events("stage.current").where(prop("stage") == "mql"),
    events("stage.current").where(prop("stage").is_in(["sal", "recycled"])).exists(),
    events("stage.current").last().within(days=1),
    events().count() >= 3,
    events("activity.done").within(days=2),
    events("activity.planned").where(prop("owner") == "u-2"),
    events("activity.done").count() >= 2,
    events("activity.rep").count() >= 2,
    field("created_at").within(days=3),
]
SORTS = ["created_at", "-created_at", "company", "-status", "owner.id", "-employees"]


@st.composite
def days(draw: st.DrawFn) -> tuple[list[Lead], list[Task | Event], list[StageHistory]]:
    count = draw(st.integers(1, 6))
    leads = [
        lead(
            f"l{i}",
            hours=draw(st.integers(0, 60)),
            owner=draw(st.sampled_from(OWNERS)),
            status=draw(st.sampled_from(STATUSES)),
            employees=draw(st.none() | st.integers(1, 500)),
            custom={"stage": draw(st.sampled_from(["mql", "sal"]))},
        )
        for i in range(count)
    ]
    histories = []
    for i in range(count):
        moves = draw(st.integers(0, 4))
        if not moves:
            continue
        # Inquiry, MQL, then SAL or recycled ...: some steps after NOW (not yet, at NOW)
        path = [Stage.INQUIRY, Stage.MQL, draw(st.sampled_from([Stage.SAL, Stage.RECYCLED]))]
        path.append(Stage.SQL if path[-1] is Stage.SAL else Stage.MQL)
        steps = []
        at = AT
        for stage in path[:moves]:
            at += timedelta(hours=draw(st.sampled_from([0, 5, 40])))
            steps.append((stage, at))
        histories.append(history(f"l{i}", *steps))
    activities: list[Task | Event] = []
    for n in range(draw(st.integers(0, 8))):
        target = f"l{draw(st.integers(0, count - 1))}"
        owner = draw(st.sampled_from(USERS))
        at = AT + timedelta(hours=draw(st.integers(0, 90)), seconds=n)
        kind = draw(st.sampled_from(["done", "planned", "visit"]))
        if kind == "done":
            activities.append(done(target, at, owner, task_id=f"t{n}"))
        elif kind == "planned":
            activities.append(planned(target, owner=owner, task_id=f"p{n}"))
        else:
            activities.append(visit(target, at, owner=owner, event_id=f"e{n}"))
    return leads, activities, histories


def _pages(uow: UnitOfWork, worklist: Worklist) -> list[list[str]]:
    with uow:
        return [
            [x.id for x in run_worklist(uow, worklist, as_of=NOW, page=p).leads] for p in (1, 2)
        ]


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    day=days(),
    picks=st.lists(st.integers(0, len(BLOCKS) - 1), min_size=1, max_size=3),
    negate=st.booleans(),
    either=st.booleans(),
    sort=st.lists(st.sampled_from(SORTS), max_size=2, unique=True),
)
def test_sqlite_and_memory_agree(
    day: tuple[list[Lead], list[Task | Event], list[StageHistory]],
    picks: list[int],
    negate: bool,
    either: bool,
    sort: list[str],
) -> None:
    leads, activities, histories = day
    parts = [BLOCKS[i] for i in picks]
    condition = parts[0]
    for part in parts[1:]:
        condition = (condition | part) if either else (condition & part)
    if negate:
        condition = ~condition
    worklist = Worklist("p", condition=condition, sort=sort, page_size=3)
    memory = InMemoryUnitOfWork()
    store(memory, leads, activities, histories)
    with tempfile.TemporaryDirectory() as folder:
        sqlite = SqliteUnitOfWork(Path(folder) / "p.db")
        store(sqlite, leads, activities, histories)
        assert _pages(sqlite, worklist) == _pages(memory, worklist)
