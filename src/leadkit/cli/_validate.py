"""``leadkit validate FILE``: check a scoring model, grading profile, stage policy,
assignment rule set or condition, and print every problem with its path.

Beyond what the loaders refuse, ``validate`` warns about event kinds that no event can
have: a kind that is neither standard, nor declared in the model's ``event_kinds``, nor
(with ``--events``) in the events file, yet is close to one that is (``demo_requets``
for ``demo_request``). Such a rule is valid but counts nothing, for ever.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from leadkit.cli._context import Context
from leadkit.cli._errors import EXIT_BAD_INPUT, EXIT_OK, CliError
from leadkit.errors import KeyPath, LoadError, Problem, format_path

__all__ = [
    "KINDS",
    "FileKind",
    "configure",
    "detect_kind",
    "event_kind_warnings",
    "validate_file",
]


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


def _event_kinds(data: object, path: KeyPath = ()) -> Iterator[tuple[KeyPath, str]]:
    """Every event kind a document names, with its path: the ``events`` of a scoring
    rule and of every event condition, wherever it is nested."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            here = (*path, str(key))
            if key == "events" and isinstance(value, str):
                yield here, value
            elif key == "events" and isinstance(value, list):
                for index, kind in enumerate(value):
                    if isinstance(kind, str):
                        yield (*here, index), kind
            else:
                yield from _event_kinds(value, here)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _event_kinds(item, (*path, index))


_CLOSE = 80  # rapidfuzz ratio from which a kind reads as a typo of another


def event_kind_warnings(
    data: Mapping[str, Any], *, seen_kinds: Iterable[str] | None = None
) -> list[Problem]:
    """Warnings for the event kinds in ``data`` that no event can have.

    A kind is known when it is a standard kind (``leadkit.model.EventKind``), listed in
    the document's ``event_kinds``, or in ``seen_kinds`` (the kinds of real events).
    An unknown kind is reported when it is close to a known one (a typo, with the
    suggestion), and, when ``seen_kinds`` is given, whenever no event has it.
    """
    from rapidfuzz import fuzz, process

    from leadkit.model import EventKind

    declared = data.get("event_kinds")
    known = {str(kind) for kind in EventKind}
    if isinstance(declared, list):
        known |= {kind for kind in declared if isinstance(kind, str)}
    seen = None if seen_kinds is None else set(seen_kinds)
    if seen is not None:
        known |= seen
    warnings: list[Problem] = []
    for where, kind in _event_kinds(data):
        if kind in known:
            continue
        match = process.extractOne(kind, sorted(known), scorer=fuzz.ratio, score_cutoff=_CLOSE)
        if match is None and seen is None:
            continue  # a custom kind of the user's own: nothing says it is wrong
        message = f"no event can match {kind!r}: it is not a standard event kind"
        message += " nor in event_kinds" if isinstance(declared, list) else ""
        message += " nor in the events file" if seen is not None else ""
        message += f"; did you mean {match[0]!r}?" if match else ""
        warnings.append(Problem(where, message))
    return warnings


def validate_file(path: Path, *, kind: str | None = None) -> tuple[FileKind, object]:
    """Load ``path`` as ``kind`` (guessed from its keys when ``None``); return what it is.

    Raises ``LoadError`` (every problem with its path) or
    ``CliError`` when the file cannot be recognised.
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
  leadkit validate scoring.toml --events events.csv --strict

Exit status 0 when the file is valid; 1 with every problem listed, each with the
path of the bad key (rules[3].when.field), when it is not. Warnings (an event kind
that no event can have, such as a typo) are printed too; --strict makes them fail.
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
    parser.add_argument(
        "--events",
        type=Path,
        metavar="CSV",
        help="an engagement events CSV: warn about every kind the file names that no "
        "event in it has",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when there are warnings"
    )
    parser.set_defaults(run=run)


def _seen_kinds(path: Path | None) -> set[str] | None:
    if path is None:
        return None
    from leadkit.io import read_events_csv

    if not path.is_file():
        raise CliError(f"{path}: no such file", hint="pass the events CSV with --events")
    return {event.kind for event in read_events_csv(path)}


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Validate the file; print OK (and any warnings) or raise with every problem."""
    from leadkit.io import load_data

    seen = _seen_kinds(args.events)
    kind, _ = validate_file(args.file, kind=args.kind)
    data = load_data(args.file)
    warnings = event_kind_warnings(data, seen_kinds=seen) if isinstance(data, Mapping) else []
    for warning in warnings:
        ctx.stderr.write(f"{args.file}: {format_path(warning.path)}: warning: {warning.message}\n")
    counted = f", {len(warnings)} warning(s)" if warnings else ""
    ctx.stdout.write(f"{args.file}: OK ({kind.description}){counted}\n")
    return EXIT_BAD_INPUT if warnings and args.strict else EXIT_OK
