"""The one reader of rule files: plain data into objects, every problem collected by path.

Each loader of leadkit (conditions, scoring models, grading profiles, assignment rules,
stage policies, calendars, matching and duplicate rules, survivorship, availability)
reads its plain data through a :class:`Reader`. A reader never stops at the first
mistake: it records a :class:`~leadkit.errors.Problem` with the tuple path of the bad key
(``("rules", 3, "when", "field")``, printed ``rules[3].when.field``) and goes on, and
:meth:`Reader.raise_if_any` ends in one :class:`~leadkit.errors.LoadError` listing them.

>>> reader = Reader()
>>> data = reader.mapping({"name": 5, "colour": "blue"}, ("rules", 0), ("name", "points"))
>>> reader.text(data, "name", ("rules", 0), required=True)
>>> reader.number(data, "points", ("rules", 0), required=True)
>>> [str(p) for p in reader.problems]
['rules[0].colour: unknown key; expected one of name, points', \
'rules[0].name: expected a string, got int (quote it: "1")', \
'rules[0].points: required key is missing']
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time
from typing import Any, TypeVar

from leadkit.errors import KeyPath, LeadkitError, LoadError, PathLike, Problem, _as_path
from leadkit.io._tags import type_name

__all__ = [
    "RULE_SCHEMA_VERSION",
    "Reader",
    "check_schema",
    "plain_mapping",
    "relative_path",
    "type_name",
]

T = TypeVar("T")

_TIME_OF_DAY = re.compile(r"[0-2][0-9]:[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?", re.ASCII)

RULE_SCHEMA_VERSION = 1
"""The version of the plain-data form of every rule file leadkit writes (``schema = 1``)."""

_CLASS_NAME = re.compile(r"[A-Z][A-Za-z]*")


def relative_path(path: PathLike) -> KeyPath:
    """The path of an error raised by a constructor, without the class name validators
    put in front (``("MatchingRule", "logic")`` → ``("logic",)``)."""
    parts = _as_path(path)
    if parts and isinstance(parts[0], str) and _CLASS_NAME.fullmatch(parts[0]):
        return parts[1:]
    return parts


class Reader:
    """Reads plain data into objects, collecting every problem instead of stopping.

    Every method takes the ``path`` of the mapping it reads from (a tuple, or printed
    text) and records problems at ``(*path, key)``.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    # -- recording ---------------------------------------------------------------------

    def fail(self, path: PathLike, message: str) -> None:
        """Record one problem at ``path``."""
        self.problems.append(Problem(path, message))

    def absorb(self, error: LeadkitError, path: PathLike = ()) -> None:
        """Record ``error``, found in the value at ``path``: every problem of a
        :class:`LoadError`, else the error's message at its (relative) path."""
        where = _as_path(path)
        if isinstance(error, LoadError):
            self.problems.extend(p.at(*where) for p in error.problems)
        else:
            self.problems.append(Problem((*where, *relative_path(error.path)), error.message))

    def attempt(
        self, path: PathLike, make: Callable[..., T], *args: Any, **kwargs: Any
    ) -> T | None:
        """``make(*args, **kwargs)``, or None with its error recorded under ``path``."""
        try:
            return make(*args, **kwargs)
        except LeadkitError as error:
            self.absorb(error, path)
        return None

    def mark(self) -> int:
        """How many problems are recorded; :meth:`clean_since` compares with it."""
        return len(self.problems)

    def clean_since(self, mark: int) -> bool:
        """True when no problem was recorded after :meth:`mark` returned ``mark``."""
        return len(self.problems) == mark

    def raise_if_any(self, what: str = "data") -> None:
        """Raise one :class:`LoadError` listing every problem recorded, if any."""
        if self.problems:
            raise LoadError(self.problems, what=what)

    # -- reading -----------------------------------------------------------------------

    def mapping(
        self, data: object, path: PathLike, keys: Sequence[str], what: str | None = None
    ) -> Mapping[str, Any] | None:
        """``data`` when it is a mapping (its unknown keys recorded as problems), else None
        with the problem recorded. ``what`` names it in the message (``a rule``)."""
        where = _as_path(path)
        if not isinstance(data, Mapping):
            if what:
                self.fail(where, f"{what} is an object (a table), got {type_name(data)}")
            else:
                self.fail(where, f"expected an object, got {type_name(data)}")
            return None
        for key in data:
            if key not in keys:
                self.fail((*where, str(key)), f"unknown key; expected one of {', '.join(keys)}")
        return data

    def _get(self, data: Mapping[str, Any], key: str, path: PathLike, required: bool) -> Any:
        if key not in data:
            if required:
                self.fail((*_as_path(path), key), "required key is missing")
            return _MISSING
        return data[key]

    def text(
        self,
        data: Mapping[str, Any],
        key: str,
        path: PathLike,
        *,
        required: bool = False,
        non_empty: bool = False,
    ) -> str | None:
        """The string at ``key`` (None when absent or wrong)."""
        value = self._get(data, key, path, required)
        if value is _MISSING:
            return None
        where = (*_as_path(path), key)
        if not isinstance(value, str):
            hint = ' (quote it: "1")' if isinstance(value, int | float) else ""
            self.fail(where, f"expected a string, got {type_name(value)}{hint}")
            return None
        if non_empty and not value.strip():
            self.fail(where, "expected a non-empty string")
            return None
        return value

    def number(
        self,
        data: Mapping[str, Any],
        key: str,
        path: PathLike,
        *,
        required: bool = False,
        integer: bool = False,
        limit: float | None = None,
    ) -> Any:
        """The number at ``key`` (an ``int`` only with ``integer``; within ``±limit``)."""
        value = self._get(data, key, path, required)
        if value is _MISSING:
            return None
        where = (*_as_path(path), key)
        allowed = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, allowed):
            what = "a whole number" if integer else "a number"
            self.fail(where, f"expected {what}, got {type_name(value)}")
            return None
        if limit is not None and (not math.isfinite(value) or abs(value) > limit):
            self.fail(where, f"expected a finite number within ±{limit:.0e}, got {value!r}")
            return None
        return value

    def flag(
        self, data: Mapping[str, Any], key: str, path: PathLike, *, required: bool = False
    ) -> bool | None:
        """The ``true`` / ``false`` at ``key``."""
        value = self._get(data, key, path, required)
        if value is _MISSING:
            return None
        if not isinstance(value, bool):
            self.fail((*_as_path(path), key), f"expected true or false, got {type_name(value)}")
            return None
        return value

    def items(
        self, data: Mapping[str, Any], key: str, path: PathLike, *, required: bool = False
    ) -> list[Any]:
        """The array at ``key`` (empty when absent or wrong)."""
        value = self._get(data, key, path, required)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.fail((*_as_path(path), key), f"expected an array, got {type_name(value)}")
            return []
        return value

    def time_of_day(self, value: object, path: PathLike) -> time | None:
        """A local time of day from ``"09:00"``, ``"09:00:30"`` (or with a fraction of a
        second) or a TOML local time, else a problem.

        Only that form: Python's ``time.fromisoformat`` would also read ``"12.50"`` as
        12:00:00.5, ``"1250"`` as 12:50 and ``"09:00+09:00"`` as a time with an offset.
        """
        if isinstance(value, time) and value.tzinfo is None:
            return value
        if isinstance(value, str) and _TIME_OF_DAY.fullmatch(value):
            try:
                return time.fromisoformat(value)
            except ValueError:
                pass
        self.fail(path, f"expected a time of day such as '09:00', got {value!r}")
        return None

    def day(self, value: object, path: PathLike) -> date | None:
        """A date from ``"2026-05-01"`` (or a TOML date), else a problem."""
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(path, f"expected a date, got {value!r}")
        return None


