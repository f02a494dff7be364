"""Every ``$ leadkit ...`` line of docs/cli.md runs, in order, in one empty folder.

A line ending in ``# exits N`` must exit with N; every other one with 0. The commands run
in this process through ``leadkit.cli.main`` (the subprocess tests in this folder cover
the real command line), so the sample data is read once.
"""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest

from leadkit.cli import main

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
CONSOLE = re.compile(r"^```console\n(.*?)^```", re.DOTALL | re.MULTILINE)
EXITS = re.compile(r"\s+#\s*exits\s+(\d+)\s*$")


def commands() -> list[tuple[list[str], int]]:
    found = []
    for block in CONSOLE.findall(DOC.read_text(encoding="utf-8")):
        for line in block.splitlines():
            if not line.startswith("$ leadkit"):
                continue
            expected = 0
            if match := EXITS.search(line):
                expected = int(match.group(1))
                line = line[: match.start()]
            found.append((shlex.split(line)[2:], expected))
    return found


def test_the_documented_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    documented = commands()
    assert len(documented) >= 10
    for args, expected in documented:
        out, err = io.StringIO(), io.StringIO()
        status = main(args, stdout=out, stderr=err)
        shown = " ".join(args)
        assert status == expected, f"leadkit {shown}\n{err.getvalue()}"
        if expected:
            assert "leadkit: error:" in err.getvalue()
            assert out.getvalue() == ""
        elif "--out" not in args:
            assert out.getvalue()
