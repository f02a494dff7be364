"""Plain data from outside: parse JSON and TOML text safely, and check its shape.

Every file or text leadkit reads as plain data passes through here, so the guards against
hostile input live in one place: numbers too long to convert, ``NaN`` and ``Infinity``
(not JSON, and never a meaningful threshold), nesting deeper than any real rule file,
and integers beyond 64 bits (TOML's own range). Each ends in a
:class:`~leadkit.errors.LoadError` naming where it was found.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from leadkit.errors import KeyPath, LoadError, PathLike, Problem, _as_path

__all__ = ["MAX_DEPTH", "MAX_INT", "check_plain", "parse_json", "parse_toml"]

MAX_DEPTH = 64
"""How deeply plain data may nest (a rule file uses fewer than ten levels)."""

MAX_INT = 2**63 - 1
"""The largest integer plain data may hold: TOML's 64-bit range, for JSON too."""


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_json(text: str | bytes, *, what: str = "data", where: PathLike = ()) -> Any:
    """Parse JSON text into checked plain data (see :func:`check_plain`)."""
    try:
        data = json.loads(text, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise LoadError(
            [Problem(_at_line(where, exc), f"invalid JSON: {exc.msg}")],
            what=what,
        ) from None
    except UnicodeDecodeError:
        raise LoadError([Problem(where, "not UTF-8 text")], what=what) from None
    except RecursionError:
        raise LoadError([Problem(where, _too_deep())], what=what) from None
    except ValueError as exc:  # a number past Python's digit limit, NaN, Infinity
        raise LoadError([Problem(where, f"invalid JSON: {exc}")], what=what) from None
    return check_plain(data, what=what, where=where)


def _at_line(where: PathLike, exc: json.JSONDecodeError) -> PathLike:
    if isinstance(where, str) and where:  # a file name: name:line:column, as editors print
        return f"{where}:{exc.lineno}:{exc.colno}"
    return where or f"line {exc.lineno} column {exc.colno}"


def parse_toml(text: str, *, what: str = "data", where: PathLike = ()) -> Any:
    """Parse TOML text into checked plain data (see :func:`check_plain`)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LoadError([Problem(where, f"invalid TOML: {exc}")], what=what) from None
    except RecursionError:
        raise LoadError([Problem(where, _too_deep())], what=what) from None
    except ValueError as exc:  # a number past Python's digit limit
        raise LoadError([Problem(where, f"invalid TOML: {exc}")], what=what) from None
    return check_plain(data, what=what, where=where)


def _too_deep() -> str:
    return f"nested more than {MAX_DEPTH} levels deep"


def check_plain(data: Any, *, what: str = "data", where: PathLike = ()) -> Any:
    """*data* itself, after checking that it is safe to load; else a :class:`LoadError`
    listing every problem with its path.

    Refuses nesting deeper than :data:`MAX_DEPTH`, integers beyond :data:`MAX_INT`, and
    floats or Decimals that are NaN or infinite. The walk is iterative, so data nested
    past Python's recursion limit is reported, not crashed on.

    >>> check_plain({"rules": [{"points": 5}]})
    {'rules': [{'points': 5}]}
    >>> check_plain({"min_score": float("nan")})
    Traceback (most recent call last):
    ...
    leadkit.errors.LoadError: 1 problem(s) in data:
      - min_score: expected a finite number, got nan
    """
    base = _as_path(where)
    problems: list[Problem] = []
    stack: list[tuple[Any, KeyPath, int]] = [(data, base, 0)]
    while stack and len(problems) < 20:
        value, path, depth = stack.pop()
        if isinstance(value, Mapping | list | tuple):
            if depth >= MAX_DEPTH:
                problems.append(Problem(path, _too_deep()))
                continue
            items = value.items() if isinstance(value, Mapping) else enumerate(value)
            children = [(child, (*path, key), depth + 1) for key, child in items]
            stack.extend(reversed(children))
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if not -MAX_INT - 1 <= value <= MAX_INT:
                problems.append(Problem(path, "expected a number of at most 64 bits"))
        elif isinstance(value, float):
            if not math.isfinite(value):
                problems.append(Problem(path, f"expected a finite number, got {value!r}"))
        elif isinstance(value, Decimal) and not value.is_finite():
            problems.append(Problem(path, f"expected a finite number, got {value!r}"))
    if problems:
        raise LoadError(problems, what=what)
    return data
