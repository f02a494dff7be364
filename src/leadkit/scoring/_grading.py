"""Grading: how well a lead fits, as a grade from A+ to F, with the criteria that decided."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from leadkit._html import html_table
from leadkit._locale import text
from leadkit.model import Grade, Lead
from leadkit.rules import CompiledCondition, Condition, Explanation, compile, explain
from leadkit.scoring._card import show_value
from leadkit.scoring._checks import check_name, check_text
from leadkit.scoring._engine import check_as_of
from leadkit.scoring._errors import scoring_error
from leadkit.scoring._explanation_values import seen_values
from leadkit.scoring._leads import index_leads

__all__ = [
    "Criterion",
    "CriterionResult",
    "GradeCard",
    "GradingProfile",
    "GradingScheme",
]

START = Grade.D
"""Every lead starts at D; criteria move it up or down from there."""

_BY_RANK = tuple(Grade)


def _fit_condition(value: object, path: str) -> CompiledCondition:
    if not isinstance(value, Condition):
        raise scoring_error(
            f"expected a condition such as field('employees') >= 1000, got {value!r}",
            path=path,
        )
    compiled = compile(value)  # also refuses prop(...) outside events(...).where(...)
    if compiled.on is not None and compiled.on is not Lead:
        raise scoring_error(f"grading reads leads, this reads {compiled.on.__name__}", path=path)
    if compiled.needs_events:
        raise scoring_error(
            "grading measures fit from the lead's profile; put conditions on events in a "
            "scoring model",
            path=path,
        )
    return compiled


def _check_when(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _fit_condition(value, attribute.name)


def _check_weight(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or value not in (1, 2, 3):
        raise scoring_error(
            f"a weight is 1, 2 or 3 thirds of a letter, got {value!r}",
            path="weight",
        )


@attrs.frozen(slots=True)
class Criterion:
    """A fit criterion: when ``when`` holds the grade moves up ``weight`` thirds of a
    letter (1, 2 or 3), when it does not it moves down as much, and when it cannot be
    told (a value it needs is missing) it moves nothing.

    >>> from leadkit.rules import field
    >>> print(Criterion("large company", field("employees") >= 1000, weight=2))
    large company (±2): employees >= 1000
    """

    name: str = attrs.field(validator=check_name)
    when: Condition = attrs.field(validator=_check_when)
    weight: int = attrs.field(default=1, kw_only=True, validator=_check_weight)

    def __str__(self) -> str:
        return f"{self.name} (±{self.weight}): {self.when}"


@attrs.frozen(slots=True)
class CriterionResult:
    """How one criterion judged a lead: ``verdict`` True (matched), False (did not) or
    None (unknown), the field values it read, and the full explanation."""

    criterion: Criterion
    verdict: bool | None
    seen: tuple[tuple[str, object], ...]
    explanation: Explanation = attrs.field(repr=False)

    @property
    def name(self) -> str:
        """The criterion's name."""
        return self.criterion.name

    @property
    def weight(self) -> int:
        """The criterion's weight in thirds of a letter."""
        return self.criterion.weight

    @property
    def moved(self) -> int:
        """How many thirds it moved the grade: +weight, -weight or 0."""
        if self.verdict is None:
            return 0
        return self.weight if self.verdict else -self.weight

    def describe(self, *, locale: str = "en") -> str:
        """One line: mark, move, criterion, values seen."""
        mark = {True: "✓", False: "✗", None: "?"}[self.verdict]
        values = _seen_text(self.seen, locale)
        return f"{mark} {self.move:>3}  {self.name}: {self.criterion.when}" + (
            f"  [{values}]" if values else ""
        )

    @property
    def move(self) -> str:
        """The move as printed: ``+2``, ``-1`` or ``±0``."""
        return f"{self.moved:+d}" if self.moved else "±0"

    @property
    def outcome(self) -> str:
        """``matched``, ``unmatched`` or ``unknown``."""
        return {True: "matched", False: "unmatched", None: "unknown"}[self.verdict]


_GRADE_COLUMNS = ("verdict", "criterion", "weight", "moved", "condition", "seen")


