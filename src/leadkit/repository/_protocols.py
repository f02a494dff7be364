"""The storage contract: one typed repository per record kind, and the unit of work that
groups their writes into one transaction.

Domain code (conversion, merge, intake, routing) talks to these protocols only; it never
imports an adapter. Any class with these methods is a repository: the in-memory and SQLite
adapters in this package are two, a SQLAlchemy, Django or REST adapter is another, and
:mod:`leadkit.testing.contract` checks that an adapter keeps the promises written here.

Promises every adapter keeps:

* ``get`` raises :class:`~leadkit.errors.NotFoundError`; ``find`` returns ``None``.
* ``add`` stores a new record as given (its ``version`` too) and raises
  :class:`~leadkit.repository.DuplicateIdError` if the id is taken.
* ``update`` and ``remove`` compare the stored ``version`` with the record's: equal, the
  write goes ahead (``update`` stores ``version + 1`` and returns the stored record);
  different, :class:`~leadkit.errors.ConcurrencyError` and nothing changes. Always update
  from the record the last write returned.
* Lists (``all``, iteration, finders) are in the order records were first added.
* A converted lead is read-only: ``leads.update`` and ``leads.remove`` raise
  :class:`~leadkit.repository.LeadReadOnlyError`; only ``leads.save_conversion`` turns an
  open lead into a converted one.
* Finder keys are the model's normalised keys (:func:`~leadkit.model.email_key`,
  :func:`~leadkit.model.company_key`, :func:`~leadkit.model.phone_key` with Japan as the
  default country, :func:`~leadkit.repository.website_domain`); raw values are normalised
  the same way first, so ``by_email_key("Taro@Example.jp")`` works too.
* Repositories are usable only inside ``with uow:``; nothing is written unless
  ``uow.commit()`` is called before the block ends; an exception rolls everything back.
* Stage histories (:class:`StageHistoryRepository`) and routing decisions
  (:class:`RoutingDecisionRepository`) are kept in the same transaction, in order.
* Besides records, a unit of work holds the routing state (:class:`RoutingStateRepository`:
  round-robin turns, capacity counts) and the rate limits
  (:class:`RateLimitRepository`: accepted submissions per key), in the same transaction as
  the records and under the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self, TypeVar

from leadkit.model import (
    Account,
    Campaign,
    CampaignMember,
    Catalogues,
    Contact,
    EngagementEvent,
    Event,
    Lead,
    Opportunity,
    OwnerRef,
    Queue,
    Task,
    User,
)

if TYPE_CHECKING:
    from leadkit.nurture import Enrolment
    from leadkit.outbox import DomainEvent, OutboxEntry
    from leadkit.routing import RecordedDecision
    from leadkit.stages import StageHistory
    from leadkit.visitors import VisitorEvent, VisitorLink

__all__ = [
    "AccountRepository",
    "ActivityRepository",
    "CampaignMemberRepository",
    "CampaignRepository",
    "ContactRepository",
    "EngagementEventRepository",
    "EnrolmentRepository",
    "EventRepository",
    "LeadRepository",
    "OpportunityRepository",
    "OutboxRepository",
    "QueueRepository",
    "RateLimitRepository",
    "Record",
    "Repository",
    "RoutingDecisionRepository",
    "RoutingStateRepository",
    "StageHistoryRepository",
    "TaskRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "UserRepository",
    "VisitorRepository",
]


class Record(Protocol):
    """What every storable entity has: an ``id`` and an optimistic-concurrency ``version``."""

    @property
    def id(self) -> str:
        """The record's id, unique within its kind."""
        ...

    @property
    def version(self) -> int:
        """Bumped by one on every stored update."""
        ...


R = TypeVar("R", bound=Record)
A = TypeVar("A", Task, Event)


