"""``leadkit validate FILE``: check a scoring model, grading profile, stage policy,
assignment rule set or condition, and print every problem with its path."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from leadkit.cli._context import Context
from leadkit.cli._errors import EXIT_OK, CliError
from leadkit.errors import LoadError, Problem, format_path

__all__ = ["KINDS", "FileKind", "configure", "detect_kind", "validate_file"]


@attrs.frozen
class FileKind:
    """A kind of file ``validate`` knows: where its loader lives and how to recognise it."""

    name: str
    description: str
    module: str
    loader: str
    markers: tuple[str, ...]

    def load(self, data: Mapping[str, Any]) -> object:
        """Run the loader on plain data; raises ``LoadError`` listing every problem."""
        try:
            module = importlib.import_module(self.module)
        except ImportError:
            raise CliError(
                f"this leadkit cannot check {self.description}s: {self.module} is not installed",
                hint="upgrade leadkit",
            ) from None
        loader: Callable[[Mapping[str, Any]], object] = getattr(module, self.loader)
        return loader(data)


KINDS: tuple[FileKind, ...] = (
    FileKind(
        "scoring-model",
        "scoring model",
        "leadkit.scoring",
        "load_scoring_model",
        ("rules", "event_kinds", "decay", "groups"),
    ),
    FileKind(
        "grading-profile", "grading profile", "leadkit.scoring", "load_grading_profile",
        ("criteria",),
    ),
    FileKind(
        "grading-scheme", "grading scheme", "leadkit.scoring", "load_grading_scheme",
        ("profiles",),
    ),
    FileKind(
        "stage-policy", "stage policy", "leadkit.stages", "load_stage_policy",
        ("mql", "sgl_when", "disqualify_when", "accept_within_hours"),
    ),
    FileKind(
        "assignment-rules", "assignment rule set", "leadkit.routing", "load_assignment_rules",
        ("entries", "default_owner"),
    ),
    FileKind("condition", "condition", "leadkit.rules", "load_condition", ("condition",)),
)  # fmt: skip
"""Every kind of file ``leadkit validate`` checks, in the order they are tried."""

_BY_NAME = {k.name: k for k in KINDS}


def detect_kind(data: Mapping[str, Any]) -> FileKind | None:
    """The kind whose marker keys the document has most of, or ``None``."""
    best, hits = None, 0
    for kind in KINDS:
        found = sum(1 for key in kind.markers if key in data)
        if found > hits:
            best, hits = kind, found
    return best


def validate_file(path: Path, *, kind: str | None = None) -> tuple[FileKind, object]:
    """Load ``path`` as ``kind`` (guessed from its keys when ``None``); return what it is.

    Raises :class:`~leadkit.errors.LoadError` (every problem with its path) or
    :class:`CliError` when the file cannot be recognised.
    """
    from leadkit.io import load_data

    data = load_data(path)
    if not isinstance(data, Mapping):
        raise LoadError(
            [Problem(str(path), f"expected a table of keys at the top, got {type(data).__name__}")],
            what=path.name,
        )
    chosen = _BY_NAME[kind] if kind is not None else detect_kind(data)
    if chosen is None:
        raise CliError(
            f"{path}: cannot tell what this file is "
            f"(its top-level keys: {', '.join(map(str, data)) or 'none'})",
            hint=f"pass --kind, one of: {', '.join(_BY_NAME)}",
        )
    try:
        return chosen, chosen.load(data)
    except LoadError as err:
        # Loaders given plain data do not know the file; name it in every problem.
        raise LoadError(
            [
                Problem(f"{path}: {format_path(p.path)}" if p.path else str(path), p.message)
                for p in err.problems
            ],
            what=f"{path.name} ({chosen.description})",
        ) from None


EXAMPLES = """\
examples:
  leadkit validate scoring.toml
  leadkit validate routing.toml --kind assignment-rules
  leadkit validate mql.json --kind condition

Exit status 0 when the file is valid; 1 with every problem listed, each with the
path of the bad key (rules[3].when.field), when it is not.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """The ``validate`` subcommand: its description, examples and options."""
    parser.description = "Check a TOML or JSON file and print every problem with its path."
    parser.epilog = EXAMPLES
    parser.add_argument("file", type=Path, metavar="FILE", help="a .toml or .json file")
    parser.add_argument(
        "--kind",
        choices=[k.name for k in KINDS],
        help="what the file is (guessed from its keys when left out)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Validate each file; print OK or raise with every problem."""
    kind, _ = validate_file(args.file, kind=args.kind)
    ctx.stdout.write(f"{args.file}: OK ({kind.description})\n")
    return EXIT_OK
