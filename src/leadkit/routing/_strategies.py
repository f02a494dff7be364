"""Distribution strategies over a team: round robin, weighted turns, least loaded and
capacity-based, all skipping members who are inactive, away or at a cap.

A strategy is plain data (members, weights, caps, fallback). :meth:`choose` reads and
writes the pool's state through a :class:`~leadkit.routing.StateTransaction`, so a turn
taken by one process is never taken by another.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, ClassVar, TypeAlias

import attrs

from leadkit.model import OwnerRef
from leadkit.routing._availability import Roster, zone
from leadkit.routing._errors import routing_error
from leadkit.routing._state import (
    SEQUENCE_KEY,
    StateTransaction,
    last_assigned_key,
    open_key,
    period_key,
    sequence_key,
    to_micros,
)

__all__ = [
    "AccountOwner",
    "CapacityBased",
    "Caps",
    "LeastLoaded",
    "MemberNote",
    "RoundRobin",
    "Strategy",
    "StrategyReasoning",
    "WeightedRoundRobin",
    "account_owners",
    "periods_of",
    "record_assignment",
]


def _limit(instance: Caps, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise routing_error(
            f"a cap is a whole number >= 0 or None, got {value!r}",
            path=attribute.name,
        )


@attrs.frozen(slots=True)
class Caps:
    """Limits per member: open leads at once, leads given per day and per week.

    Days and weeks (ISO, Monday first) are counted in the member's timezone. A user's
    own ``capacity`` also limits open leads; the lower of the two applies.
    """

    max_open: int | None = attrs.field(default=None, validator=_limit, kw_only=True)
    per_day: int | None = attrs.field(default=None, validator=_limit, kw_only=True)
    per_week: int | None = attrs.field(default=None, validator=_limit, kw_only=True)


_NO_CAPS = Caps()


def periods_of(member: str, roster: Roster, as_of: datetime) -> tuple[str, str]:
    """The day and week ``as_of`` falls in for ``member`` (``D2026-05-01``, ``W2026-18``)."""
    return _local_periods(roster.timezone_of(member), as_of)


@functools.lru_cache(maxsize=1024)
def _local_periods(timezone: str, as_of: datetime) -> tuple[str, str]:
    # A batch routes many leads at one as_of: compute each timezone's day and week once.
    local = as_of.astimezone(zone(timezone))
    year, week, _ = local.isocalendar()
    return f"D{local.date().isoformat()}", f"W{year}-{week:02d}"


def record_assignment(txn: StateTransaction, member: str, roster: Roster, as_of: datetime) -> None:
    """Count a lead given to ``member`` at ``as_of``: open leads, day and week counts,
    last assignment time."""
    key = open_key(member)
    txn.set(key, (txn.get(key) or 0) + 1)
    for period in periods_of(member, roster, as_of):
        key = period_key(member, period)
        txn.set(key, (txn.get(key) or 0) + 1)
    txn.set(last_assigned_key(member), to_micros(as_of))
    # A sequence number orders assignments made at one as_of (a batch), which the time
    # alone cannot: "longest since the last lead" stays strict.
    sequence = (txn.get(SEQUENCE_KEY) or 0) + 1
    txn.set(SEQUENCE_KEY, sequence)
    txn.set(sequence_key(member), sequence)


def _open_limit(member: str, roster: Roster, caps: Caps) -> int | None:
    user = roster.users.get(member)
    limits = [x for x in (caps.max_open, user.capacity if user else None) if x is not None]
    return min(limits) if limits else None


def _headroom(
    txn: StateTransaction, member: str, roster: Roster, caps: Caps, as_of: datetime
) -> tuple[float, str | None]:
    """Room left under the tightest limit (inf when unlimited), and why it is 0."""
    room = math.inf
    reason = None
    limit = _open_limit(member, roster, caps)
    if limit is not None:
        used = txn.get(open_key(member)) or 0
        room = limit - used
        if room <= 0:
            reason = f"at capacity ({used} of {limit} open)"
    day, week = periods_of(member, roster, as_of)
    for cap, period, word in ((caps.per_day, day, "daily"), (caps.per_week, week, "weekly")):
        if cap is None:
            continue
        used = txn.get(period_key(member, period)) or 0
        if cap - used < room:
            room = cap - used
        if used >= cap and reason is None:
            reason = f"{word} cap reached ({used} of {cap})"
    return room, reason


def ineligible_reason(
    txn: StateTransaction, member: str, roster: Roster, caps: Caps, as_of: datetime
) -> str | None:
    """Why ``member`` cannot take a lead now, or None when they can."""
    reason = roster.unavailable_reason(member, as_of)
    if reason is not None:
        return reason
    return _headroom(txn, member, roster, caps, as_of)[1]


@attrs.frozen(slots=True)
class MemberNote:
    """A member the strategy passed over, and why (``inactive``, ``on leave ...``)."""

    member: str
    reason: str

    def __str__(self) -> str:
        return f"{self.member} ({self.reason})"


@attrs.frozen(slots=True)
class StrategyReasoning:
    """How a strategy chose: whose turn it was, who was skipped and why, who got the lead.

    ``chosen`` is None when nobody was eligible; the lead then went to ``fallback``.
    ``turn`` numbers the pool's hand-outs (1, 2, 3 ...), unique across processes.
    """

    strategy: str
    pool: str
    chosen: str | None
    skipped: tuple[MemberNote, ...] = ()
    turn: int | None = None
    detail: str = ""
    fallback: OwnerRef | None = None

    def __str__(self) -> str:
        parts = [f"{self.strategy} [{self.pool}]"]
        if self.detail:
            parts.append(self.detail)
        if self.skipped:
            parts.append("skipped " + ", ".join(str(n) for n in self.skipped))
        if self.chosen is not None:
            turn = f" (turn {self.turn})" if self.turn is not None else ""
            parts.append(f"assigned {self.chosen}{turn}")
        else:
            parts.append(f"nobody eligible: fallback {self.fallback}")
        return "; ".join(parts)


def _members(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise routing_error(f"members is a list of user ids, got {value!r}", path="members")
    members = tuple(value)
    if not members:
        raise routing_error("a strategy needs at least one member", path="members")
    seen: set[str] = set()
    for index, member in enumerate(members):
        if not isinstance(member, str) or not member.strip():
            raise routing_error(
                f"a member is a user id, got {member!r}",
                path=f"members[{index}]",
            )
        if member in seen:
            raise routing_error(f"{member!r} is listed twice", path=f"members[{index}]")
        seen.add(member)
    return members


def _check_fallback(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, OwnerRef):
        raise routing_error(
            f"fallback is an OwnerRef (user or queue) or None, got {value!r}",
            path="fallback",
        )


def _check_caps(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Caps):
        raise routing_error(f"caps is a Caps, got {value!r}", path="caps")


def _check_pool(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise routing_error(f"pool is a non-empty name or None, got {value!r}", path="pool")


class _Base:
    """What every strategy shares: members, caps, fallback and the pool name."""

    __slots__ = ()
    kind: ClassVar[str]
    label: ClassVar[str]
    members: tuple[str, ...]
    caps: Caps
    fallback: OwnerRef | None
    pool: str | None

    @property
    def pool_name(self) -> str:
        """The key under which this strategy's turns are kept (``pool``, or the kind and
        the members, so that equal teams share turns)."""
        return self.pool or f"{self.kind}:{'|'.join(self.members)}"

    def _eligible(
        self, txn: StateTransaction, roster: Roster, as_of: datetime
    ) -> tuple[list[int], list[MemberNote]]:
        eligible: list[int] = []
        skipped: list[MemberNote] = []
        for index, member in enumerate(self.members):
            reason = ineligible_reason(txn, member, roster, self.caps, as_of)
            if reason is None:
                eligible.append(index)
            else:
                skipped.append(MemberNote(member, reason))
        return eligible, skipped

    def _turn(self, txn: StateTransaction) -> int:
        key = f"pool/{self.pool_name}/turns"
        turn = (txn.get(key) or 0) + 1
        txn.set(key, turn)
        return turn

    def _assigned(
        self, txn: StateTransaction, member: str, skipped: list[MemberNote], detail: str
    ) -> StrategyReasoning:
        """The reasoning for a hand-out to ``member``, taking the pool's next turn."""
        return StrategyReasoning(
            self.label, self.pool_name, member, tuple(skipped), self._turn(txn), detail
        )

    def _nobody(self, skipped: list[MemberNote], detail: str = "") -> StrategyReasoning:
        return StrategyReasoning(
            self.label, self.pool_name, None, tuple(skipped), None, detail, self.fallback
        )

    def _last(self, txn: StateTransaction, member: str) -> int:
        # Never assigned sorts first: it is the longest since a lead.
        value = txn.get(sequence_key(member))
        return -1 if value is None else value


