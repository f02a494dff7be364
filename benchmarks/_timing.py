"""Timing helpers shared by the benchmark scripts (not a test: run them by hand).

Benchmarks compare leadkit against a baseline measured in the same process and print
ratios, never absolute targets: machines differ, ratios travel.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def best_of(repeat: int, fn: Callable[[], T]) -> tuple[T, float]:
    """Run ``fn`` ``repeat`` times with the garbage collector paused; the last result and
    the best wall time in seconds (the least disturbed run)."""
    best = float("inf")
    result: T | None = None
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            result = fn()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    assert result is not None or repeat > 0
    return result, best  # type: ignore[return-value]
