"""The bounded load test with the server killed and restarted mid-way (issue 18): no
submission answered 2xx is lost or stored twice. Slow: real server processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

if os.environ.get("LEADKIT_REQUIRE_SERVER") != "1":
    pytest.importorskip("uvicorn", reason="leadkit[server] is not installed")

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_nothing_answered_2xx_is_lost_across_a_kill_and_restart() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "serve_load.py"), "--n", "600",
         "--clients", "3", "--daily", "200"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    lines = run.stdout.strip().splitlines()
    assert lines, run.stderr
    assert lines[-1] == "lost: 0", run.stdout
    assert run.returncode == 0