_caps_field = attrs.field(default=_NO_CAPS, validator=_check_caps, kw_only=True)
_fallback_field = attrs.field(default=None, validator=_check_fallback, kw_only=True)
_pool_field = attrs.field(default=None, validator=_check_pool, kw_only=True)


@attrs.frozen(slots=True)
class RoundRobin(_Base):
    """Strict turns in the order of ``members``; a member who cannot take the lead is
    skipped and the turn passes to the next one.

    ``fallback`` takes the lead when nobody is eligible (the rule set's default owner
    when None); ``pool`` names the turn pointer (shared by strategies with one name).
    """

    kind: ClassVar[str] = "round_robin"
    label: ClassVar[str] = "round robin"
    members: tuple[str, ...] = attrs.field(converter=_members)
    caps: Caps = _caps_field
    fallback: OwnerRef | None = _fallback_field
    pool: str | None = _pool_field

    def choose(self, txn: StateTransaction, roster: Roster, as_of: datetime) -> StrategyReasoning:
        """Give the turn to the next eligible member and move the pointer past them."""
        key = f"pool/{self.pool_name}/next"
        count = len(self.members)
        start = (txn.get(key) or 0) % count
        skipped: list[MemberNote] = []
        due = self.members[start]
        for step in range(count):
            index = (start + step) % count
            member = self.members[index]
            reason = ineligible_reason(txn, member, roster, self.caps, as_of)
            if reason is not None:
                skipped.append(MemberNote(member, reason))
                continue
            txn.set(key, (index + 1) % count)
            return self._assigned(txn, member, skipped, f"it was {due}'s turn")
        return self._nobody(skipped, f"it was {due}'s turn")


