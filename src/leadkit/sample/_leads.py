"""Leads, block by block, with deliberate duplicates and their ground truth.

A :class:`LeadFactory` makes one pass over the sample. It remembers the companies it has
drawn (so that two leads from the same company agree on its size and address) and the
people (so that two different people are never accidentally the same person: the only
duplicates are the deliberate ones).
"""

from __future__ import annotations

import functools
import hashlib
import random
from collections.abc import Mapping, Sequence
from datetime import datetime, time, timedelta, timezone
from typing import Any

import attrs

from leadkit.model import (
    DEFAULT_SOURCES,
    Address,
    Contact,
    CustomFields,
    Lead,
    OwnerRef,
    PersonName,
    Rating,
    email_key,
    is_free_mail,
)
from leadkit.sample import _variants as v
from leadkit.sample import _words as w
from leadkit.sample._choice import Weighted, between, choose
from leadkit.sample._data import DuplicateCopy, DuplicateGroup
from leadkit.sample._org import SOURCE_CAMPAIGNS, CampaignPlan, owners_by_territory, territory_of
from leadkit.sample._people import Company, Person, make_company, make_person, personal_email
from leadkit.sample._variants import Variation

__all__ = ["JST", "LeadFactory", "Settings"]

JST = timezone(timedelta(hours=9))
_US_ZONES = {
    "US-West": timezone(timedelta(hours=-8)),
    "US-Central": timezone(timedelta(hours=-6)),
    "US-East": timezone(timedelta(hours=-5)),
}
_YEAR = 365 * 86400

SOURCES = Weighted(
    [
        ("Web", 30.0),
        ("Trade Show", 12.0),
        ("Webinar", 7.0),
        ("Seminar", 4.0),
        ("Newsletter", 6.0),
        ("Advertisement", 8.0),
        ("Partner Referral", 6.0),
        ("Referral", 5.0),
        ("Cold Call", 7.0),
        ("Purchased List", 6.0),
        ("Phone Inquiry", 4.0),
        ("Walk-in", 1.0),
        ("Other", 2.0),
    ]
)
_JA_LABELS = {s.api_name: s.label_ja for s in DEFAULT_SOURCES if s.label_ja}
_FRESH = Weighted(
    [("Open - Not Contacted", 70.0), ("Working - Contacted", 25.0), ("Nurturing", 5.0)]
)
_SETTLED = Weighted(
    [
        ("Open - Not Contacted", 35.0),
        ("Working - Contacted", 25.0),
        ("Nurturing", 25.0),
        ("Closed - Not Converted", 15.0),
    ]
)
_RATINGS: Weighted[Rating | None] = Weighted(
    [(Rating.HOT, 5.0), (Rating.WARM, 12.0), (Rating.COLD, 8.0), (None, 75.0)]
)
# Applied in this order so that they compose: the legal form is rewritten from the root,
# so it goes before the case and width of what was written.
_ORDER = (
    Variation.LEGAL_FORM,
    Variation.CASE,
    Variation.PHONE_FORMAT,
    Variation.WIDTH,
    Variation.NAME_TYPO,
    Variation.EMAIL_CASE,
    Variation.PERSONAL_EMAIL,
)
_HOW_MANY_VARIATIONS = Weighted([(1, 50.0), (2, 35.0), (3, 15.0)])

# Shares of leads that work at an existing account, or at a company another lead already
# came from (the rest come from new companies).
_ACCOUNT_SHARE = 0.056
_REPEAT_COMPANY_SHARE = 0.5
# Existing contacts coming back as leads, relative to the rate of duplicate leads.
_CONTACTS_PER_DUPLICATE = 0.2


@attrs.frozen(kw_only=True)
class Settings:
    """What every part of one generation run shares."""

    seed: int | str
    as_of: datetime
    duplicate_rate: float
    events_per_lead: float
    campaigns: Mapping[str, CampaignPlan]


class _Draft:
    """A lead before it has an id: its fields and where they came from."""

    __slots__ = ("company", "contact", "fields", "person", "variations")

    def __init__(
        self,
        company: Company,
        person: Person,
        fields: dict[str, Any],
        *,
        contact: Contact | None = None,
        variations: tuple[Variation, ...] = (),
    ) -> None:
        self.company = company
        self.person = person
        self.fields = fields
        self.contact = contact
        self.variations = variations


@functools.lru_cache(maxsize=4096)
def _custom(product_interest: str | None, seats: int | None) -> CustomFields:
    # A few thousand combinations shared by a million leads: build each once.
    return CustomFields({"product_interest": product_interest, "seats": seats})


def _digest(text: str) -> int:
    # A stable 64-bit fingerprint: far smaller than the text, and the same in every process.
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


