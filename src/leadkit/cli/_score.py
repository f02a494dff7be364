"""``leadkit score`` and ``leadkit grade``: engagement scores and fit grades of CSV leads."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from leadkit.cli._context import Context
from leadkit.cli._engine import add_engine_option, run_warehouse, score_cards, wants_warehouse
from leadkit.cli._errors import EXIT_OK, UsageError
from leadkit.cli._inputs import add_input_options, as_of, read_leads, read_table
from leadkit.cli._output import add_locale_option, add_output_options, emit

if TYPE_CHECKING:
    from collections.abc import Callable

    from leadkit.io import LeadFile
    from leadkit.scoring import GradingProfile, ScoreCard, ScoringModel

__all__ = [
    "configure_grade",
    "configure_score",
    "load_model",
    "load_profile",
    "run_grade",
    "run_score",
]

SCORE_EXAMPLES = """\
examples:
  leadkit score --model japanese-b2b --leads leads.csv --events events.csv.gz
  leadkit score --model scoring.toml --leads leads.csv --events events.csv.gz --explain
  leadkit score --model scoring.toml --leads leads.csv --events events.csv.gz --out scored.csv
  leadkit score --engine duckdb --model scoring.toml --leads leads.parquet \\
      --events events.parquet --output scores.parquet
  leadkit score --model marketing-default --profile default --leads salesforce.csv \\
      --month-first --timezone Asia/Tokyo --out scored.csv --with-input

--model is a .toml/.json scoring model or a built-in one: japanese-b2b,
marketing-default. Highest scores first; --explain adds what each rule gave and why.
A Salesforce or HubSpot export is recognised by its header row. Every row keeps the
input's id column (or --key COLUMN) so it joins back to your file; --with-input writes
every input column beside the results.
"""

GRADE_EXAMPLES = """\
examples:
  leadkit grade --profile default --leads leads.csv
  leadkit grade --profile grading.toml --leads leads.csv --explain --format json

--profile is a .toml/.json grading profile or scheme, or the built-in "default".
Grades run A+ .. F from D: each matching criterion moves up by its weight, each that
does not match moves down, unknown values move nothing.
"""

_MODELS = {"japanese-b2b": "japanese_b2b_model", "marketing-default": "default_marketing_model"}


def configure_score(score: argparse.ArgumentParser) -> None:
    """The ``score`` subcommand: its description, examples and options."""
    score.description = "Score leads with a scoring model; every score explains itself."
    score.epilog = SCORE_EXAMPLES
    score.add_argument("--model", required=True, metavar="MODEL",
                       help="scoring model file, or japanese-b2b / marketing-default")  # fmt: skip
    add_input_options(score)
    score.add_argument("--profile", metavar="PROFILE",
                       help="also grade and prioritise: a grading profile, or default")  # fmt: skip
    score.add_argument("--key", metavar="COLUMN",
                       help="input column identifying a row (default: the id column)")  # fmt: skip
    score.add_argument("--with-input", action="store_true",
                       help="write every input column beside the results")  # fmt: skip
    score.add_argument("--explain", action="store_true", help="show each rule's points")
    add_locale_option(score)
    score.add_argument("--top", type=int, metavar="N", help="only the N highest scores")
    add_engine_option(score)
    add_output_options(score)
    score.set_defaults(run=run_score)


def configure_grade(grade: argparse.ArgumentParser) -> None:
    """The ``grade`` subcommand: its description, examples and options."""
    grade.description = "Grade leads with a grading profile (A+ .. F), explained."
    grade.epilog = GRADE_EXAMPLES
    grade.add_argument("--profile", required=True, metavar="PROFILE",
                       help="grading profile or scheme file, or default")  # fmt: skip
    add_input_options(grade)
    grade.add_argument("--key", metavar="COLUMN",
                       help="input column identifying a row (default: the id column)")  # fmt: skip
    grade.add_argument("--explain", action="store_true", help="show each criterion's verdict")
    add_output_options(grade)
    grade.set_defaults(run=run_grade)


def load_model(spec: str) -> ScoringModel:
    """A scoring model from a file or a built-in name."""
    import leadkit.scoring as scoring

    if spec in _MODELS:
        model: ScoringModel = getattr(scoring, _MODELS[spec])()
        return model
    path = Path(spec)
    if path.suffix.lower() not in (".toml", ".json"):
        raise UsageError(
            f"--model {spec!r} is neither a .toml/.json file nor a built-in model",
            hint=f"give a file, or one of {', '.join(_MODELS)}",
        )
    return scoring.load_scoring_model(path)


def load_profile(spec: str) -> GradingProfile:
    """A grading profile (or scheme) from a file, or the built-in default."""
    import leadkit.scoring as scoring

    if spec == "default":
        return scoring.default_grading_profile()
    path = Path(spec)
    if path.suffix.lower() not in (".toml", ".json"):
        raise UsageError(
            f"--profile {spec!r} is neither a .toml/.json file nor 'default'",
            hint="give a grading profile file, or default",
        )
    from leadkit.io import load_data

    data = load_data(path)
    if isinstance(data, dict) and "profiles" in data:
        return scoring.load_grading_scheme(data)  # type: ignore[return-value]
    return scoring.load_grading_profile(path)


def run_score(args: argparse.Namespace, ctx: Context) -> int:
    """Score every lead; print the highest first, each row keyed to the input."""
    from leadkit.model import EngagementEvent
    from leadkit.reports import Table
    from leadkit.scoring import priority_matrix

    if args.top is not None and args.top < 1:
        raise UsageError(f"--top must be at least 1, got {args.top}", hint="for example --top 20")
    when = as_of(args.as_of)
    if wants_warehouse(args):
        model = load_model(args.model)
        profile = load_profile(args.profile) if args.profile is not None else None
        return run_warehouse(args, ctx, model, profile, when)
    with ctx.progress.step("read model, leads and events"):
        model = load_model(args.model)
        profile = load_profile(args.profile) if args.profile is not None else None
        file = read_leads(args, ctx)
        leads = list(file.leads)
        events = (
            read_table(args.events, EngagementEvent, encoding=args.encoding)
            if args.events is not None
            else []
        )
        known = {lead.id for lead in leads}
        events = [e for e in events if e.lead_id in known]
    key = _key_column(args.key, file.header, file.id_column)
    with ctx.progress.step(f"score {len(leads):,} leads"):
        cards = score_cards(args.engine, model, leads, events, when)
        grades = profile.grade_many(leads, as_of=when) if profile is not None else {}
    order = sorted(range(len(leads)), key=lambda i: (-cards[leads[i].id].total, file.lines[i]))[
        : args.top
    ]
    # The key first; leadkit's lead id too when it is not the key itself.
    columns, key_cells = _key_cells(file, key)
    columns += ("name", "company", "score")
    if profile is not None:
        columns += ("grade", "priority")
    columns += ("stage", "owner", "why")
    if args.explain:
        columns += ("explanation",)
    if args.with_input:
        columns = tuple(h for h in file.header if h != key) + columns
    rows = []
    for i in order:
        lead, card = leads[i], cards[leads[i].id]
        row = (*key_cells(i), lead.name.display, lead.company, card.total)
        if profile is not None:
            grade = grades[lead.id]
            row += (str(grade), priority_matrix(grade, card.total))
        row += (
            lead.custom.get("lifecycle_stage", ""),
            str(lead.owner) if lead.owner is not None else "",
            _short_why(card),
        )
        if args.explain:
            lines = (c.describe(locale=args.locale).strip() for c in card.contributions)
            row += ("\n".join(lines),)
        if args.with_input:
            row = tuple(file.rows[i][h] for h in file.header if h != key) + row
        rows.append(row)
    title = f"Scores of {len(leads):,} leads ({model.name}, as of {when.date().isoformat()})"
    if events and not any(card.total for card in cards.values()):
        ctx.stderr.write(
            f"warning: no lead scored above 0 as of {when.date().isoformat()}; if the "
            "events are older than the model's time windows, pass --as-of\n"
        )
    emit(
        [Table(columns, rows, title=title).translated(args.locale)],
        fmt=args.format,
        out=args.out,
        stdout=ctx.stdout,
        raw_csv=args.raw_csv,
    )
    return EXIT_OK


def _key_cells(
    file: LeadFile, key: str | None
) -> tuple[tuple[str, ...], Callable[[int], tuple[object, ...]]]:
    """The columns that join a result row back to the input, and their cells by row: the
    key under its own header ("lead" for leadkit's id column; the line when there is no
    key), and the lead id beside it unless the key is what gave the ids."""
    show_id = key is None or key != file.id_column
    columns = ("lead" if key == "id" else key or "line",) + ("lead",) * show_id

    def cells(i: int) -> tuple[object, ...]:
        first = file.rows[i][key] if key else file.lines[i]
        return (first,) + (file.leads[i].id,) * show_id

    return columns, cells


def _key_column(chosen: str | None, header: tuple[str, ...], id_column: str | None) -> str | None:
    """``--key``, else the file's id column; ``None`` keys rows by their line."""
    if chosen is None:
        return id_column
    if chosen not in header:
        raise UsageError(
            f"--key {chosen!r} is not a column of the leads file",
            hint=f"one of {', '.join(header[:8])}" + (" ..." if len(header) > 8 else ""),
        )
    return chosen


