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
from leadkit.model import Money, Opportunity
from leadkit.stages._errors import IllegalTransitionError, stage_error
from leadkit.stages._stage import Stage

__all__ = [
    "TRANSITIONS",
    "Qualification",
    "StageHistory",
    "Stay",
    "Transition",
    "accept",
    "disqualify",
    "mark_lost",
    "mark_won",
    "qualify",
    "recycle",
    "reject",
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
        return self if len(kept) == len(self.transitions) else StageHistory(self.lead_id, kept)

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
        return StageHistory(self.lead_id, (*self.transitions, step))


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
    return StageHistory(history.lead_id, (*history.transitions, step))


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
    """Sales rejects an MQL back to nurturing: MQL → recycled, with a reason."""
    history = _history(history)
    _from(history, (Stage.MQL,), "reject", Stage.RECYCLED)
    return transition(
        history, Stage.RECYCLED, at=at, by=by, reason=_reason(reason, "rejecting an MQL")
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
