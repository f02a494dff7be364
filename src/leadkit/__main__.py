"""``python -m leadkit``: the command-line entry point."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Print what leadkit is and a summary of its bundled sample data (replaced by the
    full CLI's ``leadkit demo``)."""
    import leadkit
    from leadkit.sample import load_sample, summary

    print(f"leadkit {leadkit.__version__}: typed lead management. See README.md and docs/.")
    print()
    print(summary(load_sample()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
