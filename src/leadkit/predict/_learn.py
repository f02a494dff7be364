"""Learn points from won and lost history: the result is a ScoringModel that explains itself."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal

import attrs

from leadkit._optional import require
from leadkit.errors import ValidationError
from leadkit.model import EngagementEvent, Lead
from leadkit.predict._features import Feature, candidate_features, feature_matrix
from leadkit.predict._outcomes import Outcome, split_outcomes
from leadkit.scoring import ProfileRule, ScoreCard, ScoringModel

__all__ = ["LearnedModel", "learn"]

Method = Literal["logistic", "naive_bayes"]
_LN2 = math.log(2.0)


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@attrs.frozen
class LearnedModel:
    """A :class:`~leadkit.scoring.ScoringModel` learned from outcomes, and its link.

    The scoring model is an ordinary one (review it, edit it, save it as TOML, run it
    anywhere); its points are on a log-odds scale where ``points_to_double`` points
    double the odds of a win. The probability of a lead is
    ``1 / (1 + exp(-(intercept + total * ln 2 / points_to_double)))``, so every point of
    the probability is explained rule by rule by the score card.
    """

    model: ScoringModel
    intercept: float = attrs.field(kw_only=True)
    points_to_double: float = attrs.field(kw_only=True)
    method: str = attrs.field(kw_only=True)
    candidates: int = attrs.field(kw_only=True, default=0)

    def probability(self, total: float) -> float:
        """The probability of a win for a score ``total`` of :attr:`model`."""
        return _sigmoid(self.intercept + total * _LN2 / self.points_to_double)

    def score(
        self, lead: Lead, events: Iterable[EngagementEvent] = (), *, as_of: datetime
    ) -> ScoreCard:
        """The score card of one lead (the explanation of its probability)."""
        return self.model.score(lead, events, as_of=as_of)

    def predict_proba(
        self, lead: Lead, events: Iterable[EngagementEvent] = (), *, as_of: datetime
    ) -> float:
        """The probability that ``lead`` is won, from its events up to ``as_of``."""
        return self.probability(self.model.score(lead, events, as_of=as_of).total)

    def predict_many(
        self, leads: Iterable[Lead], events: Iterable[EngagementEvent] = (), *, as_of: datetime
    ) -> dict[str, float]:
        """``{lead id: probability}`` for many leads at one ``as_of``."""
        totals = self.model.score_many(leads, events, as_of=as_of)
        return {key: self.probability(total) for key, total in totals.items()}

    def __str__(self) -> str:
        base = self.probability(0.0)
        lines = [
            f"{self.model.name}: {len(self.model.rules)} rules learned by {self.method}"
            f" from {self.candidates} candidates",
            f"  at 0 points the probability is {base:.1%};"
            f" every {self.points_to_double:g} points double the odds",
        ]
        lines.extend(f"  {rule}" for rule in self.model.rules)
        return "\n".join(lines)


def _matrix(rows: list[list[bool]]) -> Any:
    np = require("numpy", "predict", purpose="learning a scoring model")
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), -1)


def _varying(x: Any) -> list[int]:
    """Columns that vary: a feature that always or never holds teaches nothing."""
    held = x.sum(axis=0)
    return [j for j in range(x.shape[1]) if 0 < held[j] < x.shape[0]]


def _mutual_information(x: Any, y: Any) -> Any:
    """Mutual information (nats) of each binary column with the binary outcome."""
    np = require("numpy", "predict")
    n = float(len(y))
    won = y.sum()
    cells = []
    for column_value in (1.0, 0.0):
        held = x if column_value else 1.0 - x
        margin = held.sum(axis=0)
        for outcome, total in ((y, won), (1.0 - y, n - won)):
            cell = outcome @ held
            with np.errstate(divide="ignore", invalid="ignore"):
                term = np.where(cell > 0, cell / n * np.log(cell * n / (margin * total)), 0.0)
            cells.append(term)
    return sum(cells)


def _naive_bayes(
    x: Any, y: Any, features: Sequence[Feature], *, max_rules: int, smoothing: float
) -> tuple[list[int], list[float], float]:
    """Odoo-style frequency model: how much more often each feature holds among wins.

    Features are ranked by mutual information with the outcome; only the best of each
    family is kept (two thresholds of one field would count the same evidence twice),
    then the ``max_rules`` best. Absent features move the odds too: their log-ratios go
    into the intercept, so the model adds points only for conditions that hold.
    """
    np = require("numpy", "predict")
    kept = _varying(x)
    info = _mutual_information(x, y)
    best: dict[str, int] = {}
    for j in sorted(kept, key=lambda j: (-info[j], j)):
        best.setdefault(features[j].family, j)
    chosen = sorted(best.values(), key=lambda j: (-info[j], j))[:max_rules]
    positives = float(y.sum())
    negatives = float(len(y)) - positives
    won_held = y @ x
    lost_held = (1.0 - y) @ x
    p1 = (won_held + smoothing) / (positives + 2 * smoothing)
    q1 = (lost_held + smoothing) / (negatives + 2 * smoothing)
    present = np.log(p1) - np.log(q1)
    absent = np.log(1 - p1) - np.log(1 - q1)
    intercept = math.log(positives / negatives) + float(sum(absent[j] for j in chosen))
    return chosen, [float(present[j] - absent[j]) for j in chosen], intercept


def _logistic(x: Any, y: Any, *, max_rules: int, seed: int) -> tuple[list[int], list[float], float]:
    """L1-regularised logistic regression picks at most ``max_rules`` features (the
    weakest penalty that keeps that few), then a lightly L2-regularised fit on those
    gives the weights: sparse and readable, without the L1 shrinkage of the weights."""
    np = require("numpy", "predict")
    linear = require("sklearn.linear_model", "predict", purpose="logistic regression")
    kept = _varying(x)
    if not kept:
        return [], [], math.log(float(y.sum()) / (len(y) - float(y.sum())))
    sub = x[:, kept]
    chosen: list[int] = []
    for c in np.logspace(-3, 1, 30):
        fit = linear.LogisticRegression(
            C=float(c), l1_ratio=1.0, solver="liblinear", max_iter=1000, random_state=seed
        ).fit(sub, y)
        nonzero = [kept[j] for j in np.flatnonzero(fit.coef_[0])]
        if len(nonzero) > max_rules:
            break
        chosen = nonzero
    if not chosen:
        return [], [], math.log(float(y.sum()) / (len(y) - float(y.sum())))
    fit = linear.LogisticRegression(C=1.0, max_iter=1000).fit(x[:, chosen], y)
    return chosen, [float(w) for w in fit.coef_[0]], float(fit.intercept_[0])


def learn(
    outcomes: Sequence[Outcome],
    events: Iterable[EngagementEvent] = (),
    *,
    method: Method = "logistic",
    features: Sequence[Feature] | None = None,
    max_rules: int = 20,
    points_to_double: float = 20.0,
    name: str = "learned",
    smoothing: float = 1.0,
    seed: int = 0,
) -> LearnedModel:
    """Learn a scoring model from won and lost outcomes.

    ``features`` are the candidates (default: :func:`candidate_features` of the data);
    each lead's features are taken at its outcome's cut-off, from its events up to then.
    ``method`` is ``"logistic"`` (L1-selected, then fitted logistic regression) or
    ``"naive_bayes"`` (frequencies with Laplace ``smoothing``). At most ``max_rules``
    rules are kept; points are rounded to whole numbers on a scale where
    ``points_to_double`` points double the odds. Needs ``leadkit[predict]``.
    """
    listed = list(outcomes)
    if any(not isinstance(o, Outcome) for o in listed):
        raise ValidationError("outcomes must be Outcome records", path="outcomes")
    positives, negatives = split_outcomes(listed)
    if not positives or not negatives:
        raise ValidationError(
            f"learning needs won and lost outcomes, got {positives} won and {negatives} lost",
            path="outcomes",
        )
    if method not in ("logistic", "naive_bayes"):
        raise ValidationError(
            f"method must be 'logistic' or 'naive_bayes', got {method!r}", path="method"
        )
    if not isinstance(max_rules, int) or isinstance(max_rules, bool) or max_rules < 1:
        raise ValidationError(
            f"max_rules must be a positive integer, got {max_rules!r}", path="max_rules"
        )
    if not isinstance(points_to_double, (int, float)) or not points_to_double > 0:
        raise ValidationError(
            f"points_to_double must be a positive number, got {points_to_double!r}",
            path="points_to_double",
        )
    found = list(events)
    candidates = tuple(features) if features is not None else candidate_features(listed, found)
    np = require("numpy", "predict", purpose="learning a scoring model")
    x = _matrix(feature_matrix(candidates, listed, found))
    y = np.asarray([1.0 if o.won else 0.0 for o in listed])
    if method == "naive_bayes":
        chosen, weights, intercept = _naive_bayes(
            x, y, candidates, max_rules=max_rules, smoothing=smoothing
        )
    else:
        chosen, weights, intercept = _logistic(x, y, max_rules=max_rules, seed=seed)
    scale = points_to_double / _LN2
    rules = []
    for j, weight in zip(chosen, weights, strict=True):
        points = round(weight * scale)
        if points:
            rules.append(ProfileRule(candidates[j].name, candidates[j].condition, points=points))
    model = ScoringModel(
        name,
        rules,
        description=f"learned by {method} from {positives} won and {negatives} lost outcomes",
    )
    return LearnedModel(
        model,
        intercept=intercept,
        points_to_double=float(points_to_double),
        method=method,
        candidates=len(candidates),
    )
