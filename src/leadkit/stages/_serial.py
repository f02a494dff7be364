"""Hooks that teach the one converter (:mod:`leadkit.io`) the stage types it cannot
derive on its own: policies (they hold conditions) and working calendars (times of day).

Histories and transitions need none: their fields are plain types the converter knows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from typing import Any

from leadkit.errors import LoadError, Problem, format_path
from leadkit.io import converter
from leadkit.io._plain import check_plain
from leadkit.stages._calendar import WorkingCalendar
from leadkit.stages._errors import StageError
from leadkit.stages._policy import StagePolicy, dump_stage_policy, load_stage_policy

__all__ = ["dump_calendar", "load_calendar"]

_CALENDAR_KEYS = ("timezone", "weekdays", "start", "end", "holidays")


def dump_calendar(calendar: WorkingCalendar) -> dict[str, Any]:
    """A calendar as plain data: times as ``"09:00"``, holidays as sorted ISO dates."""
    return {
        "timezone": calendar.timezone,
        "weekdays": sorted(calendar.weekdays),
        "start": calendar.start.isoformat(timespec="minutes"),
        "end": calendar.end.isoformat(timespec="minutes"),
        "holidays": [d.isoformat() for d in sorted(calendar.holidays)],
    }


def _at(path: str, key: str) -> str:
    if key.startswith("["):
        return f"{path}{key}"
    return f"{path}.{key}" if path else key


def _time_of_day(value: object, path: str, problems: list[Problem]) -> time | None:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            pass
    problems.append(Problem(path, f"expected a time of day such as '09:00', got {value!r}"))
    return None


def load_calendar(data: object, *, path: str = "calendar") -> WorkingCalendar:
    """Build a :class:`WorkingCalendar` from plain data (JSON, or TOML with its native
    times and dates), reporting every problem with its path."""
    check_plain(data, what="WorkingCalendar", where=path)
    if not isinstance(data, Mapping):
        raise LoadError(
            [Problem(path, f"expected an object, got {type(data).__name__}")],
            what="WorkingCalendar",
        )
    problems: list[Problem] = [
        Problem(_at(path, str(key)), f"unknown key; expected one of {', '.join(_CALENDAR_KEYS)}")
        for key in data
        if key not in _CALENDAR_KEYS
    ]
    kwargs: dict[str, Any] = {}
    if "timezone" in data:
        kwargs["timezone"] = data["timezone"]
    if "weekdays" in data:
        days = data["weekdays"]
        if not isinstance(days, list) or any(
            isinstance(d, bool) or not isinstance(d, int) for d in days
        ):
            problems.append(Problem(_at(path, "weekdays"), "expected a list of 0 (Monday) to 6"))
        else:
            kwargs["weekdays"] = days
    for key in ("start", "end"):
        if key in data:
            kwargs[key] = _time_of_day(data[key], _at(path, key), problems)
    if "holidays" in data:
        holidays: list[date] = []
        raw = data["holidays"]
        if not isinstance(raw, list):
            problems.append(Problem(_at(path, "holidays"), "expected a list of dates"))
            raw = []
        for index, item in enumerate(raw):
            if isinstance(item, date):
                holidays.append(item)
                continue
            try:
                holidays.append(date.fromisoformat(item))
            except (TypeError, ValueError):
                problems.append(
                    Problem(_at(path, f"holidays[{index}]"), f"expected a date, got {item!r}")
                )
        kwargs["holidays"] = holidays
    if not problems:
        try:
            return WorkingCalendar(**kwargs)
        except StageError as err:
            key = format_path(err.path).removeprefix("WorkingCalendar").lstrip(".")
            problems.append(Problem(_at(path, key) if key else path, err.message))
    raise LoadError(problems, what="WorkingCalendar")


def _structure_policy(data: object, _: type) -> StagePolicy:
    if not isinstance(data, Mapping):
        raise LoadError([Problem("", "expected an object")], what="stage policy")
    return load_stage_policy(data)


def _structure_calendar(data: object, _: type) -> WorkingCalendar:
    return load_calendar(data, path="")


converter.register_unstructure_hook(StagePolicy, dump_stage_policy)
converter.register_structure_hook(StagePolicy, _structure_policy)
converter.register_unstructure_hook(WorkingCalendar, dump_calendar)
converter.register_structure_hook(WorkingCalendar, _structure_calendar)
