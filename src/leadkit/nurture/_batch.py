"""The batch engine behind :func:`~leadkit.nurture.advance_many`: the program compiled
once into a step table, each enrolment run through it with no per-step lookups.

It gives exactly what :func:`~leadkit.nurture.advance` gives for each enrolment (the
same enrolments, actions, reasons and action ids; a property test holds the two to it):
``advance`` is the plain reading of the program, this is the fast one.

What it saves, per enrolment and step:

* segments: a lead whose exit criteria cannot hold (no events of their kinds) passes
  the sends, ends and plain waits between two branches the same way as every other lead
  that reaches them at the same moment; the segment (visits, actions with their reasons,
  where it ends) is walked once per batch, and the branch that ends it points at the
  segment of each outcome once known: a lead only evaluates its branch conditions and
  stamps its actions with its id;
* finding steps and condition checks by name (one tuple per step), the reason's walk
  back over the visits (the path since the last action is kept as the lead goes), and
  ``Visit`` objects many leads share (one per step, moment and outcome);
* the memo of a timeless condition compares the events seen then and now by a slice of
  their kinds instead of counting events of its kinds over the whole history.
"""

from __future__ import annotations

import hashlib
import operator
from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime
from itertools import islice
from typing import Any

import attrs

from leadkit.errors import ValidationError
from leadkit.model import EngagementEvent, Lead
from leadkit.nurture._engine import (
    _MAX_VISITS,
    Action,
    Advance,
    Enrolment,
    Status,
    Visit,
    _detail,
    _event_order,
    _finish,
    _reason,
    _resume,
)
from leadkit.nurture._program import Branch, End, Program, Wait
from leadkit.rules import Condition

__all__ = ["StepTable", "run"]

_ACTION, _WAIT, _BRANCH, _END = range(4)
_by_time = operator.attrgetter("occurred_at")
_by_kind = operator.attrgetter("kind")


class _Check:
    """One condition of the program: its bare predicate and what its verdict reads."""

    __slots__ = ("index", "kinds", "predicate", "text", "timeless")

    def __init__(self, program: Program, condition: Condition, index: int) -> None:
        check = program.check(condition)
        self.index = index
        self.predicate = check.compiled.predicate
        self.timeless = check.timeless
        self.kinds = check.kinds
        self.text = check.text


_ActionSpec = tuple[int, str, str, datetime, str, tuple[tuple[str, Any], ...]]
"""An action of a segment: (visit offset, kind, step, at, reason, detail)."""


@attrs.frozen(slots=True)
class _Segment:
    """The steps a lead takes from one step and moment with no condition to read: its
    actions and plain waits up to the next branch (or wait with ``until``), the end, or a
    wait that lasts past ``as_of``. Every lead that reaches the step at that moment (and
    whose exit criteria cannot hold) takes them alike, so they are worked out once.

    ``actions`` are ``(visit offset, kind, step, at, reason, detail)``; the lead after
    them is at ``step`` since ``since`` with ``chain``, ``status`` and ``reason``;
    ``stop`` when it is done for this call (waiting, or completed).
    """

    since: datetime
    visits: tuple[Visit, ...]
    actions: tuple[_ActionSpec, ...]
    step: str | None
    at: datetime
    chain: tuple[object, ...]
    status: Status
    reason: str
    stop: bool
    branch: _Check | None = None
    size: int = attrs.field(init=False)
    then: dict[bool, _After] = attrs.field(factory=dict, eq=False)
    """Where the branch that ends the segment leads, once known: its outcome's visit, the
    next step, the chain, and the segment from there (None: not a plain step)."""

    @size.default
    def _size(self) -> int:
        return len(self.visits)


_After = tuple[Visit, str, tuple[object, ...], "_Segment | None"]


_SEGMENT_STEPS = 64
"""The most steps one segment takes (a loop of sends and waits goes on in the next)."""


