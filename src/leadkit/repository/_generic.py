"""Repositories built once on a tiny storage primitive, the :class:`Table`.

The rules a repository enforces (type checks, duplicate ids, optimistic concurrency,
read-only converted leads, key normalisation) live here, so both adapters enforce them
identically; an adapter only supplies tables that load, insert, replace-if-version and
look records up by key.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any, Generic, Protocol, TypeVar, cast

import attrs

from leadkit.errors import (
    ConcurrencyError,
    NotFoundError,
    ValidationError,
)
from leadkit.model import (
    Account,
    Campaign,
    CampaignMember,
    Contact,
    EngagementEvent,
    Event,
    Lead,
    Opportunity,
    OwnerRef,
    Queue,
    Task,
    User,
    active_statuses,
    company_key,
    email_key,
    phone_key,
)
from leadkit.repository._errors import DuplicateIdError, LeadReadOnlyError
from leadkit.repository._protocols import Record
from leadkit.repository._schema import TableSpec, owner_key, parse_owner_key, website_domain

R = TypeVar("R", bound=Record)
A = TypeVar("A", Task, Event)
Guard = Callable[[], None]


class Table(Protocol[R]):
    """One record kind's storage inside the current transaction (adapter-private)."""

    spec: TableSpec[R]

    def load(self, id: str) -> R | None:
        """The stored record or ``None``."""
        ...

    def insert(self, record: R) -> bool:
        """Store a new record; False if the id is taken."""
        ...

    def replace(self, record: R, expected_version: int) -> bool:
        """Overwrite the record if the stored version is ``expected_version``."""
        ...

    def delete(self, id: str, expected_version: int) -> bool:
        """Delete the record if the stored version is ``expected_version``."""
        ...

    def scan(self) -> list[R]:
        """Every record in insertion order."""
        ...

    def count(self) -> int:
        """How many records are stored."""
        ...

    def lookup(self, columns: tuple[str, ...], value: str) -> list[R]:
        """Records where any of ``columns`` equals ``value``, in insertion order."""
        ...

    def count_by(
        self, column: str, *, unless_column: str, unless_values: Collection[str]
    ) -> dict[str, int]:
        """Counts per non-null ``column`` value, skipping records whose ``unless_column``
        is in ``unless_values``."""
        ...


def _check_id(id: object, where: str) -> str:
    if not isinstance(id, str) or not id:
        raise ValidationError(f"an id is a non-empty str, got {id!r}", path=where)
    return id


def _bump(record: R) -> R:
    # attrs.evolve is typed for attrs classes; every storable entity is one.
    return cast(R, attrs.evolve(cast(Any, record), version=record.version + 1))


