"""The error an assignment rule set raises when it is built, loaded or run wrongly."""

from __future__ import annotations

from leadkit.errors import ValidationError

__all__ = ["RoutingError"]


class RoutingError(ValidationError):
    """An assignment rule set, a target, a schedule or a routing call is not acceptable:
    an unknown team member, a bad weight, a naive ``as_of``. ``path`` names the place
    (``entries[2].target.members[1]``)."""

    code = "bad_routing"
