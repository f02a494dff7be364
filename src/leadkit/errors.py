"""The one exception hierarchy of leadkit.

Every error leadkit raises on purpose is a :class:`LeadkitError`. Each carries a stable
``code`` (for programs) and, where it applies, the ``path`` of the offending value
(``lead.address.postal_code``, ``rules[3].when.field``) so that a message can point at the
exact place to fix.

>>> from leadkit.errors import ValidationError
>>> err = ValidationError("must not be empty", path="lead.company")
>>> str(err)
'lead.company: must not be empty'
>>> err.code
'invalid'
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "ConcurrencyError",
    "LeadkitError",
    "LoadError",
    "NotFoundError",
    "Problem",
    "ValidationError",
]


class LeadkitError(Exception):
    """Base class of every error leadkit raises on purpose.

    ``code`` is stable across releases and safe to branch on; the message is for people.
    """

    code: str = "leadkit_error"

    def __init__(self, message: str, *, path: str | None = None, code: str | None = None) -> None:
        self.message = message
        self.path = path
        if code is not None:
            self.code = code
        super().__init__(f"{path}: {message}" if path else message)


class ValidationError(LeadkitError, ValueError):
    """A value is not acceptable: wrong type, out of range, malformed, missing.

    Also a :class:`ValueError`, so code that guards with ``except ValueError`` keeps working.
    """

    code = "invalid"


class Problem:
    """One problem found while loading: where it is and what is wrong."""

    __slots__ = ("message", "path")

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message

    def __repr__(self) -> str:
        return f"Problem({self.path!r}, {self.message!r})"

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Problem) and self.path == other.path and self.message == other.message
        )

    def __hash__(self) -> int:
        return hash((self.path, self.message))


class LoadError(ValidationError):
    """Data (JSON, TOML, CSV, plain dicts) could not be turned into leadkit objects.

    ``problems`` lists every problem found, each with the path of the bad key, not only
    the first.
    """

    code = "load_error"

    def __init__(self, problems: Sequence[Problem], *, what: str = "data") -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        first = self.problems[0] if self.problems else Problem("", "unknown problem")
        lines = "\n".join(f"  - {p}" for p in self.problems)
        message = f"{len(self.problems)} problem(s) in {what}:\n{lines}"
        super().__init__(message, path=first.path or None)
        # The message already names every path; keep str() free of a duplicated prefix.
        self.args = (message,)

    def __str__(self) -> str:
        return self.message


class NotFoundError(LeadkitError, LookupError):
    """A record with the given id does not exist."""

    code = "not_found"


class ConcurrencyError(LeadkitError):
    """A write was based on a stale version of a record (optimistic concurrency)."""

    code = "concurrent_modification"