def _weight(value: object, path: str) -> Fraction:
    if isinstance(value, bool):
        raise routing_error(f"a weight is a positive number, got {value!r}", path=path)
    try:
        if isinstance(value, float):
            # 0.1 means one tenth, not its binary approximation.
            weight = Fraction(Decimal(repr(value)))
        elif isinstance(value, int | Decimal | Fraction | str):
            weight = Fraction(value.strip() if isinstance(value, str) else value)
        else:
            raise TypeError
    except (TypeError, ValueError, InvalidOperation, ArithmeticError):
        raise routing_error(f"a weight is a positive number, got {value!r}", path=path) from None
    if weight <= 0:
        raise routing_error(f"a weight must be > 0, got {value!r}", path=path)
    if weight.denominator > 1000 or weight > 10**6:
        raise routing_error(
            f"a weight has at most 3 decimals and is at most 1,000,000, got {value!r}",
            path=path,
        )
    return weight


def _weights(value: Mapping[str, object]) -> tuple[tuple[str, Fraction], ...]:
    if not isinstance(value, Mapping):
        raise routing_error(
            f"weights map user ids to numbers, e.g. {{'u-1': 2, 'u-2': 0.5}}; got {value!r}",
            path="weights",
        )
    items = list(value.items())
    if not items:
        raise routing_error("weighted turns need at least one member", path="weights")
    members = _members(member for member, _ in items)
    return tuple(
        (member, _weight(weight, f"weights[{member!r}]"))
        for member, (_, weight) in zip(members, items, strict=True)
    )


