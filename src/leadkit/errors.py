"""The one exception hierarchy of leadkit.

Every error leadkit raises on purpose is a :class:`LeadkitError`. Each carries a stable
``code`` (for programs) and, where it applies, the ``path`` of the offending value as a
tuple of keys and indexes (``("rules", 3, "when", "field")``), printed the way people
write it (``rules[3].when.field``), so that a message can point at the exact place to fix.

>>> from leadkit.errors import ValidationError
>>> err = ValidationError("must not be empty", path="lead.company")
>>> str(err)
'lead.company: must not be empty'
>>> err.path
('lead', 'company')
>>> err.code
'invalid'
>>> str(ValidationError("unknown field", path=("when", "field")).at("rules", 3))
'rules[3].when.field: unknown field'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Self, TypeAlias

__all__ = [
    "ConcurrencyError",
    "DatabaseFileError",
    "KeyPath",
    "LeadkitError",
    "LoadError",
    "NotFoundError",
    "PathLike",
    "Problem",
    "ValidationError",
    "format_path",
    "parse_path",
]

KeyPath: TypeAlias = tuple[str | int, ...]
"""Where a value sits: keys (``str``) and list indexes (``int``), outermost first."""

PathLike: TypeAlias = KeyPath | str | None
"""A :data:`KeyPath`, its printed form (``"rules[3].when.field"``), or nothing."""

_PLAIN_KEY = re.compile(r"[^.\[\]'\"]+")
_SEGMENT = re.compile(r"\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\.?([^.\[\]]+)")


def format_path(path: PathLike) -> str:
    """Print a path as people write it: ``("rules", 3, "when")`` → ``rules[3].when``.

    A key that holds a dot, a bracket or a quote is printed in brackets
    (``custom['a.b']``), so that :func:`parse_path` reads the text back to the same path.

    >>> format_path(("entries", 2, "target", "members", 1))
    'entries[2].target.members[1]'
    >>> format_path(("custom", "a.b"))
    "custom['a.b']"
    """
    if path is None:
        return ""
    if isinstance(path, str):
        return path
    parts: list[str] = []
    for key in path:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        elif _PLAIN_KEY.fullmatch(key):
            parts.append(f".{key}" if parts else key)
        else:
            escaped = key.replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"['{escaped}']")
    return "".join(parts)


def parse_path(text: str) -> KeyPath:
    """Read a printed path back: ``"rules[3].when.field"`` → ``("rules", 3, "when", "field")``.

    Text that is not a path of keys and indexes (``"line 3, column 会社名"``) stays one key.

    >>> parse_path("rules[3].when.field")
    ('rules', 3, 'when', 'field')
    >>> parse_path("")
    ()
    """
    if not text:
        return ()
    segments: list[str | int] = []
    position = 0
    while position < len(text):
        match = _SEGMENT.match(text, position)
        if match is None or (match.group(3) is not None and position and text[position] != "."):
            return (text,)
        index, quoted, key = match.groups()
        if index is not None:
            segments.append(int(index))
        elif quoted is not None:
            segments.append(re.sub(r"\\(.)", r"\1", quoted))
        else:
            segments.append(key)
        position = match.end()
    return tuple(segments)


def _as_path(path: PathLike) -> KeyPath:
    if path is None:
        return ()
    if isinstance(path, str):
        return parse_path(path)
    return tuple(path)


class LeadkitError(Exception):
    """Base class of every error leadkit raises on purpose.

    ``code`` is stable across releases and safe to branch on; the message is for people.
    ``path`` is where the bad value sits (a tuple; ``()`` when the error is about no
    particular value); :meth:`at` puts the place of the enclosing value in front of it.
    """

    code: str = "leadkit_error"

    def __init__(self, message: str, *, path: PathLike = None, code: str | None = None) -> None:
        self.message = message
        self._path = _as_path(path)
        if code is not None:
            self.code = code
        super().__init__(message)

    @property
    def path(self) -> KeyPath:
        """Where the offending value sits, outermost key first."""
        return self._path

    @path.setter
    def path(self, value: PathLike) -> None:
        self._path = _as_path(value)

    def at(self, *prefix: str | int) -> Self:
        """Prefix the path with the place of the enclosing value, and return this error.

        ``raise err.at("rules", 3) from None`` re-raises an error found inside
        ``rules[3]`` with the whole path.
        """
        self._path = (*_as_path_parts(prefix), *self._path)
        return self

    def __str__(self) -> str:
        where = format_path(self._path)
        return f"{where}: {self.message}" if where else self.message


def _as_path_parts(prefix: Iterable[str | int]) -> KeyPath:
    parts: list[str | int] = []
    for key in prefix:
        parts.extend(parse_path(key) if isinstance(key, str) else (key,))
    return tuple(parts)


class ValidationError(LeadkitError, ValueError):
    """A value is not acceptable: wrong type, out of range, malformed, missing.

    Also a :class:`ValueError`, so code that guards with ``except ValueError`` keeps working.
    """

    code = "invalid"


class Problem:
    """One problem found while loading: where it is and what is wrong."""

    __slots__ = ("message", "path")

    path: KeyPath
    message: str

    def __init__(self, path: PathLike, message: str) -> None:
        self.path = _as_path(path)
        self.message = message

    def at(self, *prefix: str | int) -> Problem:
        """The same problem, found inside the value at ``prefix``."""
        return Problem((*_as_path_parts(prefix), *self.path), self.message)

    def __repr__(self) -> str:
        return f"Problem({format_path(self.path)!r}, {self.message!r})"

    def __str__(self) -> str:
        where = format_path(self.path)
        return f"{where}: {self.message}" if where else self.message

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Problem) and self.path == other.path and self.message == other.message
        )

    def __hash__(self) -> int:
        return hash((self.path, self.message))


class LoadError(ValidationError):
    """Data (JSON, TOML, CSV, plain dicts) could not be turned into leadkit objects.

    ``problems`` lists every problem found, each with the path of the bad key, not only
    the first; :meth:`at` prefixes every problem's path.
    """

    code = "load_error"

    def __init__(self, problems: Sequence[Problem], *, what: str = "data") -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.what = what
        first = self.problems[0] if self.problems else Problem((), "unknown problem")
        super().__init__(self._describe(), path=first.path)
        self.args = (self.message,)

    def _describe(self) -> str:
        lines = "\n".join(f"  - {p}" for p in self.problems)
        return f"{len(self.problems)} problem(s) in {self.what}:\n{lines}"

    def at(self, *prefix: str | int) -> Self:
        """Prefix every problem's path (and the error's own) with ``prefix``."""
        self.problems = tuple(p.at(*prefix) for p in self.problems)
        self.message = self._describe()
        self.args = (self.message,)
        return super().at(*prefix)

    def __str__(self) -> str:
        return self.message


class NotFoundError(LeadkitError, LookupError):
    """A record with the given id does not exist."""

    code = "not_found"


class ConcurrencyError(LeadkitError):
    """A write was based on a stale version of a record (optimistic concurrency)."""

    code = "concurrent_modification"


class DatabaseFileError(LeadkitError):
    """A database file cannot be used: missing, a folder, not a database, or another
    application's database (which leadkit never adds tables to).

    ``file`` is the file path as given; ``code`` says which case it is
    (``database_missing``, ``not_a_database``, ``foreign_database``, ``database_unusable``).
    """

    code = "database_unusable"

    def __init__(self, message: str, *, file: str, code: str | None = None) -> None:
        super().__init__(f"{file}: {message}", code=code)
        self.file = file
