"""The error scoring and grading raise for a malformed model, profile or argument."""

from __future__ import annotations

from leadkit.errors import ScoringError as ScoringError

__all__ = ["ScoringError"]
