"""``leadkit score --engine``: score through the Python engine or through DuckDB."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leadkit.model import EngagementEvent, Lead
    from leadkit.scoring import ScoreCard, ScoringModel

__all__ = ["ENGINES", "add_engine_option", "score_cards"]

ENGINES = ("python", "duckdb")


def add_engine_option(parser: argparse.ArgumentParser) -> None:
    """``--engine python|duckdb`` (python by default)."""
    parser.add_argument("--engine", choices=ENGINES, default="python",
                        help="score with the Python engine (default) or on DuckDB, "
                             "with the same results (needs leadkit[duckdb])")  # fmt: skip


def score_cards(
    engine: str,
    model: ScoringModel,
    leads: Sequence[Lead],
    events: Sequence[EngagementEvent],
    as_of: datetime,
) -> dict[str, ScoreCard]:
    """Every lead's card: from the Python engine, or from DuckDB's rule columns (the
    points of each rule after its cap; the events behind them are not listed)."""
    if engine == "python":
        return model.score_many(leads, events, as_of=as_of, breakdown=True)
    from leadkit._optional import require
    from leadkit.scoring import Contribution, ScoreCard
    from leadkit.sql import score_duckdb, write_duckdb

    duckdb = require("duckdb", "duckdb", purpose="leadkit score --engine duckdb")
    connection = duckdb.connect()
    try:
        write_duckdb(connection, leads, events)
        relation = score_duckdb(connection, model, as_of=as_of)
        names = relation.columns
        rows = [dict(zip(names, row, strict=True)) for row in relation.fetchall()]
    finally:
        connection.close()
    cards: dict[str, ScoreCard] = {}
    for row in rows:
        contributions = tuple(
            Contribution(rule, float(row[f"rule.{rule.name}"]), float(row[f"rule.{rule.name}"]))
            for rule in model.rules
            if row[f"rule.{rule.name}"]
        )
        groups = {g.name: float(row[f"group.{g.name}"]) for g in model.groups}
        lead_id = str(row["lead_id"])
        cards[lead_id] = ScoreCard(
            lead_id,
            float(row["total"]),
            groups,
            contributions,
            model.name,
            model.version,
            as_of,
            group_caps={g.name: g.cap for g in model.groups},
            cap=model.cap,
            floor=model.floor,
        )
    return {lead.id: cards[lead.id] for lead in leads}
