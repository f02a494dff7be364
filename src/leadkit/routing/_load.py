"""Assignment rule sets as plain data (TOML, JSON, dicts) and back, with errors that
name the path of every bad key (``entries[2].target.members[1]``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from leadkit.errors import LeadkitError, LoadError, Problem, format_path
from leadkit.io import load_data
from leadkit.io._plain import check_plain
from leadkit.model import OwnerKind, OwnerRef
from leadkit.routing._rules import AssignmentRules, RuleEntry, Target
from leadkit.routing._strategies import (
    CapacityBased,
    Caps,
    LeastLoaded,
    RoundRobin,
    Strategy,
    WeightedRoundRobin,
)
from leadkit.rules import Criteria, from_data, to_data

__all__ = ["dump_assignment_rules", "load_assignment_rules"]

_TOP_KEYS = ("name", "default_owner", "entries")
_ENTRY_KEYS = ("name", "when", "criteria", "logic", "target", "keep_owner")
_TARGET_KEYS = ("strategy", "members", "weights", "fallback", "pool", "caps")
_CAP_KEYS = ("max_open", "per_day", "per_week")
_STRATEGY_TYPES: dict[str, type[RoundRobin | LeastLoaded | CapacityBased]] = {
    "round_robin": RoundRobin,
    "least_loaded": LeastLoaded,
    "capacity": CapacityBased,
}
_STRATEGY_NAMES = ("round_robin", "weighted", "least_loaded", "capacity")


class _Bad(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def _type_name(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _owner(value: object, path: str) -> OwnerRef:
    if isinstance(value, str) and ":" in value:
        kind, _, ident = value.partition(":")
        if kind in ("user", "queue") and ident.strip():
            return OwnerRef(OwnerKind(kind), ident.strip())
    raise _Bad(path, f"an owner is 'user:<id>' or 'queue:<id>', got {value!r}")


def _object(value: object, path: str, keys: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _Bad(path, f"expected an object, got {_type_name(value)}")
    for key in value:
        if key not in keys:
            raise _Bad(f"{path}.{key}", f"unknown key; expected one of {', '.join(keys)}")
    return value


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def attempt(self, build: Callable[[], Any], path: str) -> Any:
        """Run ``build``; record its problems (with paths) and return None on failure."""
        try:
            return build()
        except _Bad as bad:
            self.problems.append(Problem(bad.path, bad.message))
        except LoadError as err:
            self.problems.extend(err.problems)
        except LeadkitError as err:
            where = f"{path}.{format_path(err.path)}" if err.path else path
            self.problems.append(Problem(where, err.message))
        return None

    def rules(self, data: object) -> AssignmentRules | None:
        top = self.attempt(lambda: _object(data, "rules", _TOP_KEYS), "rules")
        if top is None:
            return None
        name = top.get("name", "")
        if not isinstance(name, str):
            self.problems.append(Problem("name", f"expected a string, got {_type_name(name)}"))
        default = None
        if "default_owner" not in top:
            self.problems.append(Problem("default_owner", "required: who takes unmatched leads"))
        else:
            default = self.attempt(lambda: _owner(top["default_owner"], "default_owner"), "")
        raw = top.get("entries", [])
        if not isinstance(raw, list):
            self.problems.append(Problem("entries", f"expected an array, got {_type_name(raw)}"))
            raw = []
        entries = [self.entry(item, f"entries[{i}]") for i, item in enumerate(raw)]
        if self.problems or default is None:
            return None
        return AssignmentRules(entries, default_owner=default, name=name)  # type: ignore[arg-type]

    def entry(self, data: object, path: str) -> RuleEntry | None:
        item = self.attempt(lambda: _object(data, path, _ENTRY_KEYS), path)
        if item is None:
            return None
        when = None
        if ("when" in item) == ("criteria" in item):
            self.problems.append(Problem(path, "give either when (one condition) or criteria"))
        elif "when" in item:
            if "logic" in item:
                self.problems.append(Problem(f"{path}.logic", "logic goes with criteria"))
            when = self.attempt(lambda: from_data(item["when"], path=f"{path}.when"), path)
        else:
            node = {"criteria": item["criteria"]}
            if "logic" in item:
                node["logic"] = item["logic"]
            # from_data names the criteria's paths from ``path``: entries[1].criteria[0].field
            when = self.attempt(lambda: from_data(node, path=path), path)
        if "target" not in item:
            self.problems.append(Problem(f"{path}.target", "required: a user, queue or strategy"))
            target = None
        else:
            target = self.attempt(
                lambda: _target(item["target"], f"{path}.target"), f"{path}.target"
            )
        keep = item.get("keep_owner", False)
        if not isinstance(keep, bool):
            self.problems.append(
                Problem(f"{path}.keep_owner", f"expected true or false, got {_type_name(keep)}")
            )
        name = item.get("name", "")
        if not isinstance(name, str):
            self.problems.append(
                Problem(f"{path}.name", f"expected a string, got {_type_name(name)}")
            )
        if (
            when is None
            or target is None
            or not isinstance(keep, bool)
            or not isinstance(name, str)
        ):
            return None
        entry: RuleEntry | None = self.attempt(
            lambda: RuleEntry(when, target, name=name, keep_owner=keep), path
        )
        return entry


def _int_or_none(value: object, path: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(path, f"expected a whole number, got {_type_name(value)}")
    return value


def _target(data: object, path: str) -> Target:
    if isinstance(data, str):
        return _owner(data, path)
    target = _object(data, path, _TARGET_KEYS)
    kind = target.get("strategy")
    if kind not in _STRATEGY_NAMES:
        raise _Bad(
            f"{path}.strategy", f"expected one of {', '.join(_STRATEGY_NAMES)}, got {kind!r}"
        )
    options: dict[str, Any] = {}
    if "fallback" in target:
        options["fallback"] = _owner(target["fallback"], f"{path}.fallback")
    if "pool" in target:
        options["pool"] = target["pool"]
    if "caps" in target:
        caps = _object(target["caps"], f"{path}.caps", _CAP_KEYS)
        options["caps"] = Caps(**{k: _int_or_none(v, f"{path}.caps.{k}") for k, v in caps.items()})
    if kind == "weighted":
        if "members" in target:
            raise _Bad(f"{path}.members", "weighted turns take weights, not members")
        raw = target.get("weights")
        if not isinstance(raw, Mapping):
            raise _Bad(
                f"{path}.weights",
                f"expected an object of user id to weight, got {_type_name(raw)}",
            )
        weights = _object(raw, f"{path}.weights", tuple(raw))
        return WeightedRoundRobin(dict(weights), **options)
    if "weights" in target:
        raise _Bad(f"{path}.weights", f"only weighted turns take weights, not {kind}")
    if "members" not in target:
        raise _Bad(f"{path}.members", "required: the user ids of the team")
    members = target["members"]
    if not isinstance(members, list):
        raise _Bad(f"{path}.members", f"expected an array of user ids, got {_type_name(members)}")
    return _STRATEGY_TYPES[kind](tuple(members), **options)


def load_assignment_rules(source: str | Path | Mapping[str, Any]) -> AssignmentRules:
    """An :class:`AssignmentRules` from a ``.toml`` / ``.json`` file or plain data.

    Raises :class:`~leadkit.errors.LoadError` listing every problem with its path
    (``entries[2].criteria[0].field``, ``entries[3].target.caps.per_day``).
    """
    data = (
        load_data(source)
        if isinstance(source, str | Path)
        else check_plain(source, what="assignment rules")
    )
    reader = _Reader()
    rules = reader.rules(data)
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


def _target_data(target: Target) -> Any:
    if isinstance(target, OwnerRef):
        return str(target)
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
    data: dict[str, Any] = {"default_owner": str(rules.default_owner), "entries": entries}
    if rules.name:
        data = {"name": rules.name, **data}
    return data
