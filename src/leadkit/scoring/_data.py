"""Scoring models, grading profiles and schemes as plain data (TOML, JSON, dicts).

Reading never stops at the first mistake: every problem is collected with its path
(``rules[3].when.field``, ``groups[0].cap``, ``criteria[1].weight``) and reported in one
:class:`~leadkit.errors.LoadError`. Conditions use the plain-data form of
:mod:`leadkit.rules`; an event rule's ``events`` / ``where`` / ``within`` keys are those
of an ``events(...)`` condition.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from leadkit.errors import LeadkitError, LoadError, Problem, format_path
from leadkit.io import load_data
from leadkit.io._plain import check_plain
from leadkit.rules import Condition, EventExists, from_data, to_data
from leadkit.scoring._checks import MAX_POINTS
from leadkit.scoring._decay import Decay, HalfLife, InactivityDecay, LinearDecay
from leadkit.scoring._grading import Criterion, GradingProfile, GradingScheme
from leadkit.scoring._model import ScoringModel, model_problems
from leadkit.scoring._rules import EventRule, Group, ProfileRule, Rule

__all__ = [
    "SCHEMA_VERSION",
    "load_grading_profile",
    "load_grading_scheme",
    "load_scoring_model",
    "model_from_data",
    "model_to_data",
    "profile_from_data",
    "profile_to_data",
    "scheme_from_data",
    "scheme_to_data",
]

SCHEMA_VERSION = 1
"""The version of the plain-data form written by ``to_data``."""

T = TypeVar("T")

_MODEL_KEYS = (
    "schema",
    "name",
    "version",
    "description",
    "decay",
    "cap",
    "floor",
    "event_kinds",
    "groups",
    "rules",
)
_EVENT_RULE_KEYS = ("name", "events", "where", "within", "points", "per", "cap", "decays", "group")
_PROFILE_RULE_KEYS = ("name", "when", "points", "group")
_GROUP_KEYS = ("name", "cap", "description")
_DECAY_KEYS = {
    "half_life": ("kind", "days"),
    "linear": ("kind", "percent", "every_days"),
    "inactivity": ("kind", "days", "percent"),
}
_PROFILE_KEYS = ("schema", "name", "version", "description", "applies_to", "criteria")
_CRITERION_KEYS = ("name", "when", "weight")
_SCHEME_KEYS = ("schema", "name", "profiles")


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def _decay_to_data(decay: Decay) -> dict[str, Any]:
    if isinstance(decay, HalfLife):
        return {"kind": "half_life", "days": decay.days}
    if isinstance(decay, LinearDecay):
        return {"kind": "linear", "percent": decay.percent, "every_days": decay.every_days}
    return {"kind": "inactivity", "days": decay.days, "percent": decay.percent}


def _rule_to_data(rule: Rule) -> dict[str, Any]:
    data: dict[str, Any] = {"name": rule.name}
    if isinstance(rule, EventRule):
        data.update(to_data(rule.events))
        data["points"] = rule.points
        if rule.per != "event":
            data["per"] = rule.per
        if rule.cap is not None:
            data["cap"] = rule.cap
        if not rule.decays:
            data["decays"] = False
    else:
        data["when"] = to_data(rule.when)
        data["points"] = rule.points
    if rule.group is not None:
        data["group"] = rule.group
    return data


def model_to_data(model: ScoringModel) -> dict[str, Any]:
    """``model`` as JSON/TOML-compatible plain data (no nulls: absent means default)."""
    data: dict[str, Any] = {"schema": SCHEMA_VERSION, "name": model.name, "version": model.version}
    if model.description:
        data["description"] = model.description
    if model.decay is not None:
        data["decay"] = _decay_to_data(model.decay)
    if model.cap is not None:
        data["cap"] = model.cap
    if model.floor is not None:
        data["floor"] = model.floor
    if model.event_kinds is not None:
        data["event_kinds"] = list(model.event_kinds)
    if model.groups:
        groups = []
        for group in model.groups:
            item: dict[str, Any] = {"name": group.name}
            if group.cap is not None:
                item["cap"] = group.cap
            if group.description:
                item["description"] = group.description
            groups.append(item)
        data["groups"] = groups
    data["rules"] = [_rule_to_data(rule) for rule in model.rules]
    return data


def profile_to_data(profile: GradingProfile, *, schema: bool = True) -> dict[str, Any]:
    """``profile`` as JSON/TOML-compatible plain data."""
    data: dict[str, Any] = {"schema": SCHEMA_VERSION} if schema else {}
    data.update(name=profile.name, version=profile.version)
    if profile.description:
        data["description"] = profile.description
    if profile.applies_to is not None:
        data["applies_to"] = to_data(profile.applies_to)
    data["criteria"] = [
        {"name": c.name, "when": to_data(c.when), "weight": c.weight} for c in profile.criteria
    ]
    return data


def scheme_to_data(scheme: GradingScheme) -> dict[str, Any]:
    """``scheme`` as JSON/TOML-compatible plain data."""
    return {
        "schema": SCHEMA_VERSION,
        "name": scheme.name,
        "profiles": [profile_to_data(p, schema=False) for p in scheme.profiles],
    }


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def _join(path: str, key: str) -> str:
    if not path:
        return key
    return f"{path}{key}" if key.startswith("[") else f"{path}.{key}"


def _type_name(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), type(value).__name__)


class _Reader:
    """Reads plain data into objects, collecting every problem instead of stopping."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def mapping(self, data: object, path: str, keys: tuple[str, ...], what: str) -> bool:
        """True when ``data`` is a mapping; its unknown keys are recorded as problems."""
        if not isinstance(data, Mapping):
            self.fail(path, f"{what} is an object (a table), got {_type_name(data)}")
            return False
        for key in data:
            if key not in keys:
                self.fail(_join(path, str(key)), f"unknown key; expected one of {', '.join(keys)}")
        return True

    def text(self, data: Mapping[str, Any], key: str, path: str, *, required: bool) -> str | None:
        where = _join(path, key)
        if key not in data:
            if required:
                self.fail(where, "required key is missing")
            return None
        value = data[key]
        if not isinstance(value, str):
            hint = ' (quote it: "1")' if isinstance(value, int | float) else ""
            self.fail(where, f"expected a string, got {_type_name(value)}{hint}")
            return None
        return value

    def number(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> int | float | None:
        where = _join(path, key)
        if key not in data:
            if required:
                self.fail(where, "required key is missing")
            return None
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(where, f"expected a number, got {_type_name(value)}")
            return None
        if abs(value) > MAX_POINTS or not math.isfinite(value):
            self.fail(where, f"expected a finite number within ±{MAX_POINTS:.0e}, got {value!r}")
            return None
        return value

    def flag(self, data: Mapping[str, Any], key: str, path: str) -> bool | None:
        if key not in data:
            return None
        value = data[key]
        if not isinstance(value, bool):
            self.fail(_join(path, key), f"expected true or false, got {_type_name(value)}")
            return None
        return value

    def items(self, data: Mapping[str, Any], key: str, path: str, *, required: bool) -> list[Any]:
        where = _join(path, key)
        if key not in data:
            if required:
                self.fail(where, "required key is missing")
            return []
        value = data[key]
        if not isinstance(value, list):
            self.fail(where, f"expected an array, got {_type_name(value)}")
            return []
        return value

    def condition(self, data: object, path: str) -> Condition | None:
        try:
            return from_data(data, path=path)
        except LoadError as err:
            self.problems.extend(err.problems)
        except LeadkitError as err:  # pragma: no cover - from_data raises LoadError only
            self.fail(path, err.message)
        return None

    def build(self, path: str, make: Any, *args: Any, **kwargs: Any) -> Any:
        """``make(*args, **kwargs)``, or None with its error recorded under ``path``."""
        try:
            return make(*args, **kwargs)
        except LoadError as err:
            self.problems.extend(p.at(path) for p in err.problems)
        except LeadkitError as err:
            self.fail(_join(path, format_path(err.path)) if err.path else path, err.message)
        return None

    def raise_if_any(self, what: str) -> None:
        if self.problems:
            raise LoadError(self.problems, what=what)


def _options(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _schema(reader: _Reader, data: Mapping[str, Any], path: str) -> None:
    if "schema" in data:
        schema = data["schema"]
        if isinstance(schema, bool) or schema != SCHEMA_VERSION:
            reader.fail(_join(path, "schema"), f"expected schema {SCHEMA_VERSION}, got {schema!r}")


def _decay(reader: _Reader, data: object, path: str) -> Decay | None:
    if not isinstance(data, Mapping):
        reader.fail(
            path,
            f'decay is an object such as {{kind = "half_life", days = 90}}, got {_type_name(data)}',
        )
        return None
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in _DECAY_KEYS:
        reader.fail(_join(path, "kind"), f"expected one of {', '.join(_DECAY_KEYS)}, got {kind!r}")
        return None
    before = len(reader.problems)
    reader.mapping(data, path, _DECAY_KEYS[kind], "decay")
    numbers = {k: reader.number(data, k, path, required=True) for k in _DECAY_KEYS[kind][1:]}
    if len(reader.problems) > before:
        return None
    if kind == "half_life":
        made: Decay | None = reader.build(path, HalfLife, numbers["days"])
    elif kind == "linear":
        made = reader.build(path, LinearDecay, numbers["percent"], every_days=numbers["every_days"])
    else:
        made = reader.build(path, InactivityDecay, numbers["days"], percent=numbers["percent"])
    return made


def _group(reader: _Reader, data: object, path: str) -> Group | None:
    before = len(reader.problems)
    if not reader.mapping(data, path, _GROUP_KEYS, "a group"):
        return None
    assert isinstance(data, Mapping)
    name = reader.text(data, "name", path, required=True)
    cap = reader.number(data, "cap", path)
    description = reader.text(data, "description", path, required=False)
    if name is None or len(reader.problems) > before:
        return None
    made: Group | None = reader.build(
        path, Group, name, **_options(cap=cap, description=description)
    )
    return made


def _rule(reader: _Reader, data: object, path: str) -> Rule | None:
    if not isinstance(data, Mapping):
        reader.fail(path, f"a rule is an object (a table), got {_type_name(data)}")
        return None
    event_rule = "events" in data
    if not event_rule and "when" not in data:
        reader.fail(
            path,
            "a rule has events (points per engagement event) or when (points when a "
            "condition on the lead holds)",
        )
        return None
    keys = _EVENT_RULE_KEYS if event_rule else _PROFILE_RULE_KEYS
    before = len(reader.problems)
    reader.mapping(data, path, keys, "a rule")
    name = reader.text(data, "name", path, required=True)
    points = reader.number(data, "points", path, required=True)
    group = reader.text(data, "group", path, required=False)
    if event_rule:
        selection = {k: data[k] for k in ("events", "where", "within") if k in data}
        selected = reader.condition(selection, path)
        per = reader.text(data, "per", path, required=False)
        cap = reader.number(data, "cap", path)
        decays = reader.flag(data, "decays", path)
        if len(reader.problems) > before or not isinstance(selected, EventExists):
            return None
        made: Rule | None = reader.build(
            path,
            EventRule,
            name,
            selected,
            points=points,
            **_options(per=per, cap=cap, decays=decays, group=group),
        )
        return made
    when = reader.condition(data["when"], _join(path, "when"))
    if len(reader.problems) > before or when is None:
        return None
    made = reader.build(path, ProfileRule, name, when, points=points, **_options(group=group))
    return made


def model_from_data(data: object, *, path: str = "", what: str = "scoring model") -> ScoringModel:
    """Build a :class:`ScoringModel` from plain data, or raise :class:`LoadError` listing
    every problem with its path. Never raises anything but a ``LeadkitError``."""
    reader = _Reader()
    if not reader.mapping(data, path, _MODEL_KEYS, "a scoring model"):
        reader.raise_if_any(what)
    assert isinstance(data, Mapping)
    _schema(reader, data, path)
    name = reader.text(data, "name", path, required=True)
    version = reader.text(data, "version", path, required=False)
    description = reader.text(data, "description", path, required=False)
    decay = _decay(reader, data["decay"], _join(path, "decay")) if "decay" in data else None
    cap = reader.number(data, "cap", path)
    floor = reader.number(data, "floor", path)
    event_kinds: list[str] | None = None
    kinds_read = len(reader.problems)
    if "event_kinds" in data:
        event_kinds = []
        for index, kind in enumerate(reader.items(data, "event_kinds", path, required=True)):
            where = _join(_join(path, "event_kinds"), f"[{index}]")
            if not isinstance(kind, str) or not kind.strip():
                reader.fail(where, f"an event kind is a non-empty string, got {kind!r}")
            elif kind in event_kinds:
                reader.fail(where, f"{kind!r} is listed twice")
            else:
                event_kinds.append(kind)
    kinds_ok = len(reader.problems) == kinds_read  # else unknown-kind reports would mislead
    groups = [
        _group(reader, item, _join(_join(path, "groups"), f"[{index}]"))
        for index, item in enumerate(reader.items(data, "groups", path, required=False))
    ]
    rule_items = reader.items(data, "rules", path, required=True)
    if "rules" in data and isinstance(data["rules"], list) and not rule_items:
        reader.fail(_join(path, "rules"), "a model needs at least one rule")
    rules = [
        _rule(reader, item, _join(_join(path, "rules"), f"[{index}]"))
        for index, item in enumerate(rule_items)
    ]
    written_kinds = {
        index: [item["events"]] if isinstance(item["events"], str) else item["events"]
        for index, item in enumerate(rule_items)
        if isinstance(item, Mapping) and isinstance(item.get("events"), str | list)
    }
    kinds = None if event_kinds is None else tuple(event_kinds)
    if kinds == () and "event_kinds" in data and isinstance(data["event_kinds"], list):
        reader.fail(_join(path, "event_kinds"), "list at least one kind, or leave event_kinds out")
    for problem in model_problems(
        rules=rules,
        groups=groups,
        event_kinds=(kinds or None) if kinds_ok else None,
        cap=cap,
        floor=floor,
        written_kinds=written_kinds,
    ):
        reader.fail(_join(path, format_path(problem.path)), problem.message)
    reader.raise_if_any(what)
    model: ScoringModel | None = reader.build(
        path,
        ScoringModel,
        name,
        rules,
        groups=groups,
        event_kinds=kinds,
        **_options(version=version, description=description, decay=decay, cap=cap, floor=floor),
    )
    reader.raise_if_any(what)
    assert model is not None
    return model


def _criterion(reader: _Reader, data: object, path: str) -> Criterion | None:
    before = len(reader.problems)
    if not reader.mapping(data, path, _CRITERION_KEYS, "a criterion"):
        return None
    assert isinstance(data, Mapping)
    name = reader.text(data, "name", path, required=True)
    weight = data.get("weight", 1)
    if isinstance(weight, bool) or weight not in (1, 2, 3) or not isinstance(weight, int):
        reader.fail(
            _join(path, "weight"), f"a weight is 1, 2 or 3 (thirds of a letter), got {weight!r}"
        )
    if "when" not in data:
        reader.fail(_join(path, "when"), "required key is missing")
        return None
    when = reader.condition(data["when"], _join(path, "when"))
    if len(reader.problems) > before or when is None:
        return None
    made: Criterion | None = reader.build(path, Criterion, name, when, weight=weight)
    return made


def _profile(reader: _Reader, data: object, path: str) -> GradingProfile | None:
    before = len(reader.problems)
    if not reader.mapping(data, path, _PROFILE_KEYS, "a grading profile"):
        return None
    assert isinstance(data, Mapping)
    _schema(reader, data, path)
    name = reader.text(data, "name", path, required=True)
    version = reader.text(data, "version", path, required=False)
    description = reader.text(data, "description", path, required=False)
    applies_to = None
    if "applies_to" in data:
        applies_to = reader.condition(data["applies_to"], _join(path, "applies_to"))
    items = reader.items(data, "criteria", path, required=True)
    if "criteria" in data and isinstance(data["criteria"], list) and not items:
        reader.fail(_join(path, "criteria"), "a profile needs at least one criterion")
    criteria = [
        _criterion(reader, item, _join(_join(path, "criteria"), f"[{index}]"))
        for index, item in enumerate(items)
    ]
    if len(reader.problems) > before:
        return None
    made: GradingProfile | None = reader.build(
        path,
        GradingProfile,
        name,
        criteria,
        **_options(version=version, description=description, applies_to=applies_to),
    )
    return made


def profile_from_data(
    data: object, *, path: str = "", what: str = "grading profile"
) -> GradingProfile:
    """Build a :class:`GradingProfile` from plain data, or raise :class:`LoadError`."""
    reader = _Reader()
    profile = _profile(reader, data, path)
    reader.raise_if_any(what)
    assert profile is not None
    return profile


def scheme_from_data(
    data: object, *, path: str = "", what: str = "grading scheme"
) -> GradingScheme:
    """Build a :class:`GradingScheme` from plain data, or raise :class:`LoadError`."""
    reader = _Reader()
    if not reader.mapping(data, path, _SCHEME_KEYS, "a grading scheme"):
        reader.raise_if_any(what)
    assert isinstance(data, Mapping)
    _schema(reader, data, path)
    name = reader.text(data, "name", path, required=False)
    items = reader.items(data, "profiles", path, required=True)
    profiles = [
        _profile(reader, item, _join(_join(path, "profiles"), f"[{index}]"))
        for index, item in enumerate(items)
    ]
    reader.raise_if_any(what)
    scheme: GradingScheme | None = reader.build(
        path, GradingScheme, profiles, **_options(name=name)
    )
    reader.raise_if_any(what)
    assert scheme is not None
    return scheme


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------

Source = str | os.PathLike[str] | Mapping[str, Any]


def _read(source: object, what: str) -> tuple[object, str]:
    if isinstance(source, Mapping):
        return check_plain(source, what=what), what
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        return load_data(path), path.name
    raise LoadError(
        [Problem("", f"expected a file path or a mapping of plain data, got {_type_name(source)}")],
        what=what,
    )


def load_scoring_model(source: Source) -> ScoringModel:
    """A :class:`ScoringModel` from a ``.toml`` / ``.json`` file or from plain data.

    Every mistake (unknown key, wrong type, bad condition, unknown group, unknown event
    kind of a closed model) is reported in one :class:`~leadkit.errors.LoadError` that
    names each path: ``rules[3].when.field: Lead has no field 'employes' ...``.
    """
    data, what = _read(source, "scoring model")
    return model_from_data(data, what=what)


def load_grading_profile(source: Source) -> GradingProfile:
    """A :class:`GradingProfile` from a ``.toml`` / ``.json`` file or from plain data."""
    data, what = _read(source, "grading profile")
    return profile_from_data(data, what=what)


def load_grading_scheme(source: Source) -> GradingScheme:
    """A :class:`GradingScheme` (``profiles = [...]``) from a file or plain data."""
    data, what = _read(source, "grading scheme")
    return scheme_from_data(data, what=what)
