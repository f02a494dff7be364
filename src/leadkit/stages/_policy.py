"""The stage policy: what makes an MQL, an SGL or a disqualified lead, and the service level.

Score and grade are not fields of a lead — they are what scoring and grading say about
it — so the policy holds them as typed thresholds (``min_score``, ``min_grade``) beside
conditions of the condition language on the lead and its events (``when``,
``or_when``). Each threshold and condition is reported on its own in the reasons.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

import attrs

from leadkit._checks import MAX_DAYS, finite_number
from leadkit.model import Lead
from leadkit.rules import CompiledCondition, Condition, compile
from leadkit.stages._errors import stage_error
from leadkit.stages._stage import grade_letter

__all__ = ["MqlRule", "StagePolicy"]


def _number(path: str) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        finite_number(value, path=path, code="bad_stage_input")

    return check


def _grade(value: object) -> str | None:
    return None if value is None else grade_letter(value, path="MqlRule.min_grade")


def _condition(path: str) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        if not isinstance(value, Condition):
            raise stage_error(
                f"expected a condition, got {type(value).__name__}",
                path=path,
            )
        on = compile(value).on
        if on not in (None, Lead):
            raise stage_error(
                f"expected a condition on Lead, got one on {on.__name__}",
                path=path,
            )

    return check


@attrs.frozen(slots=True)
class MqlRule:
    """When marketing qualifies a lead.

    A lead is an MQL when every threshold given holds — ``min_score`` (score ≥),
    ``min_grade`` (grade at least, ``"B"`` means B or better) and ``when`` (a fit
    condition on the lead) — or when ``or_when`` holds on its own (a hand-raise such as
    ``events("demo_request").exists()``). Give at least one of the four.

    >>> from leadkit.rules import events
    >>> MqlRule(min_score=100, min_grade="B", or_when=events("demo_request").exists())
    MqlRule(min_score=100, min_grade='B', when=None, or_when=EventExists(...))
    """

    min_score: int | float | Decimal | None = attrs.field(
        default=None, kw_only=True, validator=_number("MqlRule.min_score")
    )
    min_grade: str | None = attrs.field(default=None, kw_only=True, converter=_grade)
    when: Condition | None = attrs.field(
        default=None, kw_only=True, validator=_condition("MqlRule.when")
    )
    or_when: Condition | None = attrs.field(
        default=None, kw_only=True, validator=_condition("MqlRule.or_when")
    )

    def __attrs_post_init__(self) -> None:
        if not self.has_fit_path and self.or_when is None:
            raise stage_error(
                "an MQL rule needs min_score, min_grade, when or or_when",
                path="MqlRule",
            )

    @property
    def has_fit_path(self) -> bool:
        """True when the thresholds (score, grade, ``when``) can qualify a lead."""
        return not (self.min_score is None and self.min_grade is None and self.when is None)


def _positive(path: str, *, allow_zero: bool, maximum: int) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        if allow_zero:
            finite_number(value, path=path, code="bad_stage_input", minimum=0, maximum=maximum)
        else:
            finite_number(value, path=path, code="bad_stage_input", above=0, maximum=maximum)

    return check


def _name(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise stage_error("a policy needs a non-empty name", path="StagePolicy.name")


def _mql(instance: object, attribute: attrs.Attribute[MqlRule], value: object) -> None:
    if value is None:
        raise stage_error(
            "a stage policy needs its MQL rule: StagePolicy(mql=MqlRule(min_score=...,"
            " min_grade=..., when=..., or_when=...)) says when marketing qualifies a lead",
            path="StagePolicy.mql",
        )
    if not isinstance(value, MqlRule):
        raise stage_error(
            f"expected an MqlRule, got {type(value).__name__}",
            path="StagePolicy.mql",
        )


@attrs.frozen(slots=True)
class StagePolicy:
    """How leads are classified: the MQL rule, what else marks an SGL, what disqualifies
    a lead automatically, the service level and the hold after a recycle.

    - ``mql``: the :class:`MqlRule` (required: leaving it out is a ``ValidationError``
      naming ``StagePolicy.mql``, not a bare ``TypeError``).
    - ``sgl_when``: besides a lead source of the sales channel (テレアポ, 飛び込み, 紹介),
      a condition that marks a new lead as sales-generated.
    - ``disqualify_when``: a condition that disqualifies a lead automatically while
      marketing owns it (Inquiry, recycled, MQL) — a competitor's domain, a student.
    - ``accept_within_hours``: working hours sales has to accept or reject an MQL
      (see :func:`~leadkit.stages.overdue`); None for no service level.
    - ``requalify_after_days``: a recycled lead becomes an MQL again only after this many
      days, so that a rejected MQL does not bounce straight back.
    """

    # A default of None lets the validator name what is missing (attrs would raise a
    # bare TypeError for a missing argument).
    mql: MqlRule = attrs.field(default=cast(MqlRule, None), kw_only=True, validator=_mql)
    name: str = attrs.field(default="default", kw_only=True, validator=_name)
    sgl_when: Condition | None = attrs.field(
        default=None, kw_only=True, validator=_condition("StagePolicy.sgl_when")
    )
    disqualify_when: Condition | None = attrs.field(
        default=None, kw_only=True, validator=_condition("StagePolicy.disqualify_when")
    )
    accept_within_hours: int | float | Decimal | None = attrs.field(
        default=None,
        kw_only=True,
        validator=_positive(
            "StagePolicy.accept_within_hours", allow_zero=False, maximum=24 * MAX_DAYS
        ),
    )
    requalify_after_days: int = attrs.field(
        default=30,
        kw_only=True,
        validator=_positive("StagePolicy.requalify_after_days", allow_zero=True, maximum=MAX_DAYS),
    )

    _prepared: dict[str, tuple[CompiledCondition, str]] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        # Compile and print each condition once per policy, not once per lead.
        prepared = {
            name: (compile(condition), str(condition))
            for name, condition in (
                ("mql.when", self.mql.when),
                ("mql.or_when", self.mql.or_when),
                ("sgl.sgl_when", self.sgl_when),
                ("disqualify_when", self.disqualify_when),
            )
            if condition is not None
        }
        object.__setattr__(self, "_prepared", prepared)

    def prepared(self, rule: str) -> tuple[CompiledCondition, str]:
        """The compiled form and the text of one of the policy's conditions, by rule
        name (``mql.when``, ``mql.or_when``, ``sgl.sgl_when``, ``disqualify_when``)."""
        try:
            return self._prepared[rule]
        except KeyError:
            raise stage_error(f"policy {self.name!r} has no condition {rule!r}") from None

    @property
    def actor(self) -> str:
        """Who automatic moves are recorded as: ``policy:<name>``."""
        return f"policy:{self.name}"
