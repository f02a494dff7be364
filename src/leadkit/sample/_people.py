"""Companies and the people who work there, drawn from the word lists."""

from __future__ import annotations

import functools
import math
import random
from decimal import Decimal

import attrs

from leadkit.model import Address, Money, PersonName, company_key
from leadkit.sample import _words as w
from leadkit.sample._choice import Weighted, between, choose, zipf
from leadkit.sample._places import PREFECTURES, STATES, City, Region

__all__ = ["Company", "Person", "make_company", "make_person", "personal_email"]


@attrs.frozen(slots=True)
class Company:
    """A company and what every record of it shares: name, domain, size, head office."""

    japanese: bool
    root: str
    form: str
    form_first: bool
    domain: str
    industry: str
    employees: int
    revenue: Money
    region: Region
    city: City
    address: Address
    phone: str
    key: str

    @property
    def name(self) -> str:
        """The name as the company writes it (株式会社ABC, Summit Analytics Inc.)."""
        if self.japanese:
            return f"{self.form}{self.root}" if self.form_first else f"{self.root}{self.form}"
        return f"{self.root} {self.form}" if self.form else self.root


@attrs.frozen(slots=True)
class Person:
    """A person at a company, with the romanised name their e-mail address is made of."""

    name: PersonName
    given_romaji: str
    family_romaji: str
    title: str | None
    department: str | None
    email: str | None
    phone: str | None
    mobile: str | None


_JA_TLDS = Weighted([(".co.jp", 85.0), (".jp", 10.0), (".com", 5.0)])
_EN_TLDS = Weighted([(".com", 85.0), (".io", 10.0), (".net", 5.0)])
_JA_FAMILY = w.weighted_names(w.JA_FAMILY)
_JA_GIVEN = w.weighted_names(w.JA_GIVEN)
_EN_FAMILY = zipf(w.EN_FAMILY, exponent=0.5)
_EN_GIVEN = zipf(w.EN_GIVEN, exponent=0.5)


@functools.cache
def _name(family: str, given: str, family_kana: str | None, given_kana: str | None) -> PersonName:
    # A few thousand names shared by a million people: build each once.
    if family_kana is None:
        given_kana = None
    return PersonName(family, given, family_kana=family_kana, given_kana=given_kana)


def _employees(rng: random.Random) -> int:
    # Log-distributed: many small firms, a few giants (mode around 30 people).
    return max(1, round(10 ** rng.triangular(0.3, 5.0, 1.4)))


def _jp_phone(area: str, rng: random.Random) -> str:
    # A Japanese national number has ten digits, area code (with its 0) included.
    local_digits = 6 - len(area) if len(area) > 2 else 4
    local = str(between(rng, 10 ** (local_digits - 1) * 2, 10**local_digits))
    return f"{area}-{local}-{between(rng, 0, 10000):04d}"


def _us_phone(area: str, rng: random.Random) -> str:
    return f"({area}) {between(rng, 200, 1000)}-{between(rng, 0, 10000):04d}"


def _revenue(employees: int, japanese: bool, rng: random.Random) -> Money:
    if japanese:
        per_head = rng.uniform(15, 60)  # million yen
        return Money(max(10, math.ceil(employees * per_head)) * 1_000_000, "JPY")
    per_head = rng.uniform(120, 450)  # thousand dollars
    return Money(Decimal(max(5, math.ceil(employees * per_head / 10)) * 10_000), "USD")


