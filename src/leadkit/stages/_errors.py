"""Errors of the lifecycle stages: :class:`~leadkit.errors.IllegalTransitionError`; bad
input is a ``ValidationError`` with code ``bad_stage_input`` (``StageError`` is deprecated)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from leadkit.errors import IllegalTransitionError as IllegalTransitionError
from leadkit.errors import ValidationError

__all__ = ["IllegalTransitionError", "stage_error"]

stage_error = functools.partial(ValidationError, code="bad_stage_input")
"""A ``ValidationError`` with code ``bad_stage_input`` (what ``StageError`` raised before)."""

if TYPE_CHECKING:
    from leadkit.errors import StageError as StageError
else:
    from leadkit._deprecation import module_getattr

    __getattr__ = module_getattr(__name__, {})
