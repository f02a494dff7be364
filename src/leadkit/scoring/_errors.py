"""The error scoring and grading raise for a malformed model, profile or argument."""

from __future__ import annotations

from leadkit.errors import ValidationError

__all__ = ["ScoringError"]


class ScoringError(ValidationError):
    """A scoring model, grading profile or one of their arguments is not acceptable:
    a duplicate rule name, an undeclared group, a cap that is not positive, an event
    kind the model does not know, a naive ``as_of``.

    ``path`` names the offending part (``rules[3].group``) so that the message points
    at the place to fix.
    """

    code = "bad_scoring"
