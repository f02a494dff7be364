"""``leadkit funnel``: classify leads with a stage policy and count the funnel."""

from __future__ import annotations

import argparse
from pathlib import Path

from leadkit.cli._context import Context, add_command
from leadkit.cli._errors import EXIT_OK
from leadkit.cli._inputs import add_input_options, as_of, header_map, read_table
from leadkit.cli._output import FORMATS, emit

__all__ = ["register", "run"]

EXAMPLES = """\
examples:
  leadkit funnel --policy stage_policy.toml --leads leads.csv --events events.csv.gz
  leadkit funnel --policy stage_policy.toml --leads leads.csv --events events.csv.gz --by source

Each lead is classified at --as-of under the policy (Inquiry, MQL, or SGL for sales
sources), and the funnel counts how many reached each stage, per group.
"""

_GROUPS = ("all", "source", "owner", "month")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``funnel`` subcommand."""
    parser = add_command(
        commands,
        "funnel",
        help="classify lifecycle stages and count the funnel",
        description="Classify leads with a stage policy and report the funnel.",
        epilog=EXAMPLES,
    )
    parser.add_argument(
        "--policy", type=Path, required=True, metavar="TOML", help="stage policy file"
    )
    add_input_options(parser)
    parser.add_argument("--by", choices=_GROUPS, default="all", help="group the funnel")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write to a .csv/.json file")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Classify every lead, then count."""
    from collections import defaultdict

    import attrs

    from leadkit.cli._tables import funnel_table
    from leadkit.model import EngagementEvent, Lead
    from leadkit.reports import source_name
    from leadkit.stages import StageHistory, advance, classify, funnel, load_stage_policy

    when = as_of(args.as_of)
    with ctx.progress.step("read policy, leads and events"):
        policy = load_stage_policy(args.policy)
        leads = read_table(
            args.leads, Lead, headers=header_map(args.headers), encoding=args.encoding
        )
        events: dict[str, list[EngagementEvent]] = defaultdict(list)
        if args.events is not None:
            for event in read_table(args.events, EngagementEvent, encoding=args.encoding):
                if event.lead_id is not None:
                    events[event.lead_id].append(event)
    with ctx.progress.step(f"classify {len(leads):,} leads"):
        histories = [
            advance(
                StageHistory(lead.id),
                classify(
                    lead, policy=policy, as_of=when, events=events.get(lead.id, ()), explain=False
                ),
            )
            for lead in leads
        ]
    if args.by == "source":
        # One row per source of the catalogue: 展示会 and Trade Show are the same source.
        leads = [attrs.evolve(lead, lead_source=source_name(lead.lead_source)) for lead in leads]
    report = funnel(histories, as_of=when, by=args.by, leads=leads)
    title = f"Funnel of {len(leads):,} leads at {when.isoformat(timespec='minutes')}"
    emit([funnel_table(report, title=title)], fmt=args.format, out=args.out, stdout=ctx.stdout)
    return EXIT_OK
