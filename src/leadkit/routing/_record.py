"""Routing decisions as kept facts: who was given a lead, when, by which entry and
strategy, and why, stored by the unit of work (``uow.routing_decisions``) in the
transaction of the routing itself (:meth:`Router.route_in`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from leadkit._checks import aware_datetime
from leadkit.model import OwnerRef
from leadkit.routing._errors import routing_error
from leadkit.routing._router import MatchedEntry, RoutingDecision
from leadkit.routing._strategies import StrategyReasoning

__all__ = ["RecordedDecision", "SkippedNote"]


@attrs.frozen(slots=True)
class SkippedNote:
    """An entry before the one that matched, as kept: its 0-based ``index``, its ``name``
    and the criteria that did not hold (:attr:`SkippedEntry.failing`)."""

    index: int
    name: str
    failing: tuple[str, ...] = ()

    def __str__(self) -> str:
        head = f"#{self.index + 1}" + (f" {self.name!r}" if self.name else "")
        return f"{head} did not match: " + "; ".join(self.failing)


def _at(instance: object, attribute: attrs.Attribute[datetime], value: object) -> None:
    aware_datetime(value, path="RecordedDecision.at", code="bad_routing")


def _lead(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise routing_error(
            f"a kept decision needs the lead's id, got {value!r}", path="RecordedDecision.lead_id"
        )


def _owner(instance: object, attribute: attrs.Attribute[OwnerRef], value: object) -> None:
    if not isinstance(value, OwnerRef):
        raise routing_error(
            f"expected an OwnerRef, got {type(value).__name__}", path="RecordedDecision.owner"
        )


def _notes(value: Iterable[SkippedNote]) -> tuple[SkippedNote, ...]:
    return tuple(value)


@attrs.frozen(slots=True)
class RecordedDecision:
    """A :class:`RoutingDecision` as stored: the lead, the moment it was routed (``at``),
    the owner it got and the one it had (``previous_owner``), the entry that matched
    (None: the default owner), the strategy's reasoning, the entries skipped before it
    (their failing criteria as text), and ``explanation``, the decision as printed
    (``str(decision)``).

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import OwnerRef
    >>> from leadkit.routing import MatchedEntry, RoutingDecision
    >>> decision = RoutingDecision("l-1", OwnerRef.user("u-1"), MatchedEntry(0, "Kanto"))
    >>> kept = RecordedDecision.of(decision, at=datetime(2026, 4, 1, tzinfo=UTC))
    >>> str(kept.owner), str(kept.entry), kept.explanation
    ('user:u-1', "#1 'Kanto'", "l-1 → user:u-1 by entry #1 'Kanto'")
    """

    lead_id: str = attrs.field(validator=_lead)
    at: datetime = attrs.field(validator=_at)
    owner: OwnerRef = attrs.field(validator=_owner)
    entry: MatchedEntry | None = attrs.field(default=None, kw_only=True)
    strategy_reasoning: StrategyReasoning | None = attrs.field(default=None, kw_only=True)
    kept_owner: bool = attrs.field(default=False, kw_only=True)
    skipped: tuple[SkippedNote, ...] = attrs.field(default=(), converter=_notes, kw_only=True)
    previous_owner: OwnerRef | None = attrs.field(default=None, kw_only=True)
    explanation: str = attrs.field(default="", kw_only=True)

    @classmethod
    def of(
        cls,
        decision: RoutingDecision,
        *,
        at: datetime,
        previous_owner: OwnerRef | None = None,
    ) -> RecordedDecision:
        """The stored form of ``decision``, made at ``at``."""
        if not isinstance(decision, RoutingDecision):
            raise routing_error(
                f"expected a RoutingDecision, got {type(decision).__name__}", path="decision"
            )
        return cls(
            decision.lead_id,
            at,
            decision.owner,
            entry=decision.entry,
            strategy_reasoning=decision.strategy_reasoning,
            kept_owner=decision.kept_owner,
            skipped=tuple(
                SkippedNote(s.index, s.name, s.failing) for s in decision.skipped_entries
            ),
            previous_owner=previous_owner,
            explanation=str(decision),
        )

    @property
    def by_default(self) -> bool:
        """True when no entry matched (the default owner took the lead)."""
        return self.entry is None

    def records(self, decision: RoutingDecision) -> bool:
        """True when this is the stored form of ``decision`` (same owner, entry,
        reasoning, skipped entries and explanation)."""
        return RecordedDecision.of(decision, at=self.at, previous_owner=self.previous_owner) == self

    def __str__(self) -> str:
        return f"{self.at.isoformat()} {self.explanation or self.lead_id + ' → ' + str(self.owner)}"
