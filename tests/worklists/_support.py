"""A small inside-sales day: leads, reps and activities the worklist tests share."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from leadkit.model import Event, Lead, OwnerRef, PersonName, Task, TaskStatus
from leadkit.repository import UnitOfWork
from leadkit.stages import Stage, StageHistory, transition

AT = datetime(2026, 4, 6, 9, tzinfo=UTC)  # a Monday
U1 = OwnerRef.user("u-1")
U2 = OwnerRef.user("u-2")


def lead(lead_id: str, *, hours: float = 0, owner: OwnerRef | None = U1, **kw: Any) -> Lead:
    return Lead(
        id=lead_id,
        name=PersonName("佐藤"),
        company=f"株式会社{lead_id}",
        created_at=AT + timedelta(hours=hours),
        owner=owner,
        **kw,
    )


def done(lead_id: str, at: datetime, owner: OwnerRef = U1, task_id: str | None = None) -> Task:
    return Task(
        id=task_id or f"t-{lead_id}-{at.timestamp():.0f}-{owner.id}",
        subject="call",
        lead_id=lead_id,
        status=TaskStatus.COMPLETED,
        completed_at=at,
        created_at=min(at, AT),
        owner=owner,
    )


def planned(
    lead_id: str, *, due: int | None = None, owner: OwnerRef = U1, task_id: str | None = None
) -> Task:
    return Task(
        id=task_id or f"p-{lead_id}",
        subject="call back",
        lead_id=lead_id,
        created_at=AT,
        due_date=(AT + timedelta(days=due)).date() if due is not None else None,
        owner=owner,
    )


def visit(
    lead_id: str, start: datetime, owner: OwnerRef = U2, event_id: str | None = None
) -> Event:
    return Event(
        id=event_id or f"e-{lead_id}",
        subject="visit",
        lead_id=lead_id,
        start=start,
        end=start + timedelta(hours=1),
        created_at=AT,
        owner=owner,
    )


def history(lead_id: str, *moves: tuple[Stage, datetime]) -> StageHistory:
    """A stored stage history: each move to a stage at a time."""
    made = StageHistory(lead_id)
    for stage, at in moves:
        made = transition(made, stage, at=at, by="policy:test")
    return made


def mql(lead_id: str, at: datetime, *later: tuple[Stage, datetime]) -> StageHistory:
    """An Inquiry at ``at`` that became an MQL an hour later, then ``later`` moves."""
    return history(lead_id, (Stage.INQUIRY, at), (Stage.MQL, at + timedelta(hours=1)), *later)


def store(
    uow: UnitOfWork,
    leads: Sequence[Lead],
    activities: Sequence[Task | Event],
    histories: Sequence[StageHistory] = (),
) -> None:
    with uow:
        for item in leads:
            uow.leads.add(item)
        for kept in histories:
            uow.stage_histories.save(kept)
        for activity in activities:
            if isinstance(activity, Task):
                uow.tasks.add(activity)
            else:
                uow.events.add(activity)
        uow.commit()
