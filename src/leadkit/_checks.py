"""Argument checks shared by every package: one wording, one error per kind of mistake.

Each check returns the value it accepted (typed), or raises the error class the caller
names (so that a scoring call still raises a ``ScoringError``), with the argument's path.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, cast

from leadkit.errors import KeyPath, PathLike, ValidationError, format_path, parse_path

if TYPE_CHECKING:
    from leadkit.repository import UnitOfWork

__all__ = ["aware_datetime", "unit_of_work"]


def _name(path: PathLike) -> str:
    parts: KeyPath = parse_path(path) if isinstance(path, str) else (path or ())
    last = [key for key in parts if isinstance(key, str)]
    return last[-1] if last else format_path(parts) or "value"


def aware_datetime(
    value: object, *, path: PathLike = "as_of", error: type[ValidationError] = ValidationError
) -> datetime:
    """*value* if it is a timezone-aware :class:`~datetime.datetime`, else *error*.

    >>> from datetime import UTC
    >>> aware_datetime(datetime(2026, 4, 1, tzinfo=UTC)).year
    2026
    >>> aware_datetime(datetime(2026, 4, 1))
    Traceback (most recent call last):
    ...
    leadkit.errors.ValidationError: as_of: as_of must be a timezone-aware datetime ...
    """
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise error(
            f"{_name(path)} must be a timezone-aware datetime (add tzinfo, e.g. tzinfo=UTC),"
            f" got {value!r}",
            path=path,
        )
    return value


def unit_of_work(
    uow: object, *, path: PathLike = "uow", error: type[ValidationError] = ValidationError
) -> UnitOfWork:
    """*uow* if it looks like a :class:`~leadkit.repository.UnitOfWork`, else *error*."""
    if not all(hasattr(uow, name) for name in ("__enter__", "__exit__", "commit", "leads")):
        raise error(
            f"expected a unit of work (such as InMemoryUnitOfWork), got {type(uow).__name__}",
            path=path,
        )
    return cast("UnitOfWork", uow)
