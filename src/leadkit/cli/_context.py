"""What every command receives besides its arguments: where to write, and progress."""

from __future__ import annotations

import argparse
from typing import TextIO

import attrs

from leadkit.cli._progress import Progress

__all__ = ["Context", "add_command"]


@attrs.define
class Context:
    """The streams a command writes to and its progress reporter."""

    stdout: TextIO
    stderr: TextIO
    progress: Progress


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-q", "--quiet", action="store_true", help="do not report progress on stderr"
    )
    return common


def add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    *,
    help: str,
    description: str,
    epilog: str,
) -> argparse.ArgumentParser:
    """A subcommand parser with the shared options and an examples epilog kept as written."""
    return commands.add_parser(
        name,
        help=help,
        description=description,
        epilog=epilog,
        parents=[_common()],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
