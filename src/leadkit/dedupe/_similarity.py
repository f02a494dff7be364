"""String similarity from rapidfuzz, imported on first use.

``import leadkit`` must not need rapidfuzz; the metrics are looked up only when a
comparator is first compiled for a run, so the import cost is paid once and the hot loop
calls rapidfuzz's C functions directly.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from leadkit.errors import MissingDependencyError

__all__ = ["METRICS", "metric"]

Similarity = Callable[[str, str], float]

METRICS = ("jaro_winkler", "jaro", "levenshtein", "indel", "token_sort", "token_set")
"""Names of the string metrics a comparator may use (all similarities in [0, 1])."""


@cache
def metric(name: str) -> Similarity:
    """The rapidfuzz similarity called *name*, normalised to [0, 1]."""
    try:
        from rapidfuzz import fuzz
        from rapidfuzz.distance import Indel, Jaro, JaroWinkler, Levenshtein
    except ImportError:  # pragma: no cover - rapidfuzz is a declared dependency
        raise MissingDependencyError(
            "fuzzy matching needs the rapidfuzz package: pip install 'rapidfuzz>=3'",
            extra="rapidfuzz",
        ) from None

    def token_sort(left: str, right: str) -> float:
        return float(fuzz.token_sort_ratio(left, right)) / 100.0

    def token_set(left: str, right: str) -> float:
        return float(fuzz.token_set_ratio(left, right)) / 100.0

    table: dict[str, Similarity] = {
        "jaro_winkler": JaroWinkler.normalized_similarity,
        "jaro": Jaro.normalized_similarity,
        "levenshtein": Levenshtein.normalized_similarity,
        "indel": Indel.normalized_similarity,
        "token_sort": token_sort,
        "token_set": token_set,
    }
    return table[name]
