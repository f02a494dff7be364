"""Errors of the command line: usage mistakes (exit 2) and bad input (exit 1)."""

from __future__ import annotations

from leadkit.errors import CliError as CliError
from leadkit.errors import UsageError as UsageError

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "EXIT_USAGE", "CliError", "UsageError"]

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