class Repository(Protocol[R]):
    """The operations every repository offers, typed by the record kind ``R``."""

    def get(self, id: str, /) -> R:
        """The record with this id; :class:`~leadkit.errors.NotFoundError` if none."""
        ...

    def find(self, id: str, /) -> R | None:
        """The record with this id, or ``None``."""
        ...

    def get_many(self, ids: Iterable[str], /) -> list[R]:
        """The records with these ids, in the order given; ``NotFoundError`` naming every
        missing id if any is missing."""
        ...

    def add(self, record: R, /) -> R:
        """Store a new record as given; :class:`DuplicateIdError` if the id is taken."""
        ...

    def update(self, record: R, /) -> R:
        """Store a changed record whose ``version`` equals the stored one; the stored
        record (``version + 1``) is returned. Stale version:
        :class:`~leadkit.errors.ConcurrencyError`; unknown id: ``NotFoundError``."""
        ...

    def remove(self, record: R, /) -> None:
        """Delete a record, checking its ``version`` like :meth:`update`."""
        ...

    def all(self) -> list[R]:
        """Every record, in the order they were added."""
        ...

    def __iter__(self) -> Iterator[R]:
        """Iterate over :meth:`all`."""
        ...

    def __len__(self) -> int:
        """How many records are stored."""
        ...

    def __contains__(self, id: object, /) -> bool:
        """True if a record with this id is stored."""
        ...


class LeadRepository(Repository[Lead], Protocol):
    """Leads, with the finders duplicate checks and routing need."""

    def by_email_key(self, key: str, /) -> list[Lead]:
        """Leads whose :func:`~leadkit.model.email_key` equals ``key``."""
        ...

    def by_company_key(self, key: str, /) -> list[Lead]:
        """Leads whose :func:`~leadkit.model.company_key` equals ``key``."""
        ...

    def by_phone_key(self, key: str, /) -> list[Lead]:
        """Leads whose phone or mobile has this :func:`~leadkit.model.phone_key`."""
        ...

    def by_owner(self, owner: OwnerRef, /) -> list[Lead]:
        """Leads owned by ``owner`` (any status, converted or not)."""
        ...

    def count_open_by_owner(
        self, *, closed_statuses: Collection[str] | None = None
    ) -> dict[OwnerRef, int]:
        """How many open leads each owner has: not converted, not merged, and with a status
        not in ``closed_statuses`` (default: the closed statuses of
        :func:`~leadkit.model.active_statuses`). Owners with none are absent."""
        ...

    def save_conversion(self, lead: Lead, /) -> Lead:
        """Store a lead that has just been converted (``lead.conversion`` set): the one
        write that may make a lead read-only. Checks the version like ``update``; raises
        :class:`LeadReadOnlyError` if the stored lead is already converted."""
        ...


class AccountRepository(Repository[Account], Protocol):
    """Accounts, findable by company key and website domain."""

    def by_company_key(self, key: str, /) -> list[Account]:
        """Accounts whose name has this :func:`~leadkit.model.company_key`."""
        ...

    def by_domain(self, domain: str, /) -> list[Account]:
        """Accounts whose website is on ``domain`` (see :func:`website_domain`)."""
        ...

    def by_parent(self, parent_id: str, /) -> list[Account]:
        """The accounts whose ``parent_id`` is ``parent_id`` (branches of a head office)."""
        ...


class ContactRepository(Repository[Contact], Protocol):
    """Contacts, findable by account, email key and phone key."""

    def by_account(self, account_id: str, /) -> list[Contact]:
        """The contacts of one account."""
        ...

    def by_email_key(self, key: str, /) -> list[Contact]:
        """Contacts whose :func:`~leadkit.model.email_key` equals ``key``."""
        ...

    def by_phone_key(self, key: str, /) -> list[Contact]:
        """Contacts whose phone or mobile has this :func:`~leadkit.model.phone_key`."""
        ...


class OpportunityRepository(Repository[Opportunity], Protocol):
    """Opportunities, findable by account and by primary campaign."""

    def by_account(self, account_id: str, /) -> list[Opportunity]:
        """The opportunities of one account."""
        ...

    def by_campaign(self, campaign_id: str, /) -> list[Opportunity]:
        """Opportunities whose primary campaign source is ``campaign_id``."""
        ...