def make_company(rng: random.Random, *, japanese: bool) -> Company:
    """A new company with a name, domain, industry, size and head office."""
    if japanese:
        root = choose(rng, w.JA_COMPANY_ROOTS)
        place = choose(rng, w.JA_PLACES) if rng.random() < 0.3 else None
        suffix = choose(rng, w.JA_SUFFIXES)
        form, form_first = w.JA_LEGAL_FORMS.pick(rng)
        text = f"{place.text if place else ''}{root.text}{suffix.text}"
        slug = "-".join(p.romaji for p in (place, root, suffix) if p is not None)
        tld = _JA_TLDS.pick(rng)
        region = PREFECTURES.pick(rng)
        city = choose(rng, region.cities)
        address = Address(
            country="JP",
            state=region.name,
            city=city.name,
            street=f"{choose(rng, w.JA_TOWNS)}{between(rng, 1, 6)}-{between(rng, 1, 30)}"
            f"-{between(rng, 1, 20)}",
            postal_code=f"{city.postal_prefix}-{between(rng, 0, 10000):04d}",
        )
        phone = _jp_phone(city.area_code, rng)
    else:
        root = choose(rng, w.EN_COMPANY_ROOTS)
        place = choose(rng, w.EN_PLACES) if rng.random() < 0.3 else None
        suffix = choose(rng, w.EN_SUFFIXES)
        form, form_first = w.EN_LEGAL_FORMS.pick(rng), False
        text = " ".join(p.text for p in (place, root, suffix) if p is not None)
        slug = "".join(p.romaji for p in (place, root, suffix) if p is not None)
        tld = _EN_TLDS.pick(rng)
        region = STATES.pick(rng)
        city = choose(rng, region.cities)
        address = Address(
            country="US",
            state=region.name,
            city=city.name,
            street=f"{between(rng, 1, 9999)} {choose(rng, w.EN_STREETS)}",
            postal_code=f"{city.postal_prefix}{between(rng, 0, 100):02d}",
        )
        phone = _us_phone(city.area_code, rng)
    employees = _employees(rng)
    if japanese:
        name = f"{form}{text}" if form_first else f"{text}{form}"
    else:
        name = f"{text} {form}" if form else text
    return Company(
        japanese=japanese,
        root=text,
        form=form,
        form_first=form_first,
        domain=slug + tld,
        industry=suffix.industry,
        employees=employees,
        revenue=_revenue(employees, japanese, rng),
        region=region,
        city=city,
        address=address,
        phone=phone,
        key=company_key(name),
    )


def personal_email(given: str, family: str, *, japanese: bool, rng: random.Random) -> str:
    """A free-mail address such as taro.yamada1987@gmail.com."""
    domain = (w.JA_FREE_MAIL if japanese else w.EN_FREE_MAIL).pick(rng)
    local = choose(rng, [f"{given}.{family}", f"{family}{given[0]}", f"{given}{family}"])
    return f"{local}{between(rng, 1, 10000)}@{domain}"


def make_person(rng: random.Random, company: Company) -> Person:
    """Someone at ``company``: name, title, department, e-mail and phones."""
    if company.japanese:
        family, given = _JA_FAMILY.pick(rng), _JA_GIVEN.pick(rng)
        with_kana = rng.random() < 0.7
        name = _name(family.kanji, given.kanji, family.kana if with_kana else None, given.kana)
        given_romaji, family_romaji = given.romaji, family.romaji
        department = w.JA_DEPARTMENTS.pick(rng)
        title = w.JA_TITLES.pick(rng)
        if title == "部長" and rng.random() < 0.3:
            title = department.removesuffix("部") + "部長"  # 営業部長
        has_email = rng.random() < 0.85
        mobile = f"0{choose(rng, '987')}0-{between(rng, 1000, 10000)}-{between(rng, 0, 10000):04d}"
    else:
        family_romaji = _EN_FAMILY.pick(rng)
        given_romaji = _EN_GIVEN.pick(rng)
        name = _name(family_romaji, given_romaji, None, None)
        given_romaji, family_romaji = given_romaji.lower(), family_romaji.lower()
        department = w.EN_DEPARTMENTS.pick(rng)
        title = w.EN_TITLES.pick(rng)
        has_email = rng.random() < 0.92
        mobile = _us_phone(company.city.area_code, rng)
    keep_department = rng.random() < 0.8
    keep_mobile = rng.random() < 0.25
    roll = rng.random()
    email: str | None
    if not has_email:
        email = None
    elif roll < 0.8:
        g, f = given_romaji, family_romaji
        local = choose(rng, [f"{g}.{f}", f"{g[0]}.{f}", f"{f}.{g}", f"{g[0]}{f}", f"{f}-{g[0]}"])
        email = f"{local}@{company.domain}"
    else:
        email = personal_email(given_romaji, family_romaji, japanese=company.japanese, rng=rng)
    phone_roll = rng.random()
    phone: str | None
    if phone_roll < 0.45:
        phone = company.phone  # the switchboard
    elif phone_roll < 0.8:
        area = company.city.area_code
        phone = _jp_phone(area, rng) if company.japanese else _us_phone(area, rng)
    else:
        phone = None
    return Person(
        name=name,
        given_romaji=given_romaji,
        family_romaji=family_romaji,
        title=title,
        department=department if keep_department else None,
        email=email,
        phone=phone,
        mobile=mobile if keep_mobile else None,
    )
