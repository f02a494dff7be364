"""Learning points from history (issue 16): the result is a ScoringModel that explains itself."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import leadkit.io
from leadkit.errors import MissingDependencyError, ValidationError
from leadkit.model import EngagementEvent
from leadkit.predict import (
    LearnedModel,
    Outcome,
    candidate_features,
    feature_matrix,
    learn,
)
from leadkit.predict._learn import Method
from leadkit.scoring import ProfileRule, ScoringModel

from ._data import CUTOFF, history

OUTCOMES, EVENTS = history()


@pytest.fixture(scope="module")
def logistic() -> LearnedModel:
    return learn(OUTCOMES, EVENTS, max_rules=8)


@pytest.fixture(scope="module")
def bayes() -> LearnedModel:
    return learn(OUTCOMES, EVENTS, method="naive_bayes", max_rules=8)


def _points(model: LearnedModel, name: str) -> float:
    return sum(r.points for r in model.model.rules if r.name == name)


@pytest.mark.parametrize("method", ["logistic", "naive_bayes"])
def test_the_learner_finds_the_true_effects_again(method: str) -> None:
    """The history was drawn from known log-odds: +1.6 for a demo request, +1.0 for 1000+
    employees, +0.8 for a 部長 title. Both learners find each effect with its sign, and
    the logistic one its size within a factor of two (points = log-odds x 20 / ln 2)."""
    model = learn(OUTCOMES, EVENTS, method=method, max_rules=8)  # type: ignore[arg-type]
    names = [r.name for r in model.model.rules]
    assert "demo_request within 90 days" in names
    assert "employees >= 1500" in names
    assert "title contains 営業部長" in names
    scale = 20 / math.log(2)
    demo = _points(model, "demo_request within 90 days")
    big = _points(model, "employees >= 1500")
    manager = _points(model, "title contains 営業部長")
    assert demo > big > 0
    assert manager > 0
    if method == "logistic":
        assert 0.5 * 1.6 * scale < demo < 2 * 1.6 * scale
        assert 0.5 * 1.0 * scale < big < 2 * 1.0 * scale


def test_the_result_is_an_ordinary_scoring_model(logistic: LearnedModel) -> None:
    assert isinstance(logistic.model, ScoringModel)
    assert all(isinstance(r, ProfileRule) for r in logistic.model.rules)
    assert all(float(r.points).is_integer() and r.points != 0 for r in logistic.model.rules)
    assert 1 <= len(logistic.model.rules) <= 8


def test_max_rules_bounds_the_model() -> None:
    methods: tuple[Method, ...] = ("logistic", "naive_bayes")
    for max_rules in (1, 3):
        for method in methods:
            model = learn(OUTCOMES, EVENTS, method=method, max_rules=max_rules)
            assert 1 <= len(model.model.rules) <= max_rules


def test_naive_bayes_keeps_one_feature_of_each_family(bayes: LearnedModel) -> None:
    """Two thresholds of one field count the same evidence twice in naive Bayes."""
    families = {f.name: f.family for f in candidate_features(OUTCOMES, EVENTS)}
    chosen = [families[r.name] for r in bayes.model.rules]
    assert len(chosen) == len(set(chosen))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(OUTCOMES) - 1))
def test_the_probability_is_the_link_of_the_card_total(index: int) -> None:
    model = LEARNED
    outcome = OUTCOMES[index]
    mine = [e for e in EVENTS if e.lead_id == outcome.lead.id]
    card = model.score(outcome.lead, mine, as_of=CUTOFF)
    expected = 1 / (1 + math.exp(-(model.intercept + card.total * math.log(2) / 20)))
    assert model.predict_proba(outcome.lead, mine, as_of=CUTOFF) == pytest.approx(expected)
    many = model.predict_many([outcome.lead], mine, as_of=CUTOFF)
    assert many[outcome.lead.id] == pytest.approx(expected)


LEARNED = learn(OUTCOMES, EVENTS, max_rules=8)


later = st.lists(
    st.tuples(
        st.integers(0, len(OUTCOMES) - 1),
        st.sampled_from(["demo_request", "page_view", "webinar"]),
        st.integers(1, 400),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=15, deadline=None)
@given(later)
def test_events_after_the_cutoff_never_leak(extra: list[tuple[int, str, int]]) -> None:
    """Events after a lead's cut-off (its conversion or loss) change no feature."""
    features = candidate_features(OUTCOMES, EVENTS)[:40]
    leaked = EVENTS + [
        EngagementEvent(
            kind=kind,
            lead_id=OUTCOMES[i].lead.id,
            occurred_at=CUTOFF + timedelta(minutes=minutes),
        )
        for i, kind, minutes in extra
    ]
    assert feature_matrix(features, OUTCOMES, leaked) == feature_matrix(features, OUTCOMES, EVENTS)


