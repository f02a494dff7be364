"""Nurture programs as data: a graph of actions, waits and branches on the condition language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any, Literal

import attrs

from leadkit.errors import LoadError, Problem, ValidationError
from leadkit.model import Lead
from leadkit.rules import (
    CompiledCondition,
    Condition,
    EventQuery,
    Window,
    compile_condition,
    field,
)
from leadkit.stages import Stage, WorkingCalendar

__all__ = [
    "ACTION_KINDS",
    "AddPoints",
    "AddToCampaign",
    "Assign",
    "Branch",
    "ChangeStage",
    "End",
    "Notify",
    "Program",
    "RemoveFromCampaign",
    "Send",
    "SetField",
    "Step",
    "Wait",
]

Reentry = Literal["never", "after_exit", "always"]


def _name(value: object, *, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{path} must be a non-empty name, got {value!r}", path=path)
    return value


def _check_next(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _name(value, path=attribute.name)


def _check_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _name(value, path=attribute.name)


def _check_condition(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Condition):
        raise ValidationError(
            f"{attribute.name} must be a condition such as events('email_open'), got {value!r}",
            path=attribute.name,
        )
    on = compile_condition(value).on
    if on is not None and on is not Lead:
        raise ValidationError(
            f"{attribute.name}: a program's conditions read leads, this one reads {on.__name__}",
            path=attribute.name,
        )


@attrs.frozen
class Send:
    """Send the message ``template`` (an id in your mail tool), then go to ``next``."""

    template: str = attrs.field(validator=_check_text)
    next: str | None = attrs.field(default=None, kw_only=True, validator=_check_next)
    kind = "send"


@attrs.frozen
class Notify:
    """Tell someone (``"owner"`` by default, or a user id) with ``message``."""

    message: str = attrs.field(validator=_check_text)
    who: str = attrs.field(default="owner", kw_only=True, validator=_check_text)
    next: str | None = attrs.field(default=None, kw_only=True, validator=_check_next)
    kind = "notify"


def _check_points(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value == 0:
        raise ValidationError(f"points must be a non-zero whole number, got {value!r}",
                              path="points")  # fmt: skip


@attrs.frozen
class AddPoints:
    """Add (or, negative, remove) ``points``: the application records them, for example
    as an engagement event that a scoring rule counts."""

    points: int = attrs.field(validator=_check_points)
    next: str | None = attrs.field(default=None, kw_only=True, validator=_check_next)
    kind = "points"


def _check_field(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _name(value, path="field")
    field(str(value))  # the path must name a field of Lead


def _check_value(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (isinstance(value, float) or not isinstance(value, str | int | bool)):
        raise ValidationError(f"value must be text, a whole number, true/false or none, got "
                              f"{value!r}", path="value")  # fmt: skip


@attrs.frozen
class SetField:
    """Set the lead's ``field`` (a path such as ``rating`` or ``custom.nurtured``)."""

    field: str = attrs.field(validator=_check_field)
    value: str | int | bool | None = attrs.field(validator=_check_value)
    next: str | None = attrs.field(default=None, kw_only=True, validator=_check_next)
    kind = "set_field"


def _to_stage(value: object) -> Stage:
    if isinstance(value, Stage):
        return value
    if isinstance(value, str):
        try:
            return Stage.parse(value)
        except ValidationError as err:
            raise ValidationError(err.message, path="stage") from None
    raise ValidationError(f"stage must be a stage name such as 'mql', got {value!r}", path="stage")


@attrs.frozen
class ChangeStage:
    """Move the lead to ``stage`` (``mql`` hands it to sales, ``recycled`` back to nurture)."""

    stage: Stage = attrs.field(converter=_to_stage)
    next: str | None = attrs.field(default=None, kw_only=True, validator=_check_next)
    kind = "stage"


@attrs.frozen
class Assign:
    """Assign the lead through the application's routing rules."""

    next: str | None = attrs.field(default=None, kw_only=True, validator=_check_next)
    kind = "assign"


@attrs.frozen
class AddToCampaign:
    """Make the lead a member of ``campaign_id``."""

    campaign_id: str = attrs.field(validator=_check_text)
    next: str | None = attrs.field(default=None, kw_only=True, validator=_check_next)
    kind = "add_to_campaign"