@attrs.frozen(slots=True)
class WeightedRoundRobin(_Base):
    """Turns in proportion to weights: weight 2 gets two leads per cycle, 0.5 one every
    other cycle (a cycle gives weight-1 members one lead each).

    Smooth weighted round robin: each hand-out credits every eligible member with its
    weight and gives the lead to the most credited, who pays back the eligible total. A
    member who is away collects no credit, so does not get a flood on return.
    """

    kind: ClassVar[str] = "weighted"
    label: ClassVar[str] = "weighted turns"
    weights: tuple[tuple[str, Fraction], ...] = attrs.field(converter=_weights)
    caps: Caps = _caps_field
    fallback: OwnerRef | None = _fallback_field
    pool: str | None = _pool_field
    members: tuple[str, ...] = attrs.field(init=False)
    _units: tuple[int, ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "members", tuple(m for m, _ in self.weights))
        scale = math.lcm(*(w.denominator for _, w in self.weights))
        object.__setattr__(self, "_units", tuple(int(w * scale) for _, w in self.weights))

    def choose(self, txn: StateTransaction, roster: Roster, as_of: datetime) -> StrategyReasoning:
        """Credit eligible members, give the lead to the most credited."""
        eligible, skipped = self._eligible(txn, roster, as_of)
        if not eligible:
            return self._nobody(skipped)
        total = sum(self._units[i] for i in eligible)
        best = -1
        credits: dict[int, int] = {}
        for index in eligible:
            key = f"pool/{self.pool_name}/credit/{self.members[index]}"
            credits[index] = (txn.get(key) or 0) + self._units[index]
            if best < 0 or credits[index] > credits[best]:
                best = index
        credits[best] -= total
        for index, credit in credits.items():
            txn.set(f"pool/{self.pool_name}/credit/{self.members[index]}", credit)
        weight = dict(self.weights)[self.members[best]]
        return self._assigned(
            txn, self.members[best], skipped, f"most credit among eligible (weight {weight})"
        )


@attrs.frozen(slots=True)
class LeastLoaded(_Base):
    """The eligible member with the fewest open leads; ties go to whoever has waited
    longest since their last lead, then to the earlier member in the list."""

    kind: ClassVar[str] = "least_loaded"
    label: ClassVar[str] = "least loaded"
    members: tuple[str, ...] = attrs.field(converter=_members)
    caps: Caps = _caps_field
    fallback: OwnerRef | None = _fallback_field
    pool: str | None = _pool_field

    def choose(self, txn: StateTransaction, roster: Roster, as_of: datetime) -> StrategyReasoning:
        """Pick the lowest open count among eligible members."""
        eligible, skipped = self._eligible(txn, roster, as_of)
        if not eligible:
            return self._nobody(skipped)

        def load(index: int) -> tuple[int, int, int]:
            member = self.members[index]
            return (txn.get(open_key(member)) or 0, self._last(txn, member), index)

        best = min(eligible, key=load)
        return self._assigned(
            txn, self.members[best], skipped, f"fewest open leads ({load(best)[0]})"
        )


@attrs.frozen(slots=True)
class CapacityBased(_Base):
    """The eligible member with the most room left under their tightest limit (open
    leads, per day, per week); ties as in :class:`LeastLoaded`. A member with no limit
    at all has unlimited room, so give every member a limit (``caps`` or
    ``User.capacity``)."""

    kind: ClassVar[str] = "capacity"
    label: ClassVar[str] = "capacity"
    members: tuple[str, ...] = attrs.field(converter=_members)
    caps: Caps = _caps_field
    fallback: OwnerRef | None = _fallback_field
    pool: str | None = _pool_field

    def choose(self, txn: StateTransaction, roster: Roster, as_of: datetime) -> StrategyReasoning:
        """Pick the most remaining capacity among eligible members."""
        eligible, skipped = self._eligible(txn, roster, as_of)
        if not eligible:
            return self._nobody(skipped)
        rooms = {i: _headroom(txn, self.members[i], roster, self.caps, as_of)[0] for i in eligible}
        best = min(eligible, key=lambda i: (-rooms[i], self._last(txn, self.members[i]), i))
        room = rooms[best]
        shown = "unlimited" if room == math.inf else f"{int(room)}"
        return self._assigned(txn, self.members[best], skipped, f"most room left ({shown})")


