"""Classification: the stage a lead should be in, why, and the moves that get it there."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Protocol, SupportsFloat

import attrs

from leadkit._checks import LATEST, aware_datetime
from leadkit._html import html_table
from leadkit.model import Channel, EngagementEvent, Lead, active_sources
from leadkit.rules import Explanation
from leadkit.rules import explain as explain_condition
from leadkit.stages._errors import stage_error
from leadkit.stages._history import StageHistory, Transition
from leadkit.stages._policy import StagePolicy
from leadkit.stages._stage import Stage, grade_letter, grade_rank

__all__ = ["Classification", "Reason", "ScoreLike", "advance", "classify"]


class ScoreLike(Protocol):
    """Anything with a numeric ``total``, such as a scoring ``ScoreCard``."""

    @property
    def total(self) -> float:
        """The score."""
        ...


@attrs.frozen(slots=True)
class Reason:
    """One check classify made: which rule (``mql.min_score``, ``disqualify_when``),
    whether it held, what it saw, and the condition's explanation when there is one."""

    rule: str
    held: bool
    detail: str
    explanation: Explanation | None = None

    def __str__(self) -> str:
        mark = "✓" if self.held else "✗"
        head = f"{mark} {self.rule}: {self.detail}"
        if self.explanation is None:
            return head
        tree = "\n".join(f"  {line}" for line in str(self.explanation).splitlines())
        return f"{head}\n{tree}"


