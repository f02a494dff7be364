"""The state machine both adapters' units of work share: enter, commit, roll back, exit."""

from __future__ import annotations

from contextlib import suppress
from contextvars import Token
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from leadkit.errors import ValidationError
from leadkit.model import Campaign, Catalogues, Event, Queue, Task, User
from leadkit.model._catalogues import _catalogues as _catalogues_in_force
from leadkit.repository._config import (
    CATALOGUES_KEY,
    ConfigStore,
    catalogues_from_json,
    catalogues_to_json,
)
from leadkit.repository._enrolments import EnrolmentStore
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
from leadkit.repository._histories import RoutingDecisionStore, StageHistoryStore
from leadkit.repository._outbox import OutboxStore
from leadkit.repository._pending import PendingQueueRepository
from leadkit.repository._protocols import RateLimitRepository, RoutingStateRepository
from leadkit.repository._visitors import VisitorStoreBase

if TYPE_CHECKING:
    from leadkit.model import Lead
    from leadkit.outbox import DomainEvent


class BaseUnitOfWork:
    """Repositories plus transaction bookkeeping; adapters fill in the five hooks and
    give the routing state and rate limit repositories to ``__init__``."""

    def __init__(
        self,
        *,
        routing_state: RoutingStateRepository,
        rate_limits: RateLimitRepository,
        enrolments: EnrolmentStore,
        outbox: OutboxStore,
        record_events: bool = False,
        config: ConfigStore | None = None,
        pending: PendingQueueRepository | None = None,
        stage_histories: StageHistoryStore | None = None,
        routing_decisions: RoutingDecisionStore | None = None,
        visitors: VisitorStoreBase | None = None,
    ) -> None:
        if not isinstance(record_events, bool):
            raise ValidationError(
                f"record_events is True or False, got {record_events!r}",
                path=f"{type(self).__name__}.record_events",
            )
        self._active = False
        self._record_events = record_events
        self._repositories = Repositories(
            self._table,
            self._guard,
            on_lead=self._lead_written if record_events else None,
            on_leads_added=self._leads_added if record_events else None,
        )
        self._routing_state = routing_state
        self._rate_limits = rate_limits
        self._enrolments = enrolments
        self._outbox = outbox
        self._config = config
        self._saved_catalogues: Catalogues | None = None
        self._catalogue_token: Token[Catalogues] | None = None
        self._pending = pending
        self._stage_histories = stage_histories
        self._routing_decisions = routing_decisions
        self._visitors = visitors

    def _lead_written(self, before: Lead | None, after: Lead) -> None:
        from leadkit.outbox import lead_events

        for event in lead_events(before, after):
            self._outbox.add(event)

    def _leads_added(self, leads: list[Lead]) -> None:
        from leadkit.outbox import lead_events

        # One batch for the events of one add_all (a single executemany on SQLite).
        self._outbox.add_many([event for lead in leads for event in lead_events(None, lead)])

    @property
    def record_events(self) -> bool:
        """True if lead writes raise domain events into :attr:`outbox` (made with
        ``record_events=True``)."""
        return self._record_events

    def collect(self, event: DomainEvent, /) -> bool:
        """Write a domain event to the outbox in this transaction; False if it is there
        already (same id)."""
        self._guard()
        return self._outbox.add(event)

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
        try:
            self._put_catalogues_in_force()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    # -- the store's catalogues ------------------------------------------------------------

    def _put_catalogues_in_force(self) -> None:
        # A store with saved catalogues reads and writes its records under them, whatever
        # the caller has in force; one without keeps the caller's (use_catalogues).
        self._saved_catalogues = None
        if self._config is None:
            return
        text = self._config.get(CATALOGUES_KEY)
        if text is None:
            return
        self._saved_catalogues = catalogues_from_json(text, where=type(self).__name__)
        self._set_in_force(self._saved_catalogues)

    def _set_in_force(self, catalogues: Catalogues) -> None:
        token = _catalogues_in_force.set(catalogues)
        if self._catalogue_token is None:
            self._catalogue_token = token

    def _release_catalogues(self) -> None:
        if self._catalogue_token is not None:
            token, self._catalogue_token = self._catalogue_token, None
            with suppress(ValueError):  # left in another context (thread): nothing to undo
                _catalogues_in_force.reset(token)

    @property
    def catalogues(self) -> Catalogues | None:
        """The catalogues saved with the store (in force inside this unit of work), or
        ``None`` when none were saved (the caller's are then in force)."""
        self._guard()
        return self._saved_catalogues

    def save_catalogues(self, catalogues: Catalogues, /) -> None:
        """Keep ``catalogues`` in the store's configuration (written on commit, like a
        record) and put them in force for the rest of this unit of work. Records already
        stored must still be valid under them: check with ``uow.leads.list()``."""
        self._guard()
        if not isinstance(catalogues, Catalogues):
            raise ValidationError(
                f"expected Catalogues, got {type(catalogues).__name__}", path="catalogues"
            )
        if self._config is None:
            raise ValidationError(
                f"{type(self).__name__} has no configuration store to keep catalogues in",
                path="catalogues",
            )
        self._config.set(CATALOGUES_KEY, catalogues_to_json(catalogues))
        self._saved_catalogues = catalogues
        self._set_in_force(catalogues)

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
            self._release_catalogues()
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
    def enrolments(self) -> EnrolmentStore:
        """Nurture enrolments, in this transaction."""
        self._guard()
        return self._enrolments

    @property
    def outbox(self) -> OutboxStore:
        """The outbox of domain events, in this transaction."""
        self._guard()
        return self._outbox

    @property
    def stage_histories(self) -> StageHistoryStore:
        """Each lead's stage history (transitions and status changes), in this
        transaction."""
        self._guard()
        if self._stage_histories is None:
            raise UnitOfWorkStateError(f"{type(self).__name__} keeps no stage histories")
        return self._stage_histories

    @property
    def routing_decisions(self) -> RoutingDecisionStore:
        """The routing decisions kept for each lead, in this transaction."""
        self._guard()
        if self._routing_decisions is None:
            raise UnitOfWorkStateError(f"{type(self).__name__} keeps no routing decisions")
        return self._routing_decisions

    @property
    def visitors(self) -> VisitorStoreBase:
        """Anonymous visitor events and visitor links, in this transaction."""
        self._guard()
        if self._visitors is None:
            raise UnitOfWorkStateError(f"{type(self).__name__} keeps no visitor events")
        return self._visitors

    @property
    def pending_submissions(self) -> PendingQueueRepository:
        """Web-to-lead submissions waiting for the daily limit, in this transaction."""
        if self._pending is None:
            raise UnitOfWorkStateError(f"{type(self).__name__} keeps no pending queue")
        return self._pending
