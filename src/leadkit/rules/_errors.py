"""The error a condition raises when it is built, loaded or evaluated wrongly."""

from __future__ import annotations

from leadkit.errors import RuleError as RuleError

__all__ = ["RuleError"]
