"""``leadkit dedupe``: find duplicate leads in a CSV table (名寄せ)."""

from __future__ import annotations

import argparse

from leadkit.cli._context import Context
from leadkit.cli._errors import EXIT_OK
from leadkit.cli._inputs import add_input_options, read_leads
from leadkit.cli._output import add_output_options, emit

__all__ = ["configure", "run"]

EXAMPLES = """\
examples:
  leadkit dedupe --leads leads.csv
  leadkit dedupe --leads leads.csv --explain
  leadkit dedupe --leads リード.csv --out duplicates.csv

One row per group of duplicates: the leads in it (the first is the one to keep) and
the rule that matched. --explain adds each matching pair with its evidence.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """The ``dedupe`` subcommand: its description, examples and options."""
    parser.description = "Group duplicate leads by e-mail, name, company and phone (名寄せ)."
    parser.epilog = EXAMPLES
    add_input_options(parser, events=False)
    parser.add_argument("--explain", action="store_true", help="show the evidence of each pair")
    add_output_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Read the leads, find the clusters, print one row per cluster."""
    from leadkit.dedupe import LEAD_RULE, find_duplicates
    from leadkit.reports import Table

    with ctx.progress.step("read leads"):
        leads = list(read_leads(args, ctx).leads)
    with ctx.progress.step(f"compare {len(leads):,} leads"):
        found = find_duplicates(leads, LEAD_RULE)
    by_id = {lead.id: lead for lead in leads}
    # Evidence is several lines per pair: a column for files, text after the table on screen.
    evidence_column = args.explain and (args.out is not None or args.format != "table")
    rows = []
    for number, cluster in enumerate(found, start=1):
        keep = by_id[cluster.ids[0]]
        row: tuple[object, ...] = (
            number,
            cluster.ids[0],
            ", ".join(cluster.ids[1:]),
            keep.name.display,
            keep.company,
            min(p.score for p in cluster.pairs),
        )
        if evidence_column:
            row += ("\n".join(str(p) for p in cluster.pairs),)
        rows.append(row)
    columns: tuple[str, ...] = ("group", "keep", "duplicates", "name", "company", "min_score")
    if evidence_column:
        columns += ("evidence",)
    title = f"{len(found)} groups of duplicates among {len(leads):,} leads"
    emit(
        [Table(columns, rows, title=title)],
        fmt=args.format,
        out=args.out,
        stdout=ctx.stdout,
        raw_csv=args.raw_csv,
    )
    if args.explain and not evidence_column:
        for number, cluster in enumerate(found, start=1):
            ctx.stdout.write(f"\ngroup {number}: {cluster}\n")
    return EXIT_OK
