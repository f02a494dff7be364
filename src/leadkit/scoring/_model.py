"""A scoring model: named, versioned data (rules, groups, caps, decay) that scores leads."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, overload

import attrs

from leadkit.errors import Problem
from leadkit.model import EngagementEvent, Lead
from leadkit.rules import (
    AllOf,
    AnyOf,
    Condition,
    Criteria,
    EventExists,
    EventQuery,
    Not,
    event_queries,
    explain,
)
from leadkit.scoring._card import Contribution, ScoreCard
from leadkit.scoring._checks import check_cap, check_name, check_text, number_or_none
from leadkit.scoring._decay import Decay, HalfLife, InactivityDecay, LinearDecay
from leadkit.scoring._engine import Engine, Run, check_as_of, matching_event_ids
from leadkit.scoring._errors import scoring_error
from leadkit.scoring._explanation_values import event_ids_of, seen_values
from leadkit.scoring._rules import EventRule, Group, ProfileRule, Rule

__all__ = ["ScoringModel", "model_problems"]


def _tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value


def _check_rules(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not value:
        raise scoring_error("a model needs a list of at least one rule", path="rules")
    for index, rule in enumerate(value):
        if not isinstance(rule, EventRule | ProfileRule):
            raise scoring_error(
                f"expected an EventRule or a ProfileRule, got {type(rule).__name__}",
                path=f"rules[{index}]",
            )


def _check_groups(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise scoring_error("groups is a list of Group", path="groups")
    for index, group in enumerate(value):
        if not isinstance(group, Group):
            raise scoring_error(
                f"expected a Group, got {type(group).__name__}",
                path=f"groups[{index}]",
            )


def _check_decay(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, HalfLife | LinearDecay | InactivityDecay):
        raise scoring_error(
            f"decay is HalfLife, LinearDecay, InactivityDecay or None, got {value!r}",
            path="decay",
        )


def _check_floor(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    number_or_none(value, "floor")


def _kinds(value: object) -> object:
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(value)
    return value


def _check_kinds(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, tuple) or not value:
        raise scoring_error(
            "event_kinds lists the event kinds the model knows (or is None: any kind)",
            path="event_kinds",
        )
    for index, kind in enumerate(value):
        if not isinstance(kind, str) or not kind.strip():
            raise scoring_error(
                f"an event kind is a non-empty string, got {kind!r}",
                path=f"event_kinds[{index}]",
            )
        if kind in value[:index]:
            raise scoring_error(f"{kind!r} is listed twice", path=f"event_kinds[{index}]")


def _queries(condition: Condition) -> Iterator[EventQuery]:
    """Every event query in ``condition`` (to check its kinds)."""
    if isinstance(condition, AllOf | AnyOf | Criteria):
        for item in condition.items:
            yield from _queries(item)
    elif isinstance(condition, Not):
        yield from _queries(condition.item)
    elif isinstance(condition, EventExists):
        yield condition.query
    else:
        yield from event_queries(getattr(condition, "subject", None))


def model_problems(
    *,
    rules: Sequence[Rule | None],
    groups: Sequence[Group | None],
    event_kinds: tuple[str, ...] | None,
    cap: float | None,
    floor: float | None,
    written_kinds: Mapping[int, Sequence[str]] | None = None,
) -> list[Problem]:
    """Every inconsistency between the parts of a model, each with its path.

    ``written_kinds`` gives, per rule index, the event kinds in the order a document
    wrote them, so that an unknown kind is reported as ``rules[3].events[1]``. A loader
    passes None for the rules and groups it could not build; they are skipped.
    """
    problems: list[Problem] = []
    seen_groups: dict[str, int] = {}
    for index, group in enumerate(groups):
        if group is None:
            continue
        if group.name in seen_groups:
            problems.append(
                Problem(
                    f"groups[{index}].name",
                    f"duplicate group name {group.name!r} (also groups[{seen_groups[group.name]}])",
                )
            )
        seen_groups.setdefault(group.name, index)
    declared = ", ".join(seen_groups) or "none"
    listed = event_kinds or ()
    known = None if event_kinds is None else frozenset(event_kinds)
    seen_rules: dict[str, int] = {}
    all_groups_known = all(group is not None for group in groups)
    for index, rule in enumerate(rules):
        if rule is None:
            continue
        path = f"rules[{index}]"
        if rule.name in seen_rules:
            problems.append(
                Problem(
                    f"{path}.name",
                    f"duplicate rule name {rule.name!r} (also rules[{seen_rules[rule.name]}])",
                )
            )
        seen_rules.setdefault(rule.name, index)
        if rule.group is not None and rule.group not in seen_groups and all_groups_known:
            problems.append(
                Problem(
                    f"{path}.group",
                    f"unknown group {rule.group!r}; declare it in groups (declared: {declared})",
                )
            )
        if known is None:
            continue
        if isinstance(rule, EventRule):
            written = (written_kinds or {}).get(index)
            for kind in rule.kinds:
                if kind not in known:
                    where = f"{path}.events"
                    if written is not None and kind in written:
                        where += f"[{list(written).index(kind)}]"
                    problems.append(Problem(where, _unknown_kind(kind, listed)))
        else:
            for query in _queries(rule.when):
                for kind in query.kinds:
                    if kind not in known:
                        problems.append(Problem(f"{path}.when", _unknown_kind(kind, listed)))
    if cap is not None and floor is not None and floor > cap:
        problems.append(Problem("floor", f"the floor {floor} is above the cap {cap}"))
    return problems


def _unknown_kind(kind: str, event_kinds: tuple[str, ...]) -> str:
    kinds = ", ".join(event_kinds)
    return f"unknown event kind {kind!r}; this model's event kinds are {kinds}"


@attrs.frozen(slots=True)
class ScoringModel:
    """A named, versioned scoring model: rules, optional groups with caps, an optional
    cap and floor on the total, and an optional decay of event points.

    The total is the sum of every rule's points (each rule's cap applied first), with
    each group's sum limited by the group's cap, then limited by ``cap`` and ``floor``.
    ``event_kinds``, when given, closes the model's vocabulary: a rule naming any other
    kind is an error (a typo caught when the model is built, not months later).

    >>> from datetime import datetime, timedelta, UTC
    >>> from leadkit.model import EngagementEvent, Lead, PersonName
    >>> from leadkit.rules import field
    >>> from leadkit.scoring import EventRule, ProfileRule, ScoringModel
    >>> model = ScoringModel("starter", [
    ...     EventRule("form", "form_submit", points=50),
    ...     EventRule("page view", "page_view", points=1, cap=10),
    ...     ProfileRule("big company", field("employees") >= 1000, points=20),
    ... ])
    >>> now = datetime(2026, 5, 1, tzinfo=UTC)
    >>> lead = Lead(id="lead-1", name=PersonName("Sato"), company="ABC", employees=1200,
    ...             created_at=now)
    >>> seen = [EngagementEvent(kind="page_view", lead_id="lead-1",
    ...                         occurred_at=now - timedelta(days=d)) for d in range(12)]
    >>> model.score(lead, seen, as_of=now).total
    30.0
    >>> model.score_many([lead], seen, as_of=now)
    {'lead-1': 30.0}
    """

    name: str = attrs.field(validator=check_name)
    rules: tuple[Rule, ...] = attrs.field(converter=_tuple, validator=_check_rules)
    version: str = attrs.field(default="1", kw_only=True, validator=check_name)
    description: str = attrs.field(default="", kw_only=True, validator=check_text)
    groups: tuple[Group, ...] = attrs.field(
        default=(), kw_only=True, converter=_tuple, validator=_check_groups
    )
    decay: Decay | None = attrs.field(default=None, kw_only=True, validator=_check_decay)
    cap: int | float | None = attrs.field(default=None, kw_only=True, validator=check_cap)
    floor: int | float | None = attrs.field(default=None, kw_only=True, validator=_check_floor)
    event_kinds: tuple[str, ...] | None = attrs.field(
        default=None, kw_only=True, converter=_kinds, validator=_check_kinds
    )
    _engine: Engine = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        problems = model_problems(
            rules=self.rules,
            groups=self.groups,
            event_kinds=self.event_kinds,
            cap=self.cap,
            floor=self.floor,
        )
        if problems:
            first = problems[0]
            more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
            raise scoring_error(first.message + more, path=first.path)
        object.__setattr__(self, "_engine", Engine(self))

    # -----------------------------------------------------------------------------------
    # Scoring
    # -----------------------------------------------------------------------------------

    def score(
        self, lead: Lead, events: Iterable[EngagementEvent] = (), *, as_of: datetime
    ) -> ScoreCard:
        """Score one lead with its engagement events at ``as_of``, with the breakdown.

        Every event must be the lead's (``lead_id`` equal to ``lead.id``); events after
        ``as_of`` are ignored. The total equals what :meth:`score_many` gives the lead.
        """
        check_as_of(as_of)
        if not isinstance(lead, Lead):
            raise scoring_error(f"expected a Lead, got {type(lead).__name__}", path="lead")
        found = list(events)
        for position, event in enumerate(found):
            if not isinstance(event, EngagementEvent):
                raise scoring_error(
                    f"expected an EngagementEvent, got {type(event).__name__}",
                    path=f"events[{position}]",
                )
            if event.lead_id != lead.id:
                raise scoring_error(
                    f"event {event.id} belongs to {event.lead_id or 'a contact'}, "
                    f"not to {lead.id}; pass only the lead's events (or use score_many)",
                    path=f"events[{position}].lead_id",
                )
        run = self._engine.run([lead], found, as_of, record=True)
        return self._cards([lead], run, as_of)[0]

    @overload
    def score_many(
        self,
        leads: Iterable[Lead],
        events: Iterable[EngagementEvent] = ...,
        *,
        as_of: datetime,
        breakdown: Literal[False] = ...,
    ) -> dict[str, float]: ...

    @overload
    def score_many(
        self,
        leads: Iterable[Lead],
        events: Iterable[EngagementEvent] = ...,
        *,
        as_of: datetime,
        breakdown: Literal[True],
    ) -> dict[str, ScoreCard]: ...

    def score_many(
        self,
        leads: Iterable[Lead],
        events: Iterable[EngagementEvent] = (),
        *,
        as_of: datetime,
        breakdown: bool = False,
    ) -> dict[str, float] | dict[str, ScoreCard]:
        """Score many leads at once: ``{lead id: total}`` in the order of ``leads``.

        ``events`` is one flat iterable (a list, a generator, a database cursor) of
        engagement events in any order; each counts for the lead its ``lead_id`` names,
        and events of other leads or of contacts are skipped. No per-lead objects are
        built unless ``breakdown=True``, which returns ``{lead id: ScoreCard}`` instead
        (slower). Either way a lead's total is the same, to the last bit, as
        :meth:`score` gives it.
        """
        if not isinstance(breakdown, bool):
            raise scoring_error(
                f"breakdown is True or False, got {breakdown!r}",
                path="breakdown",
            )
        if isinstance(leads, Lead):
            raise scoring_error(
                "score_many takes a list of leads; use score for one",
                path="leads",
            )
        try:
            chosen = list(leads)
        except TypeError:
            raise scoring_error(
                f"leads must be an iterable of Lead, got {leads!r}",
                path="leads",
            ) from None
        run = self._engine.run(chosen, events, as_of, record=breakdown)
        if breakdown:
            cards = self._cards(chosen, run, as_of)
            return {lead.id: card for lead, card in zip(chosen, cards, strict=True)}
        return {lead.id: total for lead, total in zip(chosen, run.totals, strict=True)}

    def _cards(self, leads: list[Lead], run: Run, as_of: datetime) -> list[ScoreCard]:
        assert run.values is not None
        assert run.uncapped is not None
        assert run.held is not None
        assert run.group_totals is not None
        assert run.lead_events is not None
        cards = []
        for i, lead in enumerate(leads):
            found = run.lead_events[i]
            ids = matching_event_ids(self._engine, found, as_of)
            contributions = []
            for index, rule in enumerate(self.rules):
                value, raw = run.values[i][index], run.uncapped[i][index]
                if isinstance(rule, EventRule):
                    if ids[index]:
                        contributions.append(Contribution(rule, value, raw, ids[index]))
                elif run.held[i][index]:
                    why = explain(rule.when, lead, found, as_of=as_of)
                    contributions.append(
                        Contribution(rule, value, raw, event_ids_of(why), seen_values(why))
                    )
            cards.append(
                ScoreCard(
                    lead.id,
                    run.totals[i],
                    {g.name: run.group_totals[i][k] for k, g in enumerate(self.groups)},
                    tuple(contributions),
                    self.name,
                    self.version,
                    as_of,
                    group_caps={g.name: g.cap for g in self.groups},
                    cap=self.cap,
                    floor=self.floor,
                )
            )
        return cards

    # -----------------------------------------------------------------------------------
    # Plain data
    # -----------------------------------------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        """The model as JSON/TOML-compatible plain data (what :meth:`from_data` reads)."""
        from leadkit.scoring._data import model_to_data

        return model_to_data(self)

    @classmethod
    def from_data(cls, data: Mapping[str, Any], *, path: str = "") -> ScoringModel:
        """Build a model from plain data, or raise :class:`~leadkit.errors.LoadError`
        naming every problem's path (``rules[3].when.field``)."""
        from leadkit.scoring._data import model_from_data

        return model_from_data(data, path=path)