class TableRepository(Generic[R]):
    """The generic :class:`~leadkit.repository.Repository` on top of a :class:`Table`."""

    def __init__(self, table: Table[R], guard: Guard) -> None:
        self._table = table
        self._guard = guard
        self._spec = table.spec

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._spec.name}>"

    # -- reading -------------------------------------------------------------------------

    def _missing(self, id: str) -> NotFoundError:
        return NotFoundError(f"no {self._spec.kind} with id {id!r}", path=f"{self._spec.name}.{id}")

    def get(self, id: str, /) -> R:
        """The record with this id; :class:`~leadkit.errors.NotFoundError` if none."""
        found = self.find(id)
        if found is None:
            raise self._missing(id)
        return found

    def find(self, id: str, /) -> R | None:
        """The record with this id, or ``None``."""
        self._guard()
        return self._table.load(_check_id(id, f"{self._spec.name}.find"))

    def get_many(self, ids: Iterable[str], /) -> list[R]:
        """The records with these ids, in the order given."""
        self._guard()
        wanted = [_check_id(i, f"{self._spec.name}.get_many") for i in ids]
        self._load_many(wanted)
        found = {i: self._table.load(i) for i in dict.fromkeys(wanted)}
        missing = [i for i, record in found.items() if record is None]
        if missing:
            raise NotFoundError(
                f"no {self._spec.kind} with id {', '.join(map(repr, missing))}",
                path=f"{self._spec.name}.{missing[0]}",
            )
        return [cast(R, found[i]) for i in wanted]

    def _load_many(self, ids: list[str]) -> None:
        load_many: Callable[[list[str]], None] | None = getattr(self._table, "load_many", None)
        if load_many is not None:
            load_many(ids)

    def prefetch(self, column: str, values: Iterable[str], /) -> None:
        """A hint for work on many records in one unit of work: read the records whose
        ``column`` (``"id"`` or a lookup column such as ``"lead_id"``, ``"email_key"``;
        keys already normalised) is one of ``values`` in a few queries, so the reads of
        the same records and lookups that follow need none. Changes nothing that is
        returned; adapters without such a cache ignore it."""
        self._guard()
        wanted = [_check_id(v, f"{self._spec.name}.prefetch") for v in values]
        if column == "id":
            self._load_many(wanted)
            return
        if column not in self._spec.columns:
            raise ValidationError(
                f"unknown lookup column {column!r}; one of {', '.join(self._spec.columns)}",
                path=f"{self._spec.name}.prefetch",
            )
        warm: Callable[[str, list[str]], None] | None = getattr(self._table, "warm", None)
        if warm is not None:
            warm(column, wanted)

    def all(self) -> list[R]:
        """Every record, in the order they were added."""
        self._guard()
        return self._table.scan()

    def __iter__(self) -> Iterator[R]:
        return iter(self.all())

    def __len__(self) -> int:
        self._guard()
        return self._table.count()

    def __contains__(self, id: object, /) -> bool:
        self._guard()
        return isinstance(id, str) and self._table.load(id) is not None

    def _lookup(self, columns: tuple[str, ...], value: str | None) -> list[R]:
        self._guard()
        return self._table.lookup(columns, value) if value else []

    def _by(self, column: str, value: str) -> list[R]:
        """Records whose id column (``lead_id`` ...) is ``value``, for ``by_lead`` ..."""
        return self._lookup((column,), _check_id(value, f"{self._spec.name}.by_{column[:-3]}"))

    # -- writing -------------------------------------------------------------------------

    def _check_type(self, record: object, verb: str) -> R:
        if not isinstance(record, self._spec.type):
            raise ValidationError(
                f"expects a {self._spec.type.__name__}, got {type(record).__name__}",
                path=f"{self._spec.name}.{verb}",
            )
        return record

    def _stored_for_write(self, record: R) -> R:
        stored = self._table.load(record.id)
        if stored is None:
            raise self._missing(record.id)
        if stored.version != record.version:
            raise self._stale(record, stored.version)
        return stored

    def _stale(self, record: R, stored_version: int | None) -> ConcurrencyError:
        now = "was removed" if stored_version is None else f"is at version {stored_version}"
        return ConcurrencyError(
            f"{self._spec.kind} {record.id!r} {now}, but this write is based on version "
            f"{record.version}; load it again and reapply the change",
            path=f"{self._spec.name}.{record.id}",
        )

    def add(self, record: R, /) -> R:
        """Store a new record as given; :class:`DuplicateIdError` if the id is taken."""
        self._guard()
        self._check_type(record, "add")
        if not self._table.insert(record):
            raise DuplicateIdError(
                f"a {self._spec.kind} with id {record.id!r} already exists; "
                "use update to change it",
                path=f"{self._spec.name}.{record.id}",
            )
        return record

    def add_all(self, records: Iterable[R], /) -> list[R]:
        """Store many new records at once: all of them, or none.

        The SQL adapters write them in one batch (``executemany``, ``COPY``), much faster than one
        :meth:`add` each. If an id is already stored or given twice, nothing is written
        and :class:`DuplicateIdError` names the first such id.
        """
        self._guard()
        batch = [self._check_type(record, "add_all") for record in records]
        seen: set[str] = set()
        for record in batch:
            if record.id in seen:
                raise DuplicateIdError(
                    f"the id {record.id!r} is given twice; nothing was added",
                    path=f"{self._spec.name}.{record.id}",
                )
            seen.add(record.id)
        if not batch:
            return batch
        insert_many: Callable[[list[R]], list[str]] | None = getattr(
            self._table, "insert_many", None
        )
        if insert_many is not None:
            taken = insert_many(batch)
        else:  # a table without batches: check every id first, then insert one by one
            taken = [record.id for record in batch if self._table.load(record.id) is not None]
            if not taken:
                for record in batch:
                    self._table.insert(record)
        if taken:
            raise DuplicateIdError(
                f"a {self._spec.kind} with id {taken[0]!r} already exists; nothing was added",
                path=f"{self._spec.name}.{taken[0]}",
            )
        return batch

    def _check_update(self, stored: R, record: R) -> None:
        """Hook: refuse an update the record kind does not allow."""

    def update(self, record: R, /) -> R:
        """Store a changed record whose version equals the stored one; returns it bumped."""
        self._guard()
        self._check_type(record, "update")
        stored = self._stored_for_write(record)
        self._check_update(stored, record)
        return self._replace(record)

    def _replace(self, record: R) -> R:
        new = _bump(record)
        if not self._table.replace(new, record.version):
            current = self._table.load(record.id)
            raise self._stale(record, None if current is None else current.version)
        return new

    def remove(self, record: R, /) -> None:
        """Delete a record, checking its version like :meth:`update`."""
        self._guard()
        self._check_type(record, "remove")
        stored = self._stored_for_write(record)
        self._check_update(stored, record)
        if not self._table.delete(record.id, record.version):
            current = self._table.load(record.id)
            raise self._stale(record, None if current is None else current.version)