class ActivityRepository(Repository[A], Protocol[A]):
    """Tasks or events, findable by what they relate to."""

    def by_lead(self, lead_id: str, /) -> list[A]:
        """Activities of a lead."""
        ...

    def by_contact(self, contact_id: str, /) -> list[A]:
        """Activities related to a contact."""
        ...

    def by_account(self, account_id: str, /) -> list[A]:
        """Activities related to an account."""
        ...

    def by_opportunity(self, opportunity_id: str, /) -> list[A]:
        """Activities related to an opportunity."""
        ...


class TaskRepository(ActivityRepository[Task], Protocol):
    """Tasks (ToDo)."""


class EventRepository(ActivityRepository[Event], Protocol):
    """Calendar events (行動)."""


class CampaignRepository(Repository[Campaign], Protocol):
    """Campaigns."""


class CampaignMemberRepository(Repository[CampaignMember], Protocol):
    """Campaign members, findable by campaign and by person."""

    def by_campaign(self, campaign_id: str, /) -> list[CampaignMember]:
        """The members of one campaign."""
        ...

    def by_lead(self, lead_id: str, /) -> list[CampaignMember]:
        """The campaign memberships of a lead."""
        ...

    def by_contact(self, contact_id: str, /) -> list[CampaignMember]:
        """The campaign memberships of a contact."""
        ...


class EngagementEventRepository(Repository[EngagementEvent], Protocol):
    """Engagement events (page views, form submissions ...), findable by person."""

    def by_lead(self, lead_id: str, /) -> list[EngagementEvent]:
        """The events of a lead."""
        ...

    def by_contact(self, contact_id: str, /) -> list[EngagementEvent]:
        """The events of a contact."""
        ...


class UserRepository(Repository[User], Protocol):
    """Users (salespeople and anyone else who owns records)."""


class QueueRepository(Repository[Queue], Protocol):
    """Queues (shared owners)."""


class RoutingStateRepository(Protocol):
    """Routing's strategy state: a map from text keys (``open/u-1``, a pool's turn) to
    whole numbers. Missing keys read as None; a transaction sees its own writes."""

    def get(self, key: str, /) -> int | None:
        """The value stored at ``key``, or None."""
        ...

    def set(self, key: str, value: int, /) -> None:
        """Store ``value`` at ``key``."""
        ...

    def items(self) -> dict[str, int]:
        """Every stored key and value."""
        ...


class RateLimitRepository(Protocol):
    """Accepted submissions per key (an IP address, an e-mail address), as moments."""

    def hits(self, key: str, /, *, after: datetime, until: datetime) -> list[datetime]:
        """The moments recorded for ``key`` in (``after``, ``until``], oldest first."""
        ...

    def latest(self, key: str, /) -> datetime | None:
        """The newest moment recorded for ``key``, or None."""
        ...

    def add(self, key: str, at: datetime, /) -> None:
        """Record one submission from ``key`` at ``at``."""
        ...

    def remove(self, key: str, at: datetime, /) -> bool:
        """Remove one submission recorded for ``key`` at exactly ``at``; True if found."""
        ...

    def forget(self, key: str, /, *, until: datetime) -> None:
        """Remove every moment recorded for ``key`` at or before ``until``."""
        ...


class EnrolmentRepository(Protocol):
    """Nurture enrolments (:class:`~leadkit.nurture.Enrolment`), one per program, lead and
    ``enrolled_at`` (a lead that re-enters a program has one per entry)."""

    def save(self, enrolment: Enrolment, /) -> Enrolment:
        """Store a new enrolment, or the next state of a stored one (same program, lead
        and ``enrolled_at``)."""
        ...

    def save_all(self, enrolments: Sequence[Enrolment], /) -> None:
        """:meth:`save` each one."""
        ...

    def find(self, program: str, lead_id: str, /) -> Enrolment | None:
        """The lead's latest enrolment in ``program``, or None."""
        ...

    def get(self, program: str, lead_id: str, /) -> Enrolment:
        """The lead's latest enrolment in ``program``; NotFoundError if none."""
        ...

    def history(self, program: str, lead_id: str, /) -> list[Enrolment]:
        """The lead's enrolments in ``program``, in the order first saved."""
        ...

    def by_program(self, program: str, /, *, active: bool | None = None) -> list[Enrolment]:
        """The program's enrolments in the order first saved (only active ones, or only
        the others, when ``active`` is given)."""
        ...

    def by_lead(self, lead_id: str, /) -> list[Enrolment]:
        """A lead's enrolments in every program, in the order first saved."""
        ...

    def all(self) -> list[Enrolment]:
        """Every enrolment, in the order first saved."""
        ...

    def __len__(self) -> int:
        """How many enrolments are stored."""
        ...


