"""``leadkit route``: assign leads to owners with an assignment rule set."""

from __future__ import annotations

import argparse
from pathlib import Path

from leadkit.cli._context import Context
from leadkit.cli._errors import EXIT_OK
from leadkit.cli._inputs import add_input_options, as_of, read_leads, read_table
from leadkit.cli._output import add_output_options, emit

__all__ = ["configure", "run"]

EXAMPLES = """\
examples:
  leadkit route --rules routing.toml --users users.csv --leads leads.csv
  leadkit route --rules routing.toml --users users.csv --leads leads.csv --explain
  leadkit route --rules routing.toml --users users.csv --leads leads.csv --out owners.csv

Entries are tried in order and the first match assigns (round robin and the other
strategies take turns in the order the leads come). --explain adds why: the entry
that matched, and why each earlier one did not.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """The ``route`` subcommand: its description, examples and options."""
    parser.description = "Route leads with an assignment rule set (first match wins)."
    parser.epilog = EXAMPLES
    parser.add_argument(
        "--rules", type=Path, required=True, metavar="TOML", help="assignment rule set file"
    )
    parser.add_argument(
        "--users", type=Path, required=True, metavar="CSV", help="users table (the team)"
    )
    add_input_options(parser)
    parser.add_argument("--explain", action="store_true", help="say why each lead went where")
    add_output_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Read rules, team and leads; route in order; print one row per lead."""
    from collections import defaultdict

    from leadkit.model import EngagementEvent, User
    from leadkit.reports import Table
    from leadkit.routing import InMemoryState, Roster, Router, load_assignment_rules

    when = as_of(args.as_of)
    with ctx.progress.step("read rules, users and leads"):
        rules = load_assignment_rules(args.rules)
        users = read_table(args.users, User, encoding=args.encoding)
        leads = list(read_leads(args, ctx).leads)
        events: dict[str, list[EngagementEvent]] = defaultdict(list)
        if args.events is not None:
            for event in read_table(args.events, EngagementEvent, encoding=args.encoding):
                if event.lead_id is not None:
                    events[event.lead_id].append(event)
    router = Router(rules, roster=Roster(users))
    with ctx.progress.step(f"route {len(leads):,} leads"):
        decisions = router.route_many(
            leads, as_of=when, state=InMemoryState(), events=events, explain=args.explain
        )
    names = {u.id: u.name for u in users}
    rows = []
    for lead, decision in zip(leads, decisions, strict=True):
        owner = decision.owner
        row: tuple[object, ...] = (
            lead.id,
            lead.name.display,
            lead.company,
            str(owner),
            names.get(owner.id, "") if not owner.is_queue else "",
            str(decision.entry) if decision.entry is not None else "(default owner)",
        )
        if args.explain:
            row += (str(decision),)
        rows.append(row)
    columns: tuple[str, ...] = ("lead", "name", "company", "owner", "owner_name", "entry")
    if args.explain:
        columns += ("why",)
    table = Table(columns, rows, title=f"Routing of {len(leads):,} leads ({args.rules.name})")
    emit([table], fmt=args.format, out=args.out, stdout=ctx.stdout, raw_csv=args.raw_csv)
    return EXIT_OK
