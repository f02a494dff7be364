"""``leadkit sample``: write the bundled sample data and example files to a folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from leadkit.cli._context import Context
from leadkit.cli._errors import EXIT_OK

__all__ = ["configure", "run"]

EXAMPLES = """\
examples:
  leadkit sample --out data
  leadkit dedupe --leads data/leads.csv

Writes leads.csv, events.csv.gz, campaigns.csv, campaign_members.csv, users.csv,
queues.csv, accounts.csv, contacts.csv, duplicates.csv (the known duplicates) and
outcomes.csv (won or lost, drawn from a known propensity, for leadkit learn and
evaluate), and the example routing.toml and stage_policy.toml the demo uses, to try
every command on.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """The ``sample`` subcommand: its description, examples and options."""
    parser.description = "Write the bundled sample CSVs and example rule files."
    parser.epilog = EXAMPLES
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="target folder")
    parser.add_argument(
        "--force", action="store_true", help="overwrite sample files already in the folder"
    )
    parser.set_defaults(run=run, output_folder="out", output_files=_names())


def _names() -> tuple[str, ...]:
    from leadkit.cli._examples import EXAMPLE_FILES
    from leadkit.sample._bundle import FILES

    return (*(name for name, _, _ in FILES), OUTCOMES_FILE, *EXAMPLE_FILES)


OUTCOMES_FILE = "outcomes.csv"


def _outcomes_text() -> str:
    """``lead_id,won`` for every sample lead (see :func:`leadkit.sample.sample_outcomes`)."""
    from leadkit.sample import load_sample, sample_outcomes

    rows = (
        f"{lead_id},{'true' if won else 'false'}" for lead_id, won in sample_outcomes(load_sample())
    )
    return "lead_id,won\n" + "\n".join(rows) + "\n"


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Copy the sample and the examples into ``--out``."""
    from leadkit.cli._examples import EXAMPLE_FILES, example_text
    from leadkit.sample import load_sample, save_sample

    folder: Path = args.out  # checked by check_outputs before this runs
    with ctx.progress.step("write the sample"):
        written = save_sample(load_sample(), folder)
        outcomes = folder / OUTCOMES_FILE
        outcomes.write_text(_outcomes_text(), encoding="utf-8")
        written.append(outcomes)
        for name in EXAMPLE_FILES:
            target = folder / name
            target.write_text(example_text(name), encoding="utf-8")
            written.append(target)
    for path in written:
        ctx.stdout.write(f"{path}\n")
    return EXIT_OK