class LeadFactory:
    """Draws the leads of one pass over the sample, block by block."""

    def __init__(
        self,
        settings: Settings,
        *,
        accounts: Sequence[Company],
        contacts: Sequence[tuple[Contact, Person, Company]],
    ) -> None:
        self._settings = settings
        self._accounts = {
            japanese: [c for c in accounts if c.japanese == japanese] for japanese in (True, False)
        }
        # Each contact comes back at most once, so that its group is one group.
        self._contacts = list(contacts)
        self._companies: dict[str, Company] = {}
        self._company_list: dict[bool, list[Company]] = {True: [], False: []}
        self._seen: set[int] = set()
        self._owners = owners_by_territory()
        self._owners_by_language: dict[bool, list[OwnerRef]] = {
            japanese: sorted(
                {
                    o
                    for t, owners in self._owners.items()
                    if _is_japan(t) == japanese
                    for o in owners
                },
                key=lambda o: o.id,
            )
            for japanese in (True, False)
        }
        self._territories: dict[str, str] = {}
        self._addresses: dict[tuple[str, tuple[bool, bool, bool]], Address] = {}
        for company in accounts:
            self._register(company)
        for _, person, company in contacts:
            self._seen.update(self._keys(company, person.name, person.email))

    # -- companies and people -----------------------------------------------------------------

    def _register(self, company: Company) -> Company:
        known = self._companies.get(company.name)
        if known is not None:
            return known
        self._companies[company.name] = company
        self._company_list[company.japanese].append(company)
        return company

    def _company(self, rng: random.Random, japanese: bool, roll: float) -> Company:
        if roll < _ACCOUNT_SHARE and self._accounts[japanese]:
            return choose(rng, self._accounts[japanese])
        if roll < _ACCOUNT_SHARE + _REPEAT_COMPANY_SHARE:
            known = self._company_list[japanese]
            if known:
                return choose(rng, known)
        return self._register(make_company(rng, japanese=japanese))

    @staticmethod
    def _keys(company: Company, name: PersonName | None, email: str | None) -> list[int]:
        """Fingerprints of who a record is: the person at the company, and the e-mail."""
        keys = []
        if name is not None:
            keys.append(_digest(f"{company.key}|{name.family}|{name.given}"))
        if email:
            keys.append(_digest(email_key(email)))
        return keys

    def _taken(self, company: Company, name: PersonName | None, email: str | None) -> bool:
        return any(key in self._seen for key in self._keys(company, name, email))

    def _person(self, rng: random.Random, company: Company) -> Person:
        for _ in range(20):
            person = make_person(rng, company)
            if not self._taken(company, person.name, person.email):
                break
        self._seen.update(self._keys(company, person.name, person.email))
        return person

    # -- lead fields --------------------------------------------------------------------------

    def _territory(self, company: Company) -> str:
        territory = self._territories.get(company.region.name)
        if territory is None:
            prefecture = company.address.prefecture
            region = prefecture.region.value if prefecture else None
            country = "JP" if company.japanese else "US"
            territory = territory_of(country, company.region.name, region)
            self._territories[company.region.name] = territory
        return territory

    def _owner(self, rng: random.Random, company: Company, status: str) -> OwnerRef | None:
        roll = rng.random()
        if status == "Open - Not Contacted":
            if roll < 0.5:
                if not company.japanese:
                    return OwnerRef.queue("queue-us-sdr")
                return OwnerRef.queue(choose(rng, ["queue-inbound", "queue-inside-sales"]))
            if roll < 0.8:
                return None
        owners = self._owners.get(self._territory(company), ())
        if owners and rng.random() < 0.85:
            return choose(rng, owners)
        return choose(rng, self._owners_by_language[company.japanese])

    def _created_at(
        self, rng: random.Random, company: Company, plan: CampaignPlan | None
    ) -> datetime:
        as_of = self._settings.as_of
        zone = JST if company.japanese else _US_ZONES[self._territory(company)]
        if plan is not None and (plan.last_day - plan.first_day).days < 7:
            # Business cards and registrations from the event itself, in business hours.
            day = plan.first_day + timedelta(
                days=between(rng, 0, (plan.last_day - plan.first_day).days + 1)
            )
            moment = datetime.combine(day, time(between(rng, 10, 18), between(rng, 0, 60)), zone)
            moment += timedelta(seconds=between(rng, 0, 3600))
            if moment <= as_of:
                return moment
        start = as_of - timedelta(seconds=_YEAR)
        if plan is not None:
            start = max(start, datetime.combine(plan.first_day, time(), zone))
        span = max(1, int((as_of - start).total_seconds()))
        return (as_of - timedelta(seconds=between(rng, 0, span))).astimezone(zone)

    def _source(self, rng: random.Random, company: Company) -> tuple[str, CampaignPlan | None]:
        source = SOURCES.pick(rng)
        key = SOURCE_CAMPAIGNS.get((source, "ja" if company.japanese else "en"))
        plan = self._settings.campaigns.get(key) if key else None
        if plan is not None and plan.first_day > self._settings.as_of.date():
            plan = None
        if company.japanese and rng.random() < 0.35:
            source = _JA_LABELS[source]
        return source, plan

    def _address(self, rng: random.Random, company: Company) -> Address:
        """The company's address as far as the lead gave it (the state at least)."""
        mask = (rng.random() < 0.85, rng.random() < 0.6, rng.random() < 0.6)
        key = (company.name, mask)
        address = self._addresses.get(key)
        if address is None:
            full = company.address
            address = self._addresses[key] = Address(
                country=full.country,
                state=full.state,
                city=full.city if mask[0] else None,
                street=full.street if mask[1] else None,
                postal_code=full.postal_code if mask[2] else None,
            )
        return address

    def _visit(self, rng: random.Random, company: Company) -> dict[str, Any]:
        """The fields of one arrival of a lead: when, through which source, and its state."""
        source, plan = self._source(rng, company)
        created_at = self._created_at(rng, company, plan)
        age = self._settings.as_of - created_at
        status = (_FRESH if age < timedelta(days=14) else _SETTLED).pick(rng)
        return {
            "lead_source": source,
            "created_at": created_at,
            "status": status,
            "owner": self._owner(rng, company, status),
            "rating": _RATINGS.pick(rng),
        }

    def _fields(self, rng: random.Random, company: Company, person: Person) -> dict[str, Any]:
        japanese = company.japanese
        interest = w.PRODUCT_INTERESTS.pick(rng) if rng.random() < 0.4 else None
        seats = max(1, round(10 ** rng.uniform(0.7, 2.7))) if rng.random() < 0.15 else None
        description = None
        if rng.random() < 0.06:
            description = choose(rng, w.JA_DESCRIPTIONS if japanese else w.EN_DESCRIPTIONS)
        fields: dict[str, Any] = {
            "name": person.name,
            "company": company.name,
            "title": person.title,
            "department": person.department,
            "email": person.email,
            "phone": person.phone,
            "mobile": person.mobile,
            "website": f"https://www.{company.domain}/" if rng.random() < 0.6 else None,
            "industry": company.industry if rng.random() < 0.85 else None,
            "employees": company.employees if rng.random() < 0.7 else None,
            "annual_revenue": company.revenue if rng.random() < 0.45 else None,
            "address": self._address(rng, company),
            "email_opt_out": rng.random() < 0.03,
            "do_not_call": rng.random() < 0.02,
            "description": description,
            "custom": _custom(interest, seats),
        }
        fields.update(self._visit(rng, company))
        return fields

    # -- drafts -------------------------------------------------------------------------------

    def _base(self, rng: random.Random) -> _Draft:
        japanese = rng.random() < 0.5
        roll = rng.random()
        if roll < self._settings.duplicate_rate * _CONTACTS_PER_DUPLICATE and self._contacts:
            return self._returning_contact(rng)
        company = self._company(rng, japanese, roll)
        person = self._person(rng, company)
        return _Draft(company, person, self._fields(rng, company, person))

    def _returning_contact(self, rng: random.Random) -> _Draft:
        index = between(rng, 0, len(self._contacts))
        self._contacts[index], self._contacts[-1] = self._contacts[-1], self._contacts[index]
        contact, person, company = self._contacts.pop()
        fields = self._fields(rng, company, person)
        variations: list[Variation] = []
        fields["email"] = contact.email
        fields["phone"] = contact.phone
        if contact.email and rng.random() < 0.3:
            fields["email"] = v.email_case(contact.email, rng)
            variations.append(Variation.EMAIL_CASE)
        if rng.random() < 0.4:
            fields["company"] = self._legal_form_variant(rng, company, fields["company"])
            variations.append(Variation.LEGAL_FORM)
        return _Draft(company, person, fields, contact=contact, variations=tuple(variations))

    def _legal_form_variant(self, rng: random.Random, company: Company, current: str) -> str:
        if company.japanese:
            spellings = v.ja_company_spellings(company.root, company.form, company.form_first)
        else:
            spellings = v.en_company_spellings(company.root, company.form)
        return choose(rng, [text for text in spellings if text != current])

    def _copy(self, rng: random.Random, original: _Draft) -> _Draft:
        """A deliberate duplicate of ``original``: the same person, written differently."""
        company, person = original.company, original.person
        fields = dict(original.fields)
        fields.update(self._visit(rng, company))
        name = fields["name"]
        email, phone = fields["email"], fields["phone"]
        applicable = [Variation.LEGAL_FORM, Variation.NAME_TYPO]
        has_latin_or_kana = v.width_variant(fields["company"]) is not None
        if company.japanese and (has_latin_or_kana or phone):
            applicable.append(Variation.WIDTH)
        if not company.japanese or any(c.isascii() and c.isalpha() for c in company.root):
            applicable.append(Variation.CASE)
        if phone:
            applicable.append(Variation.PHONE_FORMAT)
        if email:
            applicable.append(Variation.EMAIL_CASE)
            if not is_free_mail(email):
                applicable.append(Variation.PERSONAL_EMAIL)
        chosen: set[Variation] = set()
        for _ in range(_HOW_MANY_VARIATIONS.pick(rng)):
            choice = choose(rng, applicable)
            if {choice, *chosen} >= {Variation.EMAIL_CASE, Variation.PERSONAL_EMAIL}:
                continue
            chosen.add(choice)
        applied: list[Variation] = []
        for variation in _ORDER:
            if variation not in chosen:
                continue
            if variation is Variation.LEGAL_FORM:
                fields["company"] = self._legal_form_variant(rng, company, fields["company"])
            elif variation is Variation.CASE:
                # Latin in Japanese names is mostly capitals already (ABC, K2): lower it.
                upper = not company.japanese and rng.random() < 0.7
                fields["company"] = (
                    fields["company"].upper() if upper else fields["company"].lower()
                )
            elif variation is Variation.WIDTH:
                wide = v.width_variant(fields["company"])
                if wide is not None:
                    fields["company"] = wide
                else:
                    fields["phone"] = v.fullwidth(fields["phone"])
            elif variation is Variation.NAME_TYPO:
                typo = self._name_typo(rng, name)
                if typo is None or self._taken(company, typo, None):
                    continue  # no letter to change, or the typo is someone else's name
                fields["name"] = typo
            elif variation is Variation.PHONE_FORMAT:
                fields["phone"] = v.phone_variant(phone, rng)
            elif variation is Variation.EMAIL_CASE:
                fields["email"] = v.email_case(email, rng)
            elif variation is Variation.PERSONAL_EMAIL:
                for _ in range(20):
                    fields["email"] = personal_email(
                        person.given_romaji,
                        person.family_romaji,
                        japanese=company.japanese,
                        rng=rng,
                    )
                    if not self._taken(company, None, fields["email"]):
                        break
            applied.append(variation)
        self._seen.update(self._keys(company, fields["name"], fields["email"]))
        return _Draft(company, person, fields, variations=tuple(applied))

    @staticmethod
    def _name_typo(rng: random.Random, name: PersonName) -> PersonName | None:
        family_first = rng.random() < 0.6
        for family in (family_first, not family_first):
            typo = v.name_typo((name.family if family else name.given) or "", rng)
            if typo and family:
                return attrs.evolve(name, family=typo)
            if typo:
                return attrs.evolve(name, given=typo)
        return None

    # -- blocks -------------------------------------------------------------------------------

    def block(
        self, index: int, first_number: int, size: int
    ) -> tuple[list[Lead], list[DuplicateGroup]]:
        """The ``size`` leads numbered from ``first_number``, and their duplicate groups."""
        rng = random.Random(f"{self._settings.seed}/leads/{index}")
        n_copies = min(size // 3, round(size * self._settings.duplicate_rate))
        drafts = [self._base(rng) for _ in range(size - n_copies)]
        candidates = [i for i, d in enumerate(drafts) if d.contact is None]
        rng.shuffle(candidates)
        groups: list[tuple[int, list[int]]] = []
        remaining = n_copies
        while remaining and candidates:
            original = candidates.pop()
            copies = 2 if remaining >= 2 and rng.random() < 0.2 else 1
            members = []
            for _ in range(copies):
                drafts.append(self._copy(rng, drafts[original]))
                members.append(len(drafts) - 1)
            groups.append((original, members))
            remaining -= copies
        order = list(range(len(drafts)))
        rng.shuffle(order)
        ids = [""] * len(drafts)
        for position, draft_index in enumerate(order):
            ids[draft_index] = f"lead-{first_number + position:06d}"
        leads = [Lead(id=ids[i], **drafts[i].fields) for i in order]
        found = [
            DuplicateGroup(
                ids[original],
                tuple(DuplicateCopy(ids[c], drafts[c].variations) for c in members),
            )
            for original, members in groups
        ]
        found += [
            DuplicateGroup(
                d.contact.id,
                (DuplicateCopy(ids[i], d.variations),),
                original_is_contact=True,
            )
            for i, d in enumerate(drafts)
            if d.contact is not None
        ]
        found.sort(key=lambda g: min(g.lead_ids))
        return leads, found


def _is_japan(territory: str) -> bool:
    return not territory.startswith("US-")
