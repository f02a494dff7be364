"""The pure engine: a lead's enrolment, its events since, and ``as_of`` in; the new
enrolment and the actions due out, each with its reason."""

from __future__ import annotations

import hashlib
import operator
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any, Literal

import attrs

from leadkit._checks import aware_datetime
from leadkit.errors import ValidationError
from leadkit.model import EngagementEvent, Lead
from leadkit.nurture._program import (
    AddPoints,
    AddToCampaign,
    Branch,
    ChangeStage,
    End,
    Notify,
    Program,
    RemoveFromCampaign,
    Send,
    SetField,
    Step,
    Wait,
)
from leadkit.rules import Condition

__all__ = ["Action", "Advance", "Enrolment", "Visit", "advance", "advance_many", "enrol"]

Status = Literal["active", "exited", "completed"]
_MAX_VISITS = 10_000


@attrs.frozen
class Visit:
    """One step a lead went through: which, when, and how it left (``yes``/``no`` for a
    branch, ``timeout`` or ``condition`` for a wait with ``until``)."""

    step: str
    at: datetime
    outcome: str = ""


@attrs.frozen
class Enrolment:
    """Where one lead stands in one program.

    ``step`` is the step it is at (None once it has left), ``since`` when it got there,
    ``status`` ``"active"``, ``"exited"`` (an exit criterion held: ``reason`` says which)
    or ``"completed"`` (it reached an end). ``visits`` is the whole path so far.
    """

    program: str
    lead_id: str
    enrolled_at: datetime
    step: str | None
    since: datetime
    status: Status = "active"
    version: str = "1"
    reason: str = ""
    visits: tuple[Visit, ...] = ()

    @property
    def active(self) -> bool:
        """Still in the program."""
        return self.status == "active"


@attrs.frozen
class Action:
    """Something the application should do now, with the reason the program gives.

    ``id`` is deterministic (program, version, lead, step and visit), so advancing the
    same enrolment twice gives the same ids: an outbox or mail tool that keeps the ids it
    has seen never acts twice. ``detail`` holds the step's parameters (``template``,
    ``points``, ``field`` and ``value``, ``stage``, ``campaign_id``, ``who`` and ``message``).
    """

    id: str
    kind: str
    lead_id: str
    program: str
    step: str
    at: datetime
    reason: str
    detail: tuple[tuple[str, Any], ...] = ()

    def get(self, key: str, default: Any = None) -> Any:
        """One value of :attr:`detail`."""
        return dict(self.detail).get(key, default)


@attrs.frozen
class Advance:
    """What one call of :func:`advance` gives: the new enrolment and the actions due."""

    enrolment: Enrolment
    actions: tuple[Action, ...]


_event_order = operator.attrgetter("occurred_at", "id")
"""Events in time order; the id breaks ties (the same order whatever order they came in)."""


class _Timeline:
    """One lead's events, oldest first, and the conditions evaluated on those up to a time."""

    __slots__ = (
        "counts",
        "events",
        "exit_memo",
        "kinds",
        "kinds_seq",
        "lead",
        "memo",
        "program",
        "times",
    )

    def __init__(self, lead: Lead, events: Sequence[EngagementEvent], program: Program) -> None:
        self.lead = lead
        self.events = sorted(events, key=_event_order) if len(events) > 1 else list(events)
        self.times = [e.occurred_at for e in self.events]
        self.kinds_seq = [e.kind for e in self.events]
        self.kinds = frozenset(self.kinds_seq)
        self.program = program
        # Per set of kinds: how many events of those kinds are among the first i events.
        self.counts: dict[frozenset[str], list[int]] = {}
        # Per condition: (events of its kinds seen, verdict) at its last evaluation.
        self.memo: dict[int, tuple[int, bool]] = {}
        self.exit_memo: tuple[int, str | None] | None = None

    def relevant(self, kinds: frozenset[str], seen: int) -> int:
        counts = self.counts.get(kinds)
        if counts is None:
            contains = kinds.__contains__
            counts = list(accumulate(map(contains, self.kinds_seq), initial=0))
            self.counts[kinds] = counts
        return counts[seen]

    def holds(self, condition: Condition, at: datetime) -> bool:
        check = self.program.check(condition)
        seen = bisect_right(self.times, at)
        compiled = check.compiled
        if not check.timeless:
            return bool(compiled.predicate(self.lead, self.events[:seen], at))
        key = seen if check.kinds is None else self.relevant(check.kinds, seen)
        known = self.memo.get(id(condition))
        if known is not None and known[0] == key:
            return known[1]
        verdict = bool(compiled.predicate(self.lead, self.events[:seen], at))
        self.memo[id(condition)] = (key, verdict)
        return verdict

    def between(
        self, after: datetime, until: datetime, kinds: frozenset[str] | None
    ) -> list[datetime]:
        """The distinct times in ``(after, until]`` of the events of ``kinds`` (None: all)."""
        start = bisect_right(self.times, after)
        stop = bisect_right(self.times, until)
        if kinds is None:
            return sorted(set(self.times[start:stop]))
        events = self.events
        return sorted(
            {events[i].occurred_at for i in range(start, stop) if events[i].kind in kinds}
        )


