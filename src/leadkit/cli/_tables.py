"""Tables the commands share: the funnel as rows of stage, reached and rate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadkit.reports import Percent, Table

if TYPE_CHECKING:
    from leadkit.stages import FunnelReport

__all__ = ["funnel_table"]

_SIDE_STAGES = {"recycled", "disqualified", "lost"}


def funnel_table(report: FunnelReport, *, title: str = "Funnel", side: bool = False) -> Table:
    """One row per group, path and stage: how many reached it and the rate to the next.

    The side stages (recycled, disqualified, lost) are left out unless ``side``, and so
    are paths nobody walked.
    """
    records = report.to_records()
    walked = {(r["group"], r["path"]) for r in records if r["reached"]}
    rows = [
        (
            r["group"],
            r["path"],
            r["stage"],
            r["reached"],
            r["next_stage"] or "",
            Percent(r["rate"]) if r["rate"] is not None else None,
        )
        for r in records
        if (r["group"], r["path"]) in walked and (side or r["stage"] not in _SIDE_STAGES)
    ]
    return Table(("group", "path", "stage", "reached", "next", "rate"), rows, title=title)
