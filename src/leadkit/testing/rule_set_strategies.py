"""Hypothesis strategies for the rule-bearing types that are written as files (needs
``leadkit[testing]``): scoring models, grading profiles and schemes, assignment rules,
stage policies, working calendars, availability, matching rules, duplicate rule sets
and survivorship.

Every object drawn is valid and can be written as data, so they suit properties such as
``loads(dumps(x), type(x)) == x``::

    from hypothesis import given
    from leadkit.io import dumps, loads
    from leadkit.testing.rule_set_strategies import matching_rules

    @given(matching_rules())
    def test_round_trip(rule):
        assert loads(dumps(rule), type(rule)) == rule
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hypothesis import strategies as st

from leadkit.dedupe import (
    METRICS,
    Block,
    CompanyMatch,
    Concatenate,
    ConditionMatch,
    DateMatch,
    DomainMatch,
    DuplicateAction,
    DuplicateRule,
    DuplicateRuleSet,
    EmailMatch,
    ExactMatch,
    FirstNonEmpty,
    FuzzyMatch,
    Longest,
    MasterWins,
    MatchingRule,
    Maximum,
    MostRecent,
    NameMatch,
    PhoneMatch,
    Survivorship,
)
from leadkit.model import Account, Contact, Lead, OwnerRef
from leadkit.routing import (
    AssignmentRules,
    Availability,
    CapacityBased,
    Caps,
    LeastLoaded,
    Leave,
    RoundRobin,
    RuleEntry,
    WeightedRoundRobin,
    WorkingHours,
)
from leadkit.rules import Condition, EventExists, events, prop
from leadkit.scoring import (
    Criterion,
    EventRule,
    GradingProfile,
    GradingScheme,
    Group,
    HalfLife,
    InactivityDecay,
    LinearDecay,
    ProfileRule,
    ScoringModel,
)
from leadkit.stages import MqlRule, StagePolicy, WorkingCalendar
from leadkit.testing.rule_strategies import lead_conditions, periods

__all__ = [
    "assignment_rules",
    "availabilities",
    "duplicate_rule_sets",
    "grading_profiles",
    "grading_schemes",
    "matching_rules",
    "scoring_models",
    "stage_policies",
    "survivorships",
    "working_calendars",
]

_AS_OF = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
_KINDS = ["page_view", "form_submit", "webinar", "email_open"]
_ZONES = ["Asia/Tokyo", "UTC", "Europe/Berlin", "America/New_York"]
_NAMES = st.sampled_from(["標準", "default", "Enterprise 2026", "名寄せ"])
_POINTS = st.sampled_from([1.0, 5.0, 12.5, -3.0, 40.0])


def _selections() -> st.SearchStrategy[EventExists]:
    where = st.none() | st.sampled_from([prop("url") == "/pricing", prop("url").is_missing()])

    def build(kinds: list[str], where: Condition | None, window: Any) -> EventExists:
        chosen = events(*kinds)
        if where is not None:
            chosen = chosen.where(where)
        return chosen if window is None else chosen.within(**window.as_dict())

    return st.builds(
        build, st.lists(st.sampled_from(_KINDS), max_size=2), where, st.none() | periods()
    )


# ---------------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------------


@st.composite
def scoring_models(draw: st.DrawFn) -> ScoringModel:
    """Scoring models with event and profile rules, groups, caps and decay."""
    groups = [
        Group(f"g{n}", cap=draw(st.none() | st.sampled_from([10.0, 50.0])))
        for n in range(draw(st.integers(0, 2)))
    ]
    group = st.none() | st.sampled_from([g.name for g in groups]) if groups else st.none()
    rules: list[EventRule | ProfileRule] = []
    for n in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            rules.append(
                EventRule(
                    f"r{n}",
                    draw(_selections()),
                    points=draw(_POINTS),
                    per=draw(st.sampled_from(["event", "lead"])),
                    cap=draw(st.none() | st.sampled_from([5.0, 30.0])),
                    decays=draw(st.booleans()),
                    group=draw(group),
                )
            )
        else:
            rules.append(
                ProfileRule(
                    f"r{n}", draw(lead_conditions()), points=draw(_POINTS), group=draw(group)
                )
            )
    decay = draw(
        st.sampled_from(
            [None, HalfLife(90), LinearDecay(10, every_days=30), InactivityDecay(60, percent=50)]
        )
    )
    return ScoringModel(
        draw(_NAMES),
        rules,
        version=draw(st.sampled_from(["1", "2.0"])),
        description=draw(st.sampled_from(["", "行動スコア"])),
        groups=groups,
        decay=decay,
        cap=draw(st.none() | st.sampled_from([100.0, 250.0])),
        floor=draw(st.none() | st.sampled_from([-20.0, 0.0])),
    )


@st.composite
def grading_profiles(draw: st.DrawFn) -> GradingProfile:
    """Grading profiles of one to four weighted criteria, some with ``applies_to``."""
    criteria = [
        Criterion(f"c{n}", draw(lead_conditions()), weight=draw(st.sampled_from([1, 2, 3])))
        for n in range(draw(st.integers(1, 4)))
    ]
    return GradingProfile(
        draw(_NAMES),
        criteria,
        version=draw(st.sampled_from(["1", "3"])),
        applies_to=draw(st.none() | lead_conditions()),
    )


@st.composite
def grading_schemes(draw: st.DrawFn) -> GradingScheme:
    """Schemes of one to three profiles with distinct names."""
    count = draw(st.integers(1, 3))
    profiles = [
        GradingProfile(
            f"p{n}",
            [Criterion("c", draw(lead_conditions()))],
            applies_to=draw(lead_conditions()) if n < count - 1 else None,
        )
        for n in range(count)
    ]
    return GradingScheme(profiles, name=draw(st.sampled_from(["scheme", "業種別"])))


# ---------------------------------------------------------------------------------------------
# Routing
# ---------------------------------------------------------------------------------------------

_OWNERS = st.sampled_from([OwnerRef.user("u-1"), OwnerRef.queue("inside-sales")])


def _targets() -> st.SearchStrategy[Any]:
    members = st.permutations(["u-1", "u-2", "u-3"]).map(tuple)
    caps = st.builds(
        Caps, max_open=st.none() | st.integers(0, 9), per_day=st.none() | st.integers(0, 9)
    )
    return st.one_of(
        _OWNERS,
        st.builds(RoundRobin, members, pool=st.none() | st.just("east")),
        st.builds(LeastLoaded, members, fallback=st.none() | _OWNERS),
        st.builds(lambda m, c: CapacityBased(m, caps=c), members, caps),
        st.builds(
            lambda w: WeightedRoundRobin(dict(zip(["u-1", "u-2"], w, strict=True))),
            st.lists(st.sampled_from([1, 3, 0.5, "1/3"]), min_size=2, max_size=2),
        ),
    )


def assignment_rules() -> st.SearchStrategy[AssignmentRules]:
    """Rule sets of up to four entries with every kind of target."""
    entry = st.builds(
        lambda when, target, name, keep: RuleEntry(when, target, name=name, keep_owner=keep),
        lead_conditions(),
        _targets(),
        st.sampled_from(["", "関東", "enterprise"]),
        st.booleans(),
    )
    return st.builds(
        lambda entries, owner, name: AssignmentRules(entries, default_owner=owner, name=name),
        st.lists(entry, max_size=4),
        _OWNERS,
        st.sampled_from(["", "routing"]),
    )


def _clock() -> st.SearchStrategy[time]:
    return st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))


def availabilities() -> st.SearchStrategy[Availability]:
    """Working hours (overnight shifts too), days of leave and a timezone."""
    hours = st.builds(WorkingHours, st.sets(st.integers(0, 6), min_size=1), _clock(), _clock())
    leave = st.builds(
        lambda start, days: Leave(start, start + timedelta(days=days)),
        st.dates(date(2025, 1, 1), date(2027, 12, 31)),
        st.integers(0, 20),
    )
    return st.builds(
        Availability,
        hours=st.lists(hours, max_size=3),
        leave=st.lists(leave, max_size=3),
        timezone=st.none() | st.sampled_from(_ZONES),
    )


# ---------------------------------------------------------------------------------------------
# Stages
# ---------------------------------------------------------------------------------------------


@st.composite
def stage_policies(draw: st.DrawFn) -> StagePolicy:
    """Stage policies with score and grade thresholds and conditions."""
    mql = draw(
        st.builds(
            MqlRule,
            min_score=st.none() | st.sampled_from([50, 100, 72.5]),
            min_grade=st.none() | st.sampled_from(["A", "B+", "C-"]),
            when=st.none() | lead_conditions(),
            or_when=st.just(events("demo_request").exists()),
        )
    )
    return StagePolicy(
        mql=mql,
        name=draw(st.sampled_from(["default", "enterprise"])),
        sgl_when=draw(st.none() | lead_conditions()),
        disqualify_when=draw(st.none() | lead_conditions()),
        accept_within_hours=draw(st.none() | st.sampled_from([8, 24, 1.5])),
        requalify_after_days=draw(st.integers(0, 365)),
    )


def working_calendars() -> st.SearchStrategy[WorkingCalendar]:
    """Calendars in a few timezones, with holidays."""
    return st.builds(
        WorkingCalendar,
        timezone=st.sampled_from(_ZONES),
        weekdays=st.sets(st.integers(0, 6), min_size=1),
        start=st.sampled_from([time(0), time(8, 30), time(9)]),
        end=st.sampled_from([time(12), time(18), time(23, 59)]),
        holidays=st.sets(st.dates(date(2025, 1, 1), date(2027, 12, 31)), max_size=4),
    )


# ---------------------------------------------------------------------------------------------
# Dedupe
# ---------------------------------------------------------------------------------------------

_WEIGHTS = st.sampled_from([1.0, 0.5, 2.0, 3])
_PENALTIES = st.sampled_from([0.0, 0.5, 1.0])
_UNIT = st.sampled_from([0.0, 0.8, 0.9, 1.0])


def _scoring(**options: Any) -> dict[str, Any]:
    return {"weight": _WEIGHTS, "penalty": _PENALTIES, "match_blank": st.booleans(), **options}


def comparators() -> st.SearchStrategy[Any]:
    """Every built-in comparator that can be written as data, with random options."""
    return st.one_of(
        st.builds(EmailMatch, **_scoring()),
        st.builds(DomainMatch, **_scoring()),
        st.builds(
            PhoneMatch,
            sections=st.booleans(),
            default_country=st.none() | st.sampled_from(["JP", "US"]),
            **_scoring(threshold=_UNIT),
        ),
        st.builds(CompanyMatch, metric=st.sampled_from(METRICS), **_scoring(threshold=_UNIT)),
        st.builds(
            NameMatch,
            part=st.sampled_from(["full", "family", "given", "initial"]),
            kana=st.booleans(),
            initials=st.booleans(),
            **_scoring(threshold=_UNIT),
        ),
        st.builds(
            ExactMatch,
            st.sampled_from(["title", "address.postal_code", "custom.member_no"]),
            **_scoring(),
        ),
        st.builds(
            FuzzyMatch,
            st.sampled_from(["title", "description"]),
            metric=st.sampled_from(METRICS),
            **_scoring(threshold=_UNIT),
        ),
        st.builds(
            DateMatch, st.just("created_at"), tolerance_days=st.integers(0, 30), **_scoring()
        ),
        st.builds(
            ConditionMatch,
            lead_conditions(),
            as_of=st.just(_AS_OF),
            require=st.sampled_from(["both", "either"]),
            **_scoring(),
        ),
    )


_BLOCKS = st.sampled_from(
    [
        Block("email"),
        Block("family", "company"),
        Block("company:4"),
        Block("phone", name="電話"),
        Block("address.postal_code"),
    ]
)


@st.composite
def matching_rules(draw: st.DrawFn) -> MatchingRule:
    """Matching rules combined by filter logic, by all criteria, or by a score threshold."""
    criteria = draw(st.lists(comparators(), min_size=1, max_size=4))
    mode = draw(st.sampled_from(["all", "logic", "score"]))
    options: dict[str, Any] = {}
    if mode == "logic":
        numbers = [str(n) for n in range(1, len(criteria) + 1)]
        options["logic"] = " OR ".join(numbers) if draw(st.booleans()) else " AND ".join(numbers)
    elif mode == "score":
        options["threshold"] = draw(st.sampled_from([0.5, 1.0, 2.5]))
    return MatchingRule(
        draw(_NAMES),
        criteria,
        blocking=draw(st.lists(_BLOCKS, max_size=3, unique=True)),
        description=draw(st.none() | st.just("同じメール、または氏名と会社")),
        **options,
    )


def duplicate_rule_sets() -> st.SearchStrategy[DuplicateRuleSet]:
    """Sets of up to three duplicate rules with distinct names."""
    actions = st.sampled_from(list(DuplicateAction))

    def build(items: list[tuple[MatchingRule, Any, Any, bool, str]]) -> DuplicateRuleSet:
        return DuplicateRuleSet(
            [
                DuplicateRule(
                    f"rule {n}",
                    rule,
                    against=against,
                    on_create=create,
                    on_edit=edit,
                    active=active,
                )
                for n, (rule, create, edit, active, against) in enumerate(items)
            ]
        )

    item = st.tuples(
        matching_rules(), actions, actions, st.booleans(), st.sampled_from(["leads", "contacts"])
    )
    return st.lists(item, max_size=3).map(build)


def _field_rules(*, text: bool) -> st.SearchStrategy[Any]:
    rules = [
        st.just(MasterWins()),
        st.just(FirstNonEmpty()),
        st.builds(MostRecent, st.sampled_from(["created_at", "custom.updated_at"])),
    ]
    if text:
        rules += [st.just(Longest()), st.builds(Concatenate, st.sampled_from(["\n", " / "]))]
    return st.one_of(rules)


@st.composite
def survivorships(draw: st.DrawFn) -> Survivorship:
    """Survivorship for leads, contacts or accounts with rules on text, number and custom
    fields."""
    record_type = draw(st.sampled_from([Lead, Contact, Account]))
    text_fields = {Lead: ["title", "description"], Contact: ["title", "department"]}.get(
        record_type, ["description", "website"]
    )
    fields: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(text_fields), unique=True)):
        fields[name] = draw(_field_rules(text=True))
    if draw(st.booleans()):
        fields["custom.budget"] = draw(st.just(Maximum()) | _field_rules(text=False))
    return Survivorship(record_type, default=draw(_field_rules(text=False)), fields=fields)
