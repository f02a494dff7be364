"""Every ``$ leadkit ...`` line of docs/cli.md runs, in order, in one empty folder.

A line ending in ``# exits N`` must exit with N; every other one with 0.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.cli._run import leadkit

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


def test_the_documented_commands_run(tmp_path: Path) -> None:
    documented = commands()
    assert len(documented) >= 10
    for args, expected in documented:
        result = leadkit(*args, cwd=tmp_path)
        shown = " ".join(args)
        assert result.returncode == expected, f"leadkit {shown}\n{result.stderr}"
        if expected:
            assert "Traceback" not in result.stderr
            assert "leadkit" in result.stderr
