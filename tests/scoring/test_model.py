"""Scoring semantics on small examples worked out by hand."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone

import pytest

from leadkit.errors import ValidationError, format_path
from leadkit.model import Account, EngagementEvent
from leadkit.rules import events, field, prop
from leadkit.scoring import (
    EventRule,
    Group,
    HalfLife,
    InactivityDecay,
    LinearDecay,
    ProfileRule,
    ScoringModel,
)

from ._strategies import AS_OF, event, lead


def total(model: ScoringModel, found: list[EngagementEvent], **fields: object) -> float:
    return model.score(lead(**fields), found, as_of=AS_OF).total


def test_points_per_event_and_the_rule_cap() -> None:
    model = ScoringModel("m", [EventRule("page view", "page_view", points=1, cap=10)])
    views = [event("page_view", d, id=f"v{d}") for d in range(12)]
    card = model.score(lead(), views, as_of=AS_OF)
    assert card.total == 10
    (item,) = card.contributions
    assert (item.points, item.uncapped, item.capped) == (10, 12, True)
    assert item.event_ids == tuple(f"v{d}" for d in range(12))
    assert total(model, views[:4]) == 4


def test_a_negative_rule_subtracts_and_its_cap_limits_the_penalty() -> None:
    model = ScoringModel(
        "m",
        [
            EventRule("form", "form_submit", points=50),
            EventRule("form error", "form_error", points=-5, cap=12),
        ],
    )
    errors = [event("form_error", d, id=f"e{d}") for d in range(5)]
    assert total(model, [event("form_submit", 1), *errors[:2]]) == 40
    assert total(model, [event("form_submit", 1), *errors]) == 50 - 12


def test_once_per_lead_counts_the_first_match_only() -> None:
    model = ScoringModel("m", [EventRule("webinar", "webinar", points=25, per="lead")])
    assert total(model, []) == 0
    assert total(model, [event("webinar", d, id=f"w{d}") for d in (1, 5, 9)]) == 25


def test_half_life_halves_points_every_period() -> None:
    model = ScoringModel("m", [EventRule("form", "form_submit", points=20)], decay=HalfLife(90))
    assert total(model, [event("form_submit", 0)]) == 20
    assert math.isclose(total(model, [event("form_submit", 90)]), 10, rel_tol=1e-12)
    assert math.isclose(total(model, [event("form_submit", 180)]), 5, rel_tol=1e-12)


def test_once_per_lead_with_decay_weighs_the_latest_event() -> None:
    model = ScoringModel(
        "m", [EventRule("form", "form_submit", points=20, per="lead")], decay=HalfLife(90)
    )
    found = [event("form_submit", 270, id="old"), event("form_submit", 90, id="new")]
    assert math.isclose(total(model, found), 10, rel_tol=1e-12)


def test_linear_decay_loses_a_percentage_per_full_period() -> None:
    model = ScoringModel(
        "m",
        [EventRule("download", "file_download", points=10)],
        decay=LinearDecay(25, every_days=30),
    )
    found = [event("file_download", d, id=f"d{d}") for d in (10, 45, 130)]
    # 10 days: no full period (x1); 45 days: one (x0.75); 130 days: four (nothing left).
    assert total(model, found) == 10 + 7.5 + 0


def test_inactivity_decay_is_one_step_after_a_quiet_period() -> None:
    model = ScoringModel(
        "m",
        [
            EventRule("download", "file_download", points=10),
            EventRule("unsubscribe", "unsubscribe", points=-20, per="lead", decays=False),
        ],
        decay=InactivityDecay(30, percent=50),
    )
    old = [event("file_download", 40, id="a"), event("unsubscribe", 45, id="b")]
    assert total(model, old) == 10 * 0.5 - 20  # quiet for 40 days: downloads halved
    # Any recent activity, even of a kind no rule scores, restores full points.
    assert total(model, [*old, event("page_view", 2, id="c")]) == 10 - 20


def test_decays_false_keeps_a_bonus_flat() -> None:
    model = ScoringModel(
        "m",
        [EventRule("demo", "demo_request", points=30, decays=False)],
        decay=HalfLife(30),
    )
    assert total(model, [event("demo_request", 300)]) == 30


def test_rule_windows_and_property_filters_select_events() -> None:
    pricing = events("page_view").where(prop("url").startswith("/pricing")).within(days=30)
    model = ScoringModel("m", [EventRule("pricing", pricing, points=15)])
    found = [
        event("page_view", 3, id="hit", url="/pricing/enterprise"),
        event("page_view", 3, id="other page", url="/careers"),
        event("page_view", 31, id="too old", url="/pricing"),
        event("page_view", 1, id="no url"),
    ]
    card = model.score(lead(), found, as_of=AS_OF)
    assert card.total == 15
    assert card.contributions[0].event_ids == ("hit",)


def test_events_after_as_of_never_count() -> None:
    model = ScoringModel("m", [EventRule("any", (), points=1)])
    assert total(model, [event("page_view", 1), event("page_view", -1, id="future")]) == 1


def test_profile_rules_and_a_recency_bonus() -> None:
    model = ScoringModel(
        "m",
        [
            ProfileRule("big", field("employees") >= 1000, points=20),
            ProfileRule("director", field("title").contains("部長"), points=10),
            ProfileRule("active this week", events().within(days=7), points=10),
        ],
        decay=HalfLife(1),  # profile points never decay
    )
    assert total(model, [], employees=1200, title="営業部長") == 30
    assert total(model, [event("webinar", 6)], employees=5) == 10
    assert total(model, [event("webinar", 8)], employees=5) == 0


def test_profile_conditions_may_count_events() -> None:
    model = ScoringModel("m", [ProfileRule("regular", events("page_view").count() >= 3, points=7)])
    views = [event("page_view", d, id=f"v{d}") for d in range(3)]
    assert total(model, views[:2]) == 0
    card = model.score(lead(), views, as_of=AS_OF)
    assert card.total == 7
    assert card.contributions[0].event_ids == ("v0", "v1", "v2")


def test_group_caps_limit_a_group_and_totals_are_reported() -> None:
    model = ScoringModel(
        "m",
        [
            EventRule("form", "form_submit", points=20, group="crm"),
            EventRule("demo", "demo_request", points=30, group="crm"),
            EventRule("webinar", "webinar", points=25, group="erp"),
            ProfileRule("big", field("employees") >= 1000, points=5),
        ],
        groups=[Group("crm", cap=40), Group("erp")],
    )
    found = [event("form_submit", 1), event("demo_request", 1), event("webinar", 1)]
    card = model.score(lead(employees=5000), found, as_of=AS_OF)
    assert card.groups == {"crm": 40, "erp": 25}
    assert card.total == 40 + 25 + 5
    text = card.explain()
    assert "crm: 40 (capped at 40 from 50)" in text
    assert "ungrouped: 5" in text


def test_the_total_cap_and_floor() -> None:
    rules = [
        EventRule("form", "form_submit", points=50),
        EventRule("unsubscribe", "unsubscribe", points=-80),
    ]
    model = ScoringModel("m", rules, cap=100, floor=0)
    forms = [event("form_submit", d, id=f"f{d}") for d in range(3)]
    assert total(model, forms) == 100
    assert total(model, [event("unsubscribe", 1)]) == 0
    assert total(model, [forms[0], event("unsubscribe", 1)]) == 0


def test_score_many_scores_each_lead_with_its_own_events() -> None:
    model = ScoringModel("m", [EventRule("view", "page_view", points=1)])
    a, b, c = lead(id="a"), lead(id="b"), lead(id="c")
    stream = [
        event("page_view", 1, lead_id="b", id="1"),
        event("page_view", 1, lead_id="a", id="2"),
        event("page_view", 2, lead_id="b", id="3"),
        event("page_view", 2, lead_id="stranger", id="4"),
        EngagementEvent(id="5", kind="page_view", contact_id="contact-1", occurred_at=AS_OF),
    ]
    assert model.score_many([c, b, a], stream, as_of=AS_OF) == {"c": 0, "b": 2, "a": 1}
    assert list(model.score_many([c, b, a], stream, as_of=AS_OF)) == ["c", "b", "a"]
    cards = model.score_many([a, b], iter(stream), as_of=AS_OF, breakdown=True)
    assert cards["b"].contributions[0].event_ids == ("1", "3")


def test_as_of_in_another_time_zone_is_the_same_instant() -> None:
    model = ScoringModel("m", [EventRule("view", events("page_view").within(days=1), points=1)])
    tokyo = AS_OF.astimezone(timezone(timedelta(hours=9)))
    found = [event("page_view", 0.5), event("page_view", 1.5, id="old")]
    assert model.score(lead(), found, as_of=tokyo).total == 1


def test_explain_reads_like_the_breakdown() -> None:
    model = ScoringModel(
        "starter",
        [
            EventRule("page view", "page_view", points=1, cap=2),
            ProfileRule("director", field("title").contains("部長"), points=10),
        ],
        version="3",
    )
    card = model.score(
        lead(title="営業部長"), [event("page_view", d, id=f"v{d}") for d in range(3)], as_of=AS_OF
    )
    text = card.explain()
    assert text.splitlines()[0].startswith("Score 12 for lead-1 (model 'starter' v3")
    assert "+2  page view: 3 events, capped at +2 from +3" in text
    assert "+10  director: title contains '部長'  [title = '営業部長']" in text
    assert text.splitlines()[-1] == "Total: 12"
    assert card.contribution("director") is not None
    assert card.contribution("nothing") is None


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (
            lambda m: m.score(lead(), [event("x", 1, lead_id="other")], as_of=AS_OF),
            "events[0].lead_id",
        ),
        (lambda m: m.score(lead(), [], as_of=datetime(2026, 5, 1)), "as_of"),
        (lambda m: m.score(lead(), ["not an event"], as_of=AS_OF), "events[0]"),
        (lambda m: m.score("not a lead", [], as_of=AS_OF), "lead"),
        (lambda m: m.score_many([lead(), lead()], as_of=AS_OF), "leads[1].id"),
        (lambda m: m.score_many([lead(), "x"], as_of=AS_OF), "leads[1]"),
        (lambda m: m.score_many(lead(), as_of=AS_OF), "leads"),
        (lambda m: m.score_many([lead()], [object()], as_of=AS_OF), "events"),
        (lambda m: m.score_many([lead()], as_of=AS_OF, breakdown="yes"), "breakdown"),
    ],
)
def test_bad_arguments_are_scoring_errors_naming_the_argument(call: object, path: str) -> None:
    model = ScoringModel("m", [EventRule("x", "x", points=1)])
    with pytest.raises(ValidationError) as caught:
        call(model)  # type: ignore[operator]
    assert format_path(caught.value.path) == path


@pytest.mark.parametrize(
    ("build", "path", "message"),
    [
        (
            lambda: ScoringModel(
                "m", [EventRule("a", "x", points=1), EventRule("a", "y", points=1)]
            ),
            "rules[1].name",
            "duplicate rule name 'a' (also rules[0])",
        ),
        (
            lambda: ScoringModel("m", [EventRule("a", "x", points=1, group="crm")]),
            "rules[0].group",
            "unknown group 'crm'; declare it in groups (declared: none)",
        ),
        (
            lambda: ScoringModel(
                "m",
                [EventRule("a", ["page_view", "page_veiw"], points=1)],
                event_kinds=["page_view"],
            ),
            "rules[0].events",
            "unknown event kind 'page_veiw'",
        ),
        (
            lambda: ScoringModel(
                "m",
                [ProfileRule("a", events("webinr").exists(), points=1)],
                event_kinds=["webinar"],
            ),
            "rules[0].when",
            "unknown event kind 'webinr'",
        ),
        (
            lambda: ScoringModel("m", [EventRule("a", "x", points=1)], cap=10, floor=20),
            "floor",
            "above the cap",
        ),
        (lambda: ScoringModel("m", []), "rules", "at least one rule"),
        (
            lambda: ScoringModel(
                "m", [EventRule("a", "x", points=1)], groups=[Group("g"), Group("g")]
            ),
            "groups[1].name",
            "duplicate group",
        ),
        (lambda: EventRule("a", "x", points=1, cap=0), "cap", "more than 0"),
        (lambda: EventRule("a", "x", points=float("nan")), "points", "finite"),
        (lambda: EventRule("a", "x", points=True), "points", "expected a number"),
        (lambda: EventRule("a", "x", points=1, per="day"), "per", "'event'"),  # type: ignore[arg-type]
        (lambda: EventRule("a", 3, points=1), "events", "events(...)"),
        (lambda: EventRule("", "x", points=1), "name", "non-empty"),
        (
            lambda: ProfileRule("a", field("employees", on=Account) >= 3, points=1),
            "when",
            "reads leads",
        ),
    ],
)
def test_malformed_models_are_refused_when_built(build: object, path: str, message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)) as caught:
        build()  # type: ignore[operator]
    assert format_path(caught.value.path) == path
