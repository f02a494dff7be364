"""``leadkit import``: store a leads file in a leadkit SQLite database, with the campaign
responses its campaign column stands for, checked against a field schema if given."""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path

from leadkit.cli._context import Context
from leadkit.cli._errors import EXIT_OK, CliError
from leadkit.cli._inputs import add_input_options, read_leads
from leadkit.cli._output import add_output_options, emit

__all__ = ["configure", "run"]

EXAMPLES = """\
examples:
  leadkit import --leads 展示会リスト.csv --db crm.sqlite3 --timezone Asia/Tokyo
  leadkit import --leads export.csv --db crm.sqlite3 --fields fields.toml

A column headed Campaign, Campaign ID, キャンペーン, キャンペーンID or 施策 names the
campaign each row responded to (its id or its name in the database): the lead becomes a
responded member, dated its creation. With --fields, every row is checked against the
custom fields and picklists first; nothing is stored unless every row passes.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """The ``import`` subcommand: its description, examples and options."""
    parser.description = "Store leads in a leadkit SQLite database, with their campaign responses."
    parser.epilog = EXAMPLES
    add_input_options(parser, events=False)
    parser.add_argument(
        "--db", type=Path, required=True, metavar="FILE",
        help="leadkit SQLite database (created if missing)",
    )  # fmt: skip
    parser.add_argument(
        "--fields", type=Path, metavar="FILE",
        help="field schema (TOML or JSON): custom fields and picklists to check rows against",
    )  # fmt: skip
    add_output_options(parser)
    parser.set_defaults(run=run)


def _schema(path: Path) -> object:
    from leadkit.errors import LoadError, Problem
    from leadkit.fields import load_field_schema

    if not path.is_file():
        raise CliError(f"{path}: no such file", hint="check the path (it is relative to here)")
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as err:
        raise LoadError([Problem(path.name, f"not TOML or JSON: {err}")], what=path.name) from None
    return load_field_schema(data)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Read (and check) the leads, store them and their campaign responses in one commit."""
    from leadkit.fields import FieldSchema
    from leadkit.intake import record_campaign_responses
    from leadkit.reports import Table
    from leadkit.repository import SqliteUnitOfWork

    fields = _schema(args.fields) if args.fields is not None else None
    assert fields is None or isinstance(fields, FieldSchema)
    with ctx.progress.step("read leads"):
        file = read_leads(args, ctx, fields=fields)
    step = ctx.progress.step(f"store {len(file.leads):,} leads in {args.db.name}")
    with step, SqliteUnitOfWork(args.db) as uow:
        uow.leads.add_all(file.leads)
        members = record_campaign_responses(uow, leads=file.leads)
        names = {c.id: c.name for c in uow.campaigns.all()}
        uow.commit()
    counts: dict[str, int] = {}
    for member in members:
        counts[member.campaign_id] = counts.get(member.campaign_id, 0) + 1
    named = sum(1 for lead in file.leads if lead.custom.get("campaign_id"))
    table = Table(
        ("campaign", "name", "responses"),
        [(campaign, names.get(campaign, ""), n) for campaign, n in sorted(counts.items())],
        title=(
            f"{len(file.leads):,} leads imported into {args.db.name}; "
            f"{len(members)} campaign responses recorded"
        ),
    )
    emit([table], fmt=args.format, out=args.out, stdout=ctx.stdout, raw_csv=args.raw_csv)
    if named > len(members):
        ctx.stderr.write(
            f"note: {named - len(members)} row(s) name a campaign the database does not have "
            "(or one they already responded to): no membership for them\n"
        )
    return EXIT_OK
