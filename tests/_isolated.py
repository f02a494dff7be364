"""Running a snippet in a fresh interpreter, to see what an import really loads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

SRC = Path(__file__).resolve().parents[1] / "src"


def run_python(code: str) -> Any:
    """Run ``code`` in a new ``python`` with this checkout's ``src`` first on the path and
    return what it printed last, read as JSON."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


LOADED = "import json, sys; print(json.dumps(sorted(sys.modules)))"
"""A last line for :func:`run_python`: every module loaded so far."""
