"""Tables the commands share: the funnel as the report's own table, side stages left out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from leadkit.reports import FunnelReport, Table

__all__ = ["funnel_table"]


def funnel_table(
    report: FunnelReport, *, title: str | None = None, side: bool = False, locale: str = "en"
) -> Table:
    """The funnel report's table (:meth:`FunnelReport.table`): one row per group, path and
    stage, with how many reached it, the rate to the next stage and the time spent.

    The side stages (recycled, disqualified, lost) are left out unless ``side``; ``title``
    replaces the report's own.
    """
    table = report.table(side=side, locale=locale)
    return table if title is None else attrs.evolve(table, title=title)
