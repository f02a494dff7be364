"""Argument checks shared by every package: one wording, one error per kind of mistake.

Each check returns the value it accepted (typed), or raises a ``ValidationError`` (or the
subclass the caller names as ``error``) with the ``code`` the caller names (so that a
scoring call still raises code ``bad_scoring``) and the argument's path.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from leadkit.errors import PathLike, ValidationError, _as_path, format_path

if TYPE_CHECKING:
    from leadkit.repository import UnitOfWork

__all__ = [
    "EARLIEST",
    "LARGEST",
    "LATEST",
    "MAX_DAYS",
    "aware_datetime",
    "finite_number",
    "time_zone",
    "unit_of_work",
]

LARGEST = 10**15
"""The largest magnitude a threshold or amount in a rule file may have: far above any
real score or amount, far below where arithmetic on it would overflow a float or a date."""

MAX_DAYS = 36_600
"""The longest span in days (about 100 years) a rule may count; longer is a typo, and
would overflow date arithmetic near the ends of the calendar."""


EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
LATEST = datetime(9999, 12, 31, tzinfo=UTC) - timedelta(microseconds=1)
"""The first and last moments (UTC) a leadkit time may be: a day inside the calendar at
either end, so that its local time exists in every time zone."""


def _fail(
    error: type[ValidationError], code: str | None, message: str, *, path: PathLike
) -> ValidationError:
    err = error(message, path=path)
    if code is not None:
        err.code = code
    return err


def _name(path: PathLike) -> str:
    parts = _as_path(path)
    last = [key for key in parts if isinstance(key, str)]
    return last[-1] if last else format_path(parts) or "value"


def aware_datetime(
    value: object,
    *,
    path: PathLike = "as_of",
    error: type[ValidationError] = ValidationError,
    code: str | None = None,
) -> datetime:
    """*value* if it is a timezone-aware :class:`~datetime.datetime`, else *error*.

    >>> from datetime import UTC
    >>> aware_datetime(datetime(2026, 4, 1, tzinfo=UTC)).year
    2026
    >>> aware_datetime(datetime(2026, 4, 1))
    Traceback (most recent call last):
    ...
    leadkit.errors.ValidationError: as_of: as_of must be a timezone-aware datetime ...
    >>> aware_datetime(datetime(9999, 12, 31, tzinfo=UTC))
    Traceback (most recent call last):
    ...
    leadkit.errors.ValidationError: as_of: as_of must lie between 0001-01-02 and 9999-12-30 ...
    """
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise _fail(
            error,
            code,
            f"{_name(path)} must be a timezone-aware datetime (add tzinfo, e.g. tzinfo=UTC),"
            f" got {value!r}",
            path=path,
        )
    try:
        inside = EARLIEST <= value.astimezone(UTC) <= LATEST
    except (OverflowError, ValueError):
        inside = False
    if not inside:
        raise _fail(
            error,
            code,
            f"{_name(path)} must lie between {EARLIEST.date()} and {LATEST.date()} (UTC),"
            f" got {value.isoformat()}",
            path=path,
        )
    return value


def unit_of_work(
    uow: object,
    *,
    path: PathLike = "uow",
    error: type[ValidationError] = ValidationError,
    code: str | None = None,
) -> UnitOfWork:
    """*uow* if it looks like a :class:`~leadkit.repository.UnitOfWork`, else *error*."""
    if not all(hasattr(uow, name) for name in ("__enter__", "__exit__", "commit", "leads")):
        raise _fail(
            error,
            code,
            f"expected a unit of work (such as InMemoryUnitOfWork), got {type(uow).__name__}",
            path=path,
        )
    return cast("UnitOfWork", uow)


def finite_number(
    value: object,
    *,
    path: PathLike,
    error: type[ValidationError] = ValidationError,
    code: str | None = None,
    minimum: int | None = None,
    above: int | None = None,
    maximum: int = LARGEST,
    whole: bool = False,
) -> int | float | Decimal:
    """*value* if it is a finite number in range, else *error* naming *path*.

    ``minimum`` is inclusive and ``above`` exclusive; ``whole`` asks for an ``int``.
    NaN, infinities, signalling NaN and numbers beyond *maximum* are refused, so that
    nothing later overflows or raises ``decimal.InvalidOperation``.

    >>> finite_number(5, path="x", minimum=0)
    5
    >>> finite_number(float("nan"), path="x")
    Traceback (most recent call last):
    ...
    leadkit.errors.ValidationError: x: expected a finite number, got nan
    """
    kind = "a whole number" if whole else "a number"
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _fail(error, code, f"expected {kind}, got {value!r}", path=path)
    number: int | float | Decimal = value
    if whole and not isinstance(number, int):
        raise _fail(error, code, f"expected {kind}, got {value!r}", path=path)
    if (isinstance(number, float) and not math.isfinite(number)) or (
        isinstance(number, Decimal) and not number.is_finite()
    ):
        raise _fail(error, code, f"expected a finite number, got {number!r}", path=path)
    if minimum is not None and number < minimum:
        raise _fail(error, code, f"expected {kind} >= {minimum}, got {number!r}", path=path)
    if above is not None and number <= above:
        raise _fail(error, code, f"expected {kind} > {above}, got {number!r}", path=path)
    if number > maximum or number < -maximum:
        raise _fail(
            error,
            code,
            f"expected {kind} of at most {maximum:,} in size, got {number!r}",
            path=path,
        )
    return number


def time_zone(
    name: object,
    *,
    path: PathLike = "timezone",
    error: type[ValidationError] = ValidationError,
    code: str | None = None,
) -> tzinfo:
    """The IANA time zone called *name*, or *error* naming *path*.

    Folder names of the tz database (``"Asia"``), over-long names and names with odd
    characters are refused like unknown ones, never as ``OSError``.

    >>> time_zone("Asia/Tokyo")
    zoneinfo.ZoneInfo(key='Asia/Tokyo')
    >>> time_zone("Asia")
    Traceback (most recent call last):
    ...
    leadkit.errors.ValidationError: timezone: unknown timezone 'Asia'; use an IANA name ...
    """
    if isinstance(name, str) and 0 < len(name) <= 255:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    shown = name if not isinstance(name, str) or len(name) <= 60 else name[:60] + "..."
    raise _fail(
        error, code, f"unknown timezone {shown!r}; use an IANA name such as 'Asia/Tokyo'", path=path
    )
