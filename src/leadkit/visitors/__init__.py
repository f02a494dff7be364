"""Anonymous visitors and identity stitching.

Most engagement happens before anyone fills in a form: a cookie's visitor id sees the
pricing page twice, downloads a white paper. :class:`VisitorEvent` records such an event
under the visitor id; :func:`identify` (which web-to-lead intake or your own code calls
once it knows who the visitor is) attaches the visitor's earlier events to the lead or
contact as ordinary :class:`~leadkit.model.EngagementEvent` records, once, with their
original times, so that scoring counts them from then on. A lead may have several visitor
ids (two browsers); :func:`merge_visitors` moves a merged-away lead's visitors to its
master, and the events already stitched stay exactly once.

Everything here is pure; :class:`InMemoryVisitorStore` keeps visitor events and links
for one process.
"""

from leadkit.visitors._stitch import (
    InMemoryVisitorStore,
    StitchResult,
    VisitorEvent,
    VisitorLink,
    VisitorStore,
    identify,
    identify_in,
    merge_visitors,
    stitched_event,
)

__all__ = [
    "InMemoryVisitorStore",
    "StitchResult",
    "VisitorEvent",
    "VisitorLink",
    "VisitorStore",
    "identify",
    "identify_in",
    "merge_visitors",
    "stitched_event",
]