class VisitorRepository(Protocol):
    """Anonymous visitor events (:class:`~leadkit.visitors.VisitorEvent`, keyed by id)
    and visitor links (:class:`~leadkit.visitors.VisitorLink`, one per visitor id): the
    :class:`~leadkit.visitors.VisitorStore` of a unit of work."""

    def add_event(self, event: VisitorEvent, /) -> bool:
        """Store an anonymous event; False (nothing written) if its id is stored."""
        ...

    def add_events(self, events: Iterable[VisitorEvent], /) -> int:
        """:meth:`add_event` each one; how many were new."""
        ...

    def events_of(self, visitor_id: str, /) -> list[VisitorEvent]:
        """The visitor's events, in time order (ties by id)."""
        ...

    def link_of(self, visitor_id: str, /) -> VisitorLink | None:
        """The visitor's link, if it is known."""
        ...

    def links_of(
        self, *, lead_id: str | None = None, contact_id: str | None = None
    ) -> list[VisitorLink]:
        """The visitors of a lead or (exclusive) of a contact, by visitor id."""
        ...

    def save_link(self, link: VisitorLink, /) -> VisitorLink:
        """Store (or replace) the link of ``link.visitor_id``."""
        ...


class OutboxRepository(Protocol):
    """Domain events waiting for delivery, written in the transaction of their change
    (see :class:`~leadkit.outbox.Dispatcher`)."""

    def add(self, event: DomainEvent, /) -> bool:
        """Write an event; False (nothing written) if its id is there already."""
        ...

    def find(self, id: str, /) -> OutboxEntry | None:
        """The entry of this event id, or None."""
        ...

    def pending(self) -> list[OutboxEntry]:
        """Every undelivered entry, oldest first."""
        ...

    def claim(
        self, *, token: str, now: datetime, lease: timedelta, limit: int = 100
    ) -> list[OutboxEntry]:
        """Claim up to ``limit`` deliverable entries for ``token`` until ``now + lease``,
        oldest first and each lead's in order."""
        ...

    def mark_delivered(self, id: str, /, *, token: str, at: datetime) -> bool:
        """Mark a claimed entry delivered; False if ``token`` no longer holds it."""
        ...

    def mark_failed(self, id: str, /, *, token: str, error: str, retry_at: datetime) -> bool:
        """Give a claimed entry back for a retry at ``retry_at``."""
        ...

    def release(self, id: str, /, *, token: str) -> bool:
        """Give back a claimed entry that was not attempted."""
        ...

    def __len__(self) -> int:
        """How many entries are stored, delivered or not."""
        ...


class StageHistoryRepository(Protocol):
    """Each lead's :class:`~leadkit.stages.StageHistory` (its stage transitions and
    status changes, with their times, actors and reasons), append-only."""

    def save(self, history: StageHistory, /) -> StageHistory:
        """Store the lead's whole history; the stored one must be a prefix of it (else
        ``ValidationError``, nothing written): only the new steps are added."""
        ...

    def find(self, lead_id: str, /) -> StageHistory | None:
        """The lead's stored history, or None."""
        ...

    def get(self, lead_id: str, /) -> StageHistory:
        """The lead's stored history; NotFoundError if none."""
        ...

    def of(self, lead_id: str, /) -> StageHistory:
        """The lead's stored history, or an empty one."""
        ...

    def all(self) -> list[StageHistory]:
        """Every stored history, in the order each lead's was first saved."""
        ...

    def __len__(self) -> int:
        """How many leads have a stored history."""
        ...