class StepTable:
    """A program compiled for the batch: one tuple per step, the steps by name.

    An action step is ``(_ACTION, kind, next, detail)``, a wait ``(_WAIT, next,
    timeout_next, until check or None, watched kinds, step)``, a branch ``(_BRANCH, check,
    yes, no)``, an end ``(_END,)``. ``reasons`` and ``visits`` fill up as the batch runs.
    """

    __slots__ = ("checks", "exit", "exit_kinds", "plain", "prefix", "program", "reasons",
                 "segments", "steps", "visits")  # fmt: skip

    def __init__(self, program: Program) -> None:
        self.program = program
        self.prefix = f"{program.name}\x1f{program.version}\x1f"
        by_id: dict[int, _Check] = {}

        def check(condition: Condition) -> _Check:
            found = by_id.get(id(condition))
            if found is None:
                found = by_id[id(condition)] = _Check(program, condition, len(by_id))
            return found

        self.exit = tuple(check(condition) for condition in program.exit)
        self.exit_kinds = program.exit_kinds()
        steps: dict[str, tuple[Any, ...]] = {}
        for name, step in program.steps.items():
            if isinstance(step, Wait):
                until = check(step.until) if step.until is not None else None
                steps[name] = (_WAIT, step.next, step.timeout_next, until,
                               program.watched_kinds(name), step)  # fmt: skip
            elif isinstance(step, Branch):
                steps[name] = (_BRANCH, check(step.when), step.yes, step.no)
            elif isinstance(step, End):
                steps[name] = (_END,)
            else:
                steps[name] = (_ACTION, step.kind, step.next, _detail(step))
        self.steps = steps
        # Steps a lead passes the same way whatever its events (when no exit can hold).
        self.plain = frozenset(
            name for name, entry in steps.items()
            if entry[0] in (_ACTION, _END) or (entry[0] == _WAIT and entry[3] is None)
        )  # fmt: skip
        self.checks = len(by_id)
        self.reasons: dict[tuple[object, ...], str] = {}
        self.visits: dict[tuple[str, datetime, str], Visit] = {}
        self.segments: dict[tuple[str, datetime, tuple[object, ...]], _Segment] = {}

    def visit(self, step: str, at: datetime, outcome: str) -> Visit:
        """The one ``Visit`` of the batch for this step, moment and outcome."""
        key = (step, at, outcome)
        found = self.visits.get(key)
        if found is None:
            found = self.visits[key] = Visit(step, at, outcome)
        elif not _same(found.at, at):
            return Visit(step, at, outcome)
        return found

    def reason(self, step: str, chain: tuple[object, ...], visits: Sequence[Visit]) -> str:
        """The reason of the action at ``step`` (the last of ``visits``) reached through
        ``chain``: what :meth:`_Plan.reason` gives, worked out once per path."""
        key = (step, chain)
        found = self.reasons.get(key)
        if found is None:
            found = self.reasons[key] = _reason(self.program, step, visits)
        return found

    def segment(self, step: str, since: datetime, chain: tuple[object, ...],
                as_of: datetime) -> _Segment:  # fmt: skip
        """The :class:`_Segment` from ``step`` at ``since`` (``as_of``: the batch's)."""
        key = (step, since, chain)
        found = self.segments.get(key)
        if found is not None and _same(found.since, since):
            return found
        made = self._walk(step, since, chain, as_of)
        if found is None:
            self.segments[key] = made
        return made

    def _walk(self, step_name: str, since: datetime, chain: tuple[object, ...],
              as_of: datetime) -> _Segment:  # fmt: skip
        # The per-step loop of run() for plain steps, with no exit criterion holding.
        start = since
        visits: list[Visit] = []
        actions: list[_ActionSpec] = []
        status: Status = "active"
        reason = ""
        plain = self.plain
        name: str | None = step_name
        while name is not None and name in plain and len(visits) < _SEGMENT_STEPS:
            entry = self.steps[name]
            op = entry[0]
            if op == _WAIT:
                deadline = _resume(self.program, entry[5], since)
                if deadline > as_of:
                    return _Segment(start, tuple(visits), tuple(actions), name, since, chain,
                                    status, reason, True)  # fmt: skip
                visits.append(self.visit(name, deadline, ""))
                chain = (chain, name, "")
                name, since = entry[1], deadline
                continue
            visits.append(self.visit(name, since, ""))
            if op == _END:
                status, reason = "completed", f"completed at {name!r}"
                return _Segment(start, tuple(visits), tuple(actions), None, since, chain,
                                status, reason, True)  # fmt: skip
            why = self.reason(name, chain, [*_chain_visits(chain, since), visits[-1]])
            actions.append((len(visits) - 1, entry[1], name, since, why, entry[3]))
            chain = ()
            name = entry[2]
        entry = self.steps[name] if name is not None else (None,)
        branch = entry[1] if entry[0] == _BRANCH else None
        return _Segment(start, tuple(visits), tuple(actions), name, since, chain, status,
                        reason, False, branch)  # fmt: skip

    def after(self, segment: _Segment, held: bool, as_of: datetime) -> _After:
        """What follows the branch that ends ``segment`` when its condition ``held``."""
        name = segment.step
        assert name is not None
        entry = self.steps[name]
        outcome = "yes" if held else "no"
        chain = (segment.chain, name, outcome)
        then = entry[2] if held else entry[3]
        following = self.segment(then, segment.at, chain, as_of) if then in self.plain else None
        return self.visit(name, segment.at, outcome), then, chain, following


def _same(one: datetime, other: datetime) -> bool:
    """Equal datetimes that are also the same value (same time zone object and fold), so
    one stands for the other in a result."""
    return one.tzinfo is other.tzinfo and one.fold == other.fold


