"""Weighted choices that are cheap enough to draw tens of millions of times."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """Items with relative weights; :meth:`pick` draws one with a given random source."""

    __slots__ = ("_cumulative", "_total", "items")

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        pairs = list(pairs)
        self.items: tuple[T, ...] = tuple(item for item, _ in pairs)
        self._cumulative = list(itertools.accumulate(weight for _, weight in pairs))
        self._total = self._cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        """One item, drawn in proportion to its weight."""
        return self.items[bisect.bisect_right(self._cumulative, rng.random() * self._total)]


def zipf(items: Sequence[T], exponent: float = 0.7) -> Weighted[T]:
    """Items weighted by rank, as names and words are in real life (the first most common)."""
    return Weighted((item, 1.0 / (rank**exponent)) for rank, item in enumerate(items, start=1))


def choose(rng: random.Random, items: Sequence[T]) -> T:
    """One of ``items``, uniformly (``rng.choice`` is several times slower in hot loops)."""
    return items[int(rng.random() * len(items))]


def between(rng: random.Random, low: int, high: int) -> int:
    """A whole number in ``[low, high)``, uniformly (a fast ``rng.randrange``)."""
    return low + int(rng.random() * (high - low))
