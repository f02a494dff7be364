"""Deprecated: the former error class of this package is ValidationError with a code now."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from leadkit.errors import ValidationError

__all__ = ["scoring_error"]

scoring_error = functools.partial(ValidationError, code="bad_scoring")
"""A ``ValidationError`` with code ``bad_scoring`` (what ``ScoringError`` raised before)."""

if TYPE_CHECKING:
    from leadkit.errors import ScoringError as ScoringError
else:
    from leadkit._deprecation import module_getattr

    __getattr__ = module_getattr(__name__, {})