@attrs.frozen(slots=True)
class Classification:
    """What :func:`classify` decided: the ``stage`` the lead should be in, the ``reasons``
    (every check, held or not) and the ``proposed`` transitions from the history's
    current stage to ``stage`` (empty when nothing changes). Apply them with
    :func:`advance`.
    """

    lead_id: str
    current: Stage | None
    stage: Stage
    reasons: tuple[Reason, ...]
    proposed: tuple[Transition, ...] = ()

    @property
    def changed(self) -> bool:
        """True when the lead should move."""
        return bool(self.proposed)

    @property
    def proposed_transition(self) -> Transition | None:
        """The move that lands in ``stage`` (the last proposed one), if any."""
        return self.proposed[-1] if self.proposed else None

    @property
    def held(self) -> tuple[Reason, ...]:
        """The checks that held."""
        return tuple(r for r in self.reasons if r.held)

    def _move(self) -> str:
        was = self.current.label if self.current else "(new)"
        return f"{was} → {self.stage.label}" if self.changed else f"stays {self.stage.label}"

    def __str__(self) -> str:
        lines = [f"{self.lead_id}: {self._move()}"]
        for reason in self.reasons:
            lines += [f"  {line}" for line in str(reason).splitlines()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """Every check as a row of an HTML table (Jupyter); the move is the caption."""
        rows = [
            ("✓" if r.held else "✗", r.rule, r.detail, _explanation_text(r.explanation))
            for r in self.reasons
        ]
        return html_table(
            ("held", "check", "detail", "condition"),
            rows,
            caption=f"{self.lead_id}: {self._move()}",
        )


def _explanation_text(explanation: Explanation | None) -> str:
    # One cell: the explanation tree's lines, joined, as HTML collapses line breaks.
    if explanation is None:
        return ""
    return "; ".join(line.strip() for line in str(explanation).splitlines())


def _score_value(score: object) -> float | None:
    if score is None:
        return None
    total = getattr(score, "total", None)  # a score card carries its total
    if total is not None and not isinstance(score, int | float | Decimal):
        score = total
    if isinstance(score, bool) or not (
        isinstance(score, int | float | Decimal) or hasattr(score, "__float__")
    ):
        raise stage_error(
            f"expected a number, got {type(score).__name__} {score!r}",
            path="score",
        )
    value = float(score)
    if value != value:
        raise stage_error("expected a number, got NaN", path="score")
    return value


def _shown(number: float | int | Decimal) -> str:
    return f"{number:g}" if isinstance(number, float) else str(number)


def _check(
    rule: str,
    policy: StagePolicy,
    lead: Lead,
    events: Sequence[EngagementEvent],
    at: datetime,
    explained: bool,
) -> Reason:
    compiled, text = policy.prepared(rule)
    if not explained:
        return Reason(rule, compiled(lead, events, as_of=at), text)
    result = explain_condition(compiled.condition, lead, events, as_of=at)
    return Reason(rule, result.held, text, result)


def _mql(
    policy: StagePolicy,
    lead: Lead,
    score: float | None,
    grade: object,
    events: Sequence[EngagementEvent],
    as_of: datetime,
    explained: bool,
) -> tuple[list[Reason], list[Reason]]:
    """The reasons that qualify the lead (empty if it does not qualify) and every check."""
    rule = policy.mql
    reasons: list[Reason] = []
    fit = rule.has_fit_path
    if rule.min_score is not None:
        threshold = _shown(rule.min_score)
        if score is None:
            reasons.append(Reason("mql.min_score", False, f"no score given (needs ≥ {threshold})"))
            fit = False
        else:
            held = score >= float(rule.min_score)
            sign = "≥" if held else "<"
            reasons.append(
                Reason("mql.min_score", held, f"score {_shown(score)} {sign} {threshold}")
            )
            fit = fit and held
    if rule.min_grade is not None:
        if grade is None:
            reasons.append(
                Reason("mql.min_grade", False, f"no grade given (needs ≥ {rule.min_grade})")
            )
            fit = False
        else:
            held = grade_rank(grade) >= grade_rank(rule.min_grade)
            sign = "≥" if held else "<"
            letter = grade_letter(grade)
            reasons.append(Reason("mql.min_grade", held, f"grade {letter} {sign} {rule.min_grade}"))
            fit = fit and held
    if rule.when is not None:
        reason = _check("mql.when", policy, lead, events, as_of, explained)
        reasons.append(reason)
        fit = fit and reason.held
    because = list(reasons) if fit else []
    if rule.or_when is not None:
        reason = _check("mql.or_when", policy, lead, events, as_of, explained)
        reasons.append(reason)
        if reason.held:
            because.append(reason)
    return because, reasons


def _is_sales(
    policy: StagePolicy,
    lead: Lead,
    events: Sequence[EngagementEvent],
    as_of: datetime,
    explained: bool,
) -> tuple[bool, list[Reason]]:
    channel = active_sources().channel_of(lead.lead_source)
    source = repr(lead.lead_source) if lead.lead_source else "(none)"
    held = channel is Channel.SALES
    described = f"the {channel.value}" if channel else "no known"
    reasons = [Reason("sgl.lead_source", held, f"lead source {source} is of {described} channel")]
    if policy.sgl_when is not None:
        reason = _check("sgl.sgl_when", policy, lead, events, as_of, explained)
        reasons.append(reason)
        held = held or reason.held
    return held, reasons


_WAITING = {
    Stage.MQL: "an MQL waits for sales to accept or reject it",
    Stage.SAL: "an SAL moves on when sales qualifies, recycles or disqualifies it",
    Stage.SGL: "an SGL moves on when sales qualifies, recycles or disqualifies it",
    Stage.SQL: "an SQL moves on when its deal is won or lost",
    Stage.WON: "won is final",
    Stage.LOST: "lost changes only by a recycle",
    Stage.DISQUALIFIED: "disqualified changes only by a recycle",
}


def _hold_until(recycled_at: datetime | None, days: int) -> datetime | None:
    """When a lead recycled at ``recycled_at`` may requalify; None when that is never
    inside the calendar (after 9999-12-30) or the lead was not recycled."""
    if recycled_at is None:
        return None
    try:
        until = recycled_at + timedelta(days=days)
        inside = until.astimezone(UTC) <= LATEST
    except OverflowError:
        return None
    return until if inside else None


def classify(
    lead: Lead,
    *,
    score: SupportsFloat | ScoreLike | None = None,
    grade: object = None,
    history: StageHistory | None = None,
    policy: StagePolicy,
    as_of: datetime,
    events: Sequence[EngagementEvent] = (),
    explain: bool = True,
) -> Classification:
    """The stage ``lead`` should be in at ``as_of`` under ``policy``, with the reasons.

    Pure and deterministic. ``score`` is a number, or a score card with a numeric
    ``total``; ``grade`` the letter (``"B+"``), any object whose ``value`` or ``str()``
    is the letter (such as ``leadkit.scoring.Grade``) or one whose ``grade`` is (a grade
    card); ``history`` the lead's :class:`StageHistory` (none for a new lead);
    ``events`` its engagement events for event conditions.

    Automatic moves: a new lead enters as SGL when its source is of the sales channel
    (or ``sgl_when`` holds), otherwise as an Inquiry; a lead marketing owns (Inquiry,
    recycled, MQL) is disqualified when ``disqualify_when`` holds; an Inquiry (or a
    recycled lead after ``requalify_after_days``) becomes an MQL when the MQL rule holds.
    Every other move is made by people (:func:`accept`, :func:`qualify` ...).

    With ``explain=False`` the reasons carry no explanation trees (the verdicts are the
    same): several times faster, for classifying many leads at once.
    """
    if not isinstance(lead, Lead):
        raise stage_error(f"expected a Lead, got {type(lead).__name__}", path="lead")
    if not isinstance(policy, StagePolicy):
        raise stage_error(
            f"expected a StagePolicy, got {type(policy).__name__}",
            path="policy",
        )
    aware_datetime(as_of, code="bad_stage_input")
    if history is None:
        history = StageHistory(lead.id)
    if not isinstance(history, StageHistory):
        raise stage_error(
            f"expected a StageHistory, got {type(history).__name__}",
            path="history",
        )
    if history.lead_id != lead.id:
        raise stage_error(
            f"the history is of lead {history.lead_id}, not of {lead.id}",
            path="history.lead_id",
        )
    if history.last_at is not None and history.last_at > as_of:
        raise stage_error(
            f"as_of {as_of.isoformat()} is before the history's last transition at "
            f"{history.last_at.isoformat()}",
            path="as_of",
        )
    if not isinstance(explain, bool):
        raise stage_error(f"explain is True or False, got {explain!r}", path="explain")
    score_value = _score_value(score)
    if grade is not None:
        grade_rank(grade)  # refuse a bad grade even when the policy does not look at it
    current = history.current
    stage = current
    reasons: list[Reason] = []
    path: list[tuple[Stage, list[Reason]]] = []

    if stage is None:
        sales, why = _is_sales(policy, lead, events, as_of, explain)
        reasons += why
        stage = Stage.SGL if sales else Stage.INQUIRY
        path.append((stage, [r for r in why if r.held] if sales else []))

    if policy.disqualify_when is not None and stage in (Stage.INQUIRY, Stage.RECYCLED, Stage.MQL):
        reason = _check("disqualify_when", policy, lead, events, as_of, explain)
        reasons.append(reason)
        if reason.held:
            stage = Stage.DISQUALIFIED
            path.append((stage, [reason]))

    if stage in (Stage.INQUIRY, Stage.RECYCLED):
        recycled_at = history.last_at if stage is Stage.RECYCLED else None
        hold_until = _hold_until(recycled_at, policy.requalify_after_days)
        if recycled_at is not None and (hold_until is None or as_of < hold_until):
            when = (
                f"may requalify from {hold_until.isoformat()}"
                if hold_until is not None
                else f"may not requalify before {LATEST.date()}, the last day leadkit allows"
            )
            detail = f"recycled on {recycled_at.isoformat()}; {when}"
            reasons.append(Reason("requalify_after_days", False, detail))
        else:
            because, checks = _mql(policy, lead, score_value, grade, events, as_of, explain)
            reasons += checks
            if because:
                stage = Stage.MQL
                path.append((stage, because))
    elif stage is not None and not path:
        reasons.append(Reason("stage", True, _WAITING[stage]))

    assert stage is not None
    if current is None and lead.conversion is not None:
        # A converted lead with no history was qualified by sales: it reached SQL, not
        # Inquiry, by the time it was converted.
        entry = path[0][0]
        converted = Reason("conversion", True, f"converted on {lead.conversion.converted_at}")
        path = [(entry, path[0][1])]
        if entry is Stage.INQUIRY:
            path += [(Stage.MQL, [converted]), (Stage.SAL, [converted])]
        path.append((Stage.SQL, [converted]))
        stage = Stage.SQL
        reasons.append(converted)
    proposed: list[Transition] = []
    previous = current
    for target, why in path:
        text = "; ".join(r.detail for r in why) or "a new lead from a marketing channel"
        at = _when(target, previous, lead, history, events, as_of)
        if proposed and at < proposed[-1].at:
            at = proposed[-1].at  # the moves of one classification stay in order
        proposed.append(Transition(previous, target, at, policy.actor, text))
        previous = target
    return Classification(history.lead_id, current, stage, tuple(reasons), tuple(proposed))


def _when(
    target: Stage,
    previous: Stage | None,
    lead: Lead,
    history: StageHistory,
    events: Sequence[EngagementEvent],
    as_of: datetime,
) -> datetime:
    """The real time of a proposed move, not ``as_of``: a lead enters when it was created;
    a conversion's moves happen when it was converted; an MQL (or a disqualification)
    when the last engagement event seen by ``as_of`` happened (the one that tipped it);
    never before the history's last move, never after ``as_of``."""
    floor = history.last_at
    if previous is None:
        at = lead.created_at
    elif lead.conversion is not None and history.current is None:
        at = lead.conversion.converted_at
    else:
        seen = [e.occurred_at for e in events if e.occurred_at <= as_of]
        at = max(seen) if seen else as_of
        entered = lead.created_at if history.current is None else floor
        if entered is not None and at < entered:
            at = entered
    if floor is not None and at < floor:
        at = floor
    return min(at, as_of)


def advance(history: StageHistory, classification: Classification) -> StageHistory:
    """Apply a classification's proposed moves to ``history`` (unchanged if none).

    Refuses a classification made for another lead or from another current stage (a
    stale one): classify again instead.
    """
    if not isinstance(classification, Classification):
        raise stage_error(
            f"expected a Classification, got {type(classification).__name__}",
            path="classification",
        )
    if not isinstance(history, StageHistory):
        raise stage_error(
            f"expected a StageHistory, got {type(history).__name__}",
            path="history",
        )
    if classification.lead_id != history.lead_id or classification.current is not history.current:
        raise stage_error(
            f"the classification was made for lead {classification.lead_id} in "
            f"{classification.current or '(new)'}; the history is of lead {history.lead_id} in "
            f"{history.current or '(new)'}: classify again",
            path="classification",
        )
    for step in classification.proposed:
        history = history.append(step)
    return history
