"""Optional dependencies: import one, or say which leadkit extra installs it."""

from __future__ import annotations

import importlib
from typing import Any

from leadkit.errors import MissingDependencyError

__all__ = ["require"]


def require(module: str, extra: str, *, purpose: str | None = None) -> Any:
    """Import *module*, or raise :class:`~leadkit.errors.MissingDependencyError` naming
    the extra that installs it (``pip install 'leadkit[<extra>]'``).

    >>> require("json", "none").dumps(1)
    '1'
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        needs = f"{purpose} needs {module}" if purpose else f"{module} is not installed"
        raise MissingDependencyError(
            f"{needs}; install it with: pip install 'leadkit[{extra}]'", extra=extra
        ) from None
