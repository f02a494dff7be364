"""The ``leadkit`` command: argument parsing, dispatch, exit codes and error messages."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from leadkit.cli import (
    _attribution,
    _dedupe,
    _demo,
    _funnel,
    _route,
    _sample,
    _score,
    _validate,
)
from leadkit.cli._context import Context
from leadkit.cli._errors import EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE, CliError, UsageError
from leadkit.cli._progress import Progress
from leadkit.errors import LeadkitError, LoadError

__all__ = ["build_parser", "main"]

EXAMPLES = """\
examples:
  leadkit demo                              the whole flow on the bundled sample data
  leadkit sample --out data                 the sample as CSV files, to try the rest on
  leadkit score --model japanese-b2b --leads data/leads.csv --events data/events.csv.gz
  leadkit grade --profile default --leads data/leads.csv
  leadkit dedupe --leads data/leads.csv     find duplicate leads (名寄せ)
  leadkit route --rules data/routing.toml --users data/users.csv --leads data/leads.csv
  leadkit funnel --policy data/stage_policy.toml --leads data/leads.csv --by source
  leadkit validate data/routing.toml        check a model, profile, policy or rule set

Run "leadkit COMMAND --help" for each command's options and an example.
Exit status: 0 ok, 1 bad input (every problem is listed), 2 wrong command line.
"""

_COMMANDS = (_demo, _sample, _score, _dedupe, _funnel, _route, _attribution, _validate)


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors end with a pointer to ``--help``."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\nTry '{self.prog} --help'.\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``leadkit`` command with every subcommand."""
    import leadkit

    parser = _Parser(
        prog="leadkit",
        description="leadkit: typed lead management (リード管理) from the command line.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"leadkit {leadkit.__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    for command in _COMMANDS:
        command.register(commands)
    return parser


def _hint(err: LeadkitError) -> str | None:
    if isinstance(err, CliError):
        return err.hint
    if isinstance(err, LoadError):
        return "fix each listed problem (the path or line says where) and run again"
    return "fix the value named above and run again"


def _introduce(out: TextIO) -> None:
    """What ``leadkit`` alone prints: what it is, the bundled sample, what to run next."""
    import leadkit
    from leadkit.sample import load_sample, summary

    out.write(f"leadkit {leadkit.__version__}: typed lead management. See README.md and docs/.\n\n")
    out.write(summary(load_sample()) + "\n\n")
    out.write("Run 'leadkit demo' to see the whole flow on it, or 'leadkit --help'.\n")


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the ``leadkit`` command with ``argv`` (``sys.argv[1:]`` by default).

    Returns the exit status: 0 ok, 1 bad input, 2 usage. Errors leadkit raises on purpose
    are printed as messages with a hint, never as tracebacks.
    """
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if not hasattr(args, "run"):
        _introduce(out)
        return EXIT_OK
    ctx = Context(stdout=out, stderr=err, progress=Progress(err, quiet=args.quiet))
    try:
        status: int = args.run(args, ctx)
    except LeadkitError as exc:
        err.write(f"leadkit: error: {exc}\n")
        hint = _hint(exc)
        if hint:
            err.write(f"hint: {hint}\n")
        return EXIT_USAGE if isinstance(exc, UsageError) else EXIT_BAD_INPUT
    except BrokenPipeError:
        # `leadkit ... | head` closed the pipe: not an error of ours.
        return 0
    return status