def _chain_visits(chain: tuple[object, ...], at: datetime) -> list[Visit]:
    """The branch and wait visits of ``chain`` (oldest first), for :func:`_reason`, which
    reads only their steps and outcomes."""
    found: list[Visit] = []
    while chain:
        inner, step, outcome = chain
        found.append(Visit(str(step), at, str(outcome)))
        chain = inner  # type: ignore[assignment]
    found.reverse()
    return found


class _Lane:
    """One lead's events, oldest first, and the verdicts worked out on them so far."""

    __slots__ = ("events", "exit_memo", "kinds", "kinds_seq", "lead", "memo", "times")

    def __init__(self, lead: Lead, events: list[EngagementEvent], checks: int) -> None:
        self.lead = lead
        if len(events) > 1:
            # By time, then by id where times tie (what advance's sort gives): most leads
            # have no two events at the same moment, and a sort on the time alone does.
            events.sort(key=_by_time)
            times = list(map(_by_time, events))
            if any(map(operator.eq, times, islice(times, 1, None))):
                events.sort(key=_event_order)
                times = list(map(_by_time, events))
        else:
            times = list(map(_by_time, events))
        self.events = events
        self.times = times
        self.kinds_seq = list(map(_by_kind, events))
        self.kinds = frozenset(self.kinds_seq)
        # Per check: (events seen, verdict) at its last evaluation.
        self.memo: list[tuple[int, bool] | None] = [None] * checks
        self.exit_memo: tuple[int, str | None] | None = None

    def unchanged(self, kinds: frozenset[str] | None, before: int, seen: int) -> bool:
        """True if the first ``before`` and the first ``seen`` events hold as many events
        of ``kinds`` (None: any kind), the memo key of :meth:`_Timeline.holds`."""
        if before == seen:
            return True
        if kinds is None:
            return False
        low, high = (before, seen) if before < seen else (seen, before)
        return kinds.isdisjoint(self.kinds_seq[low:high])

    def holds(self, check: _Check, at: datetime) -> bool:
        """What :meth:`_Timeline.holds` gives: the verdict on the events up to ``at``,
        evaluated again (when timeless) only if an event of its kinds came since."""
        seen = bisect_right(self.times, at)
        events = self.events
        if not check.timeless:
            return bool(check.predicate(self.lead, events[:seen], at))
        known = self.memo[check.index]
        if known is not None and self.unchanged(check.kinds, known[0], seen):
            return known[1]
        upto = events if seen == len(events) else events[:seen]
        verdict = bool(check.predicate(self.lead, upto, at))
        self.memo[check.index] = (seen, verdict)
        return verdict

    def exit_reason(self, table: StepTable, at: datetime) -> str | None:
        """What :func:`_exit_reason` gives at ``at``."""
        kinds = table.exit_kinds
        seen = bisect_right(self.times, at)
        known = self.exit_memo
        if kinds is not None and known is not None and self.unchanged(kinds, known[0], seen):
            return known[1]
        why = None
        for check in table.exit:
            if self.holds(check, at):
                why = f"exit: {check.text}"
                break
        if kinds is not None:
            self.exit_memo = (seen, why)
        return why

    def between(
        self, after: datetime, until: datetime, kinds: frozenset[str] | None
    ) -> list[datetime]:
        """The distinct times in ``(after, until]`` of the events of ``kinds`` (None: all)."""
        start = bisect_right(self.times, after)
        stop = bisect_right(self.times, until)
        if kinds is None:
            return sorted(set(self.times[start:stop]))
        seq, times = self.kinds_seq, self.times
        return sorted({times[i] for i in range(start, stop) if seq[i] in kinds})


def _start_chain(table: StepTable, visits: Sequence[Visit]) -> tuple[object, ...]:
    """The branches and waits at the end of ``visits``, as :meth:`_Plan.reason` reads them
    (innermost last): a reason reaches back over the visits of earlier calls."""
    steps = table.program.steps
    found: list[Visit] = []
    for visit in reversed(visits):
        if not isinstance(steps[visit.step], Branch | Wait):
            break
        found.append(visit)
    chain: tuple[object, ...] = ()
    for visit in reversed(found):
        chain = (chain, visit.step, visit.outcome)
    return chain


