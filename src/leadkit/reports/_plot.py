"""An optional bar chart of a funnel (needs ``leadkit[plot]``: matplotlib)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from leadkit.reports._report import require

__all__ = ["plot_funnel"]


def plot_funnel(
    stages: Sequence[tuple[str, int]] | Iterable[tuple[str, int]],
    *,
    title: str = "Funnel",
    ax: Any = None,
) -> Any:
    """Draw ``(stage, count)`` pairs as horizontal bars, widest first; return the axes.

    matplotlib is imported only here; without it a
    :class:`~leadkit.reports.MissingExtraError` says how to install it.
    """
    plt = require("matplotlib.pyplot", "plot")
    pairs = list(stages)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.5 + 0.5 * len(pairs)))
    labels = [label for label, _ in pairs]
    counts = [count for _, count in pairs]
    ax.barh(labels[::-1], counts[::-1], color="#4C72B0")
    for y, count in enumerate(counts[::-1]):
        ax.text(count, y, f" {count:,}", va="center")
    ax.set_title(title)
    ax.set_xlabel("leads")
    return ax
