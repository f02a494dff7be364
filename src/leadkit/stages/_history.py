"""Stage history: an append-only, ordered record of transitions, checked against one table.

Every function here is pure: it takes a history and returns a new one. A move the table
does not allow raises :class:`IllegalTransitionError` naming both stages; a time before the
last transition, a naive time or a missing reason raises a ``ValidationError`` with code
``bad_stage_input``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

import attrs

from leadkit._checks import aware_datetime
from leadkit.model import (
    Activity,
    Event,
    Lead,
    Money,
    Opportunity,
    StatusEvent,
    Task,
    active_catalogues,
    active_statuses,
)
from leadkit.stages._errors import IllegalTransitionError, stage_error
from leadkit.stages._stage import Stage

__all__ = [
    "TRANSITIONS",
    "Qualification",
    "StageHistory",
    "StatusChange",
    "Stay",
    "Transition",
    "accept",
    "apply_status",
    "disqualify",
    "mark_lost",
    "mark_won",
    "qualify",
    "record_activity",
    "recycle",
    "reject",
    "set_status",
    "transition",
]

_S = Stage
TRANSITIONS: Mapping[Stage | None, frozenset[Stage]] = {
    None: frozenset({_S.INQUIRY, _S.SGL}),
    _S.INQUIRY: frozenset({_S.MQL, _S.DISQUALIFIED}),
    _S.MQL: frozenset({_S.SAL, _S.RECYCLED, _S.DISQUALIFIED}),
    _S.SAL: frozenset({_S.SQL, _S.RECYCLED, _S.DISQUALIFIED}),
    _S.SGL: frozenset({_S.SQL, _S.RECYCLED, _S.DISQUALIFIED}),
    _S.SQL: frozenset({_S.WON, _S.LOST, _S.RECYCLED, _S.DISQUALIFIED}),
    _S.RECYCLED: frozenset({_S.MQL, _S.DISQUALIFIED}),
    _S.DISQUALIFIED: frozenset({_S.RECYCLED}),
    _S.WON: frozenset(),
    _S.LOST: frozenset({_S.RECYCLED}),
}
"""Which stages each stage may move to (``None``: a lead's first stage). See docs/stages.md."""


def _aware(instance: object, attribute: attrs.Attribute[datetime], value: object) -> None:
    aware_datetime(value, path=("Transition", attribute.name), code="bad_stage_input")


def _text(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        raise stage_error(
            f"expected text, got {type(value).__name__}",
            path=f"Transition.{attribute.name}",
        )


def _who(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise stage_error(
            "say who made the move (a user id, or policy:<name> for automatic moves)",
            path="Transition.by",
        )


def _optional_stage(value: str | Stage | None) -> Stage | None:
    return None if value is None else Stage.parse(value)


def _stage(value: str | Stage) -> Stage:
    return Stage.parse(value)


def _check_deal_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise stage_error(
            f"expected a non-empty str or None, got {value!r}",
            path=f"Qualification.{attribute.name}",
        )
    if attribute.name == "opportunity_name" and isinstance(value, str) and len(value) > 80:
        raise stage_error(
            f"an opportunity name has at most 80 characters, this one has {len(value)}",
            path="Qualification.opportunity_name",
        )


def _check_amount(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Money):
        raise stage_error(
            f"an SQL is a real opportunity: give it an amount (Money), got {value!r}",
            path="Qualification.amount",
        )


def _check_close(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise stage_error(
            f"an SQL is a real opportunity: give it a close date (a date), got {value!r}",
            path="Qualification.close_date",
        )


@attrs.frozen(slots=True)
class Qualification:
    """The deal sales saw when qualifying a lead as an SQL: its amount and close date, and
    optionally the opportunity's name and stage. Conversion creates the opportunity with
    them (:meth:`leadkit.convert.ConversionRequest.from_qualification`)."""

    amount: Money = attrs.field(validator=_check_amount)
    close_date: date = attrs.field(validator=_check_close)
    opportunity_name: str | None = attrs.field(
        default=None, validator=_check_deal_text, kw_only=True
    )
    stage: str | None = attrs.field(default=None, validator=_check_deal_text, kw_only=True)


def _check_qualification(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, Qualification):
        raise stage_error(
            f"expected a Qualification or None, got {type(value).__name__}",
            path="Transition.qualification",
        )


@attrs.frozen(slots=True)
class Transition:
    """One move: from which stage (``None`` for the first), to which, when, by whom, why;
    a move to SQL made by :func:`qualify` also carries the :class:`Qualification`."""

    from_stage: Stage | None = attrs.field(converter=_optional_stage)
    to_stage: Stage = attrs.field(converter=_stage)
    at: datetime = attrs.field(validator=_aware)
    by: str = attrs.field(validator=_who)
    reason: str = attrs.field(default="", validator=_text)
    qualification: Qualification | None = attrs.field(
        default=None, validator=_check_qualification, kw_only=True
    )

    def __str__(self) -> str:
        source = self.from_stage.label if self.from_stage else "(new)"
        why = f": {self.reason}" if self.reason else ""
        return f"{self.at.isoformat()} {source} → {self.to_stage.label} by {self.by}{why}"


@attrs.frozen(slots=True)
class Stay:
    """A stretch of time a lead spent in one stage; ``until`` is None while it is still there."""

    stage: Stage
    since: datetime
    until: datetime | None


def illegal(lead_id: str, from_stage: Stage | None, to_stage: Stage) -> IllegalTransitionError:
    """The error for a move the table does not allow, naming both stages."""
    allowed = sorted(TRANSITIONS[from_stage], key=list(Stage).index)
    options = " or ".join(s.label for s in allowed) or "nothing (it is final)"
    if from_stage is None:
        message = f"lead {lead_id} cannot start at {to_stage}; a lead starts at {options}"
    else:
        message = (
            f"lead {lead_id} cannot move from {from_stage} to {to_stage}; "
            f"from {from_stage} it may move to {options}"
        )
    return IllegalTransitionError(message, from_stage=from_stage, to_stage=to_stage)


@attrs.frozen(slots=True)
class StatusChange:
    """One change of the lead's status: to which status, when, by whom, and which event
    of the status policy made it (``"manual"`` for a status set by hand)."""

    status: str = attrs.field(validator=_text)
    at: datetime = attrs.field(validator=_aware)
    by: str = attrs.field(validator=_who)
    event: str = attrs.field(default="manual", validator=_text)
    reason: str = attrs.field(default="", validator=_text)

    def __str__(self) -> str:
        why = f": {self.reason}" if self.reason else ""
        return f"{self.at.isoformat()} status → {self.status} by {self.by} ({self.event}){why}"


def _status_changes(value: object) -> tuple[StatusChange, ...]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise stage_error(
            "expected a sequence of status changes", path="StageHistory.status_changes"
        )
    return tuple(value)


def _check_status_changes(
    instance: StageHistory,
    attribute: attrs.Attribute[tuple[StatusChange, ...]],
    changes: tuple[StatusChange, ...],
) -> None:
    last: datetime | None = None
    for index, change in enumerate(changes):
        if not isinstance(change, StatusChange):
            raise stage_error(
                f"expected a StatusChange, got {type(change).__name__}",
                path=f"StageHistory.status_changes[{index}]",
            )
        if last is not None and change.at < last:
            raise stage_error(
                f"lead {instance.lead_id}: status change {index} at {change.at.isoformat()} is "
                f"before the previous one at {last.isoformat()}; history is ordered",
                path=f"StageHistory.status_changes[{index}].at",
            )
        last = change.at


def _transitions(value: object) -> tuple[Transition, ...]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise stage_error(
            "expected a sequence of transitions",
            path="StageHistory.transitions",
        )
    return tuple(value)


def _check_steps(
    instance: StageHistory,
    attribute: attrs.Attribute[tuple[Transition, ...]],
    steps: tuple[Transition, ...],
) -> None:
    current: Stage | None = None
    last: datetime | None = None
    for index, step in enumerate(steps):
        if not isinstance(step, Transition):
            raise stage_error(
                f"expected a Transition, got {type(step).__name__}",
                path=f"StageHistory.transitions[{index}]",
            )
        if step.from_stage is not current:
            was = current.label if current else "(new)"
            raise IllegalTransitionError(
                f"lead {instance.lead_id}: transition {index} starts from "
                f"{step.from_stage or '(new)'} but the lead was in {was}",
                from_stage=step.from_stage,
                to_stage=step.to_stage,
                path=f"StageHistory.transitions[{index}]",
            )
        if step.to_stage not in TRANSITIONS[current]:
            error = illegal(instance.lead_id, current, step.to_stage)
            error.path = f"StageHistory.transitions[{index}]"
            raise error
        if last is not None and step.at < last:
            raise stage_error(
                f"lead {instance.lead_id}: transition {index} at {step.at.isoformat()} is "
                f"before the previous one at {last.isoformat()}; history is ordered",
                path=f"StageHistory.transitions[{index}].at",
            )
        current, last = step.to_stage, step.at


def _lead_id(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise stage_error("a history needs the lead's id", path="StageHistory.lead_id")


@attrs.frozen(slots=True)
class StageHistory:
    """The stages one lead went through: append-only, ordered, every step legal.

    >>> from datetime import datetime, UTC
    >>> h = StageHistory("lead-1")
    >>> h = transition(h, Stage.INQUIRY, at=datetime(2026, 4, 1, tzinfo=UTC), by="policy:default")
    >>> h = transition(h, Stage.MQL, at=datetime(2026, 4, 8, tzinfo=UTC), by="policy:default")
    >>> h.current, h.reached(Stage.INQUIRY), h.reached(Stage.SAL)
    (<Stage.MQL: 'mql'>, True, False)
    """

    lead_id: str = attrs.field(validator=_lead_id)
    transitions: tuple[Transition, ...] = attrs.field(
        default=(), converter=_transitions, validator=_check_steps
    )
    status_changes: tuple[StatusChange, ...] = attrs.field(
        default=(), converter=_status_changes, validator=_check_status_changes, kw_only=True
    )
    """Every change of the lead's status, in order, beside its stage moves: the status
    policy's (:class:`~leadkit.model.StatusPolicy`) and those made by hand."""

    @property
    def status(self) -> str | None:
        """The status the history last gave the lead (``None`` if it never changed)."""
        return self.status_changes[-1].status if self.status_changes else None

    def status_at(self, when: datetime) -> str | None:
        """The status the history had given the lead by ``when``, if any."""
        status: str | None = None
        for change in self.status_changes:
            if change.at > when:
                break
            status = change.status
        return status

    def status_changed_at(self, event: StatusEvent | str) -> datetime | None:
        """When ``event`` (such as ``"first_activity"``) first changed the status, if it did."""
        name = str(event)
        return next((c.at for c in self.status_changes if c.event == name), None)

    def _with(
        self, transitions: tuple[Transition, ...], changes: tuple[StatusChange, ...] | None = None
    ) -> StageHistory:
        return StageHistory(
            self.lead_id,
            transitions,
            status_changes=self.status_changes if changes is None else changes,
        )

    def __iter__(self) -> Iterator[Transition]:
        return iter(self.transitions)

    def __len__(self) -> int:
        return len(self.transitions)

    @property
    def current(self) -> Stage | None:
        """The stage the lead is in now (``None`` before its first transition)."""
        return self.transitions[-1].to_stage if self.transitions else None

    @property
    def entry(self) -> Stage | None:
        """The stage the lead started at: Inquiry (marketing) or SGL (sales)."""
        return self.transitions[0].to_stage if self.transitions else None

    @property
    def started_at(self) -> datetime | None:
        """When the lead entered its first stage."""
        return self.transitions[0].at if self.transitions else None

    @property
    def last_at(self) -> datetime | None:
        """When the last transition happened."""
        return self.transitions[-1].at if self.transitions else None

    def reached(self, stage: Stage) -> bool:
        """True when the history contains ``stage`` (at any time)."""
        return any(t.to_stage is stage for t in self.transitions)

    def entered_at(self, stage: Stage) -> datetime | None:
        """When the lead first entered ``stage``, or None if it never did."""
        return next((t.at for t in self.transitions if t.to_stage is stage), None)

    def stays(self) -> Iterator[Stay]:
        """Each stretch of time spent in a stage, in order; the last one is still open."""
        steps = self.transitions
        for index, step in enumerate(steps):
            until = steps[index + 1].at if index + 1 < len(steps) else None
            yield Stay(step.to_stage, step.at, until)

    def stage_at(self, when: datetime) -> Stage | None:
        """The stage the lead was in at ``when`` (None before its first transition)."""
        stage: Stage | None = None
        for step in self.transitions:
            if step.at > when:
                break
            stage = step.to_stage
        return stage

    def until(self, as_of: datetime) -> StageHistory:
        """The history as it stood at ``as_of``: transitions after it left out."""
        if not self.transitions or self.transitions[-1].at <= as_of:
            return self
        kept = tuple(t for t in self.transitions if t.at <= as_of)
        changes = tuple(c for c in self.status_changes if c.at <= as_of)
        if len(kept) == len(self.transitions) and len(changes) == len(self.status_changes):
            return self
        return self._with(kept, changes)

    @property
    def qualification(self) -> Qualification | None:
        """What sales gave when it last qualified the lead (:func:`qualify`), if ever."""
        for step in reversed(self.transitions):
            if step.qualification is not None:
                return step.qualification
        return None

    def append(self, step: Transition) -> StageHistory:
        """A new history with ``step`` added (checked like every other step)."""
        if not isinstance(step, Transition):
            raise stage_error(f"expected a Transition, got {type(step).__name__}")
        if step.to_stage not in TRANSITIONS[self.current]:
            raise illegal(self.lead_id, self.current, step.to_stage)
        moved = self._with((*self.transitions, step))
        return _follow_status(moved, step)


def _history(history: object) -> StageHistory:
    if not isinstance(history, StageHistory):
        raise stage_error(
            f"expected a StageHistory, got {type(history).__name__}",
            path="history",
        )
    return history


def _reason(reason: object, what: str) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise stage_error(f"{what} needs a reason (why, in words)", path="reason")
    return reason


def transition(
    history: StageHistory, to: Stage, *, at: datetime, by: str, reason: str = ""
) -> StageHistory:
    """Move the lead to ``to``: the generic move every named one below is built on.

    Checks the transition table (``IllegalTransitionError`` names both stages) and that
    ``at`` is aware and not before the last transition (else a ``ValidationError``,
    code ``bad_stage_input``).
    """
    return _move(history, to, at=at, by=by, reason=reason)


def _move(
    history: StageHistory,
    to: Stage,
    *,
    at: datetime,
    by: str,
    reason: str,
    qualification: Qualification | None = None,
) -> StageHistory:
    history = _history(history)
    target = Stage.parse(to)
    if target not in TRANSITIONS[history.current]:
        raise illegal(history.lead_id, history.current, target)
    step = Transition(history.current, target, at, by, reason, qualification=qualification)
    last = history.last_at
    if last is not None and step.at < last:
        raise stage_error(
            f"lead {history.lead_id}: {at.isoformat()} is before the last transition at "
            f"{last.isoformat()}; history is append-only and ordered",
            path="at",
        )
    return _follow_status(history._with((*history.transitions, step)), step)


def _status_event(step: Transition) -> StatusEvent | None:
    """The status policy's event a stage move is (None: the move leaves the status)."""
    target = step.to_stage
    if target is Stage.SAL:
        return StatusEvent.MQL_ACCEPTED
    if target is Stage.RECYCLED:
        return StatusEvent.MQL_REJECTED if step.from_stage is Stage.MQL else StatusEvent.RECYCLED
    if target is Stage.DISQUALIFIED:
        return StatusEvent.DISQUALIFIED
    if target is Stage.SQL:
        return StatusEvent.QUALIFIED
    return None


def _change_status(
    history: StageHistory, status: str, *, at: datetime, by: str, event: str, reason: str = ""
) -> StageHistory:
    last = history.status_changes[-1].at if history.status_changes else None
    if last is not None and at < last:
        raise stage_error(
            f"lead {history.lead_id}: {at.isoformat()} is before the last status change at "
            f"{last.isoformat()}; history is append-only and ordered",
            path="at",
        )
    change = StatusChange(status, at, by, event, reason)
    return history._with(history.transitions, (*history.status_changes, change))


def _follow_status(history: StageHistory, step: Transition) -> StageHistory:
    """Apply the status policy in force to the move just made."""
    event = _status_event(step)
    if event is None:
        return history
    status = active_statuses().status_for(event)
    if status is None or status == history.status:
        return history
    last = history.status_changes[-1].at if history.status_changes else None
    at = step.at if last is None or step.at >= last else last
    return _change_status(history, status, at=at, by=step.by, event=event.value, reason=step.reason)


def set_status(
    history: StageHistory, status: str, *, at: datetime, by: str, reason: str = ""
) -> StageHistory:
    """Set the lead's status by hand (the rep picks 対応中), kept in the history with its
    time. The status must be in the catalogue in force and not a converting one (a lead
    gets that only by conversion)."""
    history = _history(history)
    found = active_statuses().get(status)
    if found.is_converted:
        raise stage_error(
            f"{found.api_name!r} is a converting status: a lead gets it only by conversion",
            path="status",
        )
    aware_datetime(at, path="at", code="bad_stage_input")
    return _change_status(history, found.api_name, at=at, by=by, event="manual", reason=reason)


def record_activity(history: StageHistory, activity: Activity, *, as_of: datetime) -> StageHistory:
    """Apply the status policy to a completed activity of the lead: the first one done
    while the lead is still in the default status (未対応) moves it to the policy's
    ``first_activity`` status (対応中), at the time it was done. A planned task, an event
    still to come or a later activity changes nothing.
    """
    history = _history(history)
    if not isinstance(activity, Task | Event):
        raise stage_error(
            f"expected a Task or an Event, got {type(activity).__name__}", path="activity"
        )
    if activity.lead_id != history.lead_id:
        raise stage_error(
            f"the activity is of lead {activity.lead_id}, not of {history.lead_id}",
            path="activity.lead_id",
        )
    aware_datetime(as_of, path="as_of", code="bad_stage_input")
    done = activity.done_at(as_of=as_of)
    if done is None or history.status_changed_at(StatusEvent.FIRST_ACTIVITY) is not None:
        return history
    catalogue = active_statuses()
    current = history.status_at(done) or catalogue.default.api_name
    status = catalogue.status_for(StatusEvent.FIRST_ACTIVITY)
    if status is None or current != catalogue.default.api_name:
        return history
    if history.status_changes and done < history.status_changes[-1].at:
        return history  # done before a later status change: that one stands
    owner = activity.owner.id if activity.owner is not None else "policy:status"
    return _change_status(
        history,
        status,
        at=done,
        by=owner,
        event=StatusEvent.FIRST_ACTIVITY.value,
        reason=f"{type(activity).__name__.lower()} {activity.id}: {activity.subject}",
    )


def apply_status(lead: Lead, history: StageHistory) -> Lead:
    """``lead`` with the status its history gave it last (unchanged when the history
    never changed the status, or the lead was converted, which fixes its status)."""
    if not isinstance(lead, Lead):
        raise stage_error(f"expected a Lead, got {type(lead).__name__}", path="lead")
    history = _history(history)
    if history.lead_id != lead.id:
        raise stage_error(
            f"the history is of lead {history.lead_id}, not of {lead.id}", path="history.lead_id"
        )
    status = history.status
    if status is None or lead.is_converted or status == lead.status:
        return lead
    return attrs.evolve(lead, status=status)


def _from(history: StageHistory, allowed: tuple[Stage, ...], action: str, to: Stage) -> None:
    if history.current not in allowed:
        names = " or ".join(s.label for s in allowed)
        current = history.current.label if history.current else "(new)"
        raise IllegalTransitionError(
            f"lead {history.lead_id} cannot {action} from {current} to {to}: "
            f"{action} applies to a lead in {names}",
            from_stage=history.current,
            to_stage=to,
        )


def accept(
    history: StageHistory, *, at: datetime, by: str, reason: str = "accepted by sales"
) -> StageHistory:
    """Sales accepts an MQL: MQL → SAL, recording who accepted it and when."""
    history = _history(history)
    _from(history, (Stage.MQL,), "accept", Stage.SAL)
    return transition(history, Stage.SAL, at=at, by=by, reason=reason)


def reject(history: StageHistory, *, at: datetime, by: str, reason: str) -> StageHistory:
    """Sales rejects an MQL back to nurturing: MQL → recycled, with a reason.

    A reason the rejection reason catalogue in force knows (by api name or any label:
    ``"予算なし"``) is recorded by its api name (``"No Budget"``), so that the rejections
    report counts it; any other text is kept as written.
    """
    history = _history(history)
    _from(history, (Stage.MQL,), "reject", Stage.RECYCLED)
    text = _reason(reason, "rejecting an MQL")
    known = active_catalogues().rejection_reasons.find(text)
    return transition(
        history, Stage.RECYCLED, at=at, by=by, reason=known.api_name if known else text
    )


def qualify(
    history: StageHistory,
    *,
    at: datetime,
    by: str,
    opportunity: Opportunity | None = None,
    amount: Money | None = None,
    close_date: date | None = None,
    reason: str | None = None,
    opportunity_name: str | None = None,
    opportunity_stage: str | None = None,
) -> StageHistory:
    """Sales qualifies a lead as a real opportunity: SAL or SGL → SQL.

    An SQL needs an amount and a close date: give an ``opportunity`` that has both, or
    ``amount`` and ``close_date`` directly. The default reason records them. The move
    carries them (and ``opportunity_name`` and ``opportunity_stage``, if given) as a
    :class:`Qualification` (``history.qualification``), which conversion turns into the
    new opportunity's values.
    """
    history = _history(history)
    _from(history, (Stage.SAL, Stage.SGL), "qualify", Stage.SQL)
    label = ""
    if opportunity is not None:
        if not isinstance(opportunity, Opportunity):
            raise stage_error(
                f"expected an Opportunity, got {type(opportunity).__name__}",
                path="opportunity",
            )
        amount = opportunity.amount if amount is None else amount
        close_date = close_date or opportunity.close_date
        label = f"opportunity {opportunity.id}: "
    if amount is None:
        raise stage_error(
            "an SQL is a real opportunity: give it an amount",
            path="opportunity.amount",
        )
    if not isinstance(close_date, date) or isinstance(close_date, datetime):
        raise stage_error(
            "an SQL is a real opportunity: give it a close date (a date)",
            path="opportunity.close_date",
        )
    if not isinstance(amount, Money):
        raise stage_error(f"expected Money, got {type(amount).__name__}", path="amount")
    deal = Qualification(
        amount, close_date, opportunity_name=opportunity_name, stage=opportunity_stage
    )
    shown = f"{amount.amount} {amount.currency}"
    text = reason if reason else f"{label}{shown}, closes {close_date.isoformat()}"
    return _move(history, Stage.SQL, at=at, by=by, reason=text, qualification=deal)


def recycle(history: StageHistory, *, at: datetime, by: str, reason: str) -> StageHistory:
    """Send the lead back to nurturing (from MQL, SAL, SGL, SQL, lost or disqualified)."""
    history = _history(history)
    return transition(
        history, Stage.RECYCLED, at=at, by=by, reason=_reason(reason, "recycling a lead")
    )


def disqualify(history: StageHistory, *, at: datetime, by: str, reason: str) -> StageHistory:
    """Close the lead as not a fit, with a reason; only a recycle brings it back."""
    history = _history(history)
    return transition(
        history, Stage.DISQUALIFIED, at=at, by=by, reason=_reason(reason, "disqualifying a lead")
    )


def mark_won(history: StageHistory, *, at: datetime, by: str, reason: str = "") -> StageHistory:
    """The SQL's deal was won: SQL → won (final)."""
    return transition(_history(history), Stage.WON, at=at, by=by, reason=reason)


def mark_lost(history: StageHistory, *, at: datetime, by: str, reason: str) -> StageHistory:
    """The SQL's deal was lost, with a reason: SQL → lost."""
    history = _history(history)
    return transition(history, Stage.LOST, at=at, by=by, reason=_reason(reason, "losing a deal"))
