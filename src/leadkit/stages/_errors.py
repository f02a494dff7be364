"""Errors of the lifecycle stages: :class:`~leadkit.errors.IllegalTransitionError`; bad
input is a ``ValidationError`` with code ``bad_stage_input`` (``StageError`` is deprecated)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadkit.errors import IllegalTransitionError as IllegalTransitionError

__all__ = ["IllegalTransitionError"]

if TYPE_CHECKING:
    from leadkit.errors import StageError as StageError
else:

    def __getattr__(name: str) -> object:
        from leadkit.errors import folded_error

        return folded_error(name, __name__)
