"""The rules of a scoring model: points per engagement event, points per profile match,
and the groups (categories) they add up in."""

from __future__ import annotations

from typing import Literal, TypeAlias

import attrs

from leadkit.model import Lead
from leadkit.rules import Condition, EventExists, Period, compile, events
from leadkit.scoring._checks import (
    check_bool,
    check_cap,
    check_name,
    check_optional_name,
    check_points,
    check_text,
)
from leadkit.scoring._errors import scoring_error

__all__ = ["EventRule", "Group", "ProfileRule", "Rule"]


def _to_events(value: object) -> object:
    # "page_view" and ("email_open", "email_click") are shorthand for events(...).
    if isinstance(value, str):
        return events(value)
    if isinstance(value, tuple | list) and all(isinstance(k, str) for k in value):
        return events(*value)
    return value


def _check_events(instance: object, attribute: attrs.Attribute[EventExists], value: object) -> None:
    if not isinstance(value, EventExists):
        raise scoring_error(
            "an event rule selects events with events(...) (optionally .where(...) and "
            f".within(...)), a kind or a list of kinds; got {value!r}",
            path="events",
        )


def _check_per(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if value not in ("event", "lead"):
        raise scoring_error(
            f"per is 'event' (points for every matching event) or 'lead' (once), got {value!r}",
            path="per",
        )


def _show(points: float) -> str:
    text = f"{points:+g}"
    return text


@attrs.frozen(slots=True)
class EventRule:
    """Points for the lead's engagement events that ``events`` selects.

    ``events`` is an ``events(...)`` expression of the condition language (kinds, an
    optional ``.where(...)`` on event properties, an optional ``.within(...)`` window),
    or simply a kind or a list of kinds. Events after ``as_of`` never count.

    - ``per="event"``: ``points`` for every matching event; ``per="lead"``: once, when
      at least one event matches (weighted by the latest one when the model decays).
    - ``cap``: the most this rule can add (or, for negative points, subtract), applied
      to the decayed sum.
    - ``decays``: whether the model's decay applies (flat bonuses set it to False).
    - ``group``: the declared group (category) the points count in.

    >>> from leadkit.rules import events, prop
    >>> from leadkit.scoring import EventRule
    >>> print(EventRule("page view", "page_view", points=1, cap=30))
    page view: +1 per page_view (cap 30)
    >>> print(EventRule("pricing", events("page_view").where(prop("url").startswith("/pricing")),
    ...                 points=15, per="lead"))
    pricing: +15 once for page_view where url starts with '/pricing'
    """

    name: str = attrs.field(validator=check_name)
    events: EventExists = attrs.field(converter=_to_events, validator=_check_events)
    points: int | float = attrs.field(kw_only=True, validator=check_points)
    per: Literal["event", "lead"] = attrs.field(default="event", kw_only=True, validator=_check_per)
    cap: int | float | None = attrs.field(default=None, kw_only=True, validator=check_cap)
    decays: bool = attrs.field(default=True, kw_only=True, validator=check_bool)
    group: str | None = attrs.field(default=None, kw_only=True, validator=check_optional_name)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The event kinds that count (empty: every kind)."""
        return self.events.query.kinds

    @property
    def where(self) -> Condition | None:
        """The condition on event properties, if any."""
        return self.events.query.where

    @property
    def within(self) -> Period | None:
        """The window before ``as_of`` that events must fall in, if any."""
        return self.events.query.window

    def __str__(self) -> str:
        how = "per" if self.per == "event" else "once for"
        text = f"{self.name}: {_show(self.points)} {how} {self.events.query}"
        extras = []
        if self.cap is not None:
            extras.append(f"cap {self.cap:g}")
        if not self.decays:
            extras.append("not decayed")
        return text + (f" ({', '.join(extras)})" if extras else "")


def _check_when(instance: object, attribute: attrs.Attribute[Condition], value: object) -> None:
    if not isinstance(value, Condition):
        raise scoring_error(
            f"when is a condition such as field('employees') >= 1000, got {value!r}",
            path="when",
        )
    on = compile(value).on  # also refuses prop(...) outside events(...).where(...)
    if on is not None and on is not Lead:
        raise scoring_error(
            f"a scoring condition reads leads, this one reads {on.__name__}",
            path="when",
        )


@attrs.frozen(slots=True)
class ProfileRule:
    """``points`` once when the condition ``when`` holds for the lead.

    ``when`` usually reads the lead's fields (title, company size, industry: its
    profile), and may look at its events as a whole too: a recency bonus is
    ``ProfileRule("active this week", events().within(days=7), points=10)``. Profile
    points never decay.

    >>> from leadkit.rules import field
    >>> from leadkit.scoring import ProfileRule
    >>> print(ProfileRule("big company", field("employees") >= 1000, points=20))
    big company: +20 when employees >= 1000
    """

    name: str = attrs.field(validator=check_name)
    when: Condition = attrs.field(validator=_check_when)
    points: int | float = attrs.field(kw_only=True, validator=check_points)
    group: str | None = attrs.field(default=None, kw_only=True, validator=check_optional_name)

    def __str__(self) -> str:
        return f"{self.name}: {_show(self.points)} when {self.when}"


Rule: TypeAlias = EventRule | ProfileRule
"""A rule of a scoring model."""


@attrs.frozen(slots=True)
class Group:
    """A group (category) of rules, for example one product line, with its own total
    and an optional ``cap`` on how many points (positive or negative) it contributes."""

    name: str = attrs.field(validator=check_name)
    cap: int | float | None = attrs.field(default=None, kw_only=True, validator=check_cap)
    description: str = attrs.field(default="", kw_only=True, validator=check_text)
