"""Errors of the lifecycle stages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadkit.errors import IllegalTransitionError as IllegalTransitionError
from leadkit.errors import StageError as StageError

if TYPE_CHECKING:
    pass

__all__ = ["IllegalTransitionError", "StageError"]