def _finish(
    enrolment: Enrolment,
    step_name: str | None,
    since: datetime,
    status: Status,
    reason: str,
    visits: list[Visit],
    actions: list[Action],
) -> Advance:
    """The enrolment where an advance stopped, with the actions it made due (both engines)."""
    final = Enrolment(
        enrolment.program,
        enrolment.lead_id,
        enrolment.enrolled_at,
        step_name if status == "active" else None,
        since,
        status,
        enrolment.version,
        reason,
        tuple(visits),
    )
    return Advance(final, tuple(actions))


def _action_id(program: Program, lead_id: str, step: str, visit: int) -> str:
    key = f"{program.name}\x1f{program.version}\x1f{lead_id}\x1f{step}\x1f{visit}"
    return hashlib.blake2b(key.encode(), digest_size=10).hexdigest()


class _Plan:
    """What advancing needs of a program, worked out once per call rather than once per
    enrolment: each step's action detail, and the reasons already written (an action's
    reason depends only on the branches and waits that led to it, so most leads share
    one of a handful)."""

    __slots__ = ("details", "program", "reasons")

    def __init__(self, program: Program) -> None:
        self.program = program
        self.details = {name: _detail(step) for name, step in program.steps.items()}
        self.reasons: dict[tuple[object, ...], str] = {}

    def reason(self, step: str, visits: Sequence[Visit]) -> str:
        steps = self.program.steps
        path: list[object] = [step]
        for visit in reversed(visits[:-1]):
            if not isinstance(steps[visit.step], Branch | Wait):
                break
            path.append(visit.step)
            path.append(visit.outcome)
        key = tuple(path)
        known = self.reasons.get(key)
        if known is None:
            known = self.reasons[key] = _reason(self.program, step, visits)
        return known


def _detail(step: Step) -> tuple[tuple[str, Any], ...]:
    if isinstance(step, Send):
        return (("template", step.template),)
    if isinstance(step, Notify):
        return (("who", step.who), ("message", step.message))
    if isinstance(step, AddPoints):
        return (("points", step.points),)
    if isinstance(step, SetField):
        return (("field", step.field), ("value", step.value))
    if isinstance(step, ChangeStage):
        return (("stage", step.stage.value),)
    if isinstance(step, AddToCampaign | RemoveFromCampaign):
        return (("campaign_id", step.campaign_id),)
    return ()


def _exit_reason(program: Program, timeline: _Timeline, at: datetime) -> str | None:
    if not program.exit:
        return None
    kinds = program.exit_kinds()
    if kinds is not None:
        # The verdicts can only change when an event of these kinds arrives: most leads
        # never unsubscribe, and their exit criteria are evaluated once.
        key = timeline.relevant(kinds, bisect_right(timeline.times, at))
        if timeline.exit_memo is not None and timeline.exit_memo[0] == key:
            return timeline.exit_memo[1]
    why = None
    for condition in program.exit:
        if timeline.holds(condition, at):
            why = f"exit: {program.check(condition).text}"
            break
    if kinds is not None:
        timeline.exit_memo = (key, why)
    return why


def _resume(program: Program, step: Wait, since: datetime) -> datetime:
    if step.working and program.calendar is not None:
        return program.calendar.add_working_time(since, step.duration)
    try:
        return since + step.duration
    except OverflowError:
        return datetime.max.replace(tzinfo=since.tzinfo)


