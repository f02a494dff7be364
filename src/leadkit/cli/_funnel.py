"""``leadkit funnel``: classify leads with a stage policy and count the funnel."""

from __future__ import annotations

import argparse
from pathlib import Path

from leadkit.cli._context import Context
from leadkit.cli._errors import EXIT_OK
from leadkit.cli._inputs import (
    add_input_options,
    as_of,
    qualification_warnings,
    read_leads,
    read_table,
)
from leadkit.cli._output import add_locale_option, add_output_options, emit

__all__ = ["configure", "run"]

EXAMPLES = """\
examples:
  leadkit funnel --policy stage_policy.toml --leads leads.csv --events events.csv.gz
  leadkit funnel --policy stage_policy.toml --leads leads.csv --events events.csv.gz --by source
  leadkit funnel --policy stage_policy.toml --model japanese-b2b --profile default \
      --leads leads.csv --events events.csv.gz

Each lead is classified at --as-of under the policy (Inquiry, MQL, or SGL for sales
sources), and the funnel counts how many reached each stage, per group. A policy with
min_score or min_grade needs --model or --profile to score and grade the leads.
"""

_GROUPS = ("all", "source", "owner", "month")


def configure(parser: argparse.ArgumentParser) -> None:
    """The ``funnel`` subcommand: its description, examples and options."""
    parser.description = "Classify leads with a stage policy and report the funnel."
    parser.epilog = EXAMPLES
    parser.add_argument(
        "--policy", type=Path, required=True, metavar="TOML", help="stage policy file"
    )
    parser.add_argument(
        "--model",
        metavar="MODEL",
        help="scoring model for the policy's min_score (file or built-in name)",
    )
    parser.add_argument(
        "--profile",
        metavar="PROFILE",
        help="grading profile for the policy's min_grade (file or default)",
    )
    add_input_options(parser)
    parser.add_argument("--by", choices=_GROUPS, default="all", help="group the funnel")
    add_locale_option(parser)
    add_output_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Classify every lead, then count."""
    from collections import defaultdict

    from leadkit.cli._score import load_model, load_profile
    from leadkit.cli._tables import funnel_table
    from leadkit.model import EngagementEvent
    from leadkit.reports import funnel
    from leadkit.scoring import Grade
    from leadkit.stages import Stage, StageHistory, advance, classify, load_stage_policy

    when = as_of(args.as_of)
    with ctx.progress.step("read policy, leads and events"):
        policy = load_stage_policy(args.policy)
        leads = list(read_leads(args, ctx).leads)
        events: dict[str, list[EngagementEvent]] = defaultdict(list)
        if args.events is not None:
            for event in read_table(args.events, EngagementEvent, encoding=args.encoding):
                if event.lead_id is not None:
                    events[event.lead_id].append(event)
    scores: dict[str, float] = {}
    grades: dict[str, Grade] = {}
    if args.model is not None or args.profile is not None:
        with ctx.progress.step("score and grade"):
            if args.model is not None:
                every = [e for batch in events.values() for e in batch]
                scores = load_model(args.model).score_many(leads, every, as_of=when)
            if args.profile is not None:
                grades = load_profile(args.profile).grade_many(leads, as_of=when)
    with ctx.progress.step(f"classify {len(leads):,} leads"):
        histories = [
            advance(
                StageHistory(lead.id),
                classify(
                    lead,
                    score=scores.get(lead.id),
                    grade=grades.get(lead.id),
                    policy=policy,
                    as_of=when,
                    events=events.get(lead.id, ()),
                    explain=False,
                ),
            )
            for lead in leads
        ]
    # MQLs (and beyond); sales-generated leads enter without qualifying.
    qualified = sum(1 for h in histories if h.current not in (None, Stage.INQUIRY, Stage.SGL))
    moments = [lead.created_at for lead in leads] + [
        e.occurred_at for batch in events.values() for e in batch
    ]
    for warning in qualification_warnings(
        min_score=policy.mql.min_score, min_grade=policy.mql.min_grade,
        scored=args.model is not None, graded=args.profile is not None,
        as_of_given=args.as_of is not None, when=when,
        latest=max(moments, default=None), qualified=qualified,
    ):  # fmt: skip
        ctx.stderr.write(f"warning: {warning}\n")
    # by source, the funnel groups by the source catalogue (展示会 and Trade Show are one)
    report = funnel(histories, as_of=when, by=args.by, leads=leads)
    emit(
        [funnel_table(report, locale=args.locale)],
        fmt=args.format,
        out=args.out,
        stdout=ctx.stdout,
        raw_csv=args.raw_csv,
    )
    return EXIT_OK