def _short_why(card: ScoreCard) -> str:
    """The three largest contributions, one line: ``demo_request +20; page_view +3``."""
    from leadkit.scoring._card import fmt

    top = sorted(card.contributions, key=lambda c: -abs(c.points))[:3]
    return "; ".join(f"{c.name} {fmt(c.points)}" for c in top if c.points)


def run_grade(args: argparse.Namespace, ctx: Context) -> int:
    """Grade every lead, in the order of the file, each row keyed to the input."""
    from leadkit.reports import Table

    when = as_of(args.as_of)
    with ctx.progress.step("read profile and leads"):
        profile = load_profile(args.profile)
        file = read_leads(args, ctx)
        leads = list(file.leads)
    key_columns, key_cells = _key_cells(file, _key_column(args.key, file.header, file.id_column))
    columns = (*key_columns, "name", "company", "grade")
    if args.explain:
        columns += ("matched", "not matched", "unknown")
    rows: list[tuple[object, ...]] = []
    with ctx.progress.step(f"grade {len(leads):,} leads"):
        if args.explain:
            for i, lead in enumerate(leads):
                card = profile.grade(lead, as_of=when)
                rows.append(
                    (*key_cells(i), lead.name.display, lead.company, str(card.grade),
                     ", ".join(r.criterion.name for r in card.matched),
                     ", ".join(r.criterion.name for r in card.unmatched),
                     ", ".join(r.criterion.name for r in card.unknown))
                )  # fmt: skip
        else:
            grades = profile.grade_many(leads, as_of=when)
            rows = [
                (*key_cells(i), lead.name.display, lead.company, str(grades[lead.id]))
                for i, lead in enumerate(leads)
            ]
    title = f"Grades of {len(leads):,} leads ({profile.name})"
    emit(
        [Table(columns, rows, title=title)],
        fmt=args.format,
        out=args.out,
        stdout=ctx.stdout,
        raw_csv=args.raw_csv,
    )
    return EXIT_OK
