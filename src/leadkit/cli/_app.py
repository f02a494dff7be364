"""The ``leadkit`` command: argument parsing, dispatch, exit codes and error messages."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

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
  leadkit worklist unanswered --db crm.sqlite3   the leads nobody has answered (対応漏れ)

Run "leadkit COMMAND --help" for each command's options and an example.
Exit status: 0 ok, 1 bad input (every problem is listed), 2 wrong command line.
"""


class _Command(NamedTuple):
    """A subcommand as ``leadkit --help`` lists it, and where its options are defined."""

    name: str
    help: str
    module: str
    configure: str


_COMMANDS: tuple[_Command, ...] = (
    _Command("demo", "the whole flow on the bundled sample data", "_demo", "configure"),
    _Command("sample", "write the sample data and example files to a folder", "_sample",
             "configure"),
    _Command("score", "score leads from their engagement events", "_score", "configure_score"),
    _Command("grade", "grade leads' fit from their profile", "_score", "configure_grade"),
    _Command("import", "store a leads file in a database, with its campaign responses",
             "_import", "configure"),
    _Command("dedupe", "find duplicate leads", "_dedupe", "configure"),
    _Command("funnel", "classify lifecycle stages and count the funnel", "_funnel", "configure"),
    _Command("route", "assign leads to owners with assignment rules", "_route", "configure"),
    _Command("attribution", "credit won opportunities to campaigns", "_attribution",
             "configure"),
    _Command("learn", "learn a scoring model from won and lost leads", "_predict",
             "configure_learn"),
    _Command("evaluate", "measure a scoring model against outcomes", "_predict",
             "configure_evaluate"),
    _Command("validate", "check a model, profile, policy or rule set file", "_validate",
             "configure"),
    _Command("worklist", "list the worklists, or run one on a database", "_worklist",
             "configure"),
    _Command("serve", "serve web-to-lead over HTTP (leadkit[server])", "_serve", "configure"),
)  # fmt: skip
"""Every subcommand, in the order ``leadkit --help`` lists them. Each one's module
(``leadkit.cli._score`` ...) is imported only when the command is chosen or its help is
shown: ``leadkit --version`` loads no command, ``leadkit validate`` only its own."""

_BY_NAME = {command.name: command for command in _COMMANDS}


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors end with a pointer to ``--help``."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\nTry '{self.prog} --help'.\n")


def _configure(command: _Command, parser: argparse.ArgumentParser) -> None:
    """Give a subcommand's parser its description, examples and options (once)."""
    if parser.get_default("run") is not None:
        return
    module = importlib.import_module(f"leadkit.cli.{command.module}")
    getattr(module, command.configure)(parser)


if TYPE_CHECKING:
    _SubParsersAction = argparse._SubParsersAction[argparse.ArgumentParser]
else:  # not subscriptable at run time
    _SubParsersAction = argparse._SubParsersAction


class _Commands(_SubParsersAction):
    """The subcommands, each configured only when the command line chooses it."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        if isinstance(values, list) and values:
            command, chosen = _BY_NAME.get(values[0]), self.choices.get(values[0])
            if command is not None and chosen is not None:
                _configure(command, chosen)
        super().__call__(parser, namespace, values, option_string)


def _build(*, lazy: bool) -> argparse.ArgumentParser:
    import leadkit

    parser = _Parser(
        prog="leadkit",
        description="leadkit: typed lead management (リード管理) from the command line.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"leadkit {leadkit.__version__}")
    commands = parser.add_subparsers(
        title="commands", metavar="COMMAND", parser_class=_Parser, action=_Commands
    )
    for command in _COMMANDS:
        common = _Parser(add_help=False)
        common.add_argument(
            "-q", "--quiet", action="store_true", help="do not report progress on stderr"
        )
        common.add_argument(
            "--catalogue", type=Path, metavar="FILE",
            help="catalogues (statuses and their policy, sources, rejection reasons, "
            "activity outcomes, opportunity stages) as TOML or JSON (default: the built-in ones)",
        )  # fmt: skip
        sub = commands.add_parser(
            command.name,
            help=command.help,
            parents=[common],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if not lazy:
            _configure(command, sub)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``leadkit`` command with every subcommand."""
    return _build(lazy=False)


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
    parser = _build(lazy=True)
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if not hasattr(args, "run"):
        _introduce(out)
        return EXIT_OK
    from leadkit.cli._context import Context

    ctx = Context(stdout=out, stderr=err, progress=Progress(err, quiet=args.quiet))
    try:
        from leadkit.cli._output import check_outputs

        check_outputs(args)
        if getattr(args, "catalogue", None) is not None:
            from leadkit.io import load_catalogues
            from leadkit.model import use_catalogues

            with use_catalogues(load_catalogues(args.catalogue)):
                status: int = args.run(args, ctx)
        else:
            status = args.run(args, ctx)
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
