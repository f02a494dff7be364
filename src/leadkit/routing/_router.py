"""Routing leads: the first matching entry assigns, strategies pick a member, and every
decision says why."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from leadkit._checks import aware_datetime
from leadkit._html import html_table
from leadkit.model import EngagementEvent, Lead, OwnerRef
from leadkit.routing._availability import Roster
from leadkit.routing._errors import routing_error
from leadkit.routing._rules import AssignmentRules, RuleEntry
from leadkit.routing._state import RoutingState, StateTransaction
from leadkit.routing._strategies import AccountOwner, StrategyReasoning, record_assignment
from leadkit.rules import AllOf, Criteria, Explanation, FirstMatchIndex, IndexStats, explain

if TYPE_CHECKING:
    from leadkit.repository import UnitOfWork

__all__ = ["MatchedEntry", "Router", "RoutingDecision", "SkippedEntry"]


@attrs.frozen(slots=True)
class MatchedEntry:
    """The entry that assigned the lead: its 0-based ``index`` and its ``name``."""

    index: int
    name: str

    def __str__(self) -> str:
        return f"#{self.index + 1}" + (f" {self.name!r}" if self.name else "")


def _line(explanation: Explanation) -> str:
    if explanation.children:
        return str(explanation.condition)
    return str(explanation).splitlines()[0][2:]


@attrs.frozen(slots=True)
class SkippedEntry:
    """An entry before the one that matched, which did not match, and why: the
    condition language's :class:`~leadkit.rules.Explanation` of its criteria."""

    index: int
    name: str
    explanation: Explanation

    @property
    def failing(self) -> tuple[str, ...]:
        """The criteria that did not hold, numbered as in the entry (``2. employees >=
        1000  [employees = 300]``)."""
        node = self.explanation.condition
        children = self.explanation.children
        if isinstance(node, Criteria):
            return tuple(
                f"{n}. {_line(child)}"
                for n, child in enumerate(children, start=1)
                if not child.held
            )
        if isinstance(node, AllOf):
            return tuple(_line(child) for child in children if not child.held)
        return (_line(self.explanation),)

    def __str__(self) -> str:
        head = f"#{self.index + 1}" + (f" {self.name!r}" if self.name else "")
        return f"{head} did not match: " + "; ".join(self.failing)


