"""pandas and Polars DataFrames in and out: leads, engagement events and activities read
from frames without a CSV round trip, and scoring, grading, stages and routing returned
as frames aligned to the input.

Needs pandas (``pip install 'leadkit[pandas]'``) or Polars (``'leadkit[polars]'``) for
the frames you use; neither is imported until a frame is read or made.
"""

from leadkit.frames._backend import Library
from leadkit.frames._records import (
    Unknown,
    activities_from_frame,
    events_from_frame,
    frame_columns,
    leads_from_frame,
    records_from_frame,
    to_frame,
)
from leadkit.frames._results import RESULT_COLUMNS, score_frame

__all__ = [
    "RESULT_COLUMNS",
    "Library",
    "Unknown",
    "activities_from_frame",
    "events_from_frame",
    "frame_columns",
    "leads_from_frame",
    "records_from_frame",
    "score_frame",
    "to_frame",
]
