"""Telling a person at a terminal what the command is doing and how long it took."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Step lines on stderr: ``load sample ... done in 1.2 s``.

    At a terminal the step name shows while it runs and the time is added when it ends;
    elsewhere (pipes, CI logs) one finished line per step is written. ``quiet`` silences
    it. The clock is read here, in the command, never in the library.
    """

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.timings: list[tuple[str, float]] = []

    @property
    def interactive(self) -> bool:
        """True when the stream is a terminal."""
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time one step and report it when it ends (or fails)."""
        started = time.perf_counter()
        if not self.quiet and self.interactive:
            self.stream.write(f"{name} ...")
            self.stream.flush()
        ok = False
        try:
            yield
            ok = True
        finally:
            elapsed = time.perf_counter() - started
            self.timings.append((name, elapsed))
            if not self.quiet:
                outcome = f"done in {elapsed:.1f} s" if ok else "failed"
                prefix = "\r" if self.interactive else ""
                self.stream.write(f"{prefix}{name} ... {outcome}\n")
                self.stream.flush()

    @property
    def total(self) -> float:
        """Seconds spent in all steps so far."""
        return sum(seconds for _, seconds in self.timings)
