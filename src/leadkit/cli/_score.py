"""``leadkit score`` and ``leadkit grade``: engagement scores and fit grades of CSV leads."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from leadkit.cli._context import Context
from leadkit.cli._engine import add_engine_option, score_cards
from leadkit.cli._errors import EXIT_OK, UsageError
from leadkit.cli._inputs import add_input_options, as_of, header_map, read_table
from leadkit.cli._output import add_output_options, emit

if TYPE_CHECKING:
    from leadkit.scoring import GradingProfile, ScoringModel

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

--model is a .toml/.json scoring model or a built-in one: japanese-b2b,
marketing-default. Highest scores first; --explain adds what each rule gave and why.
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
    score.add_argument("--explain", action="store_true", help="show each rule's points")
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
    """Score every lead; print the highest first."""
    from leadkit.model import EngagementEvent, Lead
    from leadkit.reports import Table

    if args.top is not None and args.top < 1:
        raise UsageError(f"--top must be at least 1, got {args.top}", hint="for example --top 20")
    when = as_of(args.as_of)
    with ctx.progress.step("read model, leads and events"):
        model = load_model(args.model)
        leads = read_table(
            args.leads, Lead, headers=header_map(args.headers), encoding=args.encoding
        )
        events = (
            read_table(args.events, EngagementEvent, encoding=args.encoding)
            if args.events is not None
            else []
        )
        known = {lead.id for lead in leads}
        events = [e for e in events if e.lead_id in known]
    with ctx.progress.step(f"score {len(leads):,} leads"):
        cards = score_cards(args.engine, model, leads, events, when)
    by_id = {lead.id: lead for lead in leads}
    ranked = sorted(cards.values(), key=lambda c: (-c.total, c.lead_id))[: args.top]
    columns: tuple[str, ...] = ("lead", "name", "company", "score")
    rows = []
    for card in ranked:
        lead = by_id[card.lead_id]
        row: tuple[object, ...] = (lead.id, lead.name.display, lead.company, card.total)
        if args.explain:
            row += ("\n".join(c.describe().strip() for c in card.contributions),)
        rows.append(row)
    if args.explain:
        columns += ("why",)
    title = f"Scores of {len(leads):,} leads ({model.name}, as of {when.date().isoformat()})"
    emit(
        [Table(columns, rows, title=title)],
        fmt=args.format,
        out=args.out,
        stdout=ctx.stdout,
        raw_csv=args.raw_csv,
    )
    return EXIT_OK


def run_grade(args: argparse.Namespace, ctx: Context) -> int:
    """Grade every lead, in the order of the file."""
    from leadkit.model import Lead
    from leadkit.reports import Table

    when = as_of(args.as_of)
    with ctx.progress.step("read profile and leads"):
        profile = load_profile(args.profile)
        leads = read_table(
            args.leads, Lead, headers=header_map(args.headers), encoding=args.encoding
        )
    columns: tuple[str, ...] = ("lead", "name", "company", "grade")
    if args.explain:
        columns += ("matched", "not matched", "unknown")
    rows: list[tuple[object, ...]] = []
    with ctx.progress.step(f"grade {len(leads):,} leads"):
        if args.explain:
            for lead in leads:
                card = profile.grade(lead, as_of=when)
                rows.append(
                    (lead.id, lead.name.display, lead.company, str(card.grade),
                     ", ".join(r.criterion.name for r in card.matched),
                     ", ".join(r.criterion.name for r in card.unmatched),
                     ", ".join(r.criterion.name for r in card.unknown))
                )  # fmt: skip
        else:
            grades = profile.grade_many(leads, as_of=when)
            rows = [
                (lead.id, lead.name.display, lead.company, str(grades[lead.id])) for lead in leads
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