class _Missing:
    def __repr__(self) -> str:  # pragma: no cover - never shown
        return "<missing>"


_MISSING: Any = _Missing()


def check_schema(
    reader: Reader,
    data: Mapping[str, Any],
    path: PathLike = (),
    *,
    required: bool = False,
    version: int = RULE_SCHEMA_VERSION,
) -> None:
    """Record a problem unless ``data["schema"]`` is ``version`` (absent is fine unless
    ``required``): a file written by a newer leadkit is refused, not misread."""
    where = (*_as_path(path), "schema")
    if "schema" not in data:
        if required:
            reader.fail(where, f"expected schema {version}, got None")
        return
    schema = data["schema"]
    if isinstance(schema, bool) or schema != version:
        newer = isinstance(schema, int) and not isinstance(schema, bool) and schema > version
        hint = " (written by a newer leadkit)" if newer else ""
        reader.fail(where, f"expected schema {version}, got {schema!r}{hint}")


def mapping_codec(
    dump: Callable[[Any], Any], load: Callable[[Mapping[str, Any]], Any], *, what: str
) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """A ``PLAIN_CODECS`` entry: ``dump`` as it is, and ``load`` behind
    :func:`plain_mapping`, so that the converter never hands a loader a string it would
    take for a file name."""
    return dump, lambda data: load(plain_mapping(data, what=what))


def plain_mapping(data: object, *, what: str = "data") -> Mapping[str, Any]:
    """``data`` when it is a mapping, else a :class:`LoadError`: what the converter's hooks
    call before a loader that would take a string for a file name."""
    if not isinstance(data, Mapping):
        raise LoadError([Problem((), f"expected an object, got {type_name(data)}")], what=what)
    return data
