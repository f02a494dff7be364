"""How long ``import leadkit`` takes, against importing its own dependencies (run by hand).

    PYTHONPATH=src python benchmarks/import_time.py [--repeat 7]

Each import runs in a fresh interpreter (so nothing is cached in ``sys.modules``), timed
inside it around the import statement alone; the median of the runs is kept. The
baseline is ``import attrs, cattrs, dateutil.parser``, what leadkit cannot do without.
Also prints how many leadkit modules each import loads and, for reference, the cost of
then using every name of ``leadkit.__all__`` (which imports the capability packages).
The last line is ``import ratio: X``, leadkit over the baseline (target: at most 2).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

BASELINE = "import attrs, cattrs, dateutil.parser"
LEADKIT = "import leadkit"
EVERY_NAME = "import leadkit\nfor _name in leadkit.__all__: getattr(leadkit, _name)"

_PROBE = """\
import json, sys, time
_start = time.perf_counter()
{code}
_took = time.perf_counter() - _start
print(json.dumps([_took, sum(m == "leadkit" or m.startswith("leadkit.") for m in sys.modules)]))
"""


def _once(code: str) -> tuple[float, int]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(code=code)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    took, modules = json.loads(done.stdout.strip().splitlines()[-1])
    return float(took), int(modules)


def measure(code: str, repeat: int) -> tuple[float, int]:
    """Median seconds of ``code`` over ``repeat`` fresh interpreters, and the number of
    leadkit modules it leaves loaded."""
    _once(code)  # warm the bytecode cache and the OS file cache
    runs = [_once(code) for _ in range(repeat)]
    return statistics.median(took for took, _ in runs), runs[-1][1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="fresh interpreters per import")
    args = parser.parse_args()
    baseline, _ = measure(BASELINE, args.repeat)
    lazy, lazy_modules = measure(LEADKIT, args.repeat)
    every, every_modules = measure(EVERY_NAME, args.repeat)
    print(f"baseline ({BASELINE}): {baseline * 1000:.1f} ms")
    print(f"leadkit ({LEADKIT}): {lazy * 1000:.1f} ms, {lazy_modules} leadkit modules")
    print(f"every name of leadkit.__all__ used: {every * 1000:.1f} ms, {every_modules} modules")
    print(f"import ratio: {lazy / baseline:.2f}")


if __name__ == "__main__":
    main()
