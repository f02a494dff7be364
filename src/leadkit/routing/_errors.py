"""Deprecated: the former error class of this package is ValidationError with a code now."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leadkit.errors import RoutingError as RoutingError
else:

    def __getattr__(name: str) -> object:
        from leadkit.errors import folded_error

        return folded_error(name, __name__)