def _norm(fn: Callable[[str], str], value: str, where: str) -> str | None:
    if not isinstance(value, str):
        raise ValidationError(f"expected a str, got {type(value).__name__}", path=where)
    return fn(value) or None


class LeadTableRepository(TableRepository[Lead]):
    """:class:`~leadkit.repository.LeadRepository` on a table."""

    def __init__(
        self,
        table: Table[Lead],
        guard: Guard,
        on_write: Callable[[Lead | None, Lead], None] | None = None,
        on_added: Callable[[list[Lead]], None] | None = None,
    ) -> None:
        super().__init__(table, guard)
        # Told of every stored lead (before, after): how the unit of work raises events;
        # on_added is told of the new leads of one add_all at once (one batch of events).
        self._on_write = on_write
        self._on_added = on_added

    def add(self, record: Lead, /) -> Lead:
        """Store a new lead as given; :class:`DuplicateIdError` if the id is taken."""
        stored = super().add(record)
        if self._on_write is not None:
            self._on_write(None, stored)
        return stored

    def add_all(self, records: Iterable[Lead], /) -> list[Lead]:
        """Store many new leads at once: all of them, or none."""
        stored = super().add_all(records)
        if self._on_added is not None:
            self._on_added(stored)
        elif self._on_write is not None:
            for lead in stored:
                self._on_write(None, lead)
        return stored

    def _replace(self, record: Lead) -> Lead:
        before = self._table.load(record.id) if self._on_write is not None else None
        new = super()._replace(record)
        if self._on_write is not None:
            self._on_write(before, new)
        return new

    def by_email_key(self, key: str, /) -> list[Lead]:
        """Leads whose email key equals ``key``."""
        return self._lookup(("email_key",), _norm(email_key, key, "leads.by_email_key"))

    def by_company_key(self, key: str, /) -> list[Lead]:
        """Leads whose company key equals ``key``."""
        return self._lookup(("company_key",), _norm(company_key, key, "leads.by_company_key"))

    def by_phone_key(self, key: str, /) -> list[Lead]:
        """Leads whose phone or mobile has this phone key."""
        value = _norm(phone_key, key, "leads.by_phone_key")
        return self._lookup(("phone_key", "mobile_key"), value)

    def by_owner(self, owner: OwnerRef, /) -> list[Lead]:
        """Leads owned by ``owner``."""
        if not isinstance(owner, OwnerRef):
            raise ValidationError(
                f"expected an OwnerRef, got {type(owner).__name__}", path="leads.by_owner"
            )
        return self._lookup(("owner",), owner_key(owner))

    def count_open_by_owner(
        self, *, closed_statuses: Collection[str] | None = None
    ) -> dict[OwnerRef, int]:
        """Open leads (not converted, not merged, status not closed) per owner."""
        self._guard()
        if closed_statuses is None:
            closed = [s.api_name for s in active_statuses() if s.is_closed]
        elif isinstance(closed_statuses, str) or not all(
            isinstance(status, str) for status in closed_statuses
        ):
            raise ValidationError(
                f"closed_statuses is a collection of status names, got {closed_statuses!r}",
                path="leads.count_open_by_owner.closed_statuses",
            )
        else:
            closed = list(closed_statuses)
        counts = self._table.count_by("active_owner", unless_column="status", unless_values=closed)
        return {parse_owner_key(key): n for key, n in counts.items()}

    def _check_update(self, stored: Lead, record: Lead) -> None:
        if stored.conversion is not None:
            raise LeadReadOnlyError(
                f"lead {stored.id!r} was converted on {stored.conversion.converted_at.date()} "
                f"and is read-only; change its contact {stored.conversion.contact_id!r} instead",
                path=f"leads.{stored.id}",
            )
        if record.conversion is not None:
            raise LeadReadOnlyError(
                f"lead {stored.id!r}: leads.update cannot mark a lead converted; convert it "
                "with leadkit.convert.convert_lead (which uses leads.save_conversion)",
                path=f"leads.{stored.id}.conversion",
            )
        # The lead checks this itself when built; a lead built under another catalogue
        # could still arrive here with a status that converts in the one in force.
        if any(s.api_name == record.status for s in active_statuses().converted):
            raise ValidationError(
                f"lead {stored.id!r}: {record.status!r} is a converting status; a lead gets "
                "it only by leadkit.convert.convert_lead",
                path=f"leads.{stored.id}.status",
                code="converting_status",
            )

    def save_conversion(self, lead: Lead, /) -> Lead:
        """Store a just-converted lead; the only write that may set ``conversion``."""
        self._guard()
        self._check_type(lead, "save_conversion")
        if lead.conversion is None:
            raise ValidationError(
                f"lead {lead.id!r} has no conversion; save_conversion stores converted leads",
                path="leads.save_conversion",
            )
        stored = self._stored_for_write(lead)
        if stored.conversion is not None:
            self._check_update(stored, lead)
        return self._replace(lead)


