"""``leadkit worklist``: list the worklists, or run one against a leadkit database."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from leadkit.cli._context import Context
from leadkit.cli._errors import EXIT_OK, UsageError
from leadkit.cli._output import add_output_options, emit

if TYPE_CHECKING:
    from collections.abc import Mapping

    from leadkit.model import Activity
    from leadkit.reports import Table
    from leadkit.stages import StageHistory, StagePolicy
    from leadkit.worklists import Worklist

__all__ = ["configure", "demo_tables", "run", "worklist_table"]

EXAMPLES = """\
examples:
  leadkit worklist                                    list the built-in worklists
  leadkit worklist unanswered --db leadkit-demo.sqlite3
  leadkit worklist untouched-mqls --db crm.sqlite3 --owner u-1 --owner u-2 --page 2
  leadkit worklist calls --file worklists/calls.toml --db crm.sqlite3

A worklist is a condition, a sort and a page size saved as data (TOML or JSON). It runs in
the SQLite database (the condition rendered to SQL): the leads it lists, one page at a
time. --owner narrows it to a team's leads.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """The ``worklist`` subcommand: its description, examples and options."""
    parser.description = "List the worklists, or run one against a leadkit SQLite database."
    parser.epilog = EXAMPLES
    parser.add_argument("name", nargs="?", metavar="NAME", help="the worklist to run")
    parser.add_argument("--db", type=Path, metavar="FILE", help="leadkit SQLite database")
    parser.add_argument(
        "--file",
        type=Path,
        action="append",
        default=[],
        metavar="TOML",
        help="a worklist file (repeatable); its name can then be run",
    )
    parser.add_argument(
        "--owner", action="append", metavar="ID", help="only leads of this user or queue"
    )
    parser.add_argument("--page", type=int, default=1, metavar="N", help="page number (from 1)")
    parser.add_argument("--as-of", metavar="WHEN", help="the moment to run at (default: now)")
    add_output_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """List the worklists, or run the one named."""
    from leadkit.cli._inputs import as_of
    from leadkit.reports import Table
    from leadkit.worklists import BUILTIN_WORKLISTS, load_worklist

    known: dict[str, Worklist] = dict(BUILTIN_WORKLISTS)
    for path in args.file:
        loaded = load_worklist(path)
        known[loaded.name] = loaded
    if args.name is None:
        table = Table(
            ("name", "title", "sort", "page_size"),
            [
                (w.name, w.title, " ".join(str(k) for k in w.sort), w.page_size)
                for w in known.values()
            ],
            title="Worklists",
        )
        emit([table], fmt=args.format, out=args.out, stdout=ctx.stdout, raw_csv=args.raw_csv)
        return EXIT_OK
    if args.name not in known:
        raise UsageError(
            f"no worklist {args.name!r}; known: {', '.join(sorted(known))} (or give --file)"
        )
    if args.db is None:
        raise UsageError("give --db FILE: the leadkit SQLite database to run the worklist on")
    if args.page < 1:
        raise UsageError(f"--page is a whole number from 1, got {args.page}")
    table = worklist_table(
        args.db, known[args.name], when=as_of(args.as_of), page=args.page, owners=args.owner
    )
    emit([table], fmt=args.format, out=args.out, stdout=ctx.stdout, raw_csv=args.raw_csv)
    return EXIT_OK


def worklist_table(
    db: Path,
    worklist: Worklist,
    *,
    when: datetime,
    page: int = 1,
    owners: list[str] | None = None,
) -> Table:
    """One page of ``worklist`` on the database file ``db`` as a table."""
    from leadkit.reports import Table
    from leadkit.repository import SqliteUnitOfWork
    from leadkit.worklists import run_worklist

    uow = SqliteUnitOfWork(db, create=False)
    with uow:
        result = run_worklist(uow, worklist, as_of=when, page=page, owners=owners)
    rows = [
        (
            lead.id,
            lead.company,
            lead.name.display,
            lead.status,
            str(lead.owner) if lead.owner else "",
            lead.created_at.date().isoformat(),
        )
        for lead in result.leads
    ]
    more = " (more on the next page)" if result.more else ""
    return Table(
        ("lead", "company", "name", "status", "owner", "created"),
        rows,
        title=f"{worklist.title or worklist.name}: page {page}{more}",
    )


def demo_tables(
    db: Path,
    *,
    as_of: datetime,
    policy: StagePolicy,
    histories: Mapping[str, StageHistory],
    priorities: Mapping[str, str],
    rows: int = 10,
) -> list[Table]:
    """What ``leadkit demo`` shows of the working day: the first ``rows`` leads of the
    unanswered-leads worklist (対応漏れ), and the next actions of the rep who owns the
    most of them, with their reasons."""
    import attrs

    from leadkit.model import OwnerRef
    from leadkit.reports import Table
    from leadkit.repository import SqliteUnitOfWork
    from leadkit.worklists import BUILTIN_WORKLISTS, ResponseSla, rep_next_actions, run_worklist

    unanswered = attrs.evolve(BUILTIN_WORKLISTS["unanswered"], page_size=rows)
    worklist = worklist_table(db, unanswered, when=as_of)
    uow = SqliteUnitOfWork(db, create=False)
    with uow:
        everyone = attrs.evolve(unanswered, page_size=10_000)
        waiting = run_worklist(uow, everyone, as_of=as_of).leads
        counts: dict[str, int] = {}
        for lead in waiting:
            if lead.owner is not None:
                counts[lead.owner.id] = counts.get(lead.owner.id, 0) + 1
        if not counts:
            return [worklist]
        rep = min(counts, key=lambda owner: (-counts[owner], owner))
        mine = [lead for lead in uow.leads.all() if lead.owner == OwnerRef.user(rep)]
        activities: list[Activity] = [*uow.tasks.all(), *uow.events.all()]
    actions = rep_next_actions(
        mine,
        rep=rep,
        as_of=as_of,
        policy=policy,
        histories=histories,
        activities=activities,
        sla=ResponseSla(4),
        priorities=priorities,
    )
    table = Table(
        ("lead", "company", "action", "due", "why"),
        [
            (
                lead.id,
                lead.company,
                action.kind + (" (overdue)" if action.overdue else ""),
                action.due.isoformat(timespec="minutes") if action.due else "",
                action.reason,
            )
            for lead, action in actions[:rows]
        ],
        title=f"Next actions of {rep} (most urgent first)",
    )
    return [worklist, table]
