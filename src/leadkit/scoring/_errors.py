"""Deprecated: the former error class of this package is ValidationError with a code now."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leadkit.errors import ScoringError as ScoringError
else:
    from leadkit._deprecation import module_getattr

    __getattr__ = module_getattr(__name__, {})
