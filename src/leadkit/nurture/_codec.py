"""Programs as plain data (TOML, JSON) through the one codec: ``schema = 1``, every
problem of a file reported at once with its path."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from leadkit.errors import LoadError, PathLike, Problem, _as_path
from leadkit.io import load_data
from leadkit.io._plain import check_plain
from leadkit.io._reader import RULE_SCHEMA_VERSION, Reader, check_schema, mapping_codec
from leadkit.model import Lead
from leadkit.nurture._program import (
    AddPoints,
    AddToCampaign,
    Assign,
    Branch,
    ChangeStage,
    End,
    Notify,
    Program,
    RemoveFromCampaign,
    Send,
    SetField,
    Step,
    Wait,
)
from leadkit.rules import to_data
from leadkit.rules._data import read_condition

__all__ = ["PLAIN_CODECS", "dump_program", "load_program"]

_PROGRAM_KEYS = ("schema", "name", "version", "description", "start", "entry", "exit",
                 "reentry", "calendar", "steps")  # fmt: skip
_DURATION_KEYS = ("weeks", "days", "hours", "minutes")
_STEP_KEYS: dict[str, tuple[str, ...]] = {
    "send": ("template", "next"),
    "notify": ("message", "who", "next"),
    "points": ("points", "next"),
    "set_field": ("field", "value", "next"),
    "stage": ("stage", "next"),
    "assign": ("next",),
    "add_to_campaign": ("campaign_id", "next"),
    "remove_from_campaign": ("campaign_id", "next"),
    "end": (),
    "wait": (*_DURATION_KEYS, "until", "timeout_next", "working", "next"),
    "branch": ("when", "yes", "no"),
}
_MAKERS: dict[str, Callable[..., Step]] = {
    "send": Send, "notify": Notify, "points": AddPoints, "set_field": SetField,
    "stage": ChangeStage, "assign": Assign, "add_to_campaign": AddToCampaign,
    "remove_from_campaign": RemoveFromCampaign, "end": End, "wait": Wait, "branch": Branch,
}  # fmt: skip


def _duration_data(duration: timedelta) -> dict[str, int]:
    seconds = int(duration.total_seconds())
    out: dict[str, int] = {}
    for key, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size:
            out[key], seconds = divmod(seconds, size)
    return out or {"minutes": 0}


def _step_data(step: Step) -> dict[str, Any]:
    data: dict[str, Any] = {"type": step.kind}
    if isinstance(step, Send):
        data["template"] = step.template
    elif isinstance(step, Notify):
        data.update(message=step.message, who=step.who)
    elif isinstance(step, AddPoints):
        data["points"] = step.points
    elif isinstance(step, SetField):
        data.update(field=step.field, value=step.value)
    elif isinstance(step, ChangeStage):
        data["stage"] = step.stage.value
    elif isinstance(step, AddToCampaign | RemoveFromCampaign):
        data["campaign_id"] = step.campaign_id
    elif isinstance(step, Wait):
        data.update(_duration_data(step.duration))
        if step.until is not None:
            data["until"] = to_data(step.until)
        if step.timeout_next is not None:
            data["timeout_next"] = step.timeout_next
        if step.working:
            data["working"] = True
    elif isinstance(step, Branch):
        data.update(when=to_data(step.when), yes=step.yes, no=step.no)
    if not isinstance(step, End | Branch) and step.next is not None:
        data["next"] = step.next
    return data


def dump_program(program: Program) -> dict[str, Any]:
    """A program as plain data (what ``leadkit.io.dumps`` writes)."""
    import leadkit.io

    data: dict[str, Any] = {"schema": RULE_SCHEMA_VERSION, "name": program.name,
                            "version": program.version}  # fmt: skip
    if program.description:
        data["description"] = program.description
    data["start"] = program.start
    if program.entry is not None:
        data["entry"] = to_data(program.entry)
    if program.exit:
        data["exit"] = [to_data(c) for c in program.exit]
    data["reentry"] = program.reentry
    if program.calendar is not None:
        data["calendar"] = leadkit.io.unstructure(program.calendar)
    data["steps"] = {name: _step_data(step) for name, step in program.steps.items()}
    return data


def _step(reader: Reader, raw: object, path: tuple[str | int, ...]) -> Step | None:
    before = reader.mark()
    data = reader.mapping(raw, path, ("type", *sorted({k for v in _STEP_KEYS.values() for k in v})),
                          what="a step")  # fmt: skip
    if data is None:
        return None
    kind = reader.text(data, "type", path, required=True)
    if kind is None:
        return None
    if kind not in _STEP_KEYS:
        reader.fail((*path, "type"), f"unknown step type {kind!r}; expected one of "
                    f"{', '.join(_STEP_KEYS)}")  # fmt: skip
        return None
    allowed = _STEP_KEYS[kind]
    for key in data:
        if key != "type" and key not in allowed:
            reader.fail((*path, key), f"not a key of a {kind} step; expected {', '.join(allowed)}")
    kwargs: dict[str, Any] = {}
    for key in allowed:
        if key not in data:
            continue
        value = data[key]
        if key in ("until", "when"):
            kwargs[key] = read_condition(reader, value, (*path, key), on=Lead)
        elif key in _DURATION_KEYS:
            number = reader.number(data, key, path, integer=True)
            if number is not None and number < 0:
                reader.fail((*path, key), "expected zero or more")
            elif number is not None:
                kwargs.setdefault("duration", timedelta(0))
                kwargs["duration"] += timedelta(**{key: number})
        elif key == "working":
            kwargs[key] = reader.flag(data, key, path)
        else:
            kwargs[key] = value
    if not reader.clean_since(before):
        return None
    if kind == "wait":
        kwargs.setdefault("duration", timedelta(0))
    positional = {"send": "template", "notify": "message", "points": "points",
                  "set_field": "field", "stage": "stage", "add_to_campaign": "campaign_id",
                  "remove_from_campaign": "campaign_id", "wait": "duration",
                  "branch": "when"}.get(kind)  # fmt: skip
    args = []
    if positional is not None:
        if positional not in kwargs:
            reader.fail((*path, positional), "required key is missing")
            return None
        args.append(kwargs.pop(positional))
    if kind == "set_field":
        if "value" not in kwargs:
            reader.fail((*path, "value"), "required key is missing")
            return None
        args.append(kwargs.pop("value"))
    if any(a is None for a in args) or any(v is None for v in kwargs.values()):
        return None
    return reader.attempt(path, _MAKERS[kind], *args, **kwargs)


def _program(
    reader: Reader, data: Mapping[str, Any], path: tuple[str | int, ...]
) -> Program | None:
    reader.mapping(data, path, _PROGRAM_KEYS)
    check_schema(reader, data, path)
    name = reader.text(data, "name", path, required=True, non_empty=True)
    kwargs: dict[str, Any] = {}
    for key in ("version", "description", "start", "reentry"):
        value = reader.text(data, key, path)
        if value is not None:
            kwargs[key] = value
    if "entry" in data:
        kwargs["entry"] = read_condition(reader, data["entry"], (*path, "entry"), on=Lead)
    exits = reader.items(data, "exit", path)
    kwargs["exit"] = [
        read_condition(reader, item, (*path, "exit", index), on=Lead)
        for index, item in enumerate(exits)
    ]
    if "calendar" in data:
        import leadkit.io
        from leadkit.stages import WorkingCalendar

        kwargs["calendar"] = reader.attempt(
            (*path, "calendar"), leadkit.io.structure, data["calendar"], WorkingCalendar
        )
    steps: dict[str, Step] = {}
    raw_steps = data.get("steps")
    if raw_steps is None:
        reader.fail((*path, "steps"), "required key is missing")
    elif not isinstance(raw_steps, Mapping):
        reader.fail((*path, "steps"), "steps is an object (a table) of named steps")
    else:
        for step_name, raw in raw_steps.items():
            step = _step(reader, raw, (*path, "steps", str(step_name)))
            if step is not None:
                steps[str(step_name)] = step
    if reader.problems or name is None:
        return None
    return reader.attempt(path, Program, name, steps, **kwargs)


def load_program(
    source: str | Path | Mapping[str, Any],
    *,
    templates: Any = None,
    path: PathLike = "",
) -> Program:
    """A program from a ``.toml`` / ``.json`` file or plain data, checked as a graph.

    Every problem is reported at once in a :class:`~leadkit.errors.LoadError`, each with
    its path (``steps.wait1.days``, ``steps.check.when.events``): unknown steps named by
    ``next``, unreachable steps, cycles without a wait, conditions on unknown fields, and
    with ``templates`` (your mail tool's template ids) every template it does not know.

    >>> program = load_program({"name": "welcome", "steps": {
    ...     "hello": {"type": "send", "template": "welcome-1", "next": "done"},
    ...     "done": {"type": "end"}}})
    >>> program.templates()
    ('welcome-1',)
    """
    root = _as_path(path)
    data = (
        load_data(source)
        if isinstance(source, str | Path)
        else check_plain(source, what="program", where=root)
    )
    reader = Reader()
    if not isinstance(data, Mapping):
        reader.fail(root or ("program",), "expected an object (a table)")
        reader.raise_if_any("program")
    program = _program(reader, data, root)
    if program is None:
        raise LoadError(reader.problems or [Problem(root, "invalid program")], what="program")
    if templates is not None:
        try:
            program.check_templates(templates)
        except LoadError as err:
            raise LoadError([p.at(*root) for p in err.problems], what="program") from None
    return program


PLAIN_CODECS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "Program": mapping_codec(dump_program, lambda data: load_program(data), what="program"),
}
"""How the one converter writes and reads programs (see :mod:`leadkit.io`)."""
