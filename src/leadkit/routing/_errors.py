"""Deprecated: the former error class of this package is ValidationError with a code now."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from leadkit.errors import ValidationError

__all__ = ["routing_error"]

routing_error = functools.partial(ValidationError, code="bad_routing")
"""A ``ValidationError`` with code ``bad_routing`` (what ``RoutingError`` raised before)."""

if TYPE_CHECKING:
    from leadkit.errors import RoutingError as RoutingError
else:
    from leadkit._deprecation import module_getattr

    __getattr__ = module_getattr(__name__, {})