Strategy: TypeAlias = RoundRobin | WeightedRoundRobin | LeastLoaded | CapacityBased
"""A distribution strategy over a team."""


_DISTRIBUTIONS = (RoundRobin, WeightedRoundRobin, LeastLoaded, CapacityBased)


def _check_account_fallback(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    if value is not None and not isinstance(value, (OwnerRef, *_DISTRIBUTIONS)):
        raise routing_error(
            "fallback is an OwnerRef (user or queue), a strategy (RoundRobin, "
            f"WeightedRoundRobin, LeastLoaded, CapacityBased) or None, got {value!r}",
            path="fallback",
        )


@attrs.frozen(slots=True)
class AccountOwner:
    """Send a lead from an existing customer to its account's owner: the lead's
    ``account_id`` (set by :func:`leadkit.accounts.link_accounts` before conversion) is
    looked up in the router's ``account_owners`` (see :func:`account_owners`).

    When the lead is not linked, the account has no user as owner, or the owner cannot
    take a lead now (inactive, on leave, off hours: the roster decides), ``fallback``
    takes it: a user or queue, a distribution strategy (its reasoning is kept), or None
    for the rule set's default owner. Capacity caps do not stop the account owner: the
    customer relationship wins, and the lead still counts in the owner's open leads.

    >>> AccountOwner(fallback=RoundRobin(["u-1", "u-2"])).members
    ('u-1', 'u-2')
    """

    kind: ClassVar[str] = "account_owner"
    label: ClassVar[str] = "account owner"
    fallback: OwnerRef | Strategy | None = attrs.field(
        default=None, validator=_check_account_fallback, kw_only=True
    )

    @property
    def members(self) -> tuple[str, ...]:
        """The fallback strategy's members (checked against the roster); () otherwise."""
        return (
            ()
            if self.fallback is None or isinstance(self.fallback, OwnerRef)
            else (self.fallback.members)
        )

    @property
    def pool_name(self) -> str:
        """``"account_owner"``."""
        return self.kind

    def choose_owner(
        self,
        account_id: str | None,
        owner: OwnerRef | None,
        txn: StateTransaction,
        roster: Roster,
        as_of: datetime,
    ) -> tuple[OwnerRef | None, StrategyReasoning]:
        """The account owner, or what the fallback decides (None: the default owner),
        with the reasoning."""
        if account_id is None:
            why = "the lead is not linked to an account"
        elif owner is None:
            why = f"account {account_id} has no owner"
        elif owner.is_queue:
            why = f"account {account_id} is owned by {owner}, not a user"
        else:
            reason = roster.unavailable_reason(owner.id, as_of)
            if reason is None:
                detail = f"lead linked to account {account_id}, owned by {owner.id}"
                return owner, StrategyReasoning(self.label, self.kind, owner.id, (), None, detail)
            why = f"account {account_id}'s owner {owner.id} is unavailable ({reason})"
        fallback = self.fallback
        if fallback is None or isinstance(fallback, OwnerRef):
            return fallback, StrategyReasoning(self.label, self.kind, None, (), None, why, fallback)
        reasoning = fallback.choose(txn, roster, as_of)
        reasoning = attrs.evolve(
            reasoning,
            strategy=f"{self.label}, else {reasoning.strategy}",
            detail=f"{why}; {reasoning.detail}" if reasoning.detail else why,
        )
        if reasoning.chosen is None:
            return fallback.fallback, reasoning
        return OwnerRef.user(reasoning.chosen), reasoning


def account_owners(accounts: Iterable[Any]) -> dict[str, OwnerRef]:
    """Account id -> owner, for the accounts that have one (not merged away): what a
    :class:`~leadkit.routing.Router` needs for :class:`AccountOwner` targets."""
    owners: dict[str, OwnerRef] = {}
    for account in accounts:
        owner = getattr(account, "owner", None)
        if owner is not None and getattr(account, "master_record_id", None) is None:
            owners[account.id] = owner
    return owners
