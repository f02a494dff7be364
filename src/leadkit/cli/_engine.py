"""``leadkit score --engine``: score through the Python engine or through DuckDB, and
the warehouse path: Parquet (or CSV) in, Parquet or CSV out, scored in DuckDB with every
explanation column."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadkit.cli._errors import EXIT_OK, CliError, UsageError

if TYPE_CHECKING:
    from leadkit.cli._context import Context
    from leadkit.model import EngagementEvent, Lead
    from leadkit.scoring import GradingProfile, ScoreCard, ScoringModel

__all__ = ["ENGINES", "add_engine_option", "run_warehouse", "score_cards", "wants_warehouse"]

ENGINES = ("python", "duckdb")


def add_engine_option(parser: argparse.ArgumentParser) -> None:
    """``--engine python|duckdb`` (python by default)."""
    parser.add_argument("--engine", choices=ENGINES, default="python",
                        help="score with the Python engine (default) or on DuckDB, "
                             "with the same results (needs leadkit[duckdb])")  # fmt: skip
    parser.add_argument("--output", dest="out", type=Path, metavar="FILE",
                        help="the same as --out; a .parquet file (with --engine duckdb) "
                             "gets every explanation column")  # fmt: skip
    parser.set_defaults(parquet_out=True)


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


def _parquet(path: object) -> bool:
    return isinstance(path, Path) and path.name.lower().endswith(".parquet")


def wants_warehouse(args: argparse.Namespace) -> bool:
    """True when a file of the command line is Parquet: the warehouse path scores it.

    Raises :class:`UsageError` for the Python engine, which reads leadkit's CSV and
    JSON tables only."""
    files = (args.leads, getattr(args, "events", None), getattr(args, "out", None))
    if not any(_parquet(f) for f in files):
        return False
    if args.engine != "duckdb":
        raise UsageError(
            "Parquet files are read and written on DuckDB",
            hint="add --engine duckdb (pip install 'leadkit[duckdb]')",
        )
    return True


def _load(connection: Any, path: Path, name: str, *, events: bool, encoding: str) -> Any:
    """A Parquet file as is (leadkit's layout), or a CSV table written to DuckDB."""
    from leadkit.cli._inputs import read_table
    from leadkit.model import EngagementEvent, Lead
    from leadkit.sql import write_duckdb

    if not path.exists():
        raise CliError(f"{path}: no such file", hint="check the path (it is relative to here)")
    if _parquet(path):
        return str(path)
    if events:
        found: list[Any] = read_table(path, EngagementEvent, encoding=encoding)
        write_duckdb(connection, [], found, leads_table="__unused", events_table=name)
    else:
        found = read_table(path, Lead, encoding=encoding)
        write_duckdb(connection, found, [], leads_table=name, events_table="__unused")
    return name


def run_warehouse(
    args: argparse.Namespace,
    ctx: Context,
    model: ScoringModel,
    profile: GradingProfile | None,
    as_of: datetime,
) -> int:
    """Score (and grade) on DuckDB from Parquet or CSV tables in leadkit's layout,
    highest total first: to ``--out`` (.parquet or .csv, written by DuckDB) with the
    lead id, total, group totals, grade, every rule's points and every criterion's
    verdict, or to stdout in ``--format``."""
    from leadkit._optional import require
    from leadkit.cli._output import emit
    from leadkit.errors import LeadkitError
    from leadkit.reports import Table
    from leadkit.sql import score_duckdb, write_duckdb

    duckdb = require("duckdb", "duckdb", purpose="leadkit score --engine duckdb")
    connection = duckdb.connect()
    try:
        with ctx.progress.step("read leads and events"):
            encoding = getattr(args, "encoding", "auto")
            leads = _load(connection, args.leads, "leads", events=False, encoding=encoding)
            if args.events is not None:
                events = _load(connection, args.events, "events", events=True, encoding=encoding)
            else:
                write_duckdb(connection, [], [], leads_table="__unused", events_table="events")
                events = "events"
        with ctx.progress.step("score on DuckDB"):
            try:
                relation = score_duckdb(
                    connection, model, profile=profile, as_of=as_of, leads=leads, events=events
                )
                relation = relation.order("total DESC, lead_id")
                if args.top is not None:
                    relation = relation.limit(args.top)
                out: Path | None = args.out
                if out is not None and (_parquet(out) or out.suffix.lower() == ".csv"):
                    kind = "PARQUET" if _parquet(out) else "CSV, HEADER"
                    target = str(out).replace("'", "''")
                    connection.execute(
                        f"COPY ({relation.sql_query()}) TO '{target}' (FORMAT {kind})"
                    )
                    return EXIT_OK
                columns = tuple(relation.columns)
                rows = relation.fetchall()
            except duckdb.Error as exc:
                raise CliError(
                    f"DuckDB could not score the tables: {exc}",
                    hint="the tables are in leadkit's layout (leadkit.sql.write_parquet)",
                ) from None
            except LeadkitError:
                raise
    finally:
        connection.close()
    title = f"Scores of {len(rows):,} leads ({model.name}, as of {as_of.date().isoformat()})"
    emit(
        [Table(columns, rows, title=title)],
        fmt=args.format,
        out=args.out,
        stdout=ctx.stdout,
        raw_csv=args.raw_csv,
    )
    return EXIT_OK
