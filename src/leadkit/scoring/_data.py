"""Scoring models, grading profiles and schemes as plain data (TOML, JSON, dicts).

Reading never stops at the first mistake: every problem is collected with its path
(``rules[3].when.field``, ``groups[0].cap``, ``criteria[1].weight``) and reported in one
:class:`~leadkit.errors.LoadError`. Conditions use the plain-data form of
:mod:`leadkit.rules`; an event rule's ``events`` / ``where`` / ``within`` keys are those
of an ``events(...)`` condition.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from leadkit.errors import KeyPath, LoadError, PathLike, Problem, _as_path
from leadkit.io import load_data
from leadkit.io._plain import check_plain
from leadkit.io._reader import RULE_SCHEMA_VERSION, Reader, check_schema, mapping_codec, type_name
from leadkit.rules import Condition, EventExists, to_data
from leadkit.rules._data import read_condition
from leadkit.scoring._checks import MAX_POINTS
from leadkit.scoring._decay import Decay, HalfLife, InactivityDecay, LinearDecay
from leadkit.scoring._grading import Criterion, GradingProfile, GradingScheme
from leadkit.scoring._model import ScoringModel, model_problems
from leadkit.scoring._rules import EventRule, Group, ProfileRule, Rule

__all__ = [
    "RULE_SCHEMA_VERSION",
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
    data: dict[str, Any] = {
        "schema": RULE_SCHEMA_VERSION,
        "name": model.name,
        "version": model.version,
    }
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
    data: dict[str, Any] = {"schema": RULE_SCHEMA_VERSION} if schema else {}
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
        "schema": RULE_SCHEMA_VERSION,
        "name": scheme.name,
        "profiles": [profile_to_data(p, schema=False) for p in scheme.profiles],
    }


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def _number(
    reader: Reader, data: Mapping[str, Any], key: str, path: KeyPath, *, required: bool = False
) -> int | float | None:
    number: int | float | None = reader.number(data, key, path, required=required, limit=MAX_POINTS)
    return number


def _condition(reader: Reader, data: object, path: KeyPath) -> Condition | None:
    return read_condition(reader, data, path)


def _options(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _decay(reader: Reader, data: object, path: KeyPath) -> Decay | None:
    if not isinstance(data, Mapping):
        reader.fail(
            path,
            f'decay is an object such as {{kind = "half_life", days = 90}}, got {type_name(data)}',
        )
        return None
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in _DECAY_KEYS:
        reader.fail((*path, "kind"), f"expected one of {', '.join(_DECAY_KEYS)}, got {kind!r}")
        return None
    before = len(reader.problems)
    reader.mapping(data, path, _DECAY_KEYS[kind], "decay")
    numbers = {k: _number(reader, data, k, path, required=True) for k in _DECAY_KEYS[kind][1:]}
    if len(reader.problems) > before:
        return None
    if kind == "half_life":
        made: Decay | None = reader.attempt(path, HalfLife, numbers["days"])
    elif kind == "linear":
        made = reader.attempt(
            path, LinearDecay, numbers["percent"], every_days=numbers["every_days"]
        )
    else:
        made = reader.attempt(path, InactivityDecay, numbers["days"], percent=numbers["percent"])
    return made


def _group(reader: Reader, data: object, path: KeyPath) -> Group | None:
    before = len(reader.problems)
    if reader.mapping(data, path, _GROUP_KEYS, "a group") is None:
        return None
    assert isinstance(data, Mapping)
    name = reader.text(data, "name", path, required=True)
    cap = _number(reader, data, "cap", path)
    description = reader.text(data, "description", path, required=False)
    if name is None or len(reader.problems) > before:
        return None
    made: Group | None = reader.attempt(
        path, Group, name, **_options(cap=cap, description=description)
    )
    return made


def _rule(reader: Reader, data: object, path: KeyPath) -> Rule | None:
    if not isinstance(data, Mapping):
        reader.fail(path, f"a rule is an object (a table), got {type_name(data)}")
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
    points = _number(reader, data, "points", path, required=True)
    group = reader.text(data, "group", path, required=False)
    if event_rule:
        selection = {k: data[k] for k in ("events", "where", "within") if k in data}
        selected = _condition(reader, selection, path)
        per = reader.text(data, "per", path, required=False)
        cap = _number(reader, data, "cap", path)
        decays = reader.flag(data, "decays", path)
        if len(reader.problems) > before or not isinstance(selected, EventExists):
            return None
        made: Rule | None = reader.attempt(
            path,
            EventRule,
            name,
            selected,
            points=points,
            **_options(per=per, cap=cap, decays=decays, group=group),
        )
        return made
    when = _condition(reader, data["when"], (*path, "when"))
    if len(reader.problems) > before or when is None:
        return None
    made = reader.attempt(path, ProfileRule, name, when, points=points, **_options(group=group))
    return made


def model_from_data(
    data: object, *, path: PathLike = (), what: str = "scoring model"
) -> ScoringModel:
    """Build a :class:`ScoringModel` from plain data, or raise :class:`LoadError` listing
    every problem with its path. Never raises anything but a ``LeadkitError``."""
    path = _as_path(path)
    reader = Reader()
    if reader.mapping(data, path, _MODEL_KEYS, "a scoring model") is None:
        reader.raise_if_any(what)
    assert isinstance(data, Mapping)
    check_schema(reader, data, path)
    name = reader.text(data, "name", path, required=True)
    version = reader.text(data, "version", path, required=False)
    description = reader.text(data, "description", path, required=False)
    decay = _decay(reader, data["decay"], (*path, "decay")) if "decay" in data else None
    cap = _number(reader, data, "cap", path)
    floor = _number(reader, data, "floor", path)
    event_kinds: list[str] | None = None
    kinds_read = len(reader.problems)
    if "event_kinds" in data:
        event_kinds = []
        for index, kind in enumerate(reader.items(data, "event_kinds", path, required=True)):
            where = (*path, "event_kinds", index)
            if not isinstance(kind, str) or not kind.strip():
                reader.fail(where, f"an event kind is a non-empty string, got {kind!r}")
            elif kind in event_kinds:
                reader.fail(where, f"{kind!r} is listed twice")
            else:
                event_kinds.append(kind)
    kinds_ok = len(reader.problems) == kinds_read  # else unknown-kind reports would mislead
    groups = [
        _group(reader, item, (*path, "groups", index))
        for index, item in enumerate(reader.items(data, "groups", path, required=False))
    ]
    rule_items = reader.items(data, "rules", path, required=True)
    if "rules" in data and isinstance(data["rules"], list) and not rule_items:
        reader.fail((*path, "rules"), "a model needs at least one rule")
    rules = [_rule(reader, item, (*path, "rules", index)) for index, item in enumerate(rule_items)]
    written_kinds = {
        index: [item["events"]] if isinstance(item["events"], str) else item["events"]
        for index, item in enumerate(rule_items)
        if isinstance(item, Mapping) and isinstance(item.get("events"), str | list)
    }
    kinds = None if event_kinds is None else tuple(event_kinds)
    if kinds == () and "event_kinds" in data and isinstance(data["event_kinds"], list):
        reader.fail((*path, "event_kinds"), "list at least one kind, or leave event_kinds out")
    for problem in model_problems(
        rules=rules,
        groups=groups,
        event_kinds=(kinds or None) if kinds_ok else None,
        cap=cap,
        floor=floor,
        written_kinds=written_kinds,
    ):
        reader.fail((*path, *problem.path), problem.message)
    reader.raise_if_any(what)
    model: ScoringModel | None = reader.attempt(
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


def _criterion(reader: Reader, data: object, path: KeyPath) -> Criterion | None:
    before = len(reader.problems)
    if reader.mapping(data, path, _CRITERION_KEYS, "a criterion") is None:
        return None
    assert isinstance(data, Mapping)
    name = reader.text(data, "name", path, required=True)
    weight = data.get("weight", 1)
    if isinstance(weight, bool) or weight not in (1, 2, 3) or not isinstance(weight, int):
        reader.fail(
            (*path, "weight"), f"a weight is 1, 2 or 3 (thirds of a letter), got {weight!r}"
        )
    if "when" not in data:
        reader.fail((*path, "when"), "required key is missing")
        return None
    when = _condition(reader, data["when"], (*path, "when"))
    if len(reader.problems) > before or when is None:
        return None
    made: Criterion | None = reader.attempt(path, Criterion, name, when, weight=weight)
    return made


def _profile(reader: Reader, data: object, path: KeyPath) -> GradingProfile | None:
    before = len(reader.problems)
    if reader.mapping(data, path, _PROFILE_KEYS, "a grading profile") is None:
        return None
    assert isinstance(data, Mapping)
    check_schema(reader, data, path)
    name = reader.text(data, "name", path, required=True)
    version = reader.text(data, "version", path, required=False)
    description = reader.text(data, "description", path, required=False)
    applies_to = None
    if "applies_to" in data:
        applies_to = _condition(reader, data["applies_to"], (*path, "applies_to"))
    items = reader.items(data, "criteria", path, required=True)
    if "criteria" in data and isinstance(data["criteria"], list) and not items:
        reader.fail((*path, "criteria"), "a profile needs at least one criterion")
    criteria = [
        _criterion(reader, item, (*path, "criteria", index)) for index, item in enumerate(items)
    ]
    if len(reader.problems) > before:
        return None
    made: GradingProfile | None = reader.attempt(
        path,
        GradingProfile,
        name,
        criteria,
        **_options(version=version, description=description, applies_to=applies_to),
    )
    return made


def profile_from_data(
    data: object, *, path: PathLike = (), what: str = "grading profile"
) -> GradingProfile:
    """Build a :class:`GradingProfile` from plain data, or raise :class:`LoadError`."""
    reader = Reader()
    profile = _profile(reader, data, _as_path(path))
    reader.raise_if_any(what)
    assert profile is not None
    return profile


def scheme_from_data(
    data: object, *, path: PathLike = (), what: str = "grading scheme"
) -> GradingScheme:
    """Build a :class:`GradingScheme` from plain data, or raise :class:`LoadError`."""
    path = _as_path(path)
    reader = Reader()
    if reader.mapping(data, path, _SCHEME_KEYS, "a grading scheme") is None:
        reader.raise_if_any(what)
    assert isinstance(data, Mapping)
    check_schema(reader, data, path)
    name = reader.text(data, "name", path, required=False)
    items = reader.items(data, "profiles", path, required=True)
    profiles = [
        _profile(reader, item, (*path, "profiles", index)) for index, item in enumerate(items)
    ]
    reader.raise_if_any(what)
    scheme: GradingScheme | None = reader.attempt(
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
        [Problem("", f"expected a file path or a mapping of plain data, got {type_name(source)}")],
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


PLAIN_CODECS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "ScoringModel": mapping_codec(
        model_to_data, lambda d: model_from_data(check_plain(d)), what="scoring model"
    ),
    "GradingProfile": mapping_codec(
        profile_to_data, lambda d: profile_from_data(check_plain(d)), what="grading profile"
    ),
    "GradingScheme": mapping_codec(
        scheme_to_data, lambda d: scheme_from_data(check_plain(d)), what="grading scheme"
    ),
}
"""How the one converter writes and reads scoring types (see :mod:`leadkit.io`)."""