class AccountTableRepository(TableRepository[Account]):
    """:class:`~leadkit.repository.AccountRepository` on a table."""

    def by_company_key(self, key: str, /) -> list[Account]:
        """Accounts whose name has this company key."""
        value = _norm(company_key, key, "accounts.by_company_key")
        return self._lookup(("company_key",), value)

    def by_domain(self, domain: str, /) -> list[Account]:
        """Accounts whose website is on ``domain``."""
        return self._lookup(("domain",), website_domain(domain))

    def by_parent(self, parent_id: str, /) -> list[Account]:
        """The accounts whose parent is ``parent_id``."""
        return self._lookup(("parent_id",), _check_id(parent_id, "accounts.by_parent"))


class ContactTableRepository(TableRepository[Contact]):
    """:class:`~leadkit.repository.ContactRepository` on a table."""

    def by_account(self, account_id: str, /) -> list[Contact]:
        """The contacts of one account."""
        return self._lookup(("account_id",), _check_id(account_id, "contacts.by_account"))

    def by_email_key(self, key: str, /) -> list[Contact]:
        """Contacts whose email key equals ``key``."""
        return self._lookup(("email_key",), _norm(email_key, key, "contacts.by_email_key"))

    def by_phone_key(self, key: str, /) -> list[Contact]:
        """Contacts whose phone or mobile has this phone key."""
        value = _norm(phone_key, key, "contacts.by_phone_key")
        return self._lookup(("phone_key", "mobile_key"), value)