@attrs.frozen(slots=True)
class RoutingDecision:
    """Who gets a lead and why.

    ``entry`` is None when no entry matched and the default owner took the lead.
    ``skipped_entries`` explains each earlier entry (only when routed with
    ``explain=True``); ``strategy_reasoning`` says whose turn it was and who was passed
    over; ``kept_owner`` is True when a "do not reassign owner" entry kept the owner.
    """

    lead_id: str
    owner: OwnerRef
    entry: MatchedEntry | None
    skipped_entries: tuple[SkippedEntry, ...] = ()
    strategy_reasoning: StrategyReasoning | None = None
    kept_owner: bool = False

    @property
    def by_default(self) -> bool:
        """True when no entry matched."""
        return self.entry is None

    def _how(self) -> str:
        if self.entry is None:
            return "no entry matched: default owner"
        if self.kept_owner:
            return f"entry {self.entry} (do not reassign owner): kept"
        return f"entry {self.entry}"

    def __str__(self) -> str:
        lines = [f"{self.lead_id} → {self.owner} by {self._how()}"]
        lines.extend(f"  {skipped}" for skipped in self.skipped_entries)
        if self.strategy_reasoning is not None:
            lines.append(f"  {self.strategy_reasoning}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """The decision as an HTML table (Jupyter): owner, the entry that matched, each
        skipped entry with its failing criteria, and the strategy's reasoning."""
        rows: list[tuple[str, str]] = [("owner", str(self.owner)), ("matched", self._how())]
        for skipped in self.skipped_entries:
            head = f"#{skipped.index + 1}" + (f" {skipped.name!r}" if skipped.name else "")
            rows.append((f"skipped {head}", "; ".join(skipped.failing)))
        if self.strategy_reasoning is not None:
            rows.append(("strategy", str(self.strategy_reasoning)))
        caption = f"{self.lead_id} → {self.owner}"
        return html_table(("", "why"), rows, caption=caption)


def _check_roster(rules: AssignmentRules, roster: Roster) -> None:
    for index, strategy in rules.strategies():
        for number, member in enumerate(strategy.members):
            if member not in roster:
                where = "weights" if hasattr(strategy, "weights") else "members"
                key = f"[{member!r}]" if where == "weights" else f"[{number}]"
                raise routing_error(
                    f"{member!r} is not in the roster; add the User or remove the member",
                    path=f"entries[{index}].target.{where}{key}",
                )


def _check_as_of(as_of: object) -> datetime:
    return aware_datetime(as_of, code="bad_routing")


def _check_state(state: object) -> RoutingState:
    if not isinstance(state, RoutingState):
        raise routing_error(
            "state must be a RoutingState (InMemoryState, SqliteState or your own), "
            f"got {type(state).__name__}",
            path="state",
        )
    return state


class Router:
    """An :class:`AssignmentRules` set compiled for a :class:`Roster`: conditions
    compiled and indexed once, strategies checked against the roster.

    Routing is pure apart from ``state``: the same lead, rules, roster, ``as_of`` and
    state give the same decision, and the decision's bookkeeping (turn pointers, open
    counts, counts per day and week) is written in the same transaction that read it.
    """

    def __init__(
        self,
        rules: AssignmentRules,
        *,
        roster: Roster | None = None,
        account_owners: Mapping[str, OwnerRef] | None = None,
    ) -> None:
        if not isinstance(rules, AssignmentRules):
            raise routing_error(f"expected AssignmentRules, got {type(rules).__name__}")
        self.rules = rules
        self.roster = roster if roster is not None else Roster()
        if not isinstance(self.roster, Roster):
            raise routing_error(f"roster must be a Roster, got {type(roster).__name__}")
        owners = dict(account_owners or {})
        for account_id, owner in owners.items():
            if not isinstance(owner, OwnerRef):
                raise routing_error(
                    f"an account owner is an OwnerRef, got {owner!r}",
                    path=f"account_owners[{account_id!r}]",
                )
        self.account_owners: Mapping[str, OwnerRef] = owners
        """Account id -> owner, for :class:`~leadkit.routing.AccountOwner` targets
        (:func:`~leadkit.routing.account_owners` builds it from the accounts)."""
        _check_roster(rules, self.roster)
        self._entries: tuple[RuleEntry, ...] = rules.entries
        self._index = FirstMatchIndex([entry.when for entry in rules.entries])

    @property
    def index_stats(self) -> IndexStats:
        """How the entries were indexed (for tuning large rule sets)."""
        return self._index.stats

    def match(
        self, lead: Lead, *, as_of: datetime, events: Sequence[EngagementEvent] = ()
    ) -> int | None:
        """The 0-based index of the first entry whose criteria hold, or None (pure)."""
        if not isinstance(lead, Lead):
            raise routing_error(f"match() takes a Lead, got {type(lead).__name__}", path="lead")
        return self._index.first_match(lead, events, _check_as_of(as_of))

    def route(
        self,
        lead: Lead,
        *,
        as_of: datetime,
        state: RoutingState,
        events: Sequence[EngagementEvent] = (),
        explain: bool = True,
    ) -> RoutingDecision:
        """Decide who gets ``lead`` and record it in ``state``, in one transaction.

        ``events`` are the lead's engagement events, for criteria on behaviour.
        ``explain=False`` skips explaining the entries before the match (their
        explanation costs more than the routing itself).
        """
        _check_as_of(as_of)
        with _check_state(state).transaction() as txn:
            return self._route(lead, as_of, txn, events, explain)

    def route_many(
        self,
        leads: Iterable[Lead],
        *,
        as_of: datetime,
        state: RoutingState,
        events: Mapping[str, Sequence[EngagementEvent]] | None = None,
        explain: bool = False,
    ) -> list[RoutingDecision]:
        """Route ``leads`` in order, in one transaction (all recorded or none).

        ``events`` maps lead ids to their engagement events.
        """
        _check_as_of(as_of)
        by_lead = events or {}
        with _check_state(state).transaction() as txn:
            return [
                self._route(lead, as_of, txn, by_lead.get(_lead_id(lead), ()), explain)
                for lead in leads
            ]

    def route_in(
        self,
        uow: UnitOfWork,
        lead: Lead,
        *,
        as_of: datetime,
        events: Sequence[EngagementEvent] = (),
        explain: bool = True,
    ) -> RoutingDecision:
        """Decide who gets ``lead`` inside ``uow`` (an active unit of work): the
        strategy state is ``uow.routing_state`` and the decision is kept in
        ``uow.routing_decisions`` (a :class:`~leadkit.routing.RecordedDecision` at
        ``as_of``, with the lead's owner before it), both in the unit's transaction, so
        they are committed, or rolled back, with the lead it saves. The lead itself is
        not written: store it with its new owner.
        """
        from leadkit.routing._record import RecordedDecision

        when = _check_as_of(as_of)
        decision = self._route(lead, when, uow.routing_state, events, explain)
        uow.routing_decisions.add(RecordedDecision.of(decision, at=when, previous_owner=lead.owner))
        return decision

    def dry_run(
        self,
        leads: Iterable[Lead],
        *,
        as_of: datetime,
        state: RoutingState,
        events: Mapping[str, Sequence[EngagementEvent]] | None = None,
    ) -> Counter[OwnerRef]:
        """How many of ``leads`` each owner would receive, routed in order against a
        copy of ``state``; ``state`` itself never changes."""
        copy = _check_state(state).snapshot()
        decisions = self.route_many(leads, as_of=as_of, state=copy, events=events)
        return Counter(decision.owner for decision in decisions)

    def _route(
        self,
        lead: Lead,
        as_of: datetime,
        txn: StateTransaction,
        events: Sequence[EngagementEvent],
        explain_entries: bool,
    ) -> RoutingDecision:
        if not isinstance(lead, Lead):
            raise routing_error(f"route() takes a Lead, got {type(lead).__name__}", path="lead")
        position = self._index.first_match(lead, events, as_of)
        skipped: tuple[SkippedEntry, ...] = ()
        if explain_entries:
            end = len(self._entries) if position is None else position
            skipped = tuple(
                SkippedEntry(i, e.name, explain(e.when, lead, events, as_of=as_of))
                for i, e in enumerate(self._entries[:end])
            )
        if position is None:
            owner = self.rules.default_owner
            self._record(txn, owner, as_of)
            return RoutingDecision(lead.id, owner, None, skipped)
        entry = self._entries[position]
        matched = MatchedEntry(position, entry.name)
        if entry.keep_owner and lead.owner is not None:
            return RoutingDecision(lead.id, lead.owner, matched, skipped, kept_owner=True)
        target = entry.target
        reasoning = None
        if isinstance(target, OwnerRef):
            owner = target
        elif isinstance(target, AccountOwner):
            account_id = lead.account_id
            linked = None if account_id is None else self.account_owners.get(account_id)
            chosen, reasoning = target.choose_owner(account_id, linked, txn, self.roster, as_of)
            owner = chosen or self.rules.default_owner
            if chosen is None:
                reasoning = attrs.evolve(reasoning, fallback=owner)
        else:
            reasoning = target.choose(txn, self.roster, as_of)
            if reasoning.chosen is not None:
                owner = OwnerRef.user(reasoning.chosen)
            else:
                owner = target.fallback or self.rules.default_owner
                reasoning = attrs.evolve(reasoning, fallback=owner)
        self._record(txn, owner, as_of)
        return RoutingDecision(lead.id, owner, matched, skipped, reasoning)

    def _record(self, txn: StateTransaction, owner: OwnerRef, as_of: datetime) -> None:
        if not owner.is_queue:
            record_assignment(txn, owner.id, self.roster, as_of)


def _lead_id(lead: object) -> str:
    return lead.id if isinstance(lead, Lead) else ""