@attrs.frozen(slots=True, repr=False)
class GradeCard:
    """A lead's grade under one profile, with the criteria that matched, did not match,
    or could not be told (``unknown``: a value was missing; they moved nothing).

    ``repr`` is one summary line; :meth:`explain` (``str``) and ``_repr_html_`` (Jupyter)
    give every criterion; ``locale="ja"`` in Japanese.
    """

    lead_id: str
    grade: Grade
    profile: str
    version: str
    as_of: datetime
    matched: tuple[CriterionResult, ...]
    unmatched: tuple[CriterionResult, ...]
    unknown: tuple[CriterionResult, ...]
    results: tuple[CriterionResult, ...]

    @property
    def thirds(self) -> int:
        """How many thirds of a letter the criteria moved the grade from the start (D)."""
        return sum(r.moved for r in self.results)

    def headline(self, *, locale: str = "en") -> str:
        """``Grade B for lead-1 (profile 'fit' v1, as of ...): starts at D, +3 third(s)``."""
        clamped = not 0 <= START.rank + self.thirds <= 12
        return text("grade.head", locale, grade=self.grade, lead=self.lead_id,
                    profile=self.profile, version=self.version,
                    as_of=self.as_of.isoformat(), start=START, thirds=self.thirds,
                    clamped=text("grade.clamped", locale) if clamped else "")  # fmt: skip

    def explain(self, *, locale: str = "en") -> str:
        """The grade and every criterion, in the profile's order, as readable text."""
        lines = [self.headline(locale=locale)]
        lines.extend(f"  {r.describe(locale=locale)}" for r in self.results)
        return "\n".join(lines)

    def table_rows(self, *, locale: str = "en") -> tuple[tuple[str, ...], list[tuple[object, ...]]]:
        """Column headings and one row per criterion (what ``_repr_html_`` shows)."""
        rows: list[tuple[object, ...]] = [
            (text(f"grade.{r.outcome}", locale), r.name, r.weight, r.move,
             str(r.criterion.when), _seen_text(r.seen, locale))
            for r in self.results
        ]  # fmt: skip
        return tuple(text(f"grade.col.{c}", locale) for c in _GRADE_COLUMNS), rows

    def to_html(self, *, locale: str = "en") -> str:
        """The grade and every criterion as an HTML table."""
        columns, rows = self.table_rows(locale=locale)
        return html_table(columns, rows, caption=self.headline(locale=locale),
                          right_align=(False, False, True, True, False, False))  # fmt: skip

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        return self.explain()

    def __repr__(self) -> str:
        return self.summary()

    def summary(self, *, locale: str = "en") -> str:
        """One line: lead, grade, profile, ``as_of`` and how many criteria matched."""
        return text("grade.summary", locale, lead=self.lead_id, grade=self.grade,
                    profile=self.profile, version=self.version,
                    as_of=self.as_of.isoformat(timespec="minutes"), matched=len(self.matched),
                    unmatched=len(self.unmatched), unknown=len(self.unknown))  # fmt: skip


def _seen_text(seen: tuple[tuple[str, object], ...], locale: str = "en") -> str:
    return "; ".join(
        text("grade.missing", locale, field=k) if v is None else f"{k} = {show_value(v)}"
        for k, v in seen
    )


