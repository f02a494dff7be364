"""Assignment rule sets: ordered entries of criteria and a target, and a default owner."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeAlias

import attrs

from leadkit.model import Lead, OwnerRef
from leadkit.routing._errors import routing_error
from leadkit.routing._strategies import (
    AccountOwner,
    CapacityBased,
    LeastLoaded,
    RoundRobin,
    Strategy,
    WeightedRoundRobin,
)
from leadkit.rules import Condition, check_top_level, record_type

__all__ = ["AssignmentRules", "AssignmentTarget", "RuleEntry"]

AssignmentTarget: TypeAlias = OwnerRef | Strategy | AccountOwner
"""Where a matching lead goes: a user, a queue, a strategy over a team, or the owner of
the account the lead is linked to (:class:`~leadkit.routing.AccountOwner`)."""

_STRATEGIES = (RoundRobin, WeightedRoundRobin, LeastLoaded, CapacityBased, AccountOwner)


def _check_when(instance: RuleEntry, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Condition):
        raise routing_error(
            "when is a condition: one test, or criteria([...], logic='1 AND (2 OR 3)'); "
            f"got {type(value).__name__}",
            path="when",
        )
    on = record_type(value)
    if on is not None and on is not Lead:
        raise routing_error(f"assignment criteria read a Lead, not a {on.__name__}", path="when")
    try:
        check_top_level(value)
    except ValueError as err:
        raise routing_error(str(err), path="when") from None


def _check_target(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, (OwnerRef, *_STRATEGIES)):
        raise routing_error(
            "target is OwnerRef.user(...), OwnerRef.queue(...), a strategy "
            "(RoundRobin, WeightedRoundRobin, LeastLoaded, CapacityBased) or AccountOwner(); "
            f"got {value!r}",
            path="target",
        )


def _check_name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise routing_error(f"name is text, got {value!r}", path="name")


@attrs.frozen(slots=True)
class RuleEntry:
    """One entry of an assignment rule set: when ``when`` holds, the lead goes to
    ``target``. With ``keep_owner`` ("do not reassign owner") a match keeps the lead's
    current owner; a lead without an owner still goes to ``target``.

    Numbered criteria with filter logic are one condition:
    ``when=criteria([...], logic="(1 AND 2) OR 3")``.
    """

    when: Condition = attrs.field(validator=_check_when)
    target: AssignmentTarget = attrs.field(validator=_check_target)
    name: str = attrs.field(default="", validator=_check_name, kw_only=True)
    keep_owner: bool = attrs.field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.keep_owner, bool):
            raise routing_error(
                f"keep_owner is true or false, got {self.keep_owner!r}",
                path="keep_owner",
            )

    def describe(self, index: int) -> str:
        """``#2 'Kanto enterprise'`` (the 0-based ``index`` shown 1-based)."""
        return f"#{index + 1}" + (f" {self.name!r}" if self.name else "")


def _entries(value: Iterable[RuleEntry]) -> tuple[RuleEntry, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise routing_error(f"entries is a list of RuleEntry, got {value!r}", path="entries")
    entries = tuple(value)
    for index, entry in enumerate(entries):
        if not isinstance(entry, RuleEntry):
            raise routing_error(
                f"expected a RuleEntry, got {type(entry).__name__}",
                path=f"entries[{index}]",
            )
    return entries


def _check_default(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, OwnerRef):
        raise routing_error(
            f"default_owner is OwnerRef.user(...) or OwnerRef.queue(...), got {value!r}",
            path="default_owner",
        )


@attrs.frozen(slots=True)
class AssignmentRules:
    """An ordered assignment rule set: the first entry that matches assigns; when none
    does, ``default_owner`` takes the lead.

    Compile it with a :class:`~leadkit.routing.Roster` into a
    :class:`~leadkit.routing.Router` to route leads.
    """

    entries: tuple[RuleEntry, ...] = attrs.field(converter=_entries)
    default_owner: OwnerRef = attrs.field(validator=_check_default, kw_only=True)
    name: str = attrs.field(default="", validator=_check_name, kw_only=True)

    def strategies(self) -> list[tuple[int, Strategy]]:
        """``(entry index, strategy)`` for each entry whose target is a strategy (an
        :class:`~leadkit.routing.AccountOwner`'s fallback strategy included)."""
        found: list[tuple[int, Strategy]] = []
        for i, entry in enumerate(self.entries):
            target = entry.target
            if isinstance(target, AccountOwner):
                if target.fallback is not None and not isinstance(target.fallback, OwnerRef):
                    found.append((i, target.fallback))
            elif not isinstance(target, OwnerRef):
                found.append((i, target))
        return found
