"""Splitting a whole into parts that add up exactly (largest remainder)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from leadkit.model import Money

__all__ = ["SHARE_PLACES", "allocate", "split_money", "split_shares"]

SHARE_PLACES = 6
"""Decimal places of a credit share: 0.333334 + 0.333333 + 0.333333 = 1."""


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` units in proportion to ``weights``; the parts sum to ``total``.

    Each part is its proportional amount rounded down, and the units left over go to the
    parts with the largest remainders (earlier parts first on ties), so no unit is lost
    or invented.

    >>> allocate(100, [1, 1, 1]), allocate(10, [0.4, 0.2, 0.4]), allocate(-5, [1, 1])
    ([34, 33, 33], [4, 2, 4], [-3, -2])
    """
    if not weights:
        return []
    if total < 0:
        return [-part for part in allocate(-total, weights)]
    weight_sum = math.fsum(weights)
    if weight_sum <= 0:
        raise ValueError("weights must have a positive sum")
    exact = [total * w / weight_sum for w in weights]
    parts = [math.floor(x) for x in exact]
    left = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def split_shares(weights: Sequence[float]) -> list[Decimal]:
    """Shares of one (to :data:`SHARE_PLACES` places) that sum to exactly 1."""
    scale = 10**SHARE_PLACES
    return [Decimal(part).scaleb(-SHARE_PLACES) for part in allocate(scale, weights)]


def split_money(amount: Money, weights: Sequence[float]) -> list[Money]:
    """``amount`` split by ``weights`` in the currency's minor units; the parts sum to it."""
    places = amount.minor_units
    units = int(amount.amount.scaleb(places).to_integral_value())
    return [
        Money(Decimal(part).scaleb(-places), amount.currency) for part in allocate(units, weights)
    ]