@attrs.frozen
class RemoveFromCampaign:
    """Remove the lead from ``campaign_id``."""

    campaign_id: str = attrs.field(validator=_check_text)
    next: str | None = attrs.field(default=None, kw_only=True, validator=_check_next)
    kind = "remove_from_campaign"


@attrs.frozen
class End:
    """The program is complete for the lead."""

    kind = "end"

    @property
    def next(self) -> None:
        """An end has no next step."""
        return None


def _check_duration(instance: Wait, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, timedelta) or value < timedelta(0):
        raise ValidationError(f"{attribute.name} must be a duration of zero or more, got "
                              f"{value!r}", path=attribute.name)  # fmt: skip


def _check_until(instance: Wait, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _check_condition(instance, attribute, value)


@attrs.frozen
class Wait:
    """Wait ``duration`` (working time when ``working`` and the program has a calendar).

    With ``until``, wait for that condition instead, at most ``duration`` (the timeout):
    the lead goes on to ``next`` as soon as the condition holds (checked when each of its
    events happens), or to ``timeout_next`` (default ``next``) when the time is up.

    >>> Wait(timedelta(days=3), next="check").duration.days
    3
    """

    duration: timedelta = attrs.field(validator=_check_duration)
    next: str | None = attrs.field(default=None, kw_only=True, validator=_check_next)
    until: Condition | None = attrs.field(default=None, kw_only=True, validator=_check_until)
    timeout_next: str | None = attrs.field(default=None, kw_only=True, validator=_check_next)
    working: bool = attrs.field(default=False, kw_only=True)
    kind = "wait"

    def __attrs_post_init__(self) -> None:
        if self.duration == timedelta(0) and self.until is None:
            raise ValidationError("a wait needs a duration above zero (or an until condition)",
                                  path="duration")  # fmt: skip


@attrs.frozen
class Branch:
    """Go to ``yes`` when ``when`` holds (the lead and its events so far), else to ``no``."""

    when: Condition = attrs.field(validator=_check_condition)
    yes: str = attrs.field(kw_only=True, validator=_check_text)
    no: str = attrs.field(kw_only=True, validator=_check_text)
    kind = "branch"

    @property
    def next(self) -> None:
        """A branch has two next steps, ``yes`` and ``no``."""
        return None


Step = (
    Send | Notify | AddPoints | SetField | ChangeStage | Assign | AddToCampaign
    | RemoveFromCampaign | End | Wait | Branch
)  # fmt: skip
ACTION_KINDS = ("send", "notify", "points", "set_field", "stage", "assign",
                "add_to_campaign", "remove_from_campaign")  # fmt: skip
"""The kinds of the actions a program emits (every step but wait, branch and end)."""
_STEP_TYPES = (Send, Notify, AddPoints, SetField, ChangeStage, Assign, AddToCampaign,
               RemoveFromCampaign, End, Wait, Branch)  # fmt: skip


def successors(step: Step) -> tuple[str, ...]:
    """The names of the steps ``step`` can go to."""
    if isinstance(step, Branch):
        return (step.yes, step.no)
    if isinstance(step, Wait):
        return tuple(dict.fromkeys(n for n in (step.next, step.timeout_next) if n is not None))
    return (step.next,) if step.next is not None else ()


def _to_steps(value: object) -> dict[str, Step]:
    if not isinstance(value, Mapping):
        raise ValidationError("steps is a mapping of step names to steps", path="steps")
    return dict(value)


def _to_conditions(value: object) -> tuple[Condition, ...]:
    if value is None:
        return ()
    if isinstance(value, Condition):
        return (value,)
    if isinstance(value, Iterable) and not isinstance(value, str):
        return tuple(value)
    raise ValidationError(f"exit is a condition or a list of them, got {value!r}", path="exit")


def _graph_problems(steps: Mapping[str, Step], start: str) -> list[Problem]:
    problems: list[Problem] = []
    for name, step in steps.items():
        if not isinstance(step, _STEP_TYPES):
            problems.append(Problem(("steps", str(name)), f"not a step: {step!r}"))
            continue
        for key, target in _targets(step):
            if target not in steps:
                problems.append(Problem(("steps", name, key), f"no step named {target!r}"))
        if (
            not isinstance(step, End | Branch)
            and step.next is None
            and not (isinstance(step, Wait) and step.timeout_next is not None)
        ):
            problems.append(Problem(("steps", name, "next"), "required: the step that follows"))
    if problems:
        return problems
    reached: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        todo.extend(successors(steps[name]))
    for name in steps:
        if name not in reached:
            problems.append(Problem(("steps", name), f"unreachable from the start step {start!r}"))
    # A cycle that passes no wait would run forever at one instant.
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        trail.append(name)
        step = steps[name]
        if not isinstance(step, Wait):
            for target in successors(step):
                if state.get(target) == 1:
                    cycle = [*trail[trail.index(target) :], target]
                    problems.append(
                        Problem(("steps", target), "a cycle without a wait: " + " → ".join(cycle))
                    )
                elif target not in state:
                    visit(target, trail)
        trail.pop()
        state[name] = 2

    for name in steps:
        if name not in state:
            visit(name, [])
    return problems


def _targets(step: Step) -> list[tuple[str, str]]:
    if isinstance(step, Branch):
        return [("yes", step.yes), ("no", step.no)]
    found = [("next", step.next)] if step.next is not None else []
    if isinstance(step, Wait) and step.timeout_next is not None:
        found.append(("timeout_next", step.timeout_next))
    return found


def _reads(node: object, kinds: set[str]) -> tuple[bool, bool]:
    """What ``node`` reads: (only events of the kinds collected into ``kinds``, no time
    window). An ``EventQuery`` without kinds reads every kind; a window (``within``,
    ``older_than``) reads the time of evaluation."""
    if isinstance(node, EventQuery):
        specific, timeless = _reads(node.where, kinds)
        kinds.update(node.kinds)
        return specific and bool(node.kinds), timeless and node.window is None
    if isinstance(node, Window):
        return _reads(node.subject, kinds)[0], False
    specific, timeless = True, True
    if isinstance(node, tuple | list):
        children: list[object] = list(node)
    elif attrs.has(type(node)):
        children = [getattr(node, a.name) for a in attrs.fields(type(node))]  # type: ignore[arg-type]
    else:
        return True, True
    for child in children:
        s, t = _reads(child, kinds)
        specific, timeless = specific and s, timeless and t
    return specific, timeless


@attrs.frozen(slots=True)
class ConditionCheck:
    """A program condition, compiled once, with what its verdict can depend on.

    A ``timeless`` condition (no time window) can only change its verdict when an event
    of one of ``kinds`` happens (``kinds`` None: any event), so the engine need not
    evaluate it again until one does.
    """

    condition: Condition
    compiled: CompiledCondition
    timeless: bool
    kinds: frozenset[str] | None
    text: str

    @classmethod
    def of(cls, condition: Condition) -> ConditionCheck:
        """Compile ``condition`` and find what it reads."""
        found: set[str] = set()
        specific, timeless = _reads(condition, found)
        kinds = frozenset(found) if specific else None
        return cls(condition, compile_condition(condition), timeless, kinds, str(condition))


def _check_reentry(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in ("never", "after_exit", "always"):
        raise ValidationError(
            f"reentry must be 'never', 'after_exit' or 'always', got {value!r}", path="reentry"
        )


@attrs.frozen
class Program:
    """A nurture program (シナリオメール): named steps from ``start`` (the first by default).

    ``entry`` says who may be enrolled, ``exit`` (a condition or a list) stops a lead at
    any step (converted, unsubscribed, disqualified), ``reentry`` whether a lead may be
    enrolled again: ``"never"`` (the default), ``"after_exit"`` (once it has left or
    completed), or ``"always"``. The graph is checked when built: every step it names
    exists, every step is reachable, and no cycle runs without a wait.

    >>> from datetime import timedelta
    >>> from leadkit.rules import events
    >>> program = Program("welcome", {
    ...     "hello": Send("welcome-1", next="wait"),
    ...     "wait": Wait(timedelta(days=3), next="opened?"),
    ...     "opened?": Branch(events("email_open"), yes="handoff", no="done"),
    ...     "handoff": ChangeStage("mql", next="done"),
    ...     "done": End(),
    ... })
    >>> program.start, len(program.steps)
    ('hello', 5)
    """

    name: str = attrs.field(validator=_check_text)
    steps: dict[str, Step] = attrs.field(converter=_to_steps)
    start: str = attrs.field(default="", kw_only=True)
    version: str = attrs.field(default="1", kw_only=True, validator=_check_text)
    description: str = attrs.field(default="", kw_only=True)
    entry: Condition | None = attrs.field(default=None, kw_only=True, validator=_check_until)
    exit: tuple[Condition, ...] = attrs.field(factory=tuple, kw_only=True,
                                               converter=_to_conditions)  # fmt: skip
    reentry: Reentry = attrs.field(default="never", kw_only=True, validator=_check_reentry)
    calendar: WorkingCalendar | None = attrs.field(default=None, kw_only=True)
    _checks: dict[int, ConditionCheck] = attrs.field(init=False, factory=dict, eq=False, repr=False)
    _watched: dict[str, frozenset[str] | None] = attrs.field(
        init=False, factory=dict, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        if not self.steps:
            raise ValidationError("a program needs at least one step", path="steps")
        if not self.start:
            object.__setattr__(self, "start", next(iter(self.steps)))
        problems: list[Problem] = []
        if self.start not in self.steps:
            problems.append(Problem(("start",), f"no step named {self.start!r}"))
        for index, condition in enumerate(self.exit):
            if not isinstance(condition, Condition):
                problems.append(Problem(("exit", index), f"not a condition: {condition!r}"))
        if not problems:
            problems = _graph_problems(self.steps, self.start)
        if self.calendar is not None and not isinstance(self.calendar, WorkingCalendar):
            problems.append(Problem(("calendar",), "expected a WorkingCalendar"))
        if any(isinstance(s, Wait) and s.working for s in self.steps.values() if
               isinstance(s, Wait)) and self.calendar is None:  # fmt: skip
            problems.append(Problem(("calendar",), "a working-time wait needs a calendar"))
        if problems:
            raise LoadError(problems, what=f"program {self.name!r}")
        for condition in self.conditions():
            self._checks[id(condition)] = ConditionCheck.of(condition)
        self._watched[""] = self._kinds_read(self.exit)
        for name, step in self.steps.items():
            if isinstance(step, Wait):
                until = (step.until,) if step.until is not None else ()
                self._watched[name] = self._kinds_read((*self.exit, *until))

    def conditions(self) -> tuple[Condition, ...]:
        """Every condition of the program: entry, exit criteria, branches and waits."""
        found: list[Condition] = [*self.exit]
        if self.entry is not None:
            found.append(self.entry)
        for step in self.steps.values():
            if isinstance(step, Branch):
                found.append(step.when)
            elif isinstance(step, Wait) and step.until is not None:
                found.append(step.until)
        return tuple(found)

    def compiled(self, condition: Condition) -> CompiledCondition:
        """``condition`` (one of :meth:`conditions`) compiled, once per program."""
        return self._checks[id(condition)].compiled

    def _kinds_read(self, conditions: Iterable[Condition]) -> frozenset[str] | None:
        """The event kinds whose arrival can change the verdict of any of ``conditions``;
        None when any event or the passing time can (a condition with a time window)."""
        kinds: frozenset[str] = frozenset()
        for condition in conditions:
            check = self._checks[id(condition)]
            if not check.timeless or check.kinds is None:
                return None
            kinds |= check.kinds
        return kinds

    def exit_kinds(self) -> frozenset[str] | None:
        """The event kinds whose arrival can change the exit verdict; None when any event
        or the passing time can (an exit criterion with a time window)."""
        return self._watched[""]

    def watched_kinds(self, wait: str) -> frozenset[str] | None:
        """The event kinds whose arrival can end the wait step ``wait`` early (its
        ``until`` and the exit criteria); None when any event or the passing time can."""
        return self._watched[wait]

    def check(self, condition: Condition) -> ConditionCheck:
        """What the engine knows of ``condition`` (one of :meth:`conditions`)."""
        return self._checks[id(condition)]

    def templates(self) -> tuple[str, ...]:
        """The message templates the program sends, in step order."""
        return tuple(dict.fromkeys(s.template for s in self.steps.values() if isinstance(s, Send)))

    def check_templates(self, known: Iterable[str]) -> None:
        """Raise a :class:`~leadkit.errors.LoadError` naming every step whose template is
        not in ``known`` (your mail tool's catalogue)."""
        catalogue = set(known)
        problems = [
            Problem(("steps", name, "template"), f"unknown template {step.template!r}")
            for name, step in self.steps.items()
            if isinstance(step, Send) and step.template not in catalogue
        ]
        if problems:
            raise LoadError(problems, what=f"program {self.name!r}")
