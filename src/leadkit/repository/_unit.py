"""The state machine both adapters' units of work share: enter, commit, roll back, exit."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from leadkit.model import Campaign, Event, Queue, Task, User
from leadkit.repository._errors import UnitOfWorkStateError
from leadkit.repository._generic import (
    AccountTableRepository,
    ActivityTableRepository,
    CampaignMemberTableRepository,
    ContactTableRepository,
    EngagementEventTableRepository,
    LeadTableRepository,
    OpportunityTableRepository,
    Repositories,
    Table,
    TableRepository,
)
from leadkit.repository._pending import PendingQueueRepository
from leadkit.repository._protocols import RateLimitRepository, RoutingStateRepository


class BaseUnitOfWork:
    """Repositories plus transaction bookkeeping; adapters fill in the five hooks and
    give the routing state and rate limit repositories to ``__init__``."""

    def __init__(
        self,
        *,
        routing_state: RoutingStateRepository,
        rate_limits: RateLimitRepository,
        pending: PendingQueueRepository | None = None,
    ) -> None:
        self._active = False
        self._repositories = Repositories(self._table, self._guard)
        self._routing_state = routing_state
        self._rate_limits = rate_limits
        self._pending = pending

    # -- hooks -------------------------------------------------------------------------

    def _table(self, name: str) -> Table[Any]:
        raise NotImplementedError

    def _begin(self) -> None:
        """Start a transaction (called on entering the block)."""

    def _commit(self) -> None:
        raise NotImplementedError

    def _rollback(self) -> None:
        raise NotImplementedError

    def _end(self) -> None:
        """Release resources (called on leaving the block, after the roll back)."""

    def _guard(self) -> None:
        if not self._active:
            raise UnitOfWorkStateError(
                f"{type(self).__name__} is not active: use its repositories inside `with uow:`"
            )

    # -- the protocol --------------------------------------------------------------------

    def __enter__(self) -> Self:
        if self._active:
            raise UnitOfWorkStateError(
                f"{type(self).__name__} is already active; a unit of work cannot be nested "
                "in itself (make a second one from the factory)"
            )
        self._begin()
        self._active = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self._rollback()
        finally:
            self._active = False
            self._end()

    def commit(self) -> None:
        """Make every write since the transaction began durable and visible to others.

        A commit that fails (a conflicting commit by another unit of work) rolls back.
        """
        self._guard()
        try:
            self._commit()
        except BaseException:
            self._rollback()
            raise

    def rollback(self) -> None:
        """Discard every write since the transaction began."""
        self._guard()
        self._rollback()

    @property
    def active(self) -> bool:
        """True inside ``with uow:``."""
        return self._active

    @property
    def leads(self) -> LeadTableRepository:
        """Leads."""
        return self._repositories.leads

    @property
    def accounts(self) -> AccountTableRepository:
        """Accounts."""
        return self._repositories.accounts

    @property
    def contacts(self) -> ContactTableRepository:
        """Contacts."""
        return self._repositories.contacts

    @property
    def opportunities(self) -> OpportunityTableRepository:
        """Opportunities."""
        return self._repositories.opportunities

    @property
    def tasks(self) -> ActivityTableRepository[Task]:
        """Tasks."""
        return self._repositories.tasks

    @property
    def events(self) -> ActivityTableRepository[Event]:
        """Calendar events."""
        return self._repositories.events

    @property
    def campaigns(self) -> TableRepository[Campaign]:
        """Campaigns."""
        return self._repositories.campaigns

    @property
    def campaign_members(self) -> CampaignMemberTableRepository:
        """Campaign members."""
        return self._repositories.campaign_members

    @property
    def engagement_events(self) -> EngagementEventTableRepository:
        """Engagement events."""
        return self._repositories.engagement_events

    @property
    def users(self) -> TableRepository[User]:
        """Users."""
        return self._repositories.users

    @property
    def queues(self) -> TableRepository[Queue]:
        """Queues."""
        return self._repositories.queues

    @property
    def routing_state(self) -> RoutingStateRepository:
        """Routing's strategy state (turns, open-lead counts), in this transaction."""
        return self._routing_state

    @property
    def rate_limits(self) -> RateLimitRepository:
        """Accepted submissions per key, for rate limits, in this transaction."""
        return self._rate_limits

    @property
    def pending_submissions(self) -> PendingQueueRepository:
        """Web-to-lead submissions waiting for the daily limit, in this transaction."""
        if self._pending is None:
            raise UnitOfWorkStateError(f"{type(self).__name__} keeps no pending queue")
        return self._pending
