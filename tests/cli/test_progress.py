"""Progress lines: one finished line per step in logs; an updated line at a terminal."""

from __future__ import annotations

import io
import re

import pytest

from leadkit.cli import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_pipes_get_one_line_per_finished_step() -> None:
    stream = io.StringIO()
    progress = Progress(stream)
    with progress.step("load"):
        pass
    assert re.fullmatch(r"load \.\.\. done in \d+\.\d s\n", stream.getvalue())
    assert [name for name, _ in progress.timings] == ["load"]


def test_terminals_see_the_step_while_it_runs() -> None:
    stream = Terminal()
    with Progress(stream).step("score"):
        assert stream.getvalue() == "score ..."
    assert stream.getvalue().startswith("score ...\rscore ... done in ")


def test_a_failing_step_says_so_and_the_error_goes_on() -> None:
    stream = io.StringIO()
    with pytest.raises(ValueError, match="boom"), Progress(stream).step("convert"):
        raise ValueError("boom")
    assert stream.getvalue() == "convert ... failed\n"


def test_quiet_writes_nothing_but_still_times() -> None:
    stream = io.StringIO()
    progress = Progress(stream, quiet=True)
    with progress.step("route"):
        pass
    assert stream.getvalue() == ""
    assert progress.total >= 0
    assert len(progress.timings) == 1