def _criteria(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value


def _check_criteria(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not value:
        raise scoring_error("a profile needs a list of at least one criterion", path="criteria")
    names: dict[str, int] = {}
    for index, item in enumerate(value):
        if not isinstance(item, Criterion):
            raise scoring_error(
                f"expected a Criterion, got {type(item).__name__}",
                path=f"criteria[{index}]",
            )
        if item.name in names:
            raise scoring_error(
                f"duplicate criterion name {item.name!r} (also criteria[{names[item.name]}])",
                path=f"criteria[{index}].name",
            )
        names[item.name] = index


def _check_applies_to(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _fit_condition(value, "applies_to")


def _leads(leads: Iterable[Lead]) -> list[Lead]:
    if isinstance(leads, Lead):
        raise scoring_error("grade_many takes a list of leads; use grade for one", path="leads")
    try:
        chosen = list(leads)
    except TypeError:
        raise scoring_error(
            f"leads must be an iterable of Lead, got {leads!r}", path="leads"
        ) from None
    index_leads(chosen)
    return chosen


@attrs.frozen(slots=True)
class GradingProfile:
    """Fit criteria with weights; a lead starts at D and each criterion moves it.

    ``applies_to`` (optional) says which leads the profile is for when several profiles
    are combined in a :class:`GradingScheme` (one per product line, say).

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import Lead, PersonName
    >>> from leadkit.rules import field
    >>> profile = GradingProfile("fit", [
    ...     Criterion("decision maker", field("title").contains_any(["部長", "CEO"]), weight=2),
    ...     Criterion("large company", field("employees") >= 1000, weight=2),
    ...     Criterion("manufacturing", field("industry") == "製造業", weight=1),
    ... ])
    >>> lead = Lead(name=PersonName("山田"), company="ABC", title="営業部長", employees=300,
    ...             created_at=datetime(2026, 4, 1, tzinfo=UTC))
    >>> card = profile.grade(lead, as_of=datetime(2026, 5, 1, tzinfo=UTC))
    >>> str(card.grade), [r.name for r in card.unknown]
    ('D', ['manufacturing'])
    """

    name: str = attrs.field(validator=check_name)
    criteria: tuple[Criterion, ...] = attrs.field(converter=_criteria, validator=_check_criteria)
    version: str = attrs.field(default="1", kw_only=True, validator=check_name)
    description: str = attrs.field(default="", kw_only=True, validator=check_text)
    applies_to: Condition | None = attrs.field(
        default=None, kw_only=True, validator=_check_applies_to
    )
    _known: tuple[tuple[Any, int], ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        known = tuple((compile(c.when).known_predicate, c.weight) for c in self.criteria)
        object.__setattr__(self, "_known", known)

    def applies(self, lead: Lead, *, as_of: datetime) -> bool:
        """True when ``applies_to`` holds for ``lead`` (always, without one)."""
        check_as_of(as_of)
        if self.applies_to is None:
            return True
        return compile(self.applies_to)(lead, as_of=as_of)

    def grade(self, lead: Lead, *, as_of: datetime) -> GradeCard:
        """Grade ``lead`` at ``as_of`` with this profile, explaining every criterion."""
        check_as_of(as_of)
        if not isinstance(lead, Lead):
            raise scoring_error(f"expected a Lead, got {type(lead).__name__}", path="lead")
        results = []
        for criterion in self.criteria:
            verdict = compile(criterion.when).known(lead, as_of=as_of)
            why = explain(criterion.when, lead, as_of=as_of)
            results.append(CriterionResult(criterion, verdict, seen_values(why), why))
        thirds = sum(r.moved for r in results)
        return GradeCard(
            lead.id,
            START + thirds,
            self.name,
            self.version,
            as_of,
            tuple(r for r in results if r.verdict is True),
            tuple(r for r in results if r.verdict is False),
            tuple(r for r in results if r.verdict is None),
            tuple(results),
        )

    def grade_many(self, leads: Iterable[Lead], *, as_of: datetime) -> dict[str, Grade]:
        """``{lead id: grade}`` for many leads, without building cards (fast)."""
        check_as_of(as_of)
        chosen = _leads(leads)
        return {
            lead.id: grade for lead, grade in zip(chosen, self._grades(chosen, as_of), strict=True)
        }

    def _grades(self, leads: list[Lead], as_of: datetime) -> list[Grade]:
        criteria = self._known
        start = START.rank
        by_rank = _BY_RANK
        out: list[Grade] = []
        append = out.append
        try:
            for lead in leads:
                rank = start
                for known, weight in criteria:
                    verdict = known(lead, (), as_of)
                    if verdict is True:
                        rank += weight
                    elif verdict is False:
                        rank -= weight
                append(by_rank[0 if rank < 0 else 12 if rank > 12 else rank])
        except (AttributeError, TypeError, OverflowError) as exc:
            raise scoring_error(f"cannot evaluate a criterion: {exc}", path="leads") from exc
        return out

    def to_data(self) -> dict[str, Any]:
        """The profile as JSON/TOML-compatible plain data."""
        from leadkit.scoring._data import profile_to_data

        return profile_to_data(self)

    @classmethod
    def from_data(cls, data: Mapping[str, Any], *, path: str = "") -> GradingProfile:
        """Build a profile from plain data, or raise :class:`~leadkit.errors.LoadError`
        naming every problem's path (``criteria[1].when.field``)."""
        from leadkit.scoring._data import profile_from_data

        return profile_from_data(data, path=path)


def _profiles(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value


def _check_profiles(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not value:
        raise scoring_error("a scheme needs a list of at least one profile", path="profiles")
    names: dict[str, int] = {}
    for index, profile in enumerate(value):
        if not isinstance(profile, GradingProfile):
            raise scoring_error(
                f"expected a GradingProfile, got {type(profile).__name__}",
                path=f"profiles[{index}]",
            )
        if profile.name in names:
            raise scoring_error(
                f"duplicate profile name {profile.name!r} (also profiles[{names[profile.name]}])",
                path=f"profiles[{index}].name",
            )
        names[profile.name] = index
        last = index == len(value) - 1
        if last and profile.applies_to is not None:
            raise scoring_error(
                "the last profile is the default: it must apply to every lead (no applies_to), "
                "so that every lead gets a grade",
                path=f"profiles[{index}].applies_to",
            )
        if not last and profile.applies_to is None:
            raise scoring_error(
                "only the last profile may apply to every lead; the profiles after this one "
                "would never be used (give it an applies_to condition)",
                path=f"profiles[{index}].applies_to",
            )


@attrs.frozen(slots=True)
class GradingScheme:
    """Several profiles, chosen per lead: the first whose ``applies_to`` holds grades
    it; the last profile (without ``applies_to``) is the default.

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import Lead, PersonName
    >>> from leadkit.rules import field
    >>> crm = GradingProfile("crm", [Criterion("big", field("employees") >= 100, weight=3)],
    ...                      applies_to=field("custom.product") == "crm")
    >>> other = GradingProfile("default", [Criterion("big", field("employees") >= 1000)])
    >>> scheme = GradingScheme([crm, other])
    >>> lead = Lead(name=PersonName("Sato"), company="ABC", employees=300,
    ...             custom={"product": "crm"}, created_at=datetime(2026, 4, 1, tzinfo=UTC))
    >>> card = scheme.grade(lead, as_of=datetime(2026, 5, 1, tzinfo=UTC))
    >>> card.profile, str(card.grade)
    ('crm', 'C')
    """

    profiles: tuple[GradingProfile, ...] = attrs.field(
        converter=_profiles, validator=_check_profiles
    )
    name: str = attrs.field(default="grading", kw_only=True, validator=check_name)

    def select(self, lead: Lead, *, as_of: datetime) -> GradingProfile:
        """The profile that grades ``lead``."""
        check_as_of(as_of)
        for profile in self.profiles[:-1]:
            if profile.applies(lead, as_of=as_of):
                return profile
        return self.profiles[-1]

    def grade(self, lead: Lead, *, as_of: datetime) -> GradeCard:
        """Grade ``lead`` with the profile :meth:`select` picks."""
        return self.select(lead, as_of=as_of).grade(lead, as_of=as_of)

    def grade_many(self, leads: Iterable[Lead], *, as_of: datetime) -> dict[str, Grade]:
        """``{lead id: grade}`` for many leads, each with its profile (fast)."""
        check_as_of(as_of)
        chosen = _leads(leads)
        choosers = [
            compile(p.applies_to).predicate for p in self.profiles[:-1] if p.applies_to is not None
        ]
        buckets: list[list[int]] = [[] for _ in self.profiles]
        try:
            for position, lead in enumerate(chosen):
                for index, applies in enumerate(choosers):
                    if applies(lead, (), as_of):
                        buckets[index].append(position)
                        break
                else:
                    buckets[-1].append(position)
        except (AttributeError, TypeError, OverflowError) as exc:
            raise scoring_error(f"cannot evaluate applies_to: {exc}", path="leads") from exc
        grades: list[Grade | None] = [None] * len(chosen)
        for profile, positions in zip(self.profiles, buckets, strict=True):
            subset = [chosen[p] for p in positions]
            for position, grade in zip(positions, profile._grades(subset, as_of), strict=True):
                grades[position] = grade
        return {lead.id: grade for lead, grade in zip(chosen, grades, strict=True)}  # type: ignore[misc]

    def to_data(self) -> dict[str, Any]:
        """The scheme as JSON/TOML-compatible plain data."""
        from leadkit.scoring._data import scheme_to_data

        return scheme_to_data(self)

    @classmethod
    def from_data(cls, data: Mapping[str, Any], *, path: str = "") -> GradingScheme:
        """Build a scheme from plain data, or raise :class:`~leadkit.errors.LoadError`."""
        from leadkit.scoring._data import scheme_from_data

        return scheme_from_data(data, path=path)
