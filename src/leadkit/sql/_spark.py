"""Running the compiled queries on Spark (``leadkit[spark]``): DataFrames in leadkit's
column layout in, a DataFrame with the explanation columns out."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from leadkit._optional import require
from leadkit.model import EngagementEvent, Lead
from leadkit.scoring import GradingProfile, ScoringModel
from leadkit.sql._deps import exp
from leadkit.sql._run import compile_query
from leadkit.sql._write import write_parquet

if TYPE_CHECKING:
    from leadkit.routing import AssignmentRules
    from leadkit.stages import StagePolicy

__all__ = ["score_spark", "spark_frames"]


def spark_frames(
    spark: Any,
    leads: Iterable[Lead],
    events: Iterable[EngagementEvent] = (),
    *,
    folder: str | os.PathLike[str] | None = None,
) -> tuple[Any, Any]:
    """Spark DataFrames of ``leads`` and ``events`` in leadkit's layout, written through
    Parquet files in ``folder`` (a new temporary folder by default)."""
    require("pyspark", "spark", purpose="spark_frames")
    where = os.fspath(folder) if folder is not None else tempfile.mkdtemp(prefix="leadkit-")
    lead_path = os.path.join(where, "leads.parquet")
    event_path = os.path.join(where, "events.parquet")
    write_parquet(leads, events, leads_path=lead_path, events_path=event_path)
    return spark.read.parquet(lead_path), spark.read.parquet(event_path)


def score_spark(
    spark: Any,
    model: ScoringModel | None = None,
    *,
    profile: GradingProfile | None = None,
    as_of: datetime,
    leads: Any,
    events: Any,
    columns: Mapping[str, str] | None = None,
    policy: StagePolicy | None = None,
    assignment: AssignmentRules | None = None,
    owners: bool = True,
) -> Any:
    """Score (and/or grade) the Spark DataFrames ``leads`` and ``events`` (leadkit's
    layout, see :func:`spark_frames`) with the generated Spark SQL: a DataFrame with the
    columns :func:`~leadkit.sql.score_duckdb` gives (``policy``, ``assignment`` and
    ``owners`` as there). Regular expressions (``matches``)
    are refused at compile time: Spark's are Java's, not RE2."""
    require("pyspark", "spark", purpose="score_spark")
    suffix = format(abs(hash((id(leads), id(events)))), "x")
    lead_view, event_view = f"leadkit_leads_{suffix}", f"leadkit_events_{suffix}"
    leads.createOrReplaceTempView(lead_view)
    events.createOrReplaceTempView(event_view)
    query = compile_query(
        model,
        profile=profile,
        as_of=as_of,
        dialect="spark",
        leads=exp.to_table(lead_view),  # type: ignore[arg-type]
        events=exp.to_table(event_view),  # type: ignore[arg-type]
        columns=columns,
        lead_columns=list(leads.columns),
        event_columns=list(events.columns),
        policy=policy,
        assignment=assignment,
        owners=owners,
    )
    return spark.sql(query.sql(dialect="spark"))
