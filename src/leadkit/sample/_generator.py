"""The seeded generator: the same shape of sample at any size, all at once or streamed."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import attrs

from leadkit._checks import aware_datetime
from leadkit.errors import ValidationError
from leadkit.model import (
    Account,
    Campaign,
    CampaignMember,
    Contact,
    EngagementEvent,
    EventKind,
    Lead,
    OwnerRef,
    Queue,
    User,
)
from leadkit.sample import _org
from leadkit.sample._data import DuplicateGroup, SampleChunk, SampleData
from leadkit.sample._deals import closed_deals
from leadkit.sample._events import block_activity
from leadkit.sample._leads import JST, SOURCES, LeadFactory, Settings
from leadkit.sample._people import Company, Person, make_company, make_person
from leadkit.visitors import VisitorEvent

__all__ = [
    "CHUNK_SIZE",
    "SAMPLE_AS_OF",
    "SAMPLE_SEED",
    "SAMPLE_SIZE",
    "SampleGenerator",
    "generate",
    "iter_leads",
]

SAMPLE_SEED = 20260401
"""The seed of the bundled sample."""
SAMPLE_AS_OF = datetime(2026, 4, 1, tzinfo=JST)
"""The moment the bundled sample is seen from: every record was created before it."""
SAMPLE_SIZE = 2000
"""The number of leads in the bundled sample."""
CHUNK_SIZE = 1000
"""Leads per generation block (and per :class:`SampleChunk`). Duplicates never span blocks."""


def _check_seed(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError(f"expected an int or str, got {value!r}", path="seed")


def _check_n_leads(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(f"expected a whole number >= 0, got {value!r}", path="n_leads")


def _check_as_of(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    aware_datetime(value)


def _check_rate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 0.3:
        raise ValidationError(
            f"expected a share between 0 and 0.3, got {value!r}", path="duplicate_rate"
        )


def _check_events(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1000:
        raise ValidationError(
            f"expected an average between 0 and 1000, got {value!r}", path="events_per_lead"
        )


@attrs.frozen
class SampleGenerator:
    """A deterministic sample of ``n_leads`` leads and everything around them.

    The same arguments give the same records, in any process: all randomness comes
    from ``random.Random`` seeded with ``seed``, ids are sequential (``lead-000001``),
    and every date lies in the year before ``as_of``. Half the leads are Japanese, half
    American. ``duplicate_rate`` is the share of leads that are deliberate duplicates of
    another; ``events_per_lead`` the average number of engagement events per lead
    (long-tailed: most leads do little, a few a lot).

    Users, queues, campaigns, accounts and contacts are built up front (accounts grow
    with the size: one per 40 leads, at least 10). Leads, events and memberships come
    block by block (:data:`CHUNK_SIZE` leads), so a million leads can be streamed with
    :meth:`chunks` or :meth:`leads` without holding twenty million events.

    >>> gen = SampleGenerator(10, events_per_lead=3)
    >>> [lead.id for lead in gen.leads()][:3]
    ['lead-000001', 'lead-000002', 'lead-000003']
    >>> gen.generate().leads == tuple(gen.leads())
    True
    """

    n_leads: int = attrs.field(validator=_check_n_leads)
    seed: int | str = attrs.field(default=SAMPLE_SEED, validator=_check_seed, kw_only=True)
    as_of: datetime = attrs.field(default=SAMPLE_AS_OF, validator=_check_as_of, kw_only=True)
    duplicate_rate: float = attrs.field(default=0.03, validator=_check_rate, kw_only=True)
    events_per_lead: float = attrs.field(default=20.0, validator=_check_events, kw_only=True)
    users: tuple[User, ...] = attrs.field(init=False, eq=False, repr=False)
    queues: tuple[Queue, ...] = attrs.field(init=False, eq=False, repr=False)
    campaigns: tuple[Campaign, ...] = attrs.field(init=False, eq=False, repr=False)
    accounts: tuple[Account, ...] = attrs.field(init=False, eq=False, repr=False)
    contacts: tuple[Contact, ...] = attrs.field(init=False, eq=False, repr=False)
    _settings: Settings = attrs.field(init=False, eq=False, repr=False)
    _companies: tuple[Company, ...] = attrs.field(init=False, eq=False, repr=False)
    _people: tuple[tuple[Contact, Person, Company], ...] = attrs.field(
        init=False, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        plans = _org.campaigns(self.as_of)
        settings = Settings(
            seed=self.seed,
            as_of=self.as_of,
            duplicate_rate=self.duplicate_rate,
            events_per_lead=self.events_per_lead,
            campaigns={plan.key: plan for plan in plans},
        )
        companies, accounts, people = self._customers()
        for name, value in [
            ("users", _org.users()),
            ("queues", _org.queues()),
            ("campaigns", tuple(plan.campaign for plan in plans)),
            ("accounts", accounts),
            ("contacts", tuple(contact for contact, _, _ in people)),
            ("_settings", settings),
            ("_companies", companies),
            ("_people", people),
        ]:
            object.__setattr__(self, name, value)

    def _customers(
        self,
    ) -> tuple[
        tuple[Company, ...], tuple[Account, ...], tuple[tuple[Contact, Person, Company], ...]
    ]:
        """Existing accounts and their contacts, created one to four years before as_of."""
        rng = random.Random(f"{self.seed}/accounts")
        owners = _org.owners_by_territory()
        companies: dict[str, Company] = {}
        while len(companies) < max(10, round(self.n_leads / 40)):
            company = make_company(rng, japanese=len(companies) % 2 == 0)
            companies.setdefault(company.name, company)
        accounts: list[Account] = []
        people: list[tuple[Contact, Person, Company]] = []
        seen: set[tuple[str, str, str | None]] = set()
        for number, company in enumerate(companies.values(), start=1):
            prefecture = company.address.prefecture
            territory = _org.territory_of(
                company.address.country or "",
                company.address.state or "",
                prefecture.region.value if prefecture else None,
            )
            owner = rng.choice(owners.get(territory) or [OwnerRef.user("user-sato")])
            created = self.as_of - timedelta(days=rng.randrange(365, 4 * 365))
            account = Account(
                id=f"account-{number:06d}",
                name=company.name,
                website=f"https://www.{company.domain}/",
                phone=company.phone,
                industry=company.industry,
                employees=company.employees,
                annual_revenue=company.revenue,
                billing_address=company.address,
                account_source=SOURCES.pick(rng),
                owner=owner,
                created_at=created,
            )
            accounts.append(account)
            for _ in range(rng.randint(1, 4)):
                person = make_person(rng, company)
                key = (company.key, person.name.family, person.name.given)
                if key in seen:
                    continue
                seen.add(key)
                contact = Contact(
                    id=f"contact-{len(people) + 1:06d}",
                    account_id=account.id,
                    name=person.name,
                    title=person.title,
                    department=person.department,
                    email=person.email,
                    phone=person.phone,
                    mobile=person.mobile,
                    mailing_address=company.address,
                    lead_source=SOURCES.pick(rng),
                    owner=owner,
                    created_at=created + timedelta(days=rng.randrange(0, 365)),
                )
                people.append((contact, person, company))
        return tuple(companies.values()), tuple(accounts), tuple(people)

    def _factory(self) -> LeadFactory:
        return LeadFactory(self._settings, accounts=self._companies, contacts=self._people)

    def _blocks(self) -> Iterator[tuple[int, int, int]]:
        for index, start in enumerate(range(0, self.n_leads, CHUNK_SIZE)):
            yield index, start + 1, min(CHUNK_SIZE, self.n_leads - start)

    def chunks(self) -> Iterator[SampleChunk]:
        """The leads block by block, each with its events, memberships and duplicates."""
        factory = self._factory()
        next_event = next_member = next_send = next_visit = 1
        for index, first, size in self._blocks():
            leads, duplicates = factory.block(index, first, size)
            events, members, visits = block_activity(
                self._settings,
                leads,
                index=index,
                first_event=next_event,
                first_member=next_member,
                first_send=next_send,
                first_visit=next_visit,
            )
            sent = sum(1 for event in events if event.kind == EventKind.EMAIL_SEND)
            next_event += len(events) - sent
            next_send += sent
            next_member += len(members)
            next_visit += len(visits)
            yield SampleChunk(
                tuple(leads), tuple(events), tuple(members), tuple(duplicates), tuple(visits)
            )

    def leads(self) -> Iterator[Lead]:
        """Only the leads, one at a time (the fastest way to many leads)."""
        factory = self._factory()
        for index, first, size in self._blocks():
            leads, _ = factory.block(index, first, size)
            yield from leads

    def generate(self) -> SampleData:
        """Everything at once."""
        leads: list[Lead] = []
        events: list[EngagementEvent] = []
        members: list[CampaignMember] = []
        duplicates: list[DuplicateGroup] = []
        visits: list[VisitorEvent] = []
        for chunk in self.chunks():
            visits.extend(chunk.visitor_events)
            leads.extend(chunk.leads)
            events.extend(chunk.events)
            members.extend(chunk.campaign_members)
            duplicates.extend(chunk.duplicates)
        history, deals, responses = closed_deals(
            self.accounts,
            self.contacts,
            _org.campaigns(self.as_of),
            as_of=self.as_of,
            seed=self.seed,
        )
        members.extend(responses)
        return SampleData(
            leads=tuple(leads),
            events=tuple(events),
            campaigns=self.campaigns,
            campaign_members=tuple(members),
            users=self.users,
            queues=self.queues,
            accounts=self.accounts,
            contacts=self.contacts,
            duplicates=tuple(duplicates),
            converted_leads=history,
            opportunities=deals,
            visitor_events=tuple(visits),
        )


def generate(
    n_leads: int = SAMPLE_SIZE,
    *,
    seed: int | str = SAMPLE_SEED,
    as_of: datetime = SAMPLE_AS_OF,
    duplicate_rate: float = 0.03,
    events_per_lead: float = 20.0,
) -> SampleData:
    """A complete sample of ``n_leads`` leads (see :class:`SampleGenerator`).

    With the defaults this is exactly the bundled sample that :func:`load_sample` reads.

    >>> data = generate(50, seed=7, events_per_lead=5)
    >>> len(data.leads), data == generate(50, seed=7, events_per_lead=5)
    (50, True)
    """
    return SampleGenerator(
        n_leads,
        seed=seed,
        as_of=as_of,
        duplicate_rate=duplicate_rate,
        events_per_lead=events_per_lead,
    ).generate()


def iter_leads(
    n_leads: int,
    *,
    seed: int | str = SAMPLE_SEED,
    as_of: datetime = SAMPLE_AS_OF,
    duplicate_rate: float = 0.03,
) -> Iterator[Lead]:
    """The leads of :func:`generate` one at a time, without events (for big benchmarks).

    >>> next(iter_leads(10_000)).id
    'lead-000001'
    """
    return SampleGenerator(n_leads, seed=seed, as_of=as_of, duplicate_rate=duplicate_rate).leads()
