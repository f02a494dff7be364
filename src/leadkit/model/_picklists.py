"""The other picklists of the working day, as data: why an MQL was rejected, what a call
came to (架電結果), and the stages of an opportunity with their probabilities.

Each is a catalogue of values matched by api name or by any label (NFKC, case folded), so
``"不在"`` and ``"No Answer"`` are the same outcome. Unknown values are refused by
:meth:`get` with a ``ValidationError`` naming the known ones.

>>> from leadkit.model import DEFAULT_OPPORTUNITY_STAGES
>>> stage = DEFAULT_OPPORTUNITY_STAGES.get("提案")
>>> stage.api_name, stage.probability
('Proposal/Price Quote', 75)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from typing import Generic, Protocol, TypeVar

import attrs

from leadkit.errors import ValidationError
from leadkit.model import _validators as v
from leadkit.model._normalise import normalise_text

__all__ = [
    "DEFAULT_ACTIVITY_OUTCOMES",
    "DEFAULT_OPPORTUNITY_STAGES",
    "DEFAULT_REJECTION_REASONS",
    "ActivityOutcome",
    "ActivityType",
    "OpportunityStage",
    "OpportunityStageCatalogue",
    "OutcomeCatalogue",
    "ReasonCatalogue",
    "RejectionReason",
]


class _Named(Protocol):
    @property
    def api_name(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def labels(self) -> tuple[str, ...]: ...


N = TypeVar("N", bound=_Named)


def _label_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _labels() -> tuple[str, ...]:
    labels: tuple[str, ...] = attrs.field(
        default=(), converter=_label_tuple, kw_only=True, validator=v.each(v.non_empty_str())
    )
    return labels


def _find(values: Iterable[N], name: object) -> N | None:
    if not isinstance(name, str):
        return None
    values = tuple(values)
    for value in values:
        if value.api_name == name:
            return value
    key = normalise_text(name)
    for value in values:
        if any(normalise_text(n) == key for n in (value.api_name, value.label, *value.labels)):
            return value
    return None


def _check_unique(values: tuple[N, ...], what: str) -> None:
    seen: dict[str, str] = {}
    for value in values:
        for name in {normalise_text(n) for n in (value.api_name, value.label, *value.labels)}:
            other = seen.setdefault(name, value.api_name)
            if other != value.api_name:
                raise ValidationError(
                    f"the name {name!r} stands for both {other!r} and {value.api_name!r}",
                    path=what,
                )


class _Catalogue(Generic[N]):
    """Lookup shared by the catalogues below (each keeps its values in ``values``)."""

    __slots__ = ()
    values: tuple[N, ...]
    _what = "value"
    _code = "unknown_value"

    def __iter__(self) -> Iterator[N]:
        return iter(self.values)

    def __contains__(self, name: object) -> bool:
        return _find(self.values, name) is not None

    def find(self, name: str) -> N | None:
        """The value ``name`` stands for (api name or any label), if any."""
        return _find(self.values, name)

    def get(self, name: str) -> N:
        """The value ``name`` stands for; a ``ValidationError`` naming the known values
        if there is none."""
        found = _find(self.values, name)
        if found is None:
            known = ", ".join(repr(x.api_name) for x in self.values)
            raise ValidationError(f"unknown {self._what} {name!r}; known: {known}", code=self._code)
        return found

    def resolve(self, name: str) -> str:
        """The api name of the value ``name`` stands for (see :meth:`get`)."""
        return self.get(name).api_name


def _check_values(value: tuple[object, ...], kind: type, what: str) -> None:
    for index, item in enumerate(value):
        if not isinstance(item, kind):
            raise ValidationError(
                f"expected {kind.__name__}, got {type(item).__name__}",
                path=(what, "values", index),
            )
    if not value:
        raise ValidationError(f"a {what} needs at least one value", path=(what, "values"))
    _check_unique(value, f"{what}.values")  # type: ignore[type-var]


# -- rejection reasons ----------------------------------------------------------------------


@attrs.frozen(slots=True)
class RejectionReason:
    """Why sales rejected an MQL (the feedback marketing needs)."""

    api_name: str = attrs.field(validator=v.non_empty_str(max_length=80))
    label: str = attrs.field(validator=v.non_empty_str())
    labels: tuple[str, ...] = _labels()


def _reasons(value: Iterable[RejectionReason]) -> tuple[RejectionReason, ...]:
    return tuple(value)


@attrs.frozen(slots=True)
class ReasonCatalogue(_Catalogue[RejectionReason]):
    """The reasons an MQL may be rejected or a lead disqualified for."""

    values: tuple[RejectionReason, ...] = attrs.field(converter=_reasons)
    _what = "rejection reason"
    _code = "unknown_reason"

    def __attrs_post_init__(self) -> None:
        _check_values(self.values, RejectionReason, "ReasonCatalogue")


DEFAULT_REJECTION_REASONS = ReasonCatalogue(
    (
        RejectionReason("No Budget", "予算なし"),
        RejectionReason("No Need", "ニーズなし", labels=("Not Interested", "興味なし")),
        RejectionReason("Bad Timing", "時期尚早", labels=("Not Now",)),
        RejectionReason("Not Decision Maker", "決裁者でない", labels=("Wrong Contact",)),
        RejectionReason("Bad Contact Data", "連絡先不備", labels=("Unreachable",)),
        RejectionReason("Competitor", "競合"),
        RejectionReason("Duplicate", "重複"),
        RejectionReason("Out of Territory", "対象外地域"),
        RejectionReason("Other", "その他"),
    )
)


# -- activities ----------------------------------------------------------------------------


class ActivityType(enum.Enum):
    """The kind of an activity (活動種別)."""

    CALL = "call"
    EMAIL = "email"
    VISIT = "visit"
    MEETING = "meeting"
    OTHER = "other"


@attrs.frozen(slots=True)
class ActivityOutcome:
    """What an activity came to (架電結果 for a call). ``reached`` says whether the
    person was reached (a conversation happened), which a no-answer is not."""

    api_name: str = attrs.field(validator=v.non_empty_str(max_length=80))
    label: str = attrs.field(validator=v.non_empty_str())
    reached: bool = attrs.field(default=False, kw_only=True, validator=v.instance_of(bool))
    labels: tuple[str, ...] = _labels()


def _outcomes(value: Iterable[ActivityOutcome]) -> tuple[ActivityOutcome, ...]:
    return tuple(value)


@attrs.frozen(slots=True)
class OutcomeCatalogue(_Catalogue[ActivityOutcome]):
    """The outcomes an activity may record."""

    values: tuple[ActivityOutcome, ...] = attrs.field(converter=_outcomes)
    _what = "activity outcome"
    _code = "unknown_outcome"

    def __attrs_post_init__(self) -> None:
        _check_values(self.values, ActivityOutcome, "OutcomeCatalogue")


DEFAULT_ACTIVITY_OUTCOMES = OutcomeCatalogue(
    (
        ActivityOutcome("Connected", "通話", reached=True, labels=("接続",)),
        ActivityOutcome("No Answer", "不在", labels=("応答なし",)),
        ActivityOutcome("Left Voicemail", "留守電", labels=("Voicemail",)),
        ActivityOutcome("Busy", "話し中"),
        ActivityOutcome("Call Back Requested", "折り返し依頼", reached=True),
        ActivityOutcome("Appointment Set", "アポ獲得", reached=True, labels=("Meeting Booked",)),
        ActivityOutcome("Not Interested", "興味なし", reached=True),
        ActivityOutcome("Wrong Number", "番号違い"),
        ActivityOutcome("Sent", "送信済み"),
        ActivityOutcome("Held", "実施", reached=True),
    )
)


# -- opportunity stages ----------------------------------------------------------------------


def _percent(instance: OpportunityStage, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ValidationError(
            f"a probability is a whole percentage 0..100, got {value!r}",
            path=("OpportunityStage", attribute.name),
        )


@attrs.frozen(slots=True)
class OpportunityStage:
    """One stage of the sales process with its default probability (percent). A closed
    stage is won or lost; a won stage has probability 100, a lost one 0."""

    api_name: str = attrs.field(validator=v.non_empty_str(max_length=80))
    label: str = attrs.field(validator=v.non_empty_str())
    probability: int = attrs.field(validator=_percent)
    is_closed: bool = attrs.field(default=False, kw_only=True, validator=v.instance_of(bool))
    is_won: bool = attrs.field(default=False, kw_only=True, validator=v.instance_of(bool))
    labels: tuple[str, ...] = _labels()

    def __attrs_post_init__(self) -> None:
        if self.is_won and not self.is_closed:
            raise ValidationError(
                f"stage {self.api_name!r} is won, so it must be closed",
                path="OpportunityStage.is_won",
            )
        if self.is_closed and self.probability != (100 if self.is_won else 0):
            outcome = "won" if self.is_won else "lost"
            raise ValidationError(
                f"a closed {outcome} stage has probability {100 if self.is_won else 0}, "
                f"{self.api_name!r} has {self.probability}",
                path="OpportunityStage.probability",
            )


def _check_stages(value: tuple[OpportunityStage, ...]) -> None:
    _check_values(value, OpportunityStage, "OpportunityStageCatalogue")
    if not any(s.is_won for s in value) or not any(s.is_closed and not s.is_won for s in value):
        raise ValidationError(
            "the stages need at least one closed won and one closed lost stage",
            path="OpportunityStageCatalogue.values",
        )


def _stages(value: Iterable[OpportunityStage]) -> tuple[OpportunityStage, ...]:
    return tuple(value)


@attrs.frozen(slots=True)
class OpportunityStageCatalogue(_Catalogue[OpportunityStage]):
    """The stages an opportunity may be in: at least one won and one lost."""

    values: tuple[OpportunityStage, ...] = attrs.field(converter=_stages)
    _what = "opportunity stage"
    _code = "unknown_stage"

    def __attrs_post_init__(self) -> None:
        _check_stages(self.values)

    @property
    def won(self) -> OpportunityStage:
        """The first closed won stage."""
        return next(s for s in self.values if s.is_won)

    @property
    def lost(self) -> OpportunityStage:
        """The first closed lost stage."""
        return next(s for s in self.values if s.is_closed and not s.is_won)

    @property
    def first(self) -> OpportunityStage:
        """The stage new opportunities start in: the first open one."""
        return next((s for s in self.values if not s.is_closed), self.values[0])


DEFAULT_OPPORTUNITY_STAGES = OpportunityStageCatalogue(
    (
        OpportunityStage("Prospecting", "見込み", 10),
        OpportunityStage("Qualification", "評価", 10),
        OpportunityStage("Needs Analysis", "ニーズ分析", 20),
        OpportunityStage("Value Proposition", "価値提案", 50),
        OpportunityStage("Id. Decision Makers", "意思決定者の特定", 60),
        OpportunityStage("Perception Analysis", "認識分析", 70),
        OpportunityStage("Proposal/Price Quote", "提案", 75, labels=("Proposal", "見積")),
        OpportunityStage("Negotiation/Review", "交渉", 90, labels=("Negotiation",)),
        OpportunityStage("Closed Won", "成立", 100, is_closed=True, is_won=True, labels=("受注",)),
        OpportunityStage("Closed Lost", "不成立", 0, is_closed=True, labels=("失注",)),
    )
)
"""Salesforce's default opportunity stages and probabilities (Object Reference:
OpportunityStage, DefaultProbability), with Japanese labels."""
