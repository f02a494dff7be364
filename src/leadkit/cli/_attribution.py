"""``leadkit attribution``: credit won opportunities back to campaigns."""

from __future__ import annotations

import argparse
from pathlib import Path

from leadkit.cli._context import Context
from leadkit.cli._errors import EXIT_OK, UsageError
from leadkit.cli._inputs import header_map, read_table
from leadkit.cli._output import add_output_options, emit

__all__ = ["configure", "run"]

EXAMPLES = """\
examples:
  leadkit attribution --opportunities opportunities.csv --members campaign_members.csv \\
      --leads leads.csv --campaigns campaigns.csv
  leadkit attribution ... --model time-decay --half-life 30 --by source
  leadkit attribution ... --model first-touch --all --format json

Models: first-touch, last-touch, even-split, position-based (40/20/40), time-decay.
An opportunity's people are the leads converted into it (the leads table says which)
and the contacts they became; their campaign responses before the close count.
"""

_BY = ("campaign", "source", "credit")


def configure(parser: argparse.ArgumentParser) -> None:
    """The ``attribution`` subcommand: its description, examples and options."""
    parser.description = "Campaign attribution of won opportunities (or all with --all)."
    parser.epilog = EXAMPLES
    parser.add_argument("--opportunities", type=Path, required=True, metavar="CSV")
    parser.add_argument("--members", type=Path, required=True, metavar="CSV",
                        help="campaign members table (who responded when)")  # fmt: skip
    parser.add_argument("--leads", type=Path, metavar="CSV", help="leads (their conversions)")
    parser.add_argument("--campaigns", type=Path, metavar="CSV", help="campaigns (for names)")
    parser.add_argument("--headers", type=Path, metavar="FILE", help="lead header mapping")
    parser.add_argument("--encoding", default="utf-8-sig", help="CSV encoding (cp932: Shift_JIS)")
    parser.add_argument("--model", default="even-split", help="attribution model (see below)")
    parser.add_argument("--half-life", type=float, metavar="DAYS", help="for time-decay")
    parser.add_argument("--all", action="store_true", help="open and lost opportunities too")
    parser.add_argument("--by", choices=_BY, default="campaign", help="rows per ...")
    add_output_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Read the tables, attribute, print the chosen view."""
    from leadkit.errors import ValidationError
    from leadkit.model import Campaign, CampaignMember, Lead, Opportunity
    from leadkit.reports import attribute, parse_attribution_model

    try:
        model = parse_attribution_model(args.model, half_life_days=args.half_life)
    except ValidationError as err:
        raise UsageError(
            f"--model: {err.message}", hint="for example --model position-based"
        ) from None
    with ctx.progress.step("read opportunities, members, leads and campaigns"):
        opportunities = read_table(args.opportunities, Opportunity, encoding=args.encoding)
        members = read_table(args.members, CampaignMember, encoding=args.encoding)
        leads = (
            read_table(args.leads, Lead, headers=header_map(args.headers), encoding=args.encoding)
            if args.leads
            else []
        )
        campaigns = (
            read_table(args.campaigns, Campaign, encoding=args.encoding) if args.campaigns else []
        )
    report = attribute(
        opportunities, members, leads=leads, campaigns=campaigns, model=model, won_only=not args.all
    )
    table = {
        "campaign": report.table,
        "source": report.source_table,
        "credit": report.credit_table,
    }[args.by]()
    emit([table], fmt=args.format, out=args.out, stdout=ctx.stdout, raw_csv=args.raw_csv)
    if report.unattributed and args.out is None and args.format == "table":
        ctx.stdout.write(
            f"\n{len(report.unattributed)} opportunities had no campaign touch: "
            + ", ".join(report.unattributed[:10])
            + (" ..." if len(report.unattributed) > 10 else "")
            + "\n"
        )
    return EXIT_OK