def run(
    table: StepTable,
    enrolment: Enrolment,
    lead: Lead,
    events: list[EngagementEvent],
    as_of: datetime,
) -> Advance:
    """What ``_run`` of :func:`~leadkit.nurture.advance` gives for one enrolment."""
    program = table.program
    steps = table.steps
    lane = _Lane(lead, events, table.checks)
    step_name = enrolment.step
    since = enrolment.since
    earlier = enrolment.visits
    visits = list(earlier)
    actions: list[Action] = []
    status: Status = enrolment.status
    reason = enrolment.reason
    lead_id = enrolment.lead_id
    visit = table.visit
    prefix = f"{table.prefix}{lead_id}\x1f"
    blake2b = hashlib.blake2b
    chain = _start_chain(table, earlier) if earlier else ()
    exit_kinds = table.exit_kinds
    fixed_exit = not table.exit or (exit_kinds is not None and exit_kinds.isdisjoint(lane.kinds))
    if fixed_exit and table.exit and status == "active" and step_name is not None \
            and since <= as_of:  # fmt: skip
        why = lane.exit_reason(table, since)
        if why is not None:
            # Exit criteria that hold at every moment stop the lead at the step it is at.
            visits.append(visit(step_name, since, "exit"))
            status, reason, step_name = "exited", why, None
    limit = len(earlier) + _MAX_VISITS
    plain = table.plain if fixed_exit else frozenset()
    name = program.name
    # From here on, with fixed_exit, no exit criterion holds.
    while status == "active" and step_name is not None and since <= as_of:
        if len(visits) > limit:
            raise ValidationError(f"program {name!r} took over {_MAX_VISITS} steps at "
                                  "once", path=("steps", step_name))  # fmt: skip
        if step_name in plain:
            segment: _Segment | None = table.segment(step_name, since, chain, as_of)
            assert segment is not None
            base = len(visits)
            if base + segment.size <= limit:
                # Segments, and the branches between them, as far as they go.
                done = False
                while segment is not None and base + segment.size <= limit:
                    visits += segment.visits
                    for offset, kind, step, at, why, detail in segment.actions:
                        digest = blake2b(f"{prefix}{step}\x1f{base + offset}".encode(),
                                         digest_size=10)  # fmt: skip
                        actions.append(Action(digest.hexdigest(), kind, lead_id, name, step,
                                              at, why, detail))  # fmt: skip
                    base += segment.size
                    step_name, since, chain = segment.step, segment.at, segment.chain
                    if segment.stop:
                        if segment.status != "active":
                            status, reason = segment.status, segment.reason
                        done = True
                        break
                    check = segment.branch
                    if check is None:
                        break
                    held = lane.holds(check, since)
                    after = segment.then.get(held)
                    if after is None:
                        after = segment.then[held] = table.after(segment, held, as_of)
                    branch_visit, step_name, chain, segment = after
                    visits.append(branch_visit)
                    base += 1
                if done:
                    break
                continue
        entry = steps[step_name]
        op = entry[0]
        if op == _WAIT:
            _, next_step, timeout_next, until, watched, step = entry
            deadline = _resume(program, step, since)
            if watched is not None and watched.isdisjoint(lane.kinds):
                checks = [since]
            else:
                checks = [since, *lane.between(since, min(deadline, as_of), watched)]
            if deadline <= as_of and deadline not in checks:
                checks.append(deadline)
            moved = False
            for moment in checks:
                why = None if fixed_exit else lane.exit_reason(table, moment)
                if why is not None:
                    status, reason, since = "exited", why, moment
                    visits.append(visit(step_name, moment, "exit"))
                    moved = True
                    break
                if until is not None and lane.holds(until, moment):
                    visits.append(visit(step_name, moment, "condition"))
                    chain = (chain, step_name, "condition")
                    step_name, since, moved = next_step, moment, True
                    break
                if moment == deadline:
                    outcome = "timeout" if until is not None else ""
                    visits.append(visit(step_name, moment, outcome))
                    chain = (chain, step_name, outcome)
                    step_name = (timeout_next if until is not None else None) or next_step
                    since, moved = moment, True
                    break
            if not moved:
                break  # still waiting at as_of
            continue
        if not fixed_exit:
            why = lane.exit_reason(table, since)
            if why is not None:
                status, reason = "exited", why
                visits.append(visit(step_name, since, "exit"))
                break
        if op == _BRANCH:
            outcome = "yes" if lane.holds(entry[1], since) else "no"
            visits.append(visit(step_name, since, outcome))
            chain = (chain, step_name, outcome)
            step_name = entry[2] if outcome == "yes" else entry[3]
            continue
        visit_number = len(visits)
        visits.append(visit(step_name, since, ""))
        if op == _END:
            status, reason = "completed", f"completed at {step_name!r}"
            step_name = None
            break
        why = table.reason(step_name, chain, visits)
        digest = blake2b(f"{prefix}{step_name}\x1f{visit_number}".encode(), digest_size=10)
        actions.append(Action(digest.hexdigest(), entry[1], lead_id, name, step_name, since,
                              why, entry[3]))  # fmt: skip
        chain = ()
        step_name = entry[2]
    return _finish(enrolment, step_name, since, status, reason, visits, actions)
