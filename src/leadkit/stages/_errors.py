"""Errors of the lifecycle stages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadkit.errors import LeadkitError, ValidationError

if TYPE_CHECKING:
    from leadkit.stages._stage import Stage

__all__ = ["IllegalTransitionError", "StageError"]


class StageError(ValidationError):
    """A stage operation got bad input: a naive or out-of-order time, a missing reason,
    an unknown stage or grade, a policy without the setting the operation needs."""

    code = "bad_stage_input"


class IllegalTransitionError(LeadkitError):
    """A move the transition table does not allow, such as Inquiry straight to SQL.

    ``from_stage`` is ``None`` for a lead's first stage; the message names both stages and
    says which moves are allowed instead.
    """

    code = "illegal_transition"

    def __init__(
        self, message: str, *, from_stage: Stage | None, to_stage: Stage, path: str | None = None
    ) -> None:
        super().__init__(message, path=path)
        self.from_stage = from_stage
        self.to_stage = to_stage
