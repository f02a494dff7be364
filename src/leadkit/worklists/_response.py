"""First response: from assignment (or creation) to the first completed activity, against
a service level in working time per team or owner."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import attrs

from leadkit._checks import aware_datetime
from leadkit.errors import ValidationError
from leadkit.model import Activity, Event, Lead, Task, TaskStatus
from leadkit.stages import WorkingCalendar

if TYPE_CHECKING:
    from leadkit.repository import UnitOfWork

__all__ = [
    "FirstResponse",
    "ResponseSla",
    "assignment_times",
    "done_at",
    "first_responses",
    "stored_first_responses",
]


def done_at(activity: Activity, *, as_of: datetime) -> datetime | None:
    """When ``activity`` counts as done by ``as_of``, or None when it does not (yet).

    A task is done once completed (at ``completed_at``, else its creation time); an event
    once it has ended by ``as_of`` (at its start: the call or meeting happened then). A
    planned, open task is not a response.
    """
    if isinstance(activity, Task):
        if activity.status is not TaskStatus.COMPLETED:
            return None
        at = activity.completed_at or activity.created_at
        return at if at <= as_of else None
    if isinstance(activity, Event):
        return activity.start if activity.end <= as_of else None
    raise ValidationError(
        f"expected a Task or an Event, got {type(activity).__name__}", path="activities"
    )


def _positive(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValidationError(
            f"hours is a positive number, got {value!r}", path=f"ResponseSla.{attribute.name}"
        )


@attrs.frozen(slots=True)
class ResponseSla:
    """Answer a lead within ``hours`` of its assignment: working hours on ``calendar``
    when given (the stages package's :class:`~leadkit.stages.WorkingCalendar`), else
    clock hours."""

    hours: float = attrs.field(validator=_positive)
    calendar: WorkingCalendar | None = attrs.field(default=None, kw_only=True)

    def due(self, start: datetime) -> datetime:
        """When a lead assigned at ``start`` must have had its first response."""
        span = timedelta(hours=self.hours)
        return self.calendar.add_working_time(start, span) if self.calendar else start + span

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """The time from ``start`` to ``end`` this service level counts."""
        if self.calendar is not None:
            return self.calendar.working_time(start, end)
        return max(end - start, timedelta(0))


@attrs.frozen(slots=True)
class FirstResponse:
    """One lead's first response.

    ``state`` is ``answered`` (in time, or with no service level), ``late`` (answered
    after ``due``), ``waiting`` (not yet, still in time) or ``overdue`` (not yet, past
    ``due``). ``elapsed`` is the time counted so far (working time with a calendar): to
    the response, or to ``as_of`` while waiting.
    """

    lead_id: str
    owner_id: str | None
    started_at: datetime
    responded_at: datetime | None
    responder_id: str | None
    elapsed: timedelta
    due: datetime | None
    state: str

    @property
    def breached(self) -> bool:
        """True when the service level was missed (``late`` or ``overdue``)."""
        return self.state in ("late", "overdue")


def _sla_for(
    owner_id: str | None,
    *,
    slas: Mapping[str, ResponseSla],
    teams: Mapping[str, str],
    default: ResponseSla | None,
) -> ResponseSla | None:
    if owner_id is not None:
        if owner_id in slas:
            return slas[owner_id]
        team = teams.get(owner_id)
        if team is not None and team in slas:
            return slas[team]
    return default


def first_responses(
    leads: Iterable[Lead],
    activities: Iterable[Activity],
    *,
    as_of: datetime,
    assigned_at: Mapping[str, datetime] | None = None,
    sla: ResponseSla | None = None,
    slas: Mapping[str, ResponseSla] | None = None,
    teams: Mapping[str, str] | None = None,
) -> list[FirstResponse]:
    """The first response of every open lead (converted and merged-away leads too, when
    they had one), in the order of ``leads``.

    The clock starts at ``assigned_at[lead.id]`` (else the lead's creation); the response
    is the first activity on the lead done (:func:`done_at`) at or after the start and
    not after ``as_of``. The service level is ``slas[owner id]``, else ``slas[team]``
    where ``teams`` maps a user id to its team (a queue id, say), else ``sla``.

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import Lead, PersonName, Task, TaskStatus, OwnerRef
    >>> t0 = datetime(2026, 4, 6, 9, tzinfo=UTC)
    >>> lead = Lead(id="l-1", name=PersonName("Sato"), company="ABC", created_at=t0,
    ...             owner=OwnerRef.user("u-1"))
    >>> planned = Task(subject="call", lead_id="l-1", created_at=t0)
    >>> [r.state for r in first_responses([lead], [planned], as_of=t0.replace(hour=15),
    ...                                     sla=ResponseSla(4))]
    ['overdue']
    """
    when = aware_datetime(as_of)
    starts = dict(assigned_at or {})
    by_owner = dict(slas or {})
    team_of = dict(teams or {})
    done: dict[str, list[tuple[datetime, str | None]]] = defaultdict(list)
    for activity in activities:
        if activity.lead_id is None:
            continue
        at = done_at(activity, as_of=when)
        if at is not None:
            owner = activity.owner.id if activity.owner is not None else None
            done[activity.lead_id].append((at, owner))
    out = []
    for lead in leads:
        start = starts.get(lead.id, lead.created_at)
        owner_id = lead.owner.id if lead.owner is not None else None
        level = _sla_for(owner_id, slas=by_owner, teams=team_of, default=sla)
        touches = sorted((t for t in done.get(lead.id, ()) if start <= t[0]), key=lambda t: t[0])
        first = touches[0] if touches else None
        end = first[0] if first is not None else when
        elapsed = level.elapsed(start, end) if level is not None else max(end - start, timedelta(0))
        due = level.due(start) if level is not None else None
        if first is not None:
            state = "late" if due is not None and first[0] > due else "answered"
        else:
            state = "overdue" if due is not None and when > due else "waiting"
        out.append(
            FirstResponse(
                lead_id=lead.id,
                owner_id=owner_id,
                started_at=start,
                responded_at=first[0] if first else None,
                responder_id=first[1] if first else None,
                elapsed=elapsed,
                due=due,
                state=state,
            )
        )
    return out


def assignment_times(uow: UnitOfWork, *, as_of: datetime) -> dict[str, datetime]:
    """When each lead was last routed by ``as_of``, from the decisions kept in
    ``uow.routing_decisions`` (:meth:`~leadkit.routing.Router.route_in`): the start of
    its first-response clock. Leads never routed are absent (their clock starts at
    creation)."""
    when = aware_datetime(as_of)
    times: dict[str, datetime] = {}
    for decision in uow.routing_decisions.all():
        if decision.at <= when:
            times[decision.lead_id] = decision.at
    return times


def stored_first_responses(
    uow: UnitOfWork,
    *,
    as_of: datetime,
    lead_ids: Iterable[str] | None = None,
    sla: ResponseSla | None = None,
    slas: Mapping[str, ResponseSla] | None = None,
    teams: Mapping[str, str] | None = None,
) -> list[FirstResponse]:
    """:func:`first_responses` from the stored facts of ``uow`` (an active unit of
    work): its leads (those of ``lead_ids``, else all, in the order stored), their tasks
    and events, and the clock started at each lead's last kept routing decision
    (:func:`assignment_times`), else at its creation.

    >>> import attrs
    >>> from datetime import datetime, timedelta, UTC
    >>> from leadkit.model import Lead, OwnerRef, PersonName, Task, TaskStatus
    >>> from leadkit.repository import InMemoryUnitOfWork
    >>> from leadkit.routing import AssignmentRules, Router
    >>> t0 = datetime(2026, 4, 6, 9, tzinfo=UTC)
    >>> router = Router(AssignmentRules([], default_owner=OwnerRef.user("u-1")))
    >>> with InMemoryUnitOfWork() as uow:
    ...     lead = Lead(id="l-1", name=PersonName("Sato"), company="ABC",
    ...                 created_at=t0 - timedelta(days=3))
    ...     decision = router.route_in(uow, lead, as_of=t0)
    ...     _ = uow.leads.add(attrs.evolve(lead, owner=decision.owner))
    ...     _ = uow.tasks.add(Task(subject="call", lead_id="l-1", created_at=t0,
    ...                            status=TaskStatus.COMPLETED,
    ...                            completed_at=t0 + timedelta(hours=2)))
    ...     [(r.state, r.elapsed) for r in stored_first_responses(
    ...         uow, as_of=t0 + timedelta(days=1), sla=ResponseSla(4))]
    [('answered', datetime.timedelta(seconds=7200))]
    """
    when = aware_datetime(as_of)
    leads = uow.leads.all() if lead_ids is None else uow.leads.get_many(list(lead_ids))
    activities: list[Activity] = []
    for lead in leads:
        activities.extend(uow.tasks.by_lead(lead.id))
        activities.extend(uow.events.by_lead(lead.id))
    return first_responses(
        leads,
        activities,
        as_of=when,
        assigned_at=assignment_times(uow, as_of=when),
        sla=sla,
        slas=slas,
        teams=teams,
    )
