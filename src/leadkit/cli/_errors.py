"""Errors of the command line: usage mistakes (exit 2) and bad input (exit 1)."""

from __future__ import annotations

from leadkit.errors import LeadkitError

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "EXIT_USAGE", "CliError", "UsageError"]

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2


class CliError(LeadkitError):
    """Bad input found by the command itself (a missing file, an unknown column).

    ``hint`` says what to do about it; it is printed on its own line.
    """

    code = "cli_error"

    def __init__(self, message: str, *, hint: str | None = None, path: str | None = None) -> None:
        super().__init__(message, path=path)
        self.hint = hint


class UsageError(CliError):
    """The command line itself is wrong (exit status 2)."""

    code = "usage"
