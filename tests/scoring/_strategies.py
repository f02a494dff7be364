"""Random scoring models, grading profiles, leads and events for the property tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
from hypothesis import strategies as st

from leadkit.model import EngagementEvent, EventKind, Lead, PersonName
from leadkit.rules import Condition, EventExists, events, field, prop
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
from leadkit.testing import strategies as lks
from leadkit.testing.rule_strategies import conditions, lead_custom_fields, periods

AS_OF = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
KINDS = ["page_view", "form_submit", "webinar", "email_open", "custom_kind"]
URLS = ["/", "/pricing", "/careers"]
CLOSED_KINDS = tuple(dict.fromkeys([*KINDS, *(kind.value for kind in EventKind)]))
"""Every kind the random models and conditions use, for models that close their kinds."""


def lead(**fields: Any) -> Lead:
    """A valid lead with only the given fields set."""
    fields.setdefault("id", "lead-1")
    fields.setdefault("name", PersonName("山田", "太郎"))
    fields.setdefault("company", "株式会社サンプル")
    fields.setdefault("created_at", AS_OF - timedelta(days=30))
    return Lead(**fields)


def event(
    kind: str, days_ago: float, *, lead_id: str = "lead-1", id: str = "", **properties: Any
) -> EngagementEvent:
    """An event of ``lead_id`` that happened ``days_ago`` days before AS_OF."""
    return EngagementEvent(
        id=id or f"event-{kind}-{days_ago}",
        kind=kind,
        lead_id=lead_id,
        occurred_at=AS_OF - timedelta(days=days_ago),
        properties=properties,
    )


# ---------------------------------------------------------------------------------------------
# Leads and events
# ---------------------------------------------------------------------------------------------


def leads_near(lead_id: str = "lead-1") -> st.SearchStrategy[Lead]:
    """Random leads (every field kind), created around AS_OF, with custom fields."""
    hours = st.integers(-400 * 24, 10 * 24).map(lambda h: AS_OF + timedelta(hours=h))
    return st.builds(
        lambda base, created, custom: attrs.evolve(
            base, id=lead_id, created_at=created, custom=custom
        ),
        lks.leads(),
        hours,
        lead_custom_fields(),
    )


def event_lists(
    lead_id: str = "lead-1", *, min_size: int = 0, max_size: int = 8, future: bool = True
) -> st.SearchStrategy[list[EngagementEvent]]:
    """A few events of ``lead_id`` in the year before AS_OF (and, with ``future``, a few
    days after it), of a handful of kinds, some with a url."""
    after = 5 * 24 if future else 0
    times = st.integers(-400 * 24 * 60, after * 60).map(lambda m: AS_OF + timedelta(minutes=m))
    one = st.builds(
        lambda kind, at, url, n: EngagementEvent(
            id=f"{lead_id}-e{n}",
            kind=kind,
            lead_id=lead_id,
            occurred_at=at,
            properties={} if url is None else {"url": url},
        ),
        st.sampled_from(KINDS),
        times,
        st.none() | st.sampled_from(URLS),
        st.integers(0, 10**9),
    )
    return st.lists(one, min_size=min_size, max_size=max_size, unique_by=lambda e: e.id)


# ---------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------


def _selections(*, windows: bool = True) -> st.SearchStrategy[EventExists]:
    kinds = st.lists(st.sampled_from(KINDS), max_size=2)
    where = st.none() | st.sampled_from(
        [prop("url") == "/pricing", prop("url").startswith("/"), prop("url").is_missing()]
    )
    window = (st.none() | periods()) if windows else st.none()

    def build(kinds: list[str], where: Condition | None, window: Any) -> EventExists:
        chosen = events(*kinds)
        if where is not None:
            chosen = chosen.where(where)
        return chosen if window is None else chosen.within(**window.as_dict())

    return st.builds(build, kinds, where, window)


def _points(*, positive: bool) -> st.SearchStrategy[float]:
    low = 1 if positive else -30
    return st.integers(low, 50).map(float) | st.floats(
        0.5 if positive else -30.0, 50.0, allow_nan=False
    ).filter(lambda p: p != 0)


@st.composite
def scoring_models(
    draw: st.DrawFn, *, positive: bool = False, fixed_profile: bool = False
) -> ScoringModel:
    """Random models of every shape. ``positive``: every event rule and every condition
    on events gives positive points (adding an event can then only help).
    ``fixed_profile``: profile conditions read lead fields only, never ``as_of``."""
    group_count = draw(st.integers(0, 2))
    groups = [
        Group(f"g{n}", cap=draw(st.none() | st.integers(5, 80).map(float)))
        for n in range(group_count)
    ]
    group = st.none() | st.sampled_from([g.name for g in groups]) if groups else st.none()
    rules: list[EventRule | ProfileRule] = []
    for n in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["event", "event", "fold", "profile"]))
        name = f"r{n}"
        if kind == "event":
            rules.append(
                EventRule(
                    name,
                    draw(_SELECTIONS),
                    points=draw(_points(positive=positive)),
                    per=draw(st.sampled_from(["event", "lead"])),
                    cap=draw(st.none() | st.integers(1, 60).map(float)),
                    decays=draw(st.booleans()),
                    group=draw(group),
                )
            )
        elif kind == "fold":
            rules.append(
                ProfileRule(
                    name,
                    draw(_SELECTIONS),
                    points=draw(_points(positive=positive)),
                    group=draw(group),
                )
            )
        else:
            when = draw(_fixed_conditions() if fixed_profile else _profile_conditions(positive))
            points = draw(_points(positive=positive))
            rules.append(ProfileRule(name, when, points=points, group=draw(group)))
    decay = draw(st.sampled_from([None, HalfLife, LinearDecay, InactivityDecay]).flatmap(_decays))
    cap = draw(st.none() | st.integers(10, 200).map(float))
    floor = draw(st.none() | st.integers(-50, 5).map(float))
    return ScoringModel(
        "random",
        rules,
        version=draw(st.sampled_from(["1", "2.0"])),
        groups=groups,
        decay=decay,
        cap=cap,
        floor=floor,
        event_kinds=draw(st.none() | st.just(CLOSED_KINDS)),
    )


def _decays(kind: type | None) -> st.SearchStrategy[Any]:
    days = st.integers(1, 400).map(float)
    percent = st.integers(1, 100).map(float)
    if kind is HalfLife:
        return st.builds(HalfLife, days)
    if kind is LinearDecay:
        return st.builds(lambda p, d: LinearDecay(p, every_days=d), percent, days)
    if kind is InactivityDecay:
        return st.builds(lambda d, p: InactivityDecay(d, percent=p), days, percent)
    return st.none()


def _fixed_conditions() -> st.SearchStrategy[Condition]:
    return _FIXED


def _profile_conditions(positive: bool) -> st.SearchStrategy[Condition]:
    return _GROWING if positive else _ANY_CONDITION


@st.composite
def grading_profiles(draw: st.DrawFn) -> GradingProfile:
    """Random profiles: 1 to 6 criteria on lead fields, weights 1 to 3."""
    count = draw(st.integers(1, 6))
    criteria = [
        Criterion(
            f"c{n}",
            draw(_LEAD_ONLY),
            weight=draw(st.sampled_from([1, 2, 3])),
        )
        for n in range(count)
    ]
    return GradingProfile("random", criteria, version=draw(st.sampled_from(["1", "β"])))


@st.composite
def grading_schemes(draw: st.DrawFn) -> GradingScheme:
    """Random schemes: one to three profiles, all but the last with an applies_to."""
    count = draw(st.integers(1, 3))
    profiles = []
    for n in range(count):
        profile = attrs.evolve(draw(grading_profiles()), name=f"p{n}")
        if n < count - 1:
            profile = attrs.evolve(profile, applies_to=draw(_LEAD_ONLY))
        profiles.append(profile)
    return GradingScheme(profiles, name=draw(st.sampled_from(["grading", "製品別"])))


# Built once: building a recursive strategy for every draw costs more than drawing from it.
_SELECTIONS = _selections()
_LEAD_ONLY = conditions(events=False, max_leaves=3)
_ANY_CONDITION = conditions(max_leaves=3)
# Conditions on events that more events can only make true (exists, count >= n).
_GROWING = (
    _LEAD_ONLY
    | _SELECTIONS
    | st.builds(lambda s, n: s.count() >= n, _SELECTIONS, st.integers(1, 3))
)
_FIXED: st.SearchStrategy[Condition] = st.sampled_from(
    [
        field("employees") >= 1000,
        field("title").contains_any(["部長", "Director"]),
        field("industry").is_in(["製造業", "IT"]),
        field("email_domain").not_in(["gmail.com"]),
        field("address.prefecture") == "東京都",
        field("annual_revenue").is_present(),
    ]
)
