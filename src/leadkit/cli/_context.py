"""What every command receives besides its arguments: where to write, and progress."""

from __future__ import annotations

from typing import TextIO

import attrs

from leadkit.cli._progress import Progress

__all__ = ["Context"]


@attrs.define
class Context:
    """The streams a command writes to and its progress reporter."""

    stdout: TextIO
    stderr: TextIO
    progress: Progress
