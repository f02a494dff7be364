"""Stage policies and working calendars as plain data (TOML, JSON, dicts) and back.

Both are read through the one reader of :mod:`leadkit.io`, so every problem is reported
at once with its path (``mql.or_when.events``, ``calendar.holidays[2]``), and both are
registered with the one converter (``leadkit.dumps`` / ``leadkit.loads``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from leadkit.errors import KeyPath, LoadError, PathLike, Problem, ValidationError, _as_path
from leadkit.io import load_data
from leadkit.io._plain import check_plain
from leadkit.io._reader import RULE_SCHEMA_VERSION, Reader, check_schema, type_name
from leadkit.model import Lead
from leadkit.rules import to_data
from leadkit.rules._data import read_condition
from leadkit.stages._calendar import WorkingCalendar
from leadkit.stages._errors import stage_error
from leadkit.stages._policy import MqlRule, StagePolicy
from leadkit.stages._stage import grade_letter

__all__ = [
    "PLAIN_CODECS",
    "dump_calendar",
    "dump_stage_policy",
    "load_calendar",
    "load_stage_policy",
]

_CALENDAR_KEYS = ("schema", "timezone", "weekdays", "start", "end", "holidays")
_POLICY_KEYS = (
    "schema",
    "name",
    "mql",
    "sgl_when",
    "disqualify_when",
    "accept_within_hours",
    "requalify_after_days",
)
_MQL_KEYS = ("min_score", "min_grade", "when", "or_when")


# ---------------------------------------------------------------------------------------------
# Stage policies
# ---------------------------------------------------------------------------------------------


def _plain_number(value: int | float | Decimal) -> int | float | str:
    if isinstance(value, Decimal):
        return str(value)
    return value


def dump_stage_policy(policy: StagePolicy) -> dict[str, Any]:
    """The policy as JSON/TOML-compatible plain data; :func:`load_stage_policy` reads it."""
    if not isinstance(policy, StagePolicy):
        raise stage_error(
            f"expected a StagePolicy, got {type(policy).__name__}",
            path="policy",
        )
    mql: dict[str, Any] = {}
    if policy.mql.min_score is not None:
        mql["min_score"] = _plain_number(policy.mql.min_score)
    if policy.mql.min_grade is not None:
        mql["min_grade"] = policy.mql.min_grade
    for key in ("when", "or_when"):
        condition = getattr(policy.mql, key)
        if condition is not None:
            mql[key] = to_data(condition)
    data: dict[str, Any] = {"schema": RULE_SCHEMA_VERSION, "name": policy.name, "mql": mql}
    for key in ("sgl_when", "disqualify_when"):
        condition = getattr(policy, key)
        if condition is not None:
            data[key] = to_data(condition)
    if policy.accept_within_hours is not None:
        data["accept_within_hours"] = _plain_number(policy.accept_within_hours)
    data["requalify_after_days"] = policy.requalify_after_days
    return data


def _number(reader: Reader, data: Mapping[str, Any], key: str, path: KeyPath) -> Any:
    """A number; a decimal string is read exactly (``"7.5"``)."""
    value = data.get(key)
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            pass
    return reader.number(data, key, path)


def _condition(reader: Reader, data: Mapping[str, Any], key: str, path: KeyPath) -> Any:
    if key not in data:
        return None
    return read_condition(reader, data[key], (*path, key), on=Lead)


def _mql(reader: Reader, raw: object, path: KeyPath) -> MqlRule | None:
    where = (*path, "mql")
    if raw is None:
        reader.fail(where, "required key is missing")
        return None
    before = reader.mark()
    data = reader.mapping(raw, where, _MQL_KEYS)
    if data is None:
        return None
    grade = data.get("min_grade")
    if grade is not None:
        if not isinstance(grade, str):
            reader.fail(
                (*where, "min_grade"), f"expected a grade such as 'B+', got {type_name(grade)}"
            )
            grade = None
        else:
            try:
                grade = grade_letter(grade)
            except ValidationError as err:
                reader.fail((*where, "min_grade"), err.message)
                grade = None
    rule = {
        "min_score": _number(reader, data, "min_score", where),
        "min_grade": grade,
        "when": _condition(reader, data, "when", where),
        "or_when": _condition(reader, data, "or_when", where),
    }
    if not reader.clean_since(before) or reader.problems:
        return None
    return reader.attempt(where, MqlRule, **rule)


def _policy(reader: Reader, data: Mapping[str, Any], path: KeyPath) -> StagePolicy | None:
    reader.mapping(data, path, _POLICY_KEYS)
    check_schema(reader, data, path)
    kwargs: dict[str, Any] = {}
    name = data.get("name", "default")
    if not isinstance(name, str) or not name.strip():
        reader.fail((*path, "name"), "expected a non-empty string")
    kwargs["name"] = name
    mql = _mql(reader, data.get("mql"), path)
    for key in ("sgl_when", "disqualify_when"):
        kwargs[key] = _condition(reader, data, key, path)
    hours = _number(reader, data, "accept_within_hours", path)
    if hours is not None and not hours > 0:
        reader.fail((*path, "accept_within_hours"), "expected hours > 0")
    kwargs["accept_within_hours"] = hours
    days = reader.number(data, "requalify_after_days", path, integer=True)
    if days is not None and days < 0:
        reader.fail((*path, "requalify_after_days"), "expected days >= 0")
    if days is not None:
        kwargs["requalify_after_days"] = days
    if reader.problems or mql is None:
        return None
    return reader.attempt(path, StagePolicy, mql=mql, **kwargs)


def load_stage_policy(
    source: str | Path | Mapping[str, Any], *, path: PathLike = ""
) -> StagePolicy:
    """Read a policy from a ``.toml`` / ``.json`` file or from plain data.

    Every problem is reported at once in a :class:`~leadkit.errors.LoadError`, each with
    the path of the bad key (``mql.or_when.events``, ``accept_within_hours``). The file
    may carry ``schema = 1``; a newer schema is refused.

    >>> policy = load_stage_policy({"mql": {"min_score": 100, "min_grade": "B"},
    ...                             "accept_within_hours": 8})
    >>> policy.mql.min_grade, policy.accept_within_hours
    ('B', 8)
    """
    root = _as_path(path)
    data = (
        load_data(source)
        if isinstance(source, str | Path)
        else check_plain(source, what="stage policy", where=root)
    )
    where = root or ((str(source),) if isinstance(source, str | Path) else ())
    reader = Reader()
    if not isinstance(data, Mapping):
        reader.fail(where or ("policy",), f"expected an object, got {type_name(data)}")
        reader.raise_if_any("stage policy")
    policy = _policy(reader, data, root)
    if policy is None:
        raise LoadError(reader.problems or [Problem(where, "invalid policy")], what="stage policy")
    return policy


# ---------------------------------------------------------------------------------------------
# Working calendars
# ---------------------------------------------------------------------------------------------


def _clock(moment: time) -> str:
    """``"09:00"``, or ``"09:00:30"`` / ``"09:00:30.250000"`` when the time has them:
    as short as it can be without losing anything."""
    if moment.microsecond:
        return moment.isoformat(timespec="microseconds")
    return moment.isoformat(timespec="seconds" if moment.second else "minutes")


def dump_calendar(calendar: WorkingCalendar) -> dict[str, Any]:
    """A calendar as plain data: times as ``"09:00"`` (with seconds when it has them),
    holidays as sorted ISO dates; :func:`load_calendar` reads it back equal.

    >>> from datetime import time
    >>> data = dump_calendar(WorkingCalendar(start=time(8, 30, 15), end=time(17)))
    >>> data["start"], data["end"]
    ('08:30:15', '17:00')
    >>> load_calendar(data) == WorkingCalendar(start=time(8, 30, 15), end=time(17))
    True
    """
    return {
        "schema": RULE_SCHEMA_VERSION,
        "timezone": calendar.timezone,
        "weekdays": sorted(calendar.weekdays),
        "start": _clock(calendar.start),
        "end": _clock(calendar.end),
        "holidays": [d.isoformat() for d in sorted(calendar.holidays)],
    }


def load_calendar(data: object, *, path: PathLike = "calendar") -> WorkingCalendar:
    """Build a :class:`WorkingCalendar` from plain data (JSON, or TOML with its native
    times and dates), reporting every problem with its path."""
    root = _as_path(path)
    check_plain(data, what="WorkingCalendar", where=root)
    reader = Reader()
    mapping = reader.mapping(data, root, _CALENDAR_KEYS)
    if mapping is None:
        reader.raise_if_any("WorkingCalendar")
    assert mapping is not None
    check_schema(reader, mapping, root)
    kwargs: dict[str, Any] = {}
    if "timezone" in mapping:
        kwargs["timezone"] = mapping["timezone"]
    if "weekdays" in mapping:
        days = mapping["weekdays"]
        if not isinstance(days, list) or any(
            isinstance(d, bool) or not isinstance(d, int) for d in days
        ):
            reader.fail((*root, "weekdays"), "expected a list of 0 (Monday) to 6")
        else:
            kwargs["weekdays"] = days
    for key in ("start", "end"):
        if key in mapping:
            kwargs[key] = reader.time_of_day(mapping[key], (*root, key))
    if "holidays" in mapping:
        raw = mapping["holidays"]
        if not isinstance(raw, list):
            reader.fail((*root, "holidays"), "expected a list of dates")
            raw = []
        holidays = [reader.day(item, (*root, "holidays", i)) for i, item in enumerate(raw)]
        kwargs["holidays"] = holidays
    calendar = None if reader.problems else reader.attempt(root, WorkingCalendar, **kwargs)
    reader.raise_if_any("WorkingCalendar")
    assert calendar is not None
    return calendar


# ---------------------------------------------------------------------------------------------
# The converter
# ---------------------------------------------------------------------------------------------


def _structure_policy(data: object) -> StagePolicy:
    if not isinstance(data, Mapping):
        raise LoadError(
            [Problem((), f"expected an object, got {type_name(data)}")], what="stage policy"
        )
    return load_stage_policy(data)


PLAIN_CODECS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "StagePolicy": (dump_stage_policy, _structure_policy),
    "WorkingCalendar": (dump_calendar, lambda data: load_calendar(data, path=())),
}
"""How the one converter writes and reads the stage types (see :mod:`leadkit.io`)."""