def test_learning_ignores_events_after_the_cutoff() -> None:
    """A demo request logged after the sale would be the strongest (and a false) signal."""
    outcomes, events = OUTCOMES[:600], EVENTS
    leaked = events + [
        EngagementEvent(
            kind="contract_signed", lead_id=o.lead.id, occurred_at=o.cutoff + timedelta(days=1)
        )
        for o in outcomes
        if o.won
    ]
    model = learn(outcomes, leaked, max_rules=8)
    assert not any("contract_signed" in r.name for r in model.model.rules)
    assert model == learn(outcomes, events, max_rules=8)


def test_a_learned_model_round_trips_through_the_codec(logistic: LearnedModel) -> None:
    text = leadkit.io.dumps(logistic)
    assert leadkit.io.loads(text, LearnedModel) == logistic


def test_the_same_history_gives_the_same_model() -> None:
    assert learn(OUTCOMES[:500], EVENTS) == learn(OUTCOMES[:500], EVENTS)


def test_users_give_their_own_candidates() -> None:
    from leadkit.predict import Feature
    from leadkit.rules import field

    mine = [Feature("big", field("employees") >= 1000, family="size")]
    model = learn(OUTCOMES, EVENTS, features=mine)
    assert [r.name for r in model.model.rules] == ["big"]
    assert model.candidates == 1


def test_bad_input_names_its_path() -> None:
    won_only = [o for o in OUTCOMES if o.won][:20]
    with pytest.raises(ValidationError) as err:
        learn(won_only)
    assert err.value.path == ("outcomes",)
    with pytest.raises(ValidationError) as err:
        learn(OUTCOMES, method="forest")  # type: ignore[arg-type]
    assert err.value.path == ("method",)
    with pytest.raises(ValidationError) as err:
        learn(OUTCOMES, max_rules=0)
    assert err.value.path == ("max_rules",)
    with pytest.raises(ValidationError) as err:
        Outcome(OUTCOMES[0].lead, won=True, cutoff=CUTOFF.replace(tzinfo=None))
    assert err.value.path == ("cutoff",)


def test_without_the_extra_learning_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "numpy", None)
    with pytest.raises(MissingDependencyError) as err:
        learn(OUTCOMES[:100], EVENTS)
    assert "leadkit[predict]" in str(err.value)


def test_str_reads_as_a_scorecard(logistic: LearnedModel) -> None:
    text = str(logistic)
    assert "every 20 points double the odds" in text
    assert "demo_request within 90 days" in text


def test_outcomes_from_the_records_of_sales() -> None:
    """The sample's sales history: 28 conversions, 16 deals won and 12 lost (issue 12)."""
    from leadkit.predict import outcomes_from_records
    from leadkit.sample import SAMPLE_AS_OF, load_sample

    data = load_sample()
    leads = [*data.leads, *data.converted_leads]
    by_deal = outcomes_from_records(leads, data.opportunities, as_of=SAMPLE_AS_OF)
    assert len(by_deal) == 28
    assert sum(o.won for o in by_deal) == 16
    deals = {o.id: o for o in data.opportunities}
    for outcome in by_deal:
        conversion = outcome.lead.conversion
        assert conversion is not None
        assert outcome.cutoff == conversion.converted_at
        assert outcome.won == deals[conversion.opportunity_id or ""].is_won
    converted = outcomes_from_records(
        leads, data.opportunities, as_of=SAMPLE_AS_OF, won="converted"
    )
    assert len(converted) == len(leads)
    assert sum(o.won for o in converted) == 28
    with pytest.raises(ValidationError) as err:
        outcomes_from_records(leads, data.opportunities, as_of=SAMPLE_AS_OF, won="paid")
    assert err.value.path == ("won",)