def _run(plan: _Plan, enrolment: Enrolment, timeline: _Timeline, as_of: datetime) -> Advance:
    program = plan.program
    step_name = enrolment.step
    since = enrolment.since
    visits = list(enrolment.visits)
    actions: list[Action] = []
    status: Status = enrolment.status
    reason = enrolment.reason
    lead_id = enrolment.lead_id
    # Exit criteria that read only events of kinds this lead has none of (most leads
    # never unsubscribe) hold or fail the same at every moment: evaluated once.
    exit_kinds = program.exit_kinds()
    fixed_exit = not program.exit or (
        exit_kinds is not None and exit_kinds.isdisjoint(timeline.kinds)
    )
    exit_why = _exit_reason(program, timeline, since) if fixed_exit and program.exit else None
    while status == "active" and step_name is not None and since <= as_of:
        if len(visits) - len(enrolment.visits) > _MAX_VISITS:
            raise ValidationError(f"program {program.name!r} took over {_MAX_VISITS} steps at "
                                  "once", path=("steps", step_name))  # fmt: skip
        step = program.steps[step_name]
        if isinstance(step, Wait):
            deadline = _resume(program, step, since)
            watched = program.watched_kinds(step_name)
            if watched is not None and watched.isdisjoint(timeline.kinds):
                checks = [since]  # no event can end this wait early
            else:
                checks = [since, *timeline.between(since, min(deadline, as_of), watched)]
            if deadline <= as_of and deadline not in checks:
                checks.append(deadline)
            moved = False
            for moment in checks:
                why = exit_why if fixed_exit else _exit_reason(program, timeline, moment)
                if why is not None:
                    status, reason, since = "exited", why, moment
                    visits.append(Visit(step_name, moment, "exit"))
                    moved = True
                    break
                if step.until is not None and timeline.holds(step.until, moment):
                    visits.append(Visit(step_name, moment, "condition"))
                    step_name, since, moved = step.next, moment, True
                    break
                if moment == deadline:
                    timeout = step.timeout_next if step.until is not None else None
                    visits.append(
                        Visit(step_name, moment, "timeout" if step.until is not None else "")
                    )
                    step_name, since, moved = timeout or step.next, moment, True
                    break
            if not moved:
                break  # still waiting at as_of
            continue
        why = exit_why if fixed_exit else _exit_reason(program, timeline, since)
        if why is not None:
            status, reason = "exited", why
            visits.append(Visit(step_name, since, "exit"))
            break
        visit_number = len(visits)
        if isinstance(step, Branch):
            held = timeline.holds(step.when, since)
            visits.append(Visit(step_name, since, "yes" if held else "no"))
            step_name = step.yes if held else step.no
            continue
        visits.append(Visit(step_name, since))
        if isinstance(step, End):
            status, step_name, reason = "completed", None, f"completed at {step_name!r}"
            break
        actions.append(
            Action(
                _action_id(program, lead_id, step_name, visit_number),
                step.kind,
                lead_id,
                program.name,
                step_name,
                since,
                plan.reason(step_name, visits),
                plan.details[step_name],
            )
        )
        step_name = step.next
    return _finish(enrolment, step_name, since, status, reason, visits, actions)


