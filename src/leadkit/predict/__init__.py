"""Predictive scoring that explains itself: learn points from history, measure any model.

A learned model **is** a :class:`~leadkit.scoring.ScoringModel` of profile rules (field
values, thresholds, title words, event counts and recency), with the intercept and the
scale that turn its total into a probability kept beside it. Review it, edit it, save
it as TOML, run it wherever a scoring model runs. :func:`evaluate` measures any scoring
model, hand-set or learned, against the same outcomes.

Learning needs ``leadkit[predict]`` (numpy and scikit-learn); evaluating does not.
"""

from leadkit.predict._evaluate import (
    Band,
    CapacityThreshold,
    Decile,
    Evaluation,
    ReliabilityBin,
    TopShare,
    evaluate,
    roc_auc,
    time_folds,
)
from leadkit.predict._features import Feature, candidate_features, feature_matrix
from leadkit.predict._learn import LearnedModel, learn
from leadkit.predict._outcomes import Outcome, label_outcomes, outcomes_from_records

__all__ = [
    "Band",
    "CapacityThreshold",
    "Decile",
    "Evaluation",
    "Feature",
    "LearnedModel",
    "Outcome",
    "ReliabilityBin",
    "TopShare",
    "candidate_features",
    "evaluate",
    "feature_matrix",
    "label_outcomes",
    "learn",
    "outcomes_from_records",
    "roc_auc",
    "time_folds",
]
