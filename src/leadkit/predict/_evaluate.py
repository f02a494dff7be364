"""Measure any scoring model against outcomes: ranking, lift, bands, grades, calibration."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from leadkit._optional import require
from leadkit.errors import ValidationError
from leadkit.model import EngagementEvent
from leadkit.predict._learn import LearnedModel
from leadkit.predict._outcomes import Outcome
from leadkit.reports import Percent, Table
from leadkit.reports._report import ReportMixin
from leadkit.scoring import DEFAULT_SCORE_BANDS, Grade, GradingProfile, ScoringModel

__all__ = [
    "Band",
    "CapacityThreshold",
    "Decile",
    "Evaluation",
    "ReliabilityBin",
    "TopShare",
    "evaluate",
    "roc_auc",
    "time_folds",
]


def roc_auc(scores: Sequence[float], won: Sequence[bool]) -> float:
    """Area under the ROC curve: the chance that a random win scores above a random loss
    (ties count one half), from the ranks (Mann and Whitney's U).

    >>> roc_auc([3, 2, 1], [True, False, False]), roc_auc([1, 1], [True, False])
    (1.0, 0.5)
    """
    if len(scores) != len(won):
        raise ValidationError("scores and outcomes differ in length", path="scores")
    positives = sum(1 for w in won if w)
    negatives = len(won) - positives
    if not positives or not negatives:
        raise ValidationError("the AUC needs won and lost outcomes", path="outcomes")
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and scores[order[end + 1]] == scores[order[start]]:
            end += 1
        middle = (start + end) / 2 + 1
        for k in range(start, end + 1):
            ranks[order[k]] = middle
        start = end + 1
    rank_sum = sum(r for r, w in zip(ranks, won, strict=True) if w)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


@attrs.frozen
class TopShare:
    """The best-scored ``share`` of the leads, as a sales team working down the list."""

    share: float
    leads: int
    won: int
    precision: float
    recall: float
    lift: float


@attrs.frozen
class Decile:
    """One tenth of the leads, best scores first."""

    decile: int
    leads: int
    won: int
    rate: float
    lift: float
    lowest: float
    highest: float


@attrs.frozen
class Band:
    """Leads in a score band or with a grade, and how many were won."""

    label: str
    leads: int
    won: int
    rate: float


@attrs.frozen
class ReliabilityBin:
    """Leads whose predicted probability fell in ``[low, high)``: predicted vs observed."""

    low: float
    high: float
    leads: int
    predicted: float
    observed: float


@attrs.frozen
class CapacityThreshold:
    """The lowest MQL score that gives a team at most ``per_week`` leads a week."""

    per_week: int
    threshold: float | None
    leads_per_week: float
    wins_per_week: float
    weeks: float


@attrs.frozen
class Evaluation(ReportMixin):
    """How well a model's scores order outcomes (a report: text, HTML, DataFrame).

    ``table()`` (and so ``to_dataframe()``) is the lift by decile; ``to_text()`` and the
    HTML show every section.
    """

    model: str
    outcomes: int
    won: int
    auc: float
    brier: float | None
    top: tuple[TopShare, ...]
    deciles: tuple[Decile, ...]
    bands: tuple[Band, ...]
    grades: tuple[Band, ...]
    reliability: tuple[ReliabilityBin, ...]
    capacity: CapacityThreshold | None

    @property
    def base_rate(self) -> float:
        """The share of outcomes that were won."""
        return self.won / self.outcomes

    def __repr__(self) -> str:
        brier = f", Brier {self.brier:.4f}" if self.brier is not None else ""
        return (
            f"<Evaluation of {self.model!r}: AUC {self.auc:.3f}{brier},"
            f" {self.won} won of {self.outcomes}>"
        )

    def summary(self) -> Table:
        """The headline figures."""
        rows: list[tuple[str, object]] = [
            ("outcomes", self.outcomes),
            ("won", self.won),
            ("base rate", Percent(self.base_rate)),
            ("ROC AUC", f"{self.auc:.4f}"),
        ]
        if self.brier is not None:
            rows.append(("Brier score", f"{self.brier:.4f}"))
        for top in self.top:
            label = f"top {top.share:.0%}"
            rows.append((f"{label} precision", Percent(top.precision)))
            rows.append((f"{label} recall", Percent(top.recall)))
            rows.append((f"{label} lift", f"{top.lift:.2f}"))
        if self.capacity is not None:
            c = self.capacity
            shown = "none" if c.threshold is None else f"{c.threshold:g}"
            rows.append((f"MQL threshold for {c.per_week} a week", shown))
            rows.append(("weeks of leads", f"{c.weeks:.1f}"))
            rows.append(("leads a week at it", f"{c.leads_per_week:.1f}"))
            rows.append(("wins a week at it", f"{c.wins_per_week:.2f}"))
        return Table(("measure", "value"), rows, title=f"Evaluation of {self.model}")

    def table(self) -> Table:
        """Lift by decile (1 = the best-scored tenth)."""
        return Table(
            ("decile", "leads", "won", "rate", "lift", "lowest", "highest"),
            [
                (d.decile, d.leads, d.won, Percent(d.rate), round(d.lift, 2), d.lowest, d.highest)
                for d in self.deciles
            ],
            title="Lift by decile",
        )

    def band_table(self) -> Table:
        """Conversion rate by score band."""
        return Table(
            ("score", "leads", "won", "rate"),
            [(b.label, b.leads, b.won, Percent(b.rate)) for b in self.bands],
            title="By score band",
        )

    def grade_table(self) -> Table:
        """Conversion rate by grade (empty without a grading profile)."""
        return Table(
            ("grade", "leads", "won", "rate"),
            [(b.label, b.leads, b.won, Percent(b.rate)) for b in self.grades],
            title="By grade",
        )

    def reliability_table(self) -> Table:
        """Predicted against observed win rates (empty for models without probabilities)."""
        return Table(
            ("predicted", "leads", "mean predicted", "observed"),
            [
                (
                    f"{r.low:.0%}–{r.high:.0%}",
                    r.leads,
                    Percent(r.predicted),
                    Percent(r.observed),
                )
                for r in self.reliability
            ],
            title="Calibration",
        )

    def tables(self) -> tuple[Table, ...]:
        """Every section that has rows, headline first."""
        found = [self.summary(), self.table(), self.band_table()]
        if self.grades:
            found.append(self.grade_table())
        if self.reliability:
            found.append(self.reliability_table())
        return tuple(found)

    def to_text(self, *, locale: str = "en") -> str:
        """Every section as aligned text."""
        return "\n\n".join(t.translated(locale).to_text() for t in self.tables())

    def to_html(self, *, locale: str = "en") -> str:
        """Every section as an HTML table."""
        return "\n".join(t.translated(locale).to_html() for t in self.tables())

    def plot(self, *, axes: Any = None) -> Any:
        """Lift by decile and, for a model with probabilities, the calibration curve.

        Returns the matplotlib axes (two: lift, calibration); pass ``axes`` (a pair) to
        draw into a figure of your own. Needs ``leadkit[plot]``.
        """
        plt = require("matplotlib.pyplot", "plot", purpose="plotting an evaluation")
        if axes is None:
            _, axes = plt.subplots(1, 2, figsize=(10, 4))
        lift_ax, calibration_ax = axes
        deciles = [d.decile for d in self.deciles]
        lift_ax.bar(deciles, [d.lift for d in self.deciles], color="#4C72B0")
        lift_ax.axhline(1.0, color="grey", linewidth=1, linestyle="--")
        lift_ax.set_xticks(deciles)
        lift_ax.set_xlabel("decile (1 = best scores)")
        lift_ax.set_ylabel("lift")
        lift_ax.set_title(f"{self.model}: lift (AUC {self.auc:.3f})")
        calibration_ax.plot([0, 1], [0, 1], color="grey", linewidth=1, linestyle="--")
        if self.reliability:
            calibration_ax.plot(
                [r.predicted for r in self.reliability],
                [r.observed for r in self.reliability],
                marker="o",
                color="#DD8452",
            )
            calibration_ax.set_title(f"calibration (Brier {self.brier:.4f})")
        else:
            calibration_ax.set_title("calibration: the model gives no probabilities")
        calibration_ax.set_xlabel("predicted")
        calibration_ax.set_ylabel("observed")
        return axes


def _scores(
    model: ScoringModel | LearnedModel | Mapping[str, float],
    outcomes: Sequence[Outcome],
    found: list[EngagementEvent],
) -> list[float]:
    if isinstance(model, Mapping):
        missing = [o.lead.id for o in outcomes if o.lead.id not in model]
        if missing:
            raise ValidationError(f"no score for lead {missing[0]}", path=("scores", missing[0]))
        return [float(model[o.lead.id]) for o in outcomes]
    scoring = model.model if isinstance(model, LearnedModel) else model
    if not isinstance(scoring, ScoringModel):
        raise ValidationError(
            "model must be a ScoringModel, a LearnedModel or a mapping of lead ids to scores",
            path="model",
        )
    by_cutoff: dict[datetime, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_cutoff[outcome.cutoff].append(outcome)
    totals: dict[str, float] = {}
    wanted = {o.lead.id for o in outcomes}
    mine = [e for e in found if e.lead_id in wanted]
    for cutoff, group in by_cutoff.items():
        totals.update(scoring.score_many([o.lead for o in group], mine, as_of=cutoff))
    return [totals[o.lead.id] for o in outcomes]


def _order(scores: Sequence[float], outcomes: Sequence[Outcome]) -> list[int]:
    """Best score first; ties by lead id, so the same inputs always give the same table."""
    return sorted(range(len(scores)), key=lambda i: (-scores[i], outcomes[i].lead.id))


def _band_label(low: float | None, high: float | None) -> str:
    if high is None:
        return f">= {low:g}"
    if low is None:
        return f"< {high:g}"
    return f"{low:g}–{high:g}"


def _bands(scores: Sequence[float], won: Sequence[bool], cuts: Sequence[float]) -> tuple[Band, ...]:
    edges = sorted({float(c) for c in cuts}, reverse=True)
    rows = []
    for index in range(len(edges) + 1):
        low = edges[index] if index < len(edges) else None
        high = edges[index - 1] if index > 0 else None
        picked = [
            w
            for s, w in zip(scores, won, strict=True)
            if (low is None or s >= low) and (high is None or s < high)
        ]
        if picked:
            rows.append(
                Band(_band_label(low, high), len(picked), sum(picked), sum(picked) / len(picked))
            )
    return tuple(rows)


def _reliability(
    probabilities: Sequence[float], won: Sequence[bool], *, bins: int
) -> tuple[ReliabilityBin, ...]:
    rows = []
    for index in range(bins):
        low, high = index / bins, (index + 1) / bins
        picked = [
            (p, w)
            for p, w in zip(probabilities, won, strict=True)
            if low <= p < high or (index == bins - 1 and p == 1.0)
        ]
        if picked:
            rows.append(
                ReliabilityBin(
                    low,
                    high,
                    len(picked),
                    sum(p for p, _ in picked) / len(picked),
                    sum(1 for _, w in picked if w) / len(picked),
                )
            )
    return tuple(rows)


def _capacity(
    scores: Sequence[float], outcomes: Sequence[Outcome], order: Sequence[int], per_week: int
) -> CapacityThreshold:
    created = [o.lead.created_at for o in outcomes]
    weeks = max((max(created) - min(created)) / timedelta(weeks=1), 1.0)
    threshold: float | None = None
    taken = 0
    # Walk down the ranking once; a threshold is a place where the score changes.
    for position, index in enumerate(order):
        last = position + 1 == len(order) or scores[order[position + 1]] != scores[index]
        if not last:
            continue
        if (position + 1) / weeks > per_week:
            break
        threshold, taken = scores[index], position + 1
    chosen = order[:taken]
    wins = sum(1 for i in chosen if outcomes[i].won)
    return CapacityThreshold(per_week, threshold, len(chosen) / weeks, wins / weeks, weeks)


def evaluate(
    model: ScoringModel | LearnedModel | Mapping[str, float],
    outcomes: Sequence[Outcome],
    events: Iterable[EngagementEvent] = (),
    *,
    grading: GradingProfile | None = None,
    top: Sequence[float] = (0.1, 0.2),
    score_bands: Sequence[float] = DEFAULT_SCORE_BANDS,
    per_week: int | None = None,
    bins: int = 10,
) -> Evaluation:
    """Measure ``model`` against ``outcomes``, each lead scored at its own cut-off.

    ``model`` is a hand-set :class:`~leadkit.scoring.ScoringModel`, a
    :class:`LearnedModel` (then also the Brier score and a reliability table of its
    probabilities) or ready scores by lead id. The report gives the ROC AUC, precision,
    recall and lift of the ``top`` shares, the lift by decile, the win rate by score
    band (``score_bands``, the priority matrix's by default) and by grade (with
    ``grading``), and with ``per_week`` the lowest MQL threshold that gives a team at
    most that many leads a week over the span of the leads' creation dates.
    """
    listed = list(outcomes)
    if any(not isinstance(o, Outcome) for o in listed):
        raise ValidationError("outcomes must be Outcome records", path="outcomes")
    found = list(events)
    scores = _scores(model, listed, found)
    won = [o.won for o in listed]
    auc = roc_auc(scores, won)
    positives = sum(won)
    base = positives / len(listed)
    order = _order(scores, listed)
    shares = []
    for share in top:
        if not 0 < share <= 1:
            raise ValidationError(f"a top share lies in (0, 1], got {share!r}", path="top")
        count = max(1, round(len(listed) * share))
        hits = sum(1 for i in order[:count] if won[i])
        shares.append(
            TopShare(share, count, hits, hits / count, hits / positives, hits / count / base)
        )
    deciles = []
    for d in range(10):
        part = order[len(order) * d // 10 : len(order) * (d + 1) // 10]
        if part:
            hits = sum(1 for i in part if won[i])
            picked = [scores[i] for i in part]
            deciles.append(
                Decile(
                    d + 1,
                    len(part),
                    hits,
                    hits / len(part),
                    hits / len(part) / base,
                    min(picked),
                    max(picked),
                )
            )
    grades: tuple[Band, ...] = ()
    if grading is not None:
        by_grade: dict[Grade, list[bool]] = defaultdict(list)
        for outcome in listed:
            card = grading.grade(outcome.lead, as_of=outcome.cutoff)
            by_grade[card.grade].append(outcome.won)
        grades = tuple(
            Band(str(g), len(by_grade[g]), sum(by_grade[g]), sum(by_grade[g]) / len(by_grade[g]))
            for g in sorted(by_grade, key=lambda g: g.rank, reverse=True)
        )
    brier: float | None = None
    reliability: tuple[ReliabilityBin, ...] = ()
    if isinstance(model, LearnedModel):
        probabilities = [model.probability(s) for s in scores]
        brier = sum((p - w) ** 2 for p, w in zip(probabilities, won, strict=True)) / len(won)
        reliability = _reliability(probabilities, won, bins=bins)
    name = (
        "scores"
        if isinstance(model, Mapping)
        else (model.model.name if isinstance(model, LearnedModel) else model.name)
    )
    return Evaluation(
        name,
        len(listed),
        positives,
        auc,
        brier,
        tuple(shares),
        tuple(deciles),
        _bands(scores, won, score_bands),
        grades,
        reliability,
        _capacity(scores, listed, order, per_week) if per_week is not None else None,
    )


def time_folds(
    outcomes: Sequence[Outcome], *, folds: int = 5
) -> tuple[tuple[tuple[Outcome, ...], tuple[Outcome, ...]], ...]:
    """Time-ordered folds: ``(train, test)`` pairs, each training on earlier leads only.

    Outcomes are ordered by cut-off (then creation, then id) and cut into ``folds + 1``
    blocks; fold *k* trains on blocks 1..k and tests on block *k + 1*, as a model in
    production is always judged on leads that came after the ones it learned from.
    """
    if not isinstance(folds, int) or isinstance(folds, bool) or folds < 1:
        raise ValidationError(f"folds must be a positive integer, got {folds!r}", path="folds")
    ordered = sorted(outcomes, key=lambda o: (o.cutoff, o.lead.created_at, o.lead.id))
    if len(ordered) < folds + 1:
        raise ValidationError(
            f"{folds} folds need at least {folds + 1} outcomes, got {len(ordered)}",
            path="outcomes",
        )
    edges = [len(ordered) * k // (folds + 1) for k in range(folds + 2)]
    return tuple(
        (tuple(ordered[: edges[k]]), tuple(ordered[edges[k] : edges[k + 1]]))
        for k in range(1, folds + 1)
    )
