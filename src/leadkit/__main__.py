"""``python -m leadkit``: the ``leadkit`` command (see :mod:`leadkit.cli`)."""

from __future__ import annotations

import sys

from leadkit.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
