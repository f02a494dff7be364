"""Properties of scoring and grading on random models, profiles, leads and events."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from leadkit.model import EngagementEvent, EventBatch, Lead
from leadkit.rules import explain
from leadkit.scoring import (
    EventRule,
    Grade,
    GradingProfile,
    GradingScheme,
    HalfLife,
    ProfileRule,
    ScoringModel,
    load_grading_profile,
    load_grading_scheme,
    load_scoring_model,
)

from ._strategies import (
    AS_OF,
    event,
    event_lists,
    grading_profiles,
    grading_schemes,
    leads_near,
    scoring_models,
)
from ._strategies import (
    lead as make_lead,
)

as_of_times = st.integers(-72, 72).map(lambda h: AS_OF + timedelta(hours=h))


@st.composite
def batches(draw: st.DrawFn) -> tuple[list[Lead], list[EngagementEvent]]:
    """Up to three leads and their events, shuffled into one flat stream."""
    count = draw(st.integers(1, 3))
    leads = [draw(leads_near(f"lead-{n}")) for n in range(count)]
    flat = [e for n in range(count) for e in draw(event_lists(f"lead-{n}"))]
    random.Random(draw(st.integers(0, 1000))).shuffle(flat)
    return leads, flat


@given(scoring_models(), batches(), as_of_times)
def test_breakdown_total_is_the_batch_total_exactly(
    model: ScoringModel, batch: tuple[list[Lead], list[EngagementEvent]], as_of: datetime
) -> None:
    leads, flat = batch
    totals = model.score_many(leads, flat, as_of=as_of)
    cards = model.score_many(leads, flat, as_of=as_of, breakdown=True)
    for lead in leads:
        own = [e for e in flat if e.lead_id == lead.id]
        card = model.score(lead, own, as_of=as_of)
        assert card.total == totals[lead.id] == cards[lead.id].total
        assert card == cards[lead.id]


@given(scoring_models(), leads_near(), event_lists(), as_of_times)
def test_each_contribution_is_what_explain_and_the_events_say(
    model: ScoringModel, lead: Lead, found: list[EngagementEvent], as_of: datetime
) -> None:
    card = model.score(lead, found, as_of=as_of)
    by_name = {c.name: c for c in card.contributions}
    for rule in model.rules:
        if isinstance(rule, ProfileRule):
            why = explain(rule.when, lead, found, as_of=as_of)
            assert (rule.name in by_name) == why.held
            if why.held:
                assert by_name[rule.name].points == rule.points
        else:
            # The events an event rule counts are those its events(...) selection matches.
            selection = explain(rule.events, lead, found, as_of=as_of)
            counted = by_name[rule.name].event_ids if rule.name in by_name else ()
            assert counted == selection.event_ids


def _uncapped(model: ScoringModel, rule: EventRule, count: int) -> bool:
    return model.decay is None and rule.per == "event" and rule.cap is None and count > 0


@given(scoring_models(), leads_near(), event_lists(), as_of_times)
def test_caps_are_never_exceeded(
    model: ScoringModel, lead: Lead, found: list[EngagementEvent], as_of: datetime
) -> None:
    card = model.score(lead, found, as_of=as_of)
    for item in card.contributions:
        cap = getattr(item.rule, "cap", None)
        if cap is not None:
            assert abs(item.points) <= cap
        if isinstance(item.rule, EventRule) and _uncapped(model, item.rule, len(item.event_ids)):
            assert item.points == item.rule.points * len(item.event_ids)
    for group in model.groups:
        if group.cap is not None:
            assert abs(card.groups[group.name]) <= group.cap
    if model.cap is not None:
        assert card.total <= model.cap
    if model.floor is not None:
        assert card.total >= model.floor


@given(scoring_models(positive=True), leads_near(), event_lists(), event_lists(), as_of_times)
def test_adding_an_event_with_positive_points_never_lowers_a_score(
    model: ScoringModel,
    lead: Lead,
    found: list[EngagementEvent],
    more: list[EngagementEvent],
    as_of: datetime,
) -> None:
    before = model.score(lead, found, as_of=as_of).total
    extra = [e for e in more if e.id not in {f.id for f in found}][:1]
    after = model.score(lead, found + extra, as_of=as_of).total
    assert after >= before


@given(
    scoring_models(positive=True, fixed_profile=True),
    leads_near(),
    event_lists(min_size=1, future=False),
    st.integers(0, 400 * 24),
)
@example(
    ScoringModel("fading", [EventRule("views", "page_view", points=2)], decay=HalfLife(30)),
    make_lead(),
    [event("page_view", 10, id="a"), event("page_view", 40, id="b")],
    24 * 15,
)
def test_with_decay_a_later_as_of_never_raises_a_score(
    model: ScoringModel, lead: Lead, found: list[EngagementEvent], hours: int
) -> None:
    card = model.score(lead, found, as_of=AS_OF)
    later_card = model.score(lead, found, as_of=AS_OF + timedelta(hours=hours))
    now, later = card.total, later_card.total
    assert later <= now
    for rule in _event_rules(model):
        # Before any cap, each rule's own points only fade as well.
        before, after = card.contribution(rule.name), later_card.contribution(rule.name)
        assert (after.uncapped if after else 0.0) <= (before.uncapped if before else 0.0)
    if model.decay is None and not _has_windows(model):
        assert later == now  # nothing ages without decay or windows


def _event_rules(model: ScoringModel) -> list[EventRule]:
    return [r for r in model.rules if isinstance(r, EventRule)]


def _has_windows(model: ScoringModel) -> bool:
    """Whether any rule looks at events through a time window: an event rule's own
    selection, or a profile rule whose condition is an event condition (the "fold"
    rules of the strategy, e.g. "any event within 1 day")."""
    for rule in model.rules:
        query = (
            rule.events.query if isinstance(rule, EventRule) else getattr(rule.when, "query", None)
        )
        if query is not None and query.window is not None:
            return True
    return False


@given(scoring_models())
def test_models_round_trip_through_plain_data_and_json(model: ScoringModel) -> None:
    data = model.to_data()
    assert ScoringModel.from_data(data) == model
    text = json.dumps(data, ensure_ascii=False)
    loaded = load_scoring_model(json.loads(text))
    assert loaded == model
    assert loaded.to_data() == data


@given(grading_profiles())
def test_profiles_round_trip_through_plain_data_and_json(profile: GradingProfile) -> None:
    data = profile.to_data()
    assert GradingProfile.from_data(data) == profile
    assert load_grading_profile(json.loads(json.dumps(data))) == profile


@given(grading_schemes())
def test_schemes_round_trip_through_plain_data_and_json(scheme: GradingScheme) -> None:
    data = scheme.to_data()
    assert GradingScheme.from_data(data) == scheme
    assert load_grading_scheme(json.loads(json.dumps(data, ensure_ascii=False))) == scheme


@given(grading_profiles(), leads_near(), as_of_times)
def test_grades_stay_within_a_plus_to_f_and_follow_the_criteria(
    profile: GradingProfile, lead: Lead, as_of: datetime
) -> None:
    card = profile.grade(lead, as_of=as_of)
    assert Grade.F <= card.grade <= Grade.A_PLUS
    moved = sum(r.weight for r in card.matched) - sum(r.weight for r in card.unmatched)
    assert card.grade == Grade.from_rank(Grade.D.rank + moved)
    assert profile.grade_many([lead], as_of=as_of) == {lead.id: card.grade}
    for result in card.results:
        # The verdict of the compiled criterion is the three-valued one explain gives.
        assert result.verdict == explain(result.criterion.when, lead, as_of=as_of).known


@given(scoring_models(), batches(), as_of_times, st.booleans())
def test_a_columnar_batch_scores_as_its_events_do(
    model: ScoringModel,
    batch: tuple[list[Lead], list[EngagementEvent]],
    as_of: datetime,
    as_seconds: bool,
) -> None:
    """An EventBatch is the same events held as columns: the totals and the cards of
    ``score_many`` are those of the event objects, to the last bit, whether the batch
    holds datetimes or POSIX seconds (the columnar fast path and the object path)."""
    leads, flat = batch
    flat = [e for e in flat if e.lead_id is not None]
    columns = EventBatch(
        lead_ids=[e.lead_id for e in flat if e.lead_id is not None],
        kinds=[e.kind for e in flat],
        occurred_at=[e.timestamp if as_seconds else e.occurred_at for e in flat],
        ids=[e.id for e in flat],
        properties=[e.properties for e in flat],
    )
    if not as_seconds:
        assert list(columns) == flat
    assert model.score_many(leads, columns, as_of=as_of) == model.score_many(
        leads, flat, as_of=as_of
    )
    cards = model.score_many(leads, columns, as_of=as_of, breakdown=True)
    assert cards == model.score_many(leads, flat, as_of=as_of, breakdown=True)
