"""Matching keys computed once per record: the normalised forms comparators compare.

Values that repeat across many records (company names, family names, office phone
numbers) are memoised, which makes preparing a million leads several times faster.
The caches are bounded and hold only pure functions of their arguments.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache

from leadkit.dedupe._japanese import (
    ROLE_LOCAL_PARTS,
    fold_japanese,
    fold_kanji,
    strip_branch,
    strip_honorifics,
)
from leadkit.errors import ValidationError
from leadkit.model import (
    PersonName,
    company_key,
    email_key,
    normalise_text,
    phone_key,
    phone_sections,
)

__all__ = [
    "cached_company_key",
    "company_match_key",
    "date_key",
    "email_key_or_none",
    "initial_key",
    "kana_key",
    "mailbox_key",
    "name_key",
    "person_name",
    "phone_country",
    "phone_parts",
    "text_key",
    "valid_date",
]

_NOT_ALNUM = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")


def text_key(value: object) -> object:
    """Normalised text for strings (None when blank); other values unchanged."""
    if isinstance(value, str):
        return _normalised(value)
    return value


@lru_cache(maxsize=1 << 16)
def _normalised(text: str) -> str | None:
    return normalise_text(text) or None


@lru_cache(maxsize=1 << 16)
def name_key(text: str) -> str | None:
    """A name part as a key: normalised, with spaces and punctuation dropped.

    ``"O'Brien"`` and ``"OBrien"``, ``"Van Dyke"`` and ``"VANDYKE"`` give one key; a part
    with no letter or digit (a ``"-"`` typed into a required field) is blank.
    """
    return _NOT_ALNUM.sub("", normalise_text(text)) or None


@lru_cache(maxsize=1 << 16)
def cached_company_key(name: str) -> str | None:
    """:func:`~leadkit.model.company_key`, memoised; None when the name has no letters."""
    return company_key(name) or None


@lru_cache(maxsize=1 << 16)
def company_match_key(name: str, keep_branch: bool = False) -> str | None:
    """The company key for matching: :func:`~leadkit.model.company_key` of the name
    without a trailing branch or department (unless *keep_branch*) and without 御中, with
    Japanese spellings folded (variant kanji, katakana long vowels and small kana)."""
    # Variant kanji first, so that 株式會社 is recognised as the legal form it is.
    text = strip_honorifics(fold_kanji(normalise_text(name)))
    if not keep_branch:
        text = strip_branch(text)[0]
    key = company_key(text)
    if not key:
        return None
    folded = fold_japanese(key)
    return folded or key


def email_key_or_none(value: str) -> str | None:
    """:func:`~leadkit.model.email_key`, None when blank."""
    return email_key(value) or None


@lru_cache(maxsize=1 << 16)
def mailbox_key(value: str, fold_plus: bool = True, roles: bool = True) -> str | None:
    """The e-mail key of a mailbox: :func:`~leadkit.model.email_key` with a
    plus-address tag dropped (``taro+expo@`` is ``taro@``) when *fold_plus*; None when
    blank, or for a role address (info@, sales@ ...) unless *roles*."""
    key = email_key(value)
    if not key:
        return None
    local, at, domain = key.rpartition("@")
    if not at:
        return key
    if fold_plus and "+" in local[1:]:
        local = local[: local.index("+", 1)]
    if not roles and local in ROLE_LOCAL_PARTS:
        return None
    return f"{local}@{domain}"


@lru_cache(maxsize=64)
def phone_country(country: str | None) -> str | None:
    """*country* when :func:`~leadkit.model.phone_key` knows its numbering plan, else None."""
    if not country:
        return None
    try:
        phone_key("0", default_country=country)
    except ValidationError:
        return None
    return country.upper()


@lru_cache(maxsize=64)
def _calling_code(country: str) -> str:
    # A national number of one digit that is no trunk prefix ("0" or "1") keeps it.
    return phone_key("2", default_country=country)[1:-1]


@lru_cache(maxsize=1 << 16)
def phone_parts(phone: str, country: str) -> tuple[str, str] | None:
    """(calling code, national number) of *phone*, or None without digits.

    Most numbers are parsed once: calling codes form a prefix code, so a key starting
    with *country*'s calling code has that code (a national number, or an international
    one of the same country). Other keys take a second parse for the national part.
    """
    key = phone_key(phone, default_country=country)
    if not key:
        return None
    code = _calling_code(country)
    if key.startswith(code, 1):
        return code, key[1 + len(code) :]
    national = "".join(phone_sections(phone, default_country=country))
    return key[1 : len(key) - len(national)], national


def initial_key(given: str) -> str:
    """The "initial" of a given-name key: its first letter in Latin script; the whole name
    in other scripts, which have no initials (大翔 and 大輔 share a first kanji, not a name).
    """
    first = given[0]
    if first.isascii() or "LATIN" in unicodedata.name(first, ""):
        return first
    return given


_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}


def kana_key(text: str | None) -> str | None:
    """A reading (フリガナ) as a key, in katakana: readings are typed in either kana."""
    if text is None:
        return None
    key = name_key(text)
    return key.translate(_HIRAGANA_TO_KATAKANA) if key else None


def person_name(value: object, path: str) -> PersonName | None:
    """*value* as a PersonName (None stays None); anything else is a rule error."""
    if value is None or isinstance(value, PersonName):
        return value
    raise ValidationError(
        f"a name comparison needs a PersonName, but the field holds {type(value).__name__}"
        f" {value!r}; compare it with FuzzyMatch or CompanyMatch instead",
        path=path,
    )


def date_key(value: object) -> str | None:
    """A date as eight digits ``YYYYMMDD``.

    Dates and datetimes are formatted; strings and integers keep their digits when there are
    eight of them (``"1956-04-09"``, ``"19560409"``, ``19560409``), else their normalised
    text, so that a malformed date still compares equal to itself.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.year:04d}{value.month:02d}{value.day:02d}"
    text = normalise_text(str(value))
    digits = "".join(_DIGITS.findall(text))
    if len(digits) == 8:
        return digits
    return text or None


def valid_date(key: str) -> date | None:
    """The calendar date of an eight-digit key, None when it is not a real date."""
    if len(key) != 8 or not key.isdigit():
        return None
    try:
        return date(int(key[:4]), int(key[4:6]), int(key[6:]))
    except ValueError:
        return None
