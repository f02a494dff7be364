"""``leadkit demo``: the main job on the bundled sample data, start to finish."""

from __future__ import annotations

import argparse
from pathlib import Path

from leadkit.cli._context import Context
from leadkit.cli._errors import EXIT_OK, CliError
from leadkit.cli._output import add_output_options, render

__all__ = ["configure", "run"]

# The files --export writes (the demo flow's export list; checked before the demo runs).
_EXPORT_NAMES = (
    "leads.csv",
    "accounts.csv",
    "contacts.csv",
    "opportunities.csv",
    "campaigns.csv",
    "campaign_members.csv",
    "users.csv",
)

EXAMPLES = """\
examples:
  leadkit demo
  leadkit demo --db leadkit-demo.sqlite3      keep the database to look at afterwards
  leadkit demo --format json > demo.json
  leadkit demo --export out                   the results as CSV, e.g. for attribution

The demo loads the bundled sample (2,000 leads, 8 salespeople, 10 campaigns), stores it
in SQLite, finds and merges duplicates, scores and grades, classifies stages, routes the
MQLs, lets "sales" accept them and qualify the best fits, converts the SQLs, and prints
the funnel, the top leads with their reasons, each owner's load and campaign influence.
Running it again starts from the sample again. --db writes only to a new file or to a
database an earlier demo created; any other file is refused and left as it is.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """The ``demo`` subcommand: its description, examples and options."""
    parser.description = "Inquiry to opportunity on the bundled sample data, with reports."
    parser.epilog = EXAMPLES
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="SQLite file to keep (default: a temporary file removed afterwards)",
    )
    parser.add_argument(
        "--export",
        type=Path,
        metavar="DIR",
        help="also write the resulting leads, accounts, contacts, opportunities ... as CSV",
    )
    parser.add_argument("--top", type=int, default=10, help="how many top leads to list")
    add_output_options(parser, out=False, folder="export")
    parser.set_defaults(run=run, output_files=tuple(_EXPORT_NAMES))


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Run the demo and print its tables."""
    if args.top < 1:
        raise CliError(f"--top must be at least 1, got {args.top}", hint="for example --top 10")
    # The flow imports every capability; only the demo pays for that at start-up.
    from leadkit.cli._demo_flow import DemoSettings, run_demo

    settings = DemoSettings(top=args.top, export=args.export, formula_safe=not args.raw_csv)
    tables = run_demo(ctx, db=args.db, settings=settings)
    ctx.stdout.write(render(tables, args.format, formula_safe=not args.raw_csv))
    return EXIT_OK
