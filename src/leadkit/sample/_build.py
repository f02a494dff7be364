"""Rebuild the bundled sample: ``python -m leadkit.sample._build``.

Writes ``generate()`` (the defaults: :data:`SAMPLE_SIZE` leads, :data:`SAMPLE_SEED`,
:data:`SAMPLE_AS_OF`) into ``src/leadkit/sample/data/``. The output is deterministic, so
running it again changes nothing unless the generator changed; ``--check`` only reports
whether the files are up to date (exit status 1 if not).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from leadkit.sample._bundle import save_sample
from leadkit.sample._generator import generate

DATA = Path(__file__).resolve().parent / "data"


def main(argv: list[str]) -> int:
    """Write (or with ``--check``, compare) the bundled CSV files."""
    data = generate()
    if "--check" in argv:
        with tempfile.TemporaryDirectory() as scratch:
            stale = [
                path.name
                for path in save_sample(data, scratch)
                if not (DATA / path.name).exists()
                or (DATA / path.name).read_bytes() != path.read_bytes()
            ]
        print("up to date" if not stale else f"out of date: {', '.join(stale)}")
        return 1 if stale else 0
    for path in save_sample(data, DATA):
        print(f"{path.stat().st_size:>10,d}  {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
