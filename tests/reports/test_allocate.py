"""Largest-remainder allocation: exact totals, each part within one unit of its due."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from leadkit.reports import allocate


@given(
    total=st.integers(-(10**12), 10**12),
    weights=st.lists(st.floats(0, 1e6), min_size=1, max_size=20).filter(lambda w: sum(w) > 0),
)
def test_parts_sum_to_total_and_stay_within_one_unit(total: int, weights: list[float]) -> None:
    parts = allocate(total, weights)
    assert sum(parts) == total
    weight_sum = math.fsum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - total * weight / weight_sum) < 1 + 1e-6 * abs(total)


def test_ties_go_to_earlier_parts() -> None:
    assert allocate(2, [1, 1, 1]) == [1, 1, 0]
    assert allocate(0, [1, 2]) == [0, 0]
