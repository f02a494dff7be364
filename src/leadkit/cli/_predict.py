"""``leadkit learn`` and ``leadkit evaluate``: points learned from outcomes, models measured."""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from leadkit.cli._context import Context
from leadkit.cli._errors import EXIT_OK, CliError, UsageError
from leadkit.cli._inputs import add_input_options, as_of, header_map, read_table
from leadkit.cli._output import add_output_options, emit

if TYPE_CHECKING:
    from leadkit.model import EngagementEvent, Lead
    from leadkit.predict import LearnedModel, Outcome
    from leadkit.scoring import ScoringModel

__all__ = ["configure_evaluate", "configure_learn", "read_outcomes"]

LEARN_EXAMPLES = """\
examples:
  leadkit learn --leads leads.csv --events events.csv.gz --outcomes outcomes.csv \\
      --as-of 2026-04-01 --out learned.json
  leadkit learn --leads leads.csv --outcomes outcomes.csv --method naive_bayes --max-rules 10

--outcomes is a CSV with the columns lead_id and won (true/false, 1/0, yes/no, won/lost)
and optionally cutoff (when the lead was won or lost: its features are taken then; the
default is --as-of). The learned model is an ordinary scoring model of at most
--max-rules rules, saved as JSON with the link that turns its score into a probability.
"""

EVALUATE_EXAMPLES = """\
examples:
  leadkit evaluate --model japanese-b2b --leads leads.csv --events events.csv.gz \\
      --outcomes outcomes.csv --as-of 2026-04-01
  leadkit evaluate --model learned.json --leads leads.csv --events events.csv.gz \\
      --outcomes outcomes.csv --profile default --per-week 50

Measures any scoring model (a file, a built-in one, or a model saved by leadkit learn)
against the outcomes: ROC AUC, precision, recall and lift of the top 10% and 20%, lift by
decile, win rate by score band and by grade, calibration of learned models, and with
--per-week the MQL threshold that gives the team that many leads a week.
"""

_TRUE = {"true", "1", "yes", "y", "won", "win", "t"}
_FALSE = {"false", "0", "no", "n", "lost", "loss", "f"}


def _common(parser: argparse.ArgumentParser) -> None:
    add_input_options(parser)
    parser.add_argument(
        "--outcomes",
        type=Path,
        required=True,
        metavar="CSV",
        help="lead_id, won[, cutoff] per lead",
    )


def configure_learn(parser: argparse.ArgumentParser) -> None:
    """The ``learn`` subcommand: its description, examples and options."""
    parser.description = "Learn a scoring model (rules and points) from won and lost leads."
    parser.epilog = LEARN_EXAMPLES
    _common(parser)
    parser.add_argument(
        "--method",
        choices=("logistic", "naive_bayes"),
        default="logistic",
        help="L1-selected logistic regression (default) or naive Bayes frequencies",
    )
    parser.add_argument(
        "--max-rules", type=int, default=20, metavar="N", help="at most N rules (default 20)"
    )
    parser.add_argument(
        "--out", type=Path, metavar="JSON", help="save the learned model to a .json file"
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite the --out file if it exists"
    )
    parser.set_defaults(run=run_learn, output_file="out")


def configure_evaluate(parser: argparse.ArgumentParser) -> None:
    """The ``evaluate`` subcommand: its description, examples and options."""
    parser.description = "Measure a scoring model against won and lost leads."
    parser.epilog = EVALUATE_EXAMPLES
    parser.add_argument(
        "--model",
        required=True,
        metavar="MODEL",
        help="scoring model file, a model saved by leadkit learn, or a built-in name",
    )
    _common(parser)
    parser.add_argument("--profile", metavar="PROFILE", help="also by grade (file or default)")
    parser.add_argument(
        "--per-week", type=int, metavar="N", help="the MQL threshold for N leads a week"
    )
    add_output_options(parser)
    parser.set_defaults(run=run_evaluate)


def _flag(text: str, *, where: str) -> bool:
    value = text.strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise CliError(
        f"{where}: won: expected true or false, got {text!r}",
        hint="write true/false, 1/0, yes/no or won/lost",
    )


def _cutoff(text: str, *, where: str, default: datetime) -> datetime:
    if not text.strip():
        return default
    try:
        return as_of(text.strip())
    except UsageError:
        raise CliError(
            f"{where}: cutoff: not a date-time with a timezone: {text!r}",
            hint="write 2026-04-01 or 2026-04-01T09:00+09:00",
        ) from None


