"""Errors of the lifecycle stages: :class:`~leadkit.errors.IllegalTransitionError`; bad
input is a ``ValidationError`` with code ``bad_stage_input`` (``StageError`` is deprecated)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadkit.errors import IllegalTransitionError as IllegalTransitionError

__all__ = ["IllegalTransitionError"]

if TYPE_CHECKING:
    from leadkit.errors import StageError as StageError
else:
    from leadkit._deprecation import module_getattr

    __getattr__ = module_getattr(__name__, {})
