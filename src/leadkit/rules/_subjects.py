"""What a condition looks at: a field of the record, an event property, or an aggregate
over the lead's engagement events. Subjects hold names only; :func:`info_of` resolves
them (cached) to a kind and a getter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from leadkit.model import Lead
from leadkit.rules._errors import RuleError
from leadkit.rules._period import Period
from leadkit.rules._schema import Kind, ValueInfo, resolve_field, resolve_prop

if TYPE_CHECKING:
    from leadkit.rules._nodes import Condition

__all__ = [
    "EventCount",
    "EventLast",
    "EventQuery",
    "EventSum",
    "FieldRef",
    "PropRef",
    "Subject",
    "check_subject",
    "info_of",
]


def _check_field(instance: FieldRef, attribute: attrs.Attribute[str], value: str) -> None:
    resolve_field(instance.on, value)


@attrs.frozen(slots=True, repr=False)
class FieldRef:
    """A field of the record, by dotted path: ``employees``, ``address.prefecture``,
    ``custom.budget``. ``on`` is the attrs class the path is resolved against."""

    path: str = attrs.field(validator=_check_field)
    on: type = attrs.field(default=Lead, kw_only=True)

    def __str__(self) -> str:
        return self.path

    def __repr__(self) -> str:
        on = "" if self.on is Lead else f", on={self.on.__name__}"
        return f"FieldRef({self.path!r}{on})"


def _check_prop(instance: PropRef, attribute: attrs.Attribute[str], value: str) -> None:
    resolve_prop(value)


@attrs.frozen(slots=True)
class PropRef:
    """A property of an engagement event (``url``), or one of its attributes (``kind``,
    ``occurred_at``, ``id``); only valid inside ``events(...).where(...)``."""

    name: str = attrs.field(validator=_check_prop)

    def __str__(self) -> str:
        return self.name


def _kinds(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, tuple | list | frozenset | set):
        raise RuleError(f"event kinds must be strings, got {value!r}", key="events")
    kinds = set()
    for kind in value:
        if not isinstance(kind, str) or not kind.strip():
            raise RuleError(f"an event kind must be a non-empty string, got {kind!r}", key="events")
        kinds.add(str(kind))
    return tuple(sorted(kinds))


def _check_where(instance: EventQuery, attribute: attrs.Attribute[Any], value: object) -> None:
    from leadkit.rules._nodes import Condition, EventExists, iter_conditions

    if value is None:
        return
    if not isinstance(value, Condition):
        raise RuleError(f"where(...) takes a condition, got {value!r}", key="where")
    for node in iter_conditions(value):
        subject = getattr(node, "subject", None)
        if isinstance(node, EventExists) or isinstance(subject, EventCount | EventLast | EventSum):
            raise RuleError(
                f"events cannot be nested inside events(...).where(...): {node}", key="where"
            )
        if isinstance(subject, FieldRef):
            raise RuleError(
                f"where(...) filters events by their properties: use prop({subject.path!r}) "
                f"instead of field({subject.path!r})",
                key="where",
            )


@attrs.frozen(slots=True)
class EventQuery:
    """The events a lead did of some ``kinds`` (all kinds when empty), that satisfy
    ``where`` (a condition on event properties) and happened within ``window`` before
    ``as_of``. Events after ``as_of`` never count."""

    kinds: tuple[str, ...] = attrs.field(default=(), converter=_kinds)
    where: Condition | None = attrs.field(default=None, validator=_check_where, kw_only=True)
    window: Period | None = attrs.field(default=None, kw_only=True)

    def __str__(self) -> str:
        text = " | ".join(self.kinds) if self.kinds else "any event"
        if self.where is not None:
            text += f" where {self.where}"
        if self.window is not None:
            text += f" within {self.window}"
        return text


@attrs.frozen(slots=True)
class EventCount:
    """How many events match the query (a number; 0 when none)."""

    query: EventQuery

    def __str__(self) -> str:
        return f"count({self.query})"


@attrs.frozen(slots=True)
class EventLast:
    """When the latest matching event happened (a datetime; missing when none)."""

    query: EventQuery

    def __str__(self) -> str:
        return f"last({self.query})"


def _check_sum_prop(instance: EventSum, attribute: attrs.Attribute[str], value: str) -> None:
    info = resolve_prop(value)
    if info.kind not in (Kind.ANY, Kind.NUMBER):
        raise RuleError(f"sum() needs a numeric property, {value} is {info.kind.described}")


@attrs.frozen(slots=True)
class EventSum:
    """The sum of a numeric property over the matching events (0 when none; values that
    are not numbers are skipped)."""

    query: EventQuery
    prop: str = attrs.field(validator=_check_sum_prop)

    def __str__(self) -> str:
        return f"sum({self.prop} of {self.query})"


Subject: TypeAlias = FieldRef | PropRef | EventCount | EventLast | EventSum

_AGGREGATE_INFO = {
    EventCount: ValueInfo("count", Kind.NUMBER, lambda _: None),
    EventSum: ValueInfo("sum", Kind.NUMBER, lambda _: None),
    EventLast: ValueInfo("last", Kind.DATETIME, lambda _: None),
}


def info_of(subject: Subject) -> ValueInfo:
    """The kind and label of what ``subject`` yields (the getter only for fields/props)."""
    if isinstance(subject, FieldRef):
        return resolve_field(subject.on, subject.path)
    if isinstance(subject, PropRef):
        return resolve_prop(subject.name)
    if isinstance(subject, EventCount | EventLast | EventSum):
        return attrs.evolve(_AGGREGATE_INFO[type(subject)], label=str(subject))
    raise RuleError(f"a condition looks at field(...), prop(...) or events(...), not {subject!r}")


def check_subject(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, FieldRef | PropRef | EventCount | EventLast | EventSum):
        raise RuleError(
            f"a condition looks at field(...), prop(...) or events(...), not {value!r}",
            key="field",
        )