class OpportunityTableRepository(TableRepository[Opportunity]):
    """:class:`~leadkit.repository.OpportunityRepository` on a table."""

    def by_account(self, account_id: str, /) -> list[Opportunity]:
        """The opportunities of one account."""
        return self._lookup(("account_id",), _check_id(account_id, "opportunities.by_account"))

    def by_campaign(self, campaign_id: str, /) -> list[Opportunity]:
        """Opportunities whose primary campaign is ``campaign_id``."""
        value = _check_id(campaign_id, "opportunities.by_campaign")
        return self._lookup(("campaign_id",), value)


class ActivityTableRepository(TableRepository[A]):
    """:class:`~leadkit.repository.TaskRepository` / ``EventRepository`` on a table."""

    def by_lead(self, lead_id: str, /) -> list[A]:
        """Activities of a lead."""
        return self._by("lead_id", lead_id)

    def by_contact(self, contact_id: str, /) -> list[A]:
        """Activities related to a contact."""
        return self._by("contact_id", contact_id)

    def by_account(self, account_id: str, /) -> list[A]:
        """Activities related to an account."""
        return self._by("account_id", account_id)

    def by_opportunity(self, opportunity_id: str, /) -> list[A]:
        """Activities related to an opportunity."""
        return self._by("opportunity_id", opportunity_id)


class CampaignMemberTableRepository(TableRepository[CampaignMember]):
    """:class:`~leadkit.repository.CampaignMemberRepository` on a table."""

    def by_campaign(self, campaign_id: str, /) -> list[CampaignMember]:
        """The members of one campaign."""
        return self._by("campaign_id", campaign_id)

    def by_lead(self, lead_id: str, /) -> list[CampaignMember]:
        """The campaign memberships of a lead."""
        return self._by("lead_id", lead_id)

    def by_contact(self, contact_id: str, /) -> list[CampaignMember]:
        """The campaign memberships of a contact."""
        return self._by("contact_id", contact_id)


class EngagementEventTableRepository(TableRepository[EngagementEvent]):
    """:class:`~leadkit.repository.EngagementEventRepository` on a table."""

    def by_lead(self, lead_id: str, /) -> list[EngagementEvent]:
        """The events of a lead."""
        return self._by("lead_id", lead_id)

    def by_contact(self, contact_id: str, /) -> list[EngagementEvent]:
        """The events of a contact."""
        return self._by("contact_id", contact_id)


class Repositories:
    """The eleven repositories of a unit of work, built on one adapter's tables."""

    def __init__(
        self,
        tables: Callable[[str], Table[Any]],
        guard: Guard,
        *,
        on_lead: Callable[[Lead | None, Lead], None] | None = None,
        on_leads_added: Callable[[list[Lead]], None] | None = None,
    ) -> None:
        self.leads = LeadTableRepository(tables("leads"), guard, on_lead, on_leads_added)
        self.accounts = AccountTableRepository(tables("accounts"), guard)
        self.contacts = ContactTableRepository(tables("contacts"), guard)
        self.opportunities = OpportunityTableRepository(tables("opportunities"), guard)
        self.tasks: ActivityTableRepository[Task] = ActivityTableRepository(tables("tasks"), guard)
        self.events: ActivityTableRepository[Event] = ActivityTableRepository(
            tables("events"), guard
        )
        self.campaigns: TableRepository[Campaign] = TableRepository(tables("campaigns"), guard)
        self.campaign_members = CampaignMemberTableRepository(tables("campaign_members"), guard)
        self.engagement_events = EngagementEventTableRepository(tables("engagement_events"), guard)
        self.users: TableRepository[User] = TableRepository(tables("users"), guard)
        self.queues: TableRepository[Queue] = TableRepository(tables("queues"), guard)
