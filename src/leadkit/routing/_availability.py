"""When a team member can take leads: weekly working hours and leave, as plain data.

Times are read in the member's own timezone (``User.timezone``, else the availability's
``timezone``, else UTC), so a rule written "weekdays 9:00-18:00" means local office hours
wherever the member sits.

>>> from datetime import datetime, time, date, UTC
>>> hours = Availability(
...     hours=(WorkingHours(days=(0, 1, 2, 3, 4), start=time(9), end=time(18)),),
...     leave=(Leave(date(2026, 5, 1), date(2026, 5, 6)),),
...     timezone="Asia/Tokyo",
... )
>>> hours.unavailable_reason(datetime(2026, 4, 20, 1, 0, tzinfo=UTC))  # Mon 10:00 JST
>>> hours.unavailable_reason(datetime(2026, 4, 20, 10, 0, tzinfo=UTC))  # Mon 19:00 JST
'outside working hours (Mon-Fri 09:00-18:00 Asia/Tokyo)'
>>> hours.unavailable_reason(datetime(2026, 5, 1, 1, 0, tzinfo=UTC))
'on leave 2026-05-01..2026-05-06'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, tzinfo
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import attrs

from leadkit._checks import time_zone
from leadkit.model import User
from leadkit.routing._errors import routing_error

T = TypeVar("T")

__all__ = ["Availability", "Leave", "Roster", "WorkingHours", "zone"]

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def zone(name: str | None, *, path: str = "timezone") -> tzinfo:
    """The IANA timezone ``name`` (UTC when None), or a ``ValidationError``
    (``bad_routing``) naming ``path``."""
    if name is None:
        return ZoneInfo("UTC")
    return time_zone(name, path=path, code="bad_routing")


def _days(value: Iterable[int]) -> tuple[int, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise routing_error(f"days are weekday numbers 0 (Mon) to 6 (Sun), got {value!r}")
    days = tuple(value)
    for day in days:
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            raise routing_error(f"days are weekday numbers 0 (Mon) to 6 (Sun), got {day!r}")
    return tuple(sorted(set(days)))


def _describe_days(days: tuple[int, ...]) -> str:
    if len(days) > 2 and days == tuple(range(days[0], days[-1] + 1)):
        return f"{_DAY_NAMES[days[0]]}-{_DAY_NAMES[days[-1]]}"
    return ",".join(_DAY_NAMES[d] for d in days)


@attrs.frozen(slots=True)
class WorkingHours:
    """Hours on some weekdays (0 = Monday ... 6 = Sunday), ``start`` included, ``end``
    excluded. An ``end`` at or before ``start`` runs past midnight into the next day."""

    days: tuple[int, ...] = attrs.field(converter=_days)
    start: time
    end: time

    def __attrs_post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, time) or value.tzinfo is not None:
                raise routing_error(
                    f"expected a time of day without timezone, got {value!r}",
                    path=name,
                )
        if not self.days:
            raise routing_error("name at least one weekday", path="days")

    def covers(self, local: datetime) -> bool:
        """True when the local (wall-clock) time ``local`` falls in these hours."""
        clock = local.time().replace(tzinfo=None)
        if self.start < self.end:
            return local.weekday() in self.days and self.start <= clock < self.end
        # Overnight shift: the evening part on a listed day, the morning part the day after.
        if local.weekday() in self.days and clock >= self.start:
            return True
        return (local.weekday() - 1) % 7 in self.days and clock < self.end

    def __str__(self) -> str:
        return f"{_describe_days(self.days)} {self.start:%H:%M}-{self.end:%H:%M}"


@attrs.frozen(slots=True)
class Leave:
    """Away from ``start`` to ``end``, both days included (in the member's timezone)."""

    start: date
    end: date

    def __attrs_post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, date) or isinstance(value, datetime):
                raise routing_error(f"expected a date, got {value!r}", path=name)
        if self.end < self.start:
            raise routing_error(
                f"leave ends ({self.end}) before it starts ({self.start})",
                path="end",
            )

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def _check_zone(instance: Availability, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        if not isinstance(value, str):
            raise routing_error(
                f"expected an IANA timezone name, got {value!r}",
                path="timezone",
            )
        zone(value)


def _tuple_of(value: Iterable[T], kind: type[T], name: str, item: str) -> tuple[T, ...]:
    """``value`` as a tuple of ``kind`` for the option ``name`` (``item``: one, in words)."""
    if not isinstance(value, Iterable):
        raise routing_error(f"{name} is a list of {kind.__name__}, got {value!r}", path=name)
    items = tuple(value)
    for index, entry in enumerate(items):
        if not isinstance(entry, kind):
            raise routing_error(f"expected {item}, got {entry!r}", path=f"{name}[{index}]")
    return items


def _hours(value: Iterable[WorkingHours]) -> tuple[WorkingHours, ...]:
    return _tuple_of(value, WorkingHours, "hours", "WorkingHours")


def _leave(value: Iterable[Leave]) -> tuple[Leave, ...]:
    return _tuple_of(value, Leave, "leave", "a Leave")


@attrs.frozen(slots=True)
class Availability:
    """When a member takes leads. No ``hours`` means any time; ``leave`` lists days away.

    ``timezone`` is used when the :class:`~leadkit.model.User` has none.
    """

    hours: tuple[WorkingHours, ...] = attrs.field(default=(), converter=_hours, kw_only=True)
    leave: tuple[Leave, ...] = attrs.field(default=(), converter=_leave, kw_only=True)
    timezone: str | None = attrs.field(default=None, validator=_check_zone, kw_only=True)

    def unavailable_reason(self, as_of: datetime, *, timezone: str | None = None) -> str | None:
        """Why the member cannot take a lead at ``as_of``, or None when they can.

        ``timezone`` (the user's own) wins over the availability's.
        """
        name = timezone or self.timezone or "UTC"
        local = as_of.astimezone(zone(name))
        today = local.date()
        for away in self.leave:
            if away.start <= today <= away.end:
                return f"on leave {away}"
        if self.hours and not any(h.covers(local) for h in self.hours):
            spans = ", ".join(str(h) for h in self.hours)
            return f"outside working hours ({spans} {name})"
        return None


_ALWAYS = Availability()


def _users(value: Iterable[User] | Mapping[str, User]) -> dict[str, User]:
    items = value.values() if isinstance(value, Mapping) else value
    users: dict[str, User] = {}
    for index, user in enumerate(items):
        if not isinstance(user, User):
            raise routing_error(
                f"expected a User, got {type(user).__name__}",
                path=f"users[{index}]",
            )
        if user.id in users:
            raise routing_error(f"user {user.id!r} is listed twice", path=f"users[{index}]")
        users[user.id] = user
    return users


def _availability(value: Mapping[str, Availability] | None) -> dict[str, Availability]:
    result: dict[str, Availability] = {}
    for user_id, availability in (value or {}).items():
        if not isinstance(availability, Availability):
            raise routing_error(
                f"expected an Availability, got {type(availability).__name__}",
                path=f"availability[{user_id!r}]",
            )
        result[user_id] = availability
    return result


@attrs.frozen(slots=True)
class Roster:
    """The people routing may choose from, and when each of them works.

    >>> from leadkit.model import User
    >>> roster = Roster([User(id="u-1", name="佐藤"), User(id="u-2", name="鈴木", active=False)])
    >>> roster.user("u-2").active, "u-3" in roster
    (False, False)
    """

    users: dict[str, User] = attrs.field(factory=dict, converter=_users)
    availability: dict[str, Availability] = attrs.field(
        factory=dict, converter=_availability, kw_only=True
    )

    def __contains__(self, user_id: object) -> bool:
        return user_id in self.users

    def user(self, user_id: str) -> User:
        """The user with ``user_id`` (a ``ValidationError`` if the roster has none)."""
        try:
            return self.users[user_id]
        except KeyError:
            raise routing_error(f"no user {user_id!r} in the roster", path="roster") from None

    def availability_of(self, user_id: str) -> Availability:
        """The member's availability (always available when none was given)."""
        return self.availability.get(user_id, _ALWAYS)

    def timezone_of(self, user_id: str) -> str:
        """The timezone days and hours are counted in for ``user_id``."""
        user = self.users.get(user_id)
        if user is not None and user.timezone:
            return user.timezone
        return self.availability_of(user_id).timezone or "UTC"

    def unavailable_reason(self, user_id: str, as_of: datetime) -> str | None:
        """Why ``user_id`` cannot take a lead at ``as_of`` (unknown, inactive, on leave,
        off hours), or None."""
        user = self.users.get(user_id)
        if user is None:
            return "not in the roster"
        if not user.active:
            return "inactive"
        return self.availability_of(user_id).unavailable_reason(
            as_of, timezone=self.timezone_of(user_id)
        )
