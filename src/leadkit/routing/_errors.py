"""The error an assignment rule set raises when it is built, loaded or run wrongly."""

from __future__ import annotations

from leadkit.errors import RoutingError as RoutingError

__all__ = ["RoutingError"]