def _show(duration: timedelta) -> str:
    """``3 days``, ``4 h``, ``1 day 2 h``: a wait as people say it."""
    days, seconds = duration.days, duration.seconds
    hours, minutes = divmod(seconds // 60, 60)
    parts = []
    if days:
        parts.append(f"{days} day" + ("s" if days != 1 else ""))
    if hours:
        parts.append(f"{hours} h")
    if minutes:
        parts.append(f"{minutes} min")
    return " ".join(parts) or "0 min"


def _reason(program: Program, step: str, visits: Sequence[Visit]) -> str:
    """Why the step ran: the branches and waits that led to it since the last action."""
    parts = []
    for visit in reversed(visits[:-1]):
        taken = program.steps[visit.step]
        if isinstance(taken, Branch):
            parts.append(f"{visit.step!r} was {visit.outcome} ({program.check(taken.when).text})")
        elif isinstance(taken, Wait):
            if visit.outcome == "condition" and taken.until is not None:
                parts.append(f"{visit.step!r} ended when {program.check(taken.until).text} held")
            elif visit.outcome == "timeout":
                parts.append(f"{visit.step!r} timed out after {_show(taken.duration)}")
            else:
                parts.append(f"{visit.step!r} waited {_show(taken.duration)}")
        else:
            break
    chain = "; ".join(reversed(parts))
    return f"step {step!r} of {program.name!r}" + (f" because {chain}" if chain else "")


def _check_inputs(program: Program, lead: Lead, as_of: datetime) -> None:
    if not isinstance(program, Program):
        raise ValidationError(f"expected a Program, got {type(program).__name__}", path="program")
    if not isinstance(lead, Lead):
        raise ValidationError(f"expected a Lead, got {type(lead).__name__}", path="lead")
    aware_datetime(as_of)


def enrol(
    program: Program,
    lead: Lead,
    events: Iterable[EngagementEvent] = (),
    *,
    as_of: datetime,
    previous: Iterable[Enrolment] = (),
) -> Enrolment | None:
    """Enrol ``lead`` at ``as_of`` when the entry criteria hold and re-entry allows it
    (``previous``: the lead's earlier enrolments in this program); else None."""
    _check_inputs(program, lead, as_of)
    earlier = [e for e in previous if e.program == program.name and e.lead_id == lead.id]
    if earlier and (
        program.reentry == "never"
        or (program.reentry == "after_exit" and any(e.active for e in earlier))
    ):
        return None
    if program.entry is not None:
        timeline = _Timeline(lead, [e for e in events if e.lead_id == lead.id], program)
        if not timeline.holds(program.entry, as_of):
            return None
    return Enrolment(program.name, lead.id, as_of, program.start, as_of, version=program.version)


def advance(
    program: Program,
    enrolment: Enrolment,
    lead: Lead,
    events: Iterable[EngagementEvent] = (),
    *,
    as_of: datetime,
) -> Advance:
    """Move ``enrolment`` along ``program`` up to ``as_of``; the actions due on the way.

    Pure and deterministic: conditions see the lead and its events up to the moment each
    step is reached (a wait with ``until`` is checked when each event happens), never
    ``as_of`` itself, so advancing in two calls (to Monday, then to Friday) gives the same
    enrolment and the same actions as one call to Friday, and the same call twice gives
    the same action ids.
    """
    _check_inputs(program, lead, as_of)
    if not isinstance(enrolment, Enrolment) or enrolment.program != program.name:
        raise ValidationError("the enrolment is not one of this program", path="enrolment")
    if enrolment.lead_id != lead.id:
        raise ValidationError(
            f"the enrolment is lead {enrolment.lead_id}'s, not {lead.id}'s", path="lead"
        )
    mine = [e for e in events if e.lead_id == lead.id]
    return _run(_Plan(program), enrolment, _Timeline(lead, mine, program), as_of)


def advance_many(
    program: Program,
    enrolments: Iterable[Enrolment],
    leads: Mapping[str, Lead] | Iterable[Lead],
    events: Iterable[EngagementEvent] = (),
    *,
    as_of: datetime,
) -> dict[str, Advance]:
    """Advance many enrolments at once: ``{lead id: Advance}``, each what :func:`advance`
    gives for it.

    Events are grouped by lead once, and the program is compiled once into a step table:
    the stretches of sends and waits that read no condition are walked once for all the
    leads that reach them at the same moment (most leads of a batch enrolled together).
    """
    aware_datetime(as_of)
    by_id = leads if isinstance(leads, Mapping) else {lead.id: lead for lead in leads}
    grouped: dict[str, list[EngagementEvent]] = defaultdict(list)
    for event in events:
        if event.lead_id is not None:
            grouped[event.lead_id].append(event)
    from leadkit.nurture._batch import StepTable, run

    result: dict[str, Advance] = {}
    table = StepTable(program)
    for enrolment in enrolments:
        lead = by_id.get(enrolment.lead_id)
        if lead is None:
            raise ValidationError(f"no lead {enrolment.lead_id}", path=("leads", enrolment.lead_id))
        result[lead.id] = run(table, enrolment, lead, grouped.get(lead.id, []), as_of)
    return result
