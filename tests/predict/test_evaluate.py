"""Measuring any scoring model against outcomes (issue 16)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.errors import ValidationError
from leadkit.predict import Evaluation, evaluate, learn, roc_auc, time_folds
from leadkit.sample import SAMPLE_AS_OF, load_sample, sample_outcomes
from leadkit.scoring import default_grading_profile, default_marketing_model

from ._data import history

OUTCOMES, EVENTS = history(1200)

scored = st.lists(st.tuples(st.integers(-5, 5), st.booleans()), min_size=2, max_size=60).filter(
    lambda pairs: any(w for _, w in pairs) and not all(w for _, w in pairs)
)


@settings(max_examples=60, deadline=None)
@given(scored)
def test_roc_auc_matches_scikit_learn(pairs: list[tuple[int, bool]]) -> None:
    from sklearn.metrics import roc_auc_score

    scores = [float(s) for s, _ in pairs]
    won = [w for _, w in pairs]
    assert roc_auc(scores, won) == pytest.approx(roc_auc_score(won, scores))


@settings(max_examples=40, deadline=None)
@given(scored)
def test_the_auc_is_the_chance_a_win_outranks_a_loss(pairs: list[tuple[int, bool]]) -> None:
    """Hanley and McNeil (1982): AUC = P(score of a win > score of a loss), ties 1/2."""
    wins = [s for s, w in pairs if w]
    losses = [s for s, w in pairs if not w]
    pairwise = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in wins for b in losses)
    expected = pairwise / (len(wins) * len(losses))
    got = roc_auc([float(s) for s, _ in pairs], [w for _, w in pairs])
    assert got == pytest.approx(expected)


@pytest.fixture(scope="module")
def report() -> Evaluation:
    model = learn(OUTCOMES, EVENTS, max_rules=6)
    return evaluate(model, OUTCOMES, EVENTS, grading=default_grading_profile(), per_week=10)


def test_deciles_partition_the_outcomes_best_first(report: Evaluation) -> None:
    assert sum(d.leads for d in report.deciles) == len(OUTCOMES)
    assert sum(d.won for d in report.deciles) == report.won
    assert [d.decile for d in report.deciles] == list(range(1, 11))
    for upper, lower in zip(report.deciles, report.deciles[1:], strict=False):
        assert upper.lowest >= lower.highest
    base = report.won / report.outcomes
    for d in report.deciles:
        assert d.lift == pytest.approx(d.rate / base)


def test_a_learned_model_beats_chance_and_lifts_the_top(report: Evaluation) -> None:
    assert report.auc > 0.65
    assert report.deciles[0].lift > 1.5
    top10 = report.top[0]
    assert top10.share == 0.1
    assert top10.leads == 120
    assert top10.recall == pytest.approx(top10.won / report.won)


def test_calibration_of_a_learned_model(report: Evaluation) -> None:
    """Brier (1950): the mean squared difference of the probability and the outcome."""
    assert report.brier is not None
    assert 0 < report.brier < report.base_rate * (1 - report.base_rate)  # beats the base rate
    assert sum(r.leads for r in report.reliability) == len(OUTCOMES)
    for row in report.reliability:
        assert row.low <= row.predicted < row.high + 1e-12
        assert abs(row.predicted - row.observed) < 0.25


def test_the_capacity_threshold_is_the_lowest_that_fits(report: Evaluation) -> None:
    capacity = report.capacity
    assert capacity is not None
    assert capacity.threshold is not None
    assert capacity.leads_per_week <= capacity.per_week
    model = learn(OUTCOMES, EVENTS, max_rules=6)
    totals = [model.model.score_many([o.lead], EVENTS, as_of=o.cutoff)[o.lead.id] for o in OUTCOMES]
    lower = [s for s in set(totals) if s < capacity.threshold]
    if lower:
        next_down = max(lower)
        assert sum(1 for s in totals if s >= next_down) / capacity.weeks > capacity.per_week


def test_grades_and_bands_cover_every_lead(report: Evaluation) -> None:
    assert sum(b.leads for b in report.bands) == len(OUTCOMES)
    assert sum(b.leads for b in report.grades) == len(OUTCOMES)


def test_the_report_renders_everywhere(report: Evaluation) -> None:
    text = report.to_text()
    for title in (
        "Evaluation of learned",
        "Lift by decile",
        "By score band",
        "By grade",
        "Calibration",
    ):
        assert title in text
    assert "<table" in report._repr_html_()
    assert len(repr(report)) < 120
    frame = report.to_dataframe()
    assert list(frame["decile"]) == list(range(1, 11))


def test_a_hand_set_model_is_measured_on_the_same_outcomes() -> None:
    hand = evaluate(default_marketing_model(), OUTCOMES, EVENTS)
    assert hand.brier is None
    assert hand.reliability == ()
    assert 0 <= hand.auc <= 1


def test_ready_scores_are_measured_too() -> None:
    scores = {o.lead.id: (1.0 if o.won else 0.0) for o in OUTCOMES}
    assert evaluate(scores, OUTCOMES).auc == 1.0
    with pytest.raises(ValidationError) as err:
        evaluate({}, OUTCOMES)
    assert err.value.path[0] == "scores"


def test_the_sample_outcomes_are_learned_back() -> None:
    """The sample's outcomes come from SAMPLE_PROPENSITY; the demo request (+1.6) is the
    strongest effect, and a learned model ranks better than the hand-set default."""
    from leadkit.predict import label_outcomes

    data = load_sample()
    outcomes = label_outcomes(data.leads, dict(sample_outcomes(data)), cutoff=SAMPLE_AS_OF)
    model = learn(outcomes, data.events, max_rules=10)
    strongest = max(model.model.rules, key=lambda r: r.points)
    assert "demo_request" in strongest.name
    assert strongest.points == pytest.approx(1.6 * 20 / math.log(2), rel=0.5)
    learned = evaluate(model, outcomes, data.events).auc
    assert learned > evaluate(default_marketing_model(), outcomes, data.events).auc


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 6), st.integers(7, 80))
def test_time_folds_train_on_the_past_only(folds: int, n: int) -> None:
    outcomes = OUTCOMES[:n]
    pairs = time_folds(outcomes, folds=folds)
    assert len(pairs) == folds
    tested = [o for _, test in pairs for o in test]
    assert len(tested) == len({id(o) for o in tested})
    for train, test in pairs:
        assert train
        assert test
        last = max((o.cutoff, o.lead.created_at, o.lead.id) for o in train)
        first = min((o.cutoff, o.lead.created_at, o.lead.id) for o in test)
        assert last < first


def test_bad_arguments_name_their_path() -> None:
    with pytest.raises(ValidationError) as err:
        evaluate(default_marketing_model(), OUTCOMES, top=(1.5,))
    assert err.value.path == ("top",)
    with pytest.raises(ValidationError) as err:
        time_folds(OUTCOMES[:3], folds=5)
    assert err.value.path == ("outcomes",)
    with pytest.raises(ValidationError) as err:
        evaluate(object(), OUTCOMES)  # type: ignore[arg-type]
    assert err.value.path == ("model",)


def test_the_plot_draws_lift_and_calibration_or_names_the_extra(report: Evaluation) -> None:
    import importlib

    from leadkit.errors import MissingDependencyError

    try:
        matplotlib = importlib.import_module("matplotlib")
    except ImportError:
        with pytest.raises(MissingDependencyError, match=r"leadkit\[plot\]"):
            report.plot()
        return
    matplotlib.use("Agg")
    lift, calibration = report.plot()
    assert [bar.get_height() for bar in lift.patches] == [d.lift for d in report.deciles]
    assert len(calibration.lines) == 2
