"""``python -m leadkit``: the command-line entry point."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Print what leadkit is and where to start (replaced by the full CLI)."""
    import leadkit

    print(f"leadkit {leadkit.__version__}: typed lead management. See README.md and docs/.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