class RoutingDecisionRepository(Protocol):
    """Routing decisions as kept facts (:class:`~leadkit.routing.RecordedDecision`):
    who was given each lead, when, by which entry and strategy, and why."""

    def add(self, decision: RecordedDecision, /) -> RecordedDecision:
        """Keep one decision."""
        ...

    def by_lead(self, lead_id: str, /) -> list[RecordedDecision]:
        """The lead's decisions, oldest first."""
        ...

    def latest(self, lead_id: str, /) -> RecordedDecision | None:
        """The lead's last decision, or None."""
        ...

    def assigned_at(self, lead_ids: Iterable[str] | None = None, /) -> dict[str, datetime]:
        """When each lead (of ``lead_ids``, else every one with a decision) was last
        routed."""
        ...

    def all(self) -> list[RecordedDecision]:
        """Every decision, in the order kept."""
        ...

    def __len__(self) -> int:
        """How many decisions are kept."""
        ...


class UnitOfWork(Protocol):
    """One transaction over every repository.

    Use it as a context manager; call :meth:`commit` to keep the writes. Leaving the block
    without committing, or by an exception, rolls everything back, so a failure half-way
    leaves storage exactly as it was. A unit of work may be entered again after it ends;
    work after a ``commit`` inside the same block is a new transaction.

    >>> from leadkit.repository import InMemoryUnitOfWork
    >>> from leadkit.model import Account
    >>> from datetime import datetime, UTC
    >>> uow = InMemoryUnitOfWork()
    >>> with uow:
    ...     _ = uow.accounts.add(Account(id="acc-1", name="ABC株式会社",
    ...                                  created_at=datetime(2026, 4, 1, tzinfo=UTC)))
    ...     uow.commit()
    >>> with uow:
    ...     uow.accounts.get("acc-1").name
    'ABC株式会社'
    """

    @property
    def catalogues(self) -> Catalogues | None:
        """The catalogues saved with the store, in force inside the unit of work (``None``
        when none were saved: the caller's catalogues are then in force)."""
        ...

    def save_catalogues(self, catalogues: Catalogues, /) -> None:
        """Keep ``catalogues`` in the store's configuration (on commit) and put them in
        force for the rest of the unit of work."""
        ...

    @property
    def leads(self) -> LeadRepository:
        """Leads."""
        ...

    @property
    def accounts(self) -> AccountRepository:
        """Accounts."""
        ...

    @property
    def contacts(self) -> ContactRepository:
        """Contacts."""
        ...

    @property
    def opportunities(self) -> OpportunityRepository:
        """Opportunities."""
        ...

    @property
    def tasks(self) -> TaskRepository:
        """Tasks."""
        ...

    @property
    def events(self) -> EventRepository:
        """Calendar events."""
        ...

    @property
    def campaigns(self) -> CampaignRepository:
        """Campaigns."""
        ...

    @property
    def campaign_members(self) -> CampaignMemberRepository:
        """Campaign members."""
        ...

    @property
    def engagement_events(self) -> EngagementEventRepository:
        """Engagement events."""
        ...

    @property
    def users(self) -> UserRepository:
        """Users."""
        ...

    @property
    def queues(self) -> QueueRepository:
        """Queues."""
        ...

    @property
    def routing_state(self) -> RoutingStateRepository:
        """Routing's strategy state (turns, open-lead counts)."""
        ...

    @property
    def rate_limits(self) -> RateLimitRepository:
        """Accepted submissions per key, for rate limits."""
        ...

    @property
    def enrolments(self) -> EnrolmentRepository:
        """Nurture enrolments."""
        ...

    @property
    def outbox(self) -> OutboxRepository:
        """Domain events waiting for delivery."""
        ...

    @property
    def stage_histories(self) -> StageHistoryRepository:
        """Each lead's stage history."""
        ...

    @property
    def routing_decisions(self) -> RoutingDecisionRepository:
        """The routing decisions kept for each lead."""
        ...

    @property
    def visitors(self) -> VisitorRepository:
        """Anonymous visitor events and visitor links."""
        ...

    def __enter__(self) -> Self:
        """Begin a transaction."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """End the block: roll back whatever was not committed."""
        ...

    def commit(self) -> None:
        """Make every write since the transaction began durable and visible to others."""
        ...

    def rollback(self) -> None:
        """Discard every write since the transaction began."""
        ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
"""Returns a fresh unit of work: what bulk operations and worker processes take."""