def read_outcomes(
    path: Path, leads: Sequence[Lead], *, cutoff: datetime, encoding: str = "utf-8-sig"
) -> list[Outcome]:
    """The outcomes CSV, matched to ``leads`` by id; every problem names its line."""
    from leadkit.predict import Outcome

    if not path.exists():
        raise CliError(f"{path}: no such file", hint="check the path (it is relative to here)")
    by_id = {lead.id: lead for lead in leads}
    found: list[Outcome] = []
    try:
        with path.open(encoding=encoding, newline="") as handle:
            reader = csv.DictReader(handle)
            columns = set(reader.fieldnames or ())
            if not {"lead_id", "won"} <= columns:
                raise CliError(
                    f"{path}: needs the columns lead_id and won, has "
                    f"{', '.join(sorted(columns)) or 'none'}",
                    hint="a header row: lead_id,won[,cutoff]",
                )
            for line, row in enumerate(reader, start=2):
                where = f"{path}: line {line}"
                lead = by_id.get((row.get("lead_id") or "").strip())
                if lead is None:
                    raise CliError(
                        f"{where}: lead_id: no lead {row.get('lead_id')!r} in --leads",
                        hint="the ids must be the id column of the leads file",
                    )
                won = _flag(row.get("won") or "", where=where)
                when = _cutoff(row.get("cutoff") or "", where=where, default=cutoff)
                found.append(Outcome(lead, won=won, cutoff=when))
    except UnicodeDecodeError:
        raise CliError(f"{path}: not {encoding} text", hint="save it as UTF-8") from None
    except csv.Error as exc:
        raise CliError(f"{path}: not a CSV file ({exc})", hint="save it as CSV") from None
    if not found:
        raise CliError(f"{path}: no outcomes", hint="one row per won or lost lead")
    return found


def _inputs(
    args: argparse.Namespace, ctx: Context
) -> tuple[list[Outcome], list[EngagementEvent], datetime]:
    from leadkit.model import EngagementEvent, Lead

    when = as_of(args.as_of)
    with ctx.progress.step("read leads, events and outcomes"):
        leads = read_table(
            args.leads, Lead, headers=header_map(args.headers), encoding=args.encoding
        )
        events = (
            read_table(args.events, EngagementEvent, encoding=args.encoding)
            if args.events is not None
            else []
        )
        outcomes = read_outcomes(args.outcomes, leads, cutoff=when)
    return outcomes, events, when


def run_learn(args: argparse.Namespace, ctx: Context) -> int:
    """Learn, print the model, and save it with ``--out``."""
    import leadkit.io
    from leadkit.cli._output import _write
    from leadkit.predict import learn

    if args.max_rules < 1:
        raise UsageError(
            f"--max-rules must be at least 1, got {args.max_rules}",
            hint="for example --max-rules 20",
        )
    outcomes, events, _ = _inputs(args, ctx)
    with ctx.progress.step(f"learn from {len(outcomes):,} outcomes"):
        model = learn(outcomes, events, method=args.method, max_rules=args.max_rules)
    ctx.stdout.write(f"{model}\n")
    if args.out is not None:
        try:
            _write(args.out, leadkit.io.dumps(model, indent=2) + "\n")
        except OSError as exc:
            raise CliError(
                f"cannot write {args.out}: {exc.strerror or exc}",
                hint="check the folder and the name",
            ) from None
        ctx.stdout.write(f"saved to {args.out}\n")
    return EXIT_OK


def _load(spec: str) -> ScoringModel | LearnedModel:
    from leadkit.cli._score import load_model

    path = Path(spec)
    if path.suffix.lower() == ".json" and path.exists():
        import leadkit.io
        from leadkit.predict import LearnedModel

        data = leadkit.io.load_data(path)
        if isinstance(data, dict) and "intercept" in data and "model" in data:
            return leadkit.io.structure(data, LearnedModel, root=str(path))
    return load_model(spec)


def run_evaluate(args: argparse.Namespace, ctx: Context) -> int:
    """Score each lead at its cut-off and measure the model against the outcomes."""
    from leadkit.cli._score import load_profile
    from leadkit.predict import evaluate

    if args.per_week is not None and args.per_week < 1:
        raise UsageError(
            f"--per-week must be at least 1, got {args.per_week}", hint="for example --per-week 50"
        )
    model = _load(args.model)
    profile = load_profile(args.profile) if args.profile is not None else None
    outcomes, events, _ = _inputs(args, ctx)
    with ctx.progress.step(f"evaluate on {len(outcomes):,} outcomes"):
        report = evaluate(model, outcomes, events, grading=profile, per_week=args.per_week)
    emit(
        list(report.tables()),
        fmt=args.format,
        out=args.out,
        stdout=ctx.stdout,
        raw_csv=args.raw_csv,
    )
    return EXIT_OK
