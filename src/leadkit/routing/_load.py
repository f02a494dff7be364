"""Assignment rule sets as plain data (TOML, JSON, dicts) and back, with errors that
name the path of every bad key (``entries[2].target.members[1]``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from leadkit.errors import KeyPath, LoadError, Problem, ValidationError
from leadkit.io import load_data
from leadkit.io._files import source_name
from leadkit.io._plain import check_plain
from leadkit.io._reader import RULE_SCHEMA_VERSION, Reader, check_schema, mapping_codec, type_name
from leadkit.model import OwnerRef
from leadkit.routing._availability import Availability, Leave, WorkingHours
from leadkit.routing._rules import AssignmentRules, AssignmentTarget, RuleEntry
from leadkit.routing._strategies import (
    AccountOwner,
    CapacityBased,
    Caps,
    LeastLoaded,
    RoundRobin,
    Strategy,
    WeightedRoundRobin,
)
from leadkit.rules import Criteria, to_data
from leadkit.rules._data import read_condition

__all__ = [
    "dump_assignment_rules",
    "dump_availability",
    "dump_team_availability",
    "load_assignment_rules",
    "load_availability",
    "load_team_availability",
]

_TOP_KEYS = ("schema", "name", "default_owner", "entries")
_ENTRY_KEYS = ("name", "when", "criteria", "logic", "target", "keep_owner")
_TARGET_KEYS = ("strategy", "members", "weights", "fallback", "pool", "caps")
_CAP_KEYS = ("max_open", "per_day", "per_week")
_STRATEGY_TYPES: dict[str, type[RoundRobin | LeastLoaded | CapacityBased]] = {
    "round_robin": RoundRobin,
    "least_loaded": LeastLoaded,
    "capacity": CapacityBased,
}
_STRATEGY_NAMES = ("round_robin", "weighted", "least_loaded", "capacity", "account_owner")


def _owner(reader: Reader, value: object, path: KeyPath) -> OwnerRef | None:
    try:
        return OwnerRef.parse(value, path=path)  # type: ignore[arg-type]
    except ValidationError as err:
        reader.fail(path, err.message)
    return None


def _rules(reader: Reader, data: object) -> AssignmentRules | None:
    top = reader.mapping(data, "rules", _TOP_KEYS)
    if top is None or reader.problems:
        return None
    check_schema(reader, top)
    name = top.get("name", "")
    if not isinstance(name, str):
        reader.fail("name", f"expected a string, got {type_name(name)}")
    default = None
    if "default_owner" not in top:
        reader.fail("default_owner", "required: who takes unmatched leads")
    else:
        default = _owner(reader, top["default_owner"], ("default_owner",))
    raw = top.get("entries", [])
    if not isinstance(raw, list):
        reader.fail("entries", f"expected an array, got {type_name(raw)}")
        raw = []
    entries = [_entry(reader, item, ("entries", i)) for i, item in enumerate(raw)]
    if reader.problems or default is None:
        return None
    return reader.attempt((), AssignmentRules, entries, default_owner=default, name=name)


def _entry(reader: Reader, data: object, path: KeyPath) -> RuleEntry | None:
    before = reader.mark()
    item = reader.mapping(data, path, _ENTRY_KEYS)
    if item is None or not reader.clean_since(before):
        return None
    when = None
    if ("when" in item) == ("criteria" in item):
        reader.fail(path, "give either when (one condition) or criteria")
    elif "when" in item:
        if "logic" in item:
            reader.fail((*path, "logic"), "logic goes with criteria")
        when = read_condition(reader, item["when"], (*path, "when"))
    else:
        node = {"criteria": item["criteria"]}
        if "logic" in item:
            node["logic"] = item["logic"]
        # The criteria's paths are named from the entry: entries[1].criteria[0].field
        when = read_condition(reader, node, path)
    target = None
    if "target" not in item:
        reader.fail((*path, "target"), "required: a user, queue or strategy")
    else:
        target = _target(reader, item["target"], (*path, "target"))
    keep = reader.flag(item, "keep_owner", path)
    name = reader.text(item, "name", path)
    if when is None or target is None or not reader.clean_since(before):
        return None
    return reader.attempt(path, RuleEntry, when, target, name=name or "", keep_owner=bool(keep))


def _account_owner(
    reader: Reader, target: Mapping[str, Any], path: KeyPath, before: int
) -> AccountOwner | None:
    """``{strategy = "account_owner", fallback = "user:u-9" | {strategy = ...}}``."""
    for key in target:
        if key not in ("strategy", "fallback"):
            reader.fail((*path, key), "the account owner takes only a fallback")
    fallback: Any = None
    if "fallback" in target:
        raw = target["fallback"]
        where = (*path, "fallback")
        if isinstance(raw, Mapping) and raw.get("strategy") == "account_owner":
            reader.fail((*where, "strategy"), "the fallback is a user, a queue or a team")
        else:
            fallback = _target(reader, raw, where)
    if not reader.clean_since(before):
        return None
    return reader.attempt(path, AccountOwner, fallback=fallback)


def _target(reader: Reader, data: object, path: KeyPath) -> AssignmentTarget | None:
    if isinstance(data, str):
        return _owner(reader, data, path)
    before = reader.mark()
    target = reader.mapping(data, path, _TARGET_KEYS)
    if target is None or not reader.clean_since(before):
        return None
    kind = target.get("strategy")
    if kind not in _STRATEGY_NAMES:
        reader.fail(
            (*path, "strategy"), f"expected one of {', '.join(_STRATEGY_NAMES)}, got {kind!r}"
        )
        return None
    if kind == "account_owner":
        return _account_owner(reader, target, path, before)
    options: dict[str, Any] = {}
    if "fallback" in target:
        options["fallback"] = _owner(reader, target["fallback"], (*path, "fallback"))
    if "pool" in target:
        options["pool"] = target["pool"]
    if "caps" in target:
        caps = reader.mapping(target["caps"], (*path, "caps"), _CAP_KEYS)
        if caps is not None:
            limits = {k: reader.number(caps, k, (*path, "caps"), integer=True) for k in caps}
            options["caps"] = reader.attempt((*path, "caps"), Caps, **limits)
    if kind == "weighted":
        if "members" in target:
            reader.fail((*path, "members"), "weighted turns take weights, not members")
        raw = target.get("weights")
        if not isinstance(raw, Mapping):
            reader.fail(
                (*path, "weights"),
                f"expected an object of user id to weight, got {type_name(raw)}",
            )
        if not reader.clean_since(before):
            return None
        assert isinstance(raw, Mapping)
        return reader.attempt(path, WeightedRoundRobin, dict(raw), **options)
    if "weights" in target:
        reader.fail((*path, "weights"), f"only weighted turns take weights, not {kind}")
    if "members" not in target:
        reader.fail((*path, "members"), "required: the user ids of the team")
    members = target.get("members", [])
    if not isinstance(members, list):
        reader.fail((*path, "members"), f"expected an array of user ids, got {type_name(members)}")
    if not reader.clean_since(before):
        return None
    made = reader.attempt(path, _STRATEGY_TYPES[kind], tuple(members), **options)
    return made  # type: ignore[return-value]  # one of the three strategy classes


def load_assignment_rules(source: str | Path | Mapping[str, Any]) -> AssignmentRules:
    """An :class:`AssignmentRules` from a ``.toml`` / ``.json`` file or plain data.

    Raises :class:`~leadkit.errors.LoadError` listing every problem with its path
    (``entries[2].criteria[0].field``, ``entries[3].target.caps.per_day``). The file may
    carry ``schema = 1``; a newer schema is refused.
    """
    data = (
        load_data(source)
        if isinstance(source, str | Path)
        else check_plain(source, what="assignment rules")
    )
    reader = Reader()
    rules = _rules(reader, data)
    if rules is None or reader.problems:
        raise LoadError(reader.problems or [Problem("rules", "invalid")], what="assignment rules")
    return rules


def _number(weight: Fraction) -> int | float | str:
    if weight.denominator == 1:
        return weight.numerator
    denominator = weight.denominator
    for factor in (2, 5):
        while denominator % factor == 0:
            denominator //= factor
    return float(weight) if denominator == 1 else f"{weight.numerator}/{weight.denominator}"


def _target_data(target: AssignmentTarget) -> Any:
    if isinstance(target, OwnerRef):
        return str(target)
    if isinstance(target, AccountOwner):
        owner: dict[str, Any] = {"strategy": target.kind}
        if target.fallback is not None:
            owner["fallback"] = _target_data(target.fallback)
        return owner
    strategy: Strategy = target
    data: dict[str, Any] = {}
    if isinstance(strategy, WeightedRoundRobin):
        data["strategy"] = "weighted"
        data["weights"] = {m: _number(w) for m, w in strategy.weights}
    else:
        data["strategy"] = strategy.kind
        data["members"] = list(strategy.members)
    if strategy.fallback is not None:
        data["fallback"] = str(strategy.fallback)
    if strategy.pool is not None:
        data["pool"] = strategy.pool
    caps = {
        k: getattr(strategy.caps, k) for k in _CAP_KEYS if getattr(strategy.caps, k) is not None
    }
    if caps:
        data["caps"] = caps
    return data


def dump_assignment_rules(rules: AssignmentRules) -> dict[str, Any]:
    """``rules`` as JSON-compatible plain data that :func:`load_assignment_rules` reads
    back to an equal rule set."""
    entries = []
    for entry in rules.entries:
        item: dict[str, Any] = {}
        if entry.name:
            item["name"] = entry.name
        if isinstance(entry.when, Criteria):
            item["criteria"] = [to_data(c) for c in entry.when.items]
            item["logic"] = str(entry.when.logic)
        else:
            item["when"] = to_data(entry.when)
        item["target"] = _target_data(entry.target)
        if entry.keep_owner:
            item["keep_owner"] = True
        entries.append(item)
    data: dict[str, Any] = {"schema": RULE_SCHEMA_VERSION}
    if rules.name:
        data["name"] = rules.name
    data.update(default_owner=str(rules.default_owner), entries=entries)
    return data


# ---------------------------------------------------------------------------------------------
# Availability
# ---------------------------------------------------------------------------------------------

_AVAILABILITY_KEYS = ("schema", "timezone", "hours", "leave")
_HOURS_KEYS = ("days", "start", "end")
_LEAVE_KEYS = ("start", "end")
_TEAM_KEYS = ("schema", "members")


def _availability_data(availability: Availability) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if availability.timezone is not None:
        data["timezone"] = availability.timezone
    if availability.hours:
        data["hours"] = [
            {
                "days": list(h.days),
                "start": h.start.isoformat(timespec="minutes" if not h.start.second else "seconds"),
                "end": h.end.isoformat(timespec="minutes" if not h.end.second else "seconds"),
            }
            for h in availability.hours
        ]
    if availability.leave:
        data["leave"] = [
            {"start": away.start.isoformat(), "end": away.end.isoformat()}
            for away in availability.leave
        ]
    return data


def dump_availability(availability: Availability) -> dict[str, Any]:
    """``availability`` as JSON/TOML-compatible plain data that :func:`load_availability`
    reads back to an equal object: times as ``"09:00"``, days of leave as ISO dates."""
    return {"schema": RULE_SCHEMA_VERSION, **_availability_data(availability)}


def dump_team_availability(team: Mapping[str, Availability]) -> dict[str, Any]:
    """A team's availability by user id (``{"members": {"u-1": {...}}}``), as plain data
    that :func:`load_team_availability` reads back."""
    return {
        "schema": RULE_SCHEMA_VERSION,
        "members": {user_id: _availability_data(a) for user_id, a in team.items()},
    }


def _hours(reader: Reader, data: object, path: KeyPath) -> WorkingHours | None:
    before = reader.mark()
    item = reader.mapping(data, path, _HOURS_KEYS)
    if item is None:
        return None
    for key in _HOURS_KEYS:
        if key not in item:
            reader.fail((*path, key), "required key is missing")
    days = reader.items(item, "days", path)
    start = reader.time_of_day(item["start"], (*path, "start")) if "start" in item else None
    end = reader.time_of_day(item["end"], (*path, "end")) if "end" in item else None
    if not reader.clean_since(before):
        return None
    return reader.attempt(path, WorkingHours, days, start, end)


def _leave(reader: Reader, data: object, path: KeyPath) -> Leave | None:
    before = reader.mark()
    item = reader.mapping(data, path, _LEAVE_KEYS)
    if item is None:
        return None
    ends = {}
    for key in _LEAVE_KEYS:
        if key not in item:
            reader.fail((*path, key), "required key is missing")
        else:
            ends[key] = reader.day(item[key], (*path, key))
    if not reader.clean_since(before):
        return None
    return reader.attempt(path, Leave, ends["start"], ends["end"])


def _read_availability(
    reader: Reader, data: object, path: KeyPath, keys: tuple[str, ...]
) -> Availability | None:
    before = reader.mark()
    item = reader.mapping(data, path, keys)
    if item is None:
        return None
    check_schema(reader, item, path)
    timezone = reader.text(item, "timezone", path)
    hours = [
        _hours(reader, h, (*path, "hours", i))
        for i, h in enumerate(reader.items(item, "hours", path))
    ]
    leave = [
        _leave(reader, v, (*path, "leave", i))
        for i, v in enumerate(reader.items(item, "leave", path))
    ]
    if not reader.clean_since(before):
        return None
    return reader.attempt(path, Availability, hours=hours, leave=leave, timezone=timezone)


def _source(source: str | Path | Mapping[str, Any], what: str) -> object:
    if isinstance(source, str | Path):
        return load_data(source)
    return check_plain(source, what=what)


def load_availability(source: str | Path | Mapping[str, Any]) -> Availability:
    """One member's :class:`Availability` from a ``.toml`` / ``.json`` file or plain data.

    Raises :class:`~leadkit.errors.LoadError` listing every problem with its path
    (``hours[0].start``, ``leave[1].end``).
    """
    reader = Reader()
    availability = _read_availability(
        reader, _source(source, "availability"), (), _AVAILABILITY_KEYS
    )
    reader.raise_if_any(source_name(source, "availability"))
    assert availability is not None
    return availability


def load_team_availability(source: str | Path | Mapping[str, Any]) -> dict[str, Availability]:
    """Each member's :class:`Availability` by user id (``[members."u-1"]`` tables), ready
    for ``Roster(users, availability=...)``; errors name ``members['u-1'].hours[0].end``."""
    reader = Reader()
    data = reader.mapping(_source(source, "team availability"), (), _TEAM_KEYS)
    team: dict[str, Availability] = {}
    if data is not None:
        check_schema(reader, data)
        members = data.get("members", {})
        if not isinstance(members, Mapping):
            reader.fail(
                "members",
                f"expected an object of user id to availability, got {type_name(members)}",
            )
            members = {}
        for user_id, item in members.items():
            found = _read_availability(
                reader, item, ("members", str(user_id)), _AVAILABILITY_KEYS[1:]
            )
            if found is not None:
                team[str(user_id)] = found
    reader.raise_if_any(source_name(source, "team availability"))
    return team


PLAIN_CODECS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "AssignmentRules": mapping_codec(
        dump_assignment_rules, load_assignment_rules, what="assignment rules"
    ),
    "Availability": mapping_codec(dump_availability, load_availability, what="availability"),
}
"""How the one converter writes and reads routing types (see :mod:`leadkit.io`)."""
