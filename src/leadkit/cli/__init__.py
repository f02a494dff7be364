"""The ``leadkit`` command line: the demo, scoring, grading, routing, duplicates, the
funnel and file validation, over CSV and JSON files.

Run ``leadkit --help``. Inside Python, :func:`main` takes the arguments as a list and
returns the exit status (0 ok, 1 bad input, 2 usage), which makes it easy to test.

>>> from leadkit.cli import main
>>> main(["--version"])
leadkit ...
0
"""

from leadkit.cli._app import build_parser, main
from leadkit.cli._errors import EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE, CliError, UsageError
from leadkit.cli._progress import Progress

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_OK",
    "EXIT_USAGE",
    "CliError",
    "Progress",
    "UsageError",
    "build_parser",
    "main",
]
