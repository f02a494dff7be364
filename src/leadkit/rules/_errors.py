"""The error a condition raises when it is built, loaded or evaluated wrongly."""

from __future__ import annotations

from leadkit.errors import ValidationError

__all__ = ["RuleError"]


class RuleError(ValidationError):
    """A condition is malformed: an unknown field, an operator that does not fit the
    field's type, a literal of the wrong type, a bad window or filter logic.

    ``path`` names the field (``employees``, ``custom.budget``); ``key`` says which part
    of a condition's plain data is wrong (``"field"``, ``"op"``, ``"value"``), so that a
    loader can point at ``rules[3].when.value``.
    """

    code = "bad_rule"

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None) -> None:
        super().__init__(message, path=path)
        self.key = key
