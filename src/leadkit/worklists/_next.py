"""The next action for a rep: the nurture package's next best action, with what the rep
has (or has not) done: an overdue task, an unanswered lead past its service level, and
the lead's priority from score and grade."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from leadkit._checks import aware_datetime
from leadkit.errors import ValidationError
from leadkit.model import Activity, Lead, Task, TaskStatus, active_statuses
from leadkit.nurture import NextAction, next_best_action
from leadkit.stages import Stage, StageHistory, StagePolicy, WorkingCalendar
from leadkit.worklists._response import (
    ResponseSla,
    assignment_times,
    done_at,
    first_responses,
)

if TYPE_CHECKING:
    from leadkit.repository import UnitOfWork

__all__ = ["HOT_PRIORITIES", "next_action", "rep_next_actions", "stored_next_actions"]

HOT_PRIORITIES = frozenset({"A1", "A2", "B1", "B2"})
"""The cells of the priority matrix (:func:`leadkit.scoring.priority_matrix`) that are
hot: best fit and most engaged, A1 to B2."""

_URGENCY = {"follow_up": 0, "call": 1, "qualify": 2, "convert": 3, "enrol": 4, "wait": 5}


def next_action(
    lead: Lead,
    history: StageHistory | None,
    *,
    as_of: datetime,
    policy: StagePolicy,
    activities: Iterable[Activity] = (),
    sla: ResponseSla | None = None,
    assigned_at: datetime | None = None,
    priority: str | None = None,
    calendar: WorkingCalendar | None = None,
    programs: Mapping[Stage | str, str] | None = None,
) -> NextAction:
    """What the lead's owner should do now, and why, in this order:

    1. a converted, merged-away or closed lead (by stage or by status): **none**;
    2. an open task on the lead past its due date: **follow_up** (the oldest first);
    3. no completed activity since the assignment (``assigned_at``, else creation), with
       a service level ``sla``: **call**, due when the service level ends (overdue
       past it); a hot ``priority`` (A1-B2) says so in the reason;
    4. otherwise :func:`leadkit.nurture.next_best_action` from the stage (call an MQL,
       **qualify** an accepted lead, **convert** an SQL, **enrol** an Inquiry or a
       recycled lead in nurture) - except that a hot Inquiry that was never answered is
       a **call**, not a hand-off to nurture.
    """
    when = aware_datetime(as_of)
    if not isinstance(lead, Lead):
        raise ValidationError(f"expected a Lead, got {type(lead).__name__}", path="lead")
    if lead.is_merged or active_statuses().get(lead.status).is_closed:
        why = "merged away" if lead.is_merged else f"closed ({lead.status})"
        return NextAction("none", f"the lead is {why}")
    mine = [a for a in activities if a.lead_id == lead.id]
    base = next_best_action(
        lead, history, as_of=when, policy=policy, calendar=calendar, programs=programs
    )
    if base.kind == "none":
        return base
    overdue = sorted(
        (
            a
            for a in mine
            if isinstance(a, Task)
            and a.status is TaskStatus.OPEN
            and a.due_date is not None
            and a.due_date < when.date()
        ),
        key=lambda t: (t.due_date, t.id),
    )
    if overdue:
        task = overdue[0]
        return NextAction(
            "follow_up",
            f"task {task.subject!r} was due on {task.due_date}; follow it up",
            overdue=True,
        )
    hot = priority in HOT_PRIORITIES
    tag = f"hot lead ({priority}); " if hot else ""
    starts = {lead.id: assigned_at} if assigned_at is not None else None
    response = first_responses([lead], mine, as_of=when, assigned_at=starts, sla=sla)[0]
    if response.responded_at is None and sla is not None and lead.owner is not None:
        return NextAction(
            "call",
            f"{tag}{'assigned' if assigned_at is not None else 'new'}"
            f" {response.started_at.isoformat(timespec='minutes')} and not answered yet;"
            f" the service level gives {sla.hours:g}"
            f" {'working ' if sla.calendar else ''}hours",
            response.due,
            response.state == "overdue",
        )
    answered = any(done_at(a, as_of=when) is not None for a in mine)
    if base.kind == "enrol" and hot and not answered:
        return NextAction("call", f"{tag}an Inquiry nobody has called yet: call before nurture")
    if tag:
        return NextAction(base.kind, tag + base.reason, base.due, base.overdue, base.program)
    return base


def rep_next_actions(
    leads: Iterable[Lead],
    *,
    rep: str,
    as_of: datetime,
    policy: StagePolicy,
    histories: Mapping[str, StageHistory] | None = None,
    activities: Iterable[Activity] = (),
    sla: ResponseSla | None = None,
    assigned_at: Mapping[str, datetime] | None = None,
    priorities: Mapping[str, str] | None = None,
    calendar: WorkingCalendar | None = None,
) -> list[tuple[Lead, NextAction]]:
    """The next action on every lead user ``rep`` owns, most urgent first: overdue
    before not, then follow-ups, calls, qualification, conversion, nurture; then by due
    time and lead id. Leads with nothing to do are left out."""
    trails = dict(histories or {})
    by_lead: dict[str, list[Activity]] = {}
    for activity in activities:
        if activity.lead_id is not None:
            by_lead.setdefault(activity.lead_id, []).append(activity)
    starts = dict(assigned_at or {})
    hot = dict(priorities or {})
    out = []
    for lead in leads:
        if lead.owner is None or lead.owner.is_queue or lead.owner.id != rep:
            continue
        action = next_action(
            lead,
            trails.get(lead.id),
            as_of=as_of,
            policy=policy,
            activities=by_lead.get(lead.id, ()),
            sla=sla,
            assigned_at=starts.get(lead.id),
            priority=hot.get(lead.id),
            calendar=calendar,
        )
        if action.kind != "none":
            out.append((lead, action))
    far = datetime.max.replace(tzinfo=UTC)
    out.sort(
        key=lambda pair: (
            not pair[1].overdue,
            _URGENCY.get(pair[1].kind, 9),
            pair[1].due or far,
            pair[0].id,
        )
    )
    return out


def stored_next_actions(
    uow: UnitOfWork,
    *,
    rep: str,
    as_of: datetime,
    policy: StagePolicy,
    sla: ResponseSla | None = None,
    calendar: WorkingCalendar | None = None,
) -> list[tuple[Lead, NextAction]]:
    """:func:`rep_next_actions` from the stored facts of ``uow`` (an active unit of
    work): the leads user ``rep`` owns, their stored stage histories, tasks and events,
    the time each was last routed (:func:`~leadkit.worklists.assignment_times`) and the
    priority kept on the lead (the custom field ``priority``, written by
    :func:`leadkit.stages.store_classification`)."""
    from leadkit.model import OwnerRef
    from leadkit.worklists._worklist import PRIORITY_FIELD

    when = aware_datetime(as_of)
    leads = uow.leads.by_owner(OwnerRef.user(rep))
    histories: dict[str, StageHistory] = {}
    activities: list[Activity] = []
    priorities: dict[str, str] = {}
    for lead in leads:
        stored = uow.stage_histories.find(lead.id)
        if stored is not None:
            histories[lead.id] = stored
        activities.extend(uow.tasks.by_lead(lead.id))
        activities.extend(uow.events.by_lead(lead.id))
        cell = lead.custom.get(PRIORITY_FIELD)
        if isinstance(cell, str):
            priorities[lead.id] = cell
    return rep_next_actions(
        leads,
        rep=rep,
        as_of=when,
        policy=policy,
        histories=histories,
        activities=activities,
        sla=sla,
        assigned_at=assignment_times(uow, as_of=when),
        priorities=priorities,
        calendar=calendar,
    )
