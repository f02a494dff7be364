"""Field comparators: how a matching rule compares one field of two records.

Every comparator reads a field, turns it into a *key* once per record (normalised email,
phone key, company key, name parts ...) and scores two keys with a similarity in [0, 1].
A criterion *holds* when the similarity reaches the comparator's ``threshold``. A blank
value (missing, empty, or nothing left after normalisation) is never similar to anything;
with ``match_blank=True`` two blanks count as a match, as in the leading CRMs' "match
blank fields" option.

``weight`` and ``penalty`` are used only by rules that combine criteria by score: a
criterion that holds adds ``weight × similarity``, one that fails on two present values
subtracts ``penalty``, and a blank adds nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from typing import Any, Literal, Protocol, runtime_checkable

import attrs

from leadkit.dedupe._fields import MatchContext, read_field
from leadkit.dedupe._keys import (
    cached_company_key,
    date_key,
    email_key_or_none,
    initial_key,
    kana_key,
    name_key,
    person_name,
    phone_country,
    phone_parts,
    text_key,
    valid_date,
)
from leadkit.dedupe._similarity import METRICS, metric
from leadkit.errors import ValidationError

__all__ = [
    "CompanyMatch",
    "Comparator",
    "DateMatch",
    "DomainMatch",
    "EmailMatch",
    "ExactMatch",
    "FuzzyMatch",
    "KeyMatch",
    "NameMatch",
    "NamePart",
    "PhoneMatch",
    "Scorer",
]

Scorer = Callable[[Any, Any], float]
"""Scores two (non-blank) keys: a similarity from 0.0 (different) to 1.0 (the same)."""


@runtime_checkable
class Comparator(Protocol):
    """What a matching rule needs from a field comparison.

    The built-in comparators are frozen attrs classes; anything with these members works.
    ``key`` is called once per record and run, ``scorer`` once per run (it may import or
    build what it needs), and the scorer once per candidate pair, so keep it cheap and
    symmetric: ``scorer(a, b) == scorer(b, a)``.

    Extension point (planned, not shipped yet): a comparator built from the condition
    language, ``leadkit.rules.compile(condition)``, whose ``key`` is the condition's
    truth for the record at an ``as_of`` it carries and whose scorer is ``1.0`` when the
    condition holds for both records (for example "both are in 関東"). It needs no change
    here: only a class with these members.
    """

    @property
    def field(self) -> str:
        """The field path read (or, for a key function, its name): shown in evidence."""
        ...

    @property
    def method(self) -> str:
        """How the values are compared, for people: ``"jaro_winkler"``, ``"email"`` ..."""
        ...

    @property
    def threshold(self) -> float:
        """The least similarity at which the criterion holds."""
        ...

    @property
    def weight(self) -> float:
        """Points for a criterion that holds (score-combined rules only)."""
        ...

    @property
    def penalty(self) -> float:
        """Points taken off when two present values do not match (score-combined rules)."""
        ...

    @property
    def match_blank(self) -> bool:
        """Whether two blank values count as a match."""
        ...

    def value(self, record: Any, context: MatchContext) -> object:
        """The field as stored in *record*: what evidence shows people."""
        ...

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """The normalised key of *record* that the scorer compares; None when blank."""
        ...

    def scorer(self) -> Scorer:
        """The function scoring two non-blank keys."""
        ...


# ---------------------------------------------------------------------------------------------
# Shared options
# ---------------------------------------------------------------------------------------------


def _check_unit(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise ValidationError(
            f"must be a number from 0.0 to 1.0, got {value!r}",
            path=f"{type(instance).__name__}.{attribute.name}",
        )


def _check_points(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValidationError(
            f"must be a finite number of points, 0 or more, got {value!r}",
            path=f"{type(instance).__name__}.{attribute.name}",
        )


def _check_field(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            f"must name a field such as 'email' or 'address.city', got {value!r}",
            path=f"{type(instance).__name__}.{attribute.name}",
        )


def _check_bool(instance: object, attribute: attrs.Attribute[bool], value: bool) -> None:
    if not isinstance(value, bool):
        raise ValidationError(
            f"must be True or False, got {value!r}",
            path=f"{type(instance).__name__}.{attribute.name}",
        )


def _field(default: str) -> Any:
    return attrs.field(default=default, validator=_check_field)


def _threshold(default: float) -> Any:
    return attrs.field(default=default, validator=_check_unit, kw_only=True)


def _points(default: float) -> Any:
    return attrs.field(default=default, validator=_check_points, kw_only=True)


def _flag(default: bool = False) -> Any:
    return attrs.field(default=default, validator=_check_bool, kw_only=True)


def _metric_name(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in METRICS:
        raise ValidationError(
            f"unknown metric {value!r}; expected one of {', '.join(METRICS)}",
            path=f"{type(instance).__name__}.{attribute.name}",
        )


def _exact(left: object, right: object) -> float:
    return 1.0 if left == right else 0.0


# ---------------------------------------------------------------------------------------------
# Exact and text comparisons
# ---------------------------------------------------------------------------------------------


@attrs.frozen
class ExactMatch:
    """Equal after normalisation: text by :func:`~leadkit.model.normalise_text` (width,
    case and spacing ignored), other values (numbers, dates, flags) as they are.

    >>> from leadkit.dedupe import ExactMatch
    >>> ExactMatch("address.city").scorer()("横浜市", "横浜市")
    1.0
    """

    field: str = attrs.field(validator=_check_field)
    weight: float = _points(1.0)
    penalty: float = _points(0.0)
    match_blank: bool = _flag()

    @property
    def method(self) -> str:
        """``"exact"``."""
        return "exact"

    @property
    def threshold(self) -> float:
        """Always 1.0: the values are equal or not."""
        return 1.0

    def value(self, record: Any, context: MatchContext) -> object:
        """The field as stored."""
        return read_field(record, self.field, context)

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """Normalised text, or the value itself."""
        value = text_key(self.value(record, context))
        return value if isinstance(value, Hashable) else repr(value)

    def scorer(self) -> Scorer:
        """1.0 when equal, else 0.0."""
        return _exact


@attrs.frozen
class FuzzyMatch:
    """Fuzzy text: a rapidfuzz similarity of the normalised values.

    ``metric`` is one of ``jaro_winkler`` (short strings, names; the default), ``jaro``,
    ``levenshtein`` and ``indel`` (edit distances, for codes and numbers), ``token_sort``
    and ``token_set`` (word order does not matter, for addresses and titles).

    >>> from leadkit.dedupe import FuzzyMatch
    >>> round(FuzzyMatch("address.street", metric="token_sort").scorer()(
    ...     "kent street 6", "6 kent street"), 2)
    1.0
    """

    field: str = attrs.field(validator=_check_field)
    metric: str = attrs.field(default="jaro_winkler", validator=_metric_name, kw_only=True)
    threshold: float = _threshold(0.9)
    weight: float = _points(1.0)
    penalty: float = _points(0.0)
    match_blank: bool = _flag()

    @property
    def method(self) -> str:
        """The metric's name."""
        return self.metric

    def value(self, record: Any, context: MatchContext) -> object:
        """The field as stored."""
        return read_field(record, self.field, context)

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """The normalised text (non-text values as text)."""
        value = self.value(record, context)
        if value is None:
            return None
        return text_key(value if isinstance(value, str) else str(value))

    def scorer(self) -> Scorer:
        """The metric."""
        return metric(self.metric)


# ---------------------------------------------------------------------------------------------
# E-mail, domain, phone, company
# ---------------------------------------------------------------------------------------------


@attrs.frozen
class EmailMatch:
    """The same address by :func:`~leadkit.model.email_key` (width and case ignored).

    >>> from leadkit.dedupe import EmailMatch
    >>> EmailMatch().scorer()("taro@abc.co.jp", "taro@abc.co.jp")
    1.0
    """

    field: str = _field("email")
    weight: float = _points(1.0)
    penalty: float = _points(0.0)
    match_blank: bool = _flag()

    @property
    def method(self) -> str:
        """``"email"``."""
        return "email"

    @property
    def threshold(self) -> float:
        """Always 1.0."""
        return 1.0

    def value(self, record: Any, context: MatchContext) -> object:
        """The address as stored."""
        return read_field(record, self.field, context)

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """The e-mail key."""
        value = self.value(record, context)
        return email_key_or_none(value) if isinstance(value, str) else None

    def scorer(self) -> Scorer:
        """1.0 for the same key."""
        return _exact


@attrs.frozen
class DomainMatch:
    """The same internet domain (by default the ``domain`` of the company: website host,
    else a business e-mail's domain; free-mail domains such as gmail.com are blank).

    >>> from leadkit.dedupe import DomainMatch
    >>> DomainMatch().method
    'domain'
    """

    field: str = _field("domain")
    weight: float = _points(1.0)
    penalty: float = _points(0.0)
    match_blank: bool = _flag()

    @property
    def method(self) -> str:
        """``"domain"``."""
        return "domain"

    @property
    def threshold(self) -> float:
        """Always 1.0."""
        return 1.0

    def value(self, record: Any, context: MatchContext) -> object:
        """The domain."""
        return read_field(record, self.field, context)

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """The lower-cased domain without a leading ``www.``."""
        value = self.value(record, context)
        if not isinstance(value, str):
            return None
        return text_key(value.strip().lower().removeprefix("www.").rstrip("."))

    def scorer(self) -> Scorer:
        """1.0 for the same domain."""
        return _exact


def _phone_sections_score(left: tuple[str, str], right: tuple[str, str]) -> float:
    if left == right:
        return 1.0
    if left[0] != right[0]:
        return 0.0
    # Sections counted from the right, where numbers of every country agree: the last four
    # digits (subscriber line), the four before (exchange), and the rest (area code).
    a, b = left[1], right[1]
    same = (a[-4:] == b[-4:]) + (a[-8:-4] == b[-8:-4]) + (a[:-8] == b[:-8])
    return same / 3.0


def _check_country(instance: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and (not isinstance(value, str) or phone_country(value) is None):
        raise ValidationError(
            f"unknown phone country {value!r}; use a code phone_key supports, such as 'JP'",
            path=f"{type(instance).__name__}.{attribute.name}",
        )


@attrs.frozen
class PhoneMatch:
    """The same number by :func:`~leadkit.model.phone_key`: national and international
    forms (``03-1234-5678``, ``+81 3 1234 5678``) are equal, extensions ignored.

    A national number takes its country from ``default_country``, else from the record's
    address country (when its numbering plan is known), else Japan. With
    ``sections=True`` a different number gets partial credit, a third for each matching
    section counted from the right (last four digits, the four before, the area code),
    zero across countries; set ``threshold`` below 1.0 to let that count.

    >>> from leadkit.dedupe import PhoneMatch
    >>> score = PhoneMatch(sections=True).scorer()
    >>> round(score(("81", "312345678"), ("81", "312345679")), 2)
    0.67
    """

    field: str = _field("phone")
    sections: bool = _flag()
    default_country: str | None = attrs.field(default=None, validator=_check_country, kw_only=True)
    threshold: float = _threshold(1.0)
    weight: float = _points(1.0)
    penalty: float = _points(0.0)
    match_blank: bool = _flag()

    @property
    def method(self) -> str:
        """``"phone"`` or ``"phone_sections"``."""
        return "phone_sections" if self.sections else "phone"

    def value(self, record: Any, context: MatchContext) -> object:
        """The number as stored."""
        return read_field(record, self.field, context)

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """(calling code, national number)."""
        value = self.value(record, context)
        if not isinstance(value, str):
            return None
        country = self.default_country or record_phone_country(record, context)
        return phone_parts(value, country)

    def scorer(self) -> Scorer:
        """Exact, or by sections."""
        return _phone_sections_score if self.sections else _exact


def record_phone_country(record: Any, context: MatchContext) -> str:
    """The country a record's national phone numbers belong to (its address, else JP)."""
    address = read_field(record, "address", context)
    return phone_country(getattr(address, "country", None)) or "JP"


@attrs.frozen
class CompanyMatch:
    """Company names by :func:`~leadkit.model.company_key`: legal forms (株式会社, (株),
    Inc., Co., Ltd. ...), width, case and punctuation ignored. Different keys are scored by
    ``metric`` (Jaro-Winkler by default); the default ``threshold`` of 1.0 asks for the same
    key.

    >>> from leadkit.dedupe import CompanyMatch
    >>> CompanyMatch().scorer()("abc", "abc"), CompanyMatch().method
    (1.0, 'company_key')
    """

    field: str = _field("company")
    metric: str = attrs.field(default="jaro_winkler", validator=_metric_name, kw_only=True)
    threshold: float = _threshold(1.0)
    weight: float = _points(1.0)
    penalty: float = _points(0.0)
    match_blank: bool = _flag()

    @property
    def method(self) -> str:
        """``"company_key"``, or the metric on company keys when fuzzy."""
        return "company_key" if self.threshold >= 1.0 else f"company_key+{self.metric}"

    def value(self, record: Any, context: MatchContext) -> object:
        """The company name as stored."""
        return read_field(record, self.field, context)

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """The company key."""
        value = self.value(record, context)
        return cached_company_key(value) if isinstance(value, str) else None

    def scorer(self) -> Scorer:
        """1.0 for the same key, else the metric on the keys."""
        similarity = metric(self.metric)

        def score(left: str, right: str) -> float:
            return 1.0 if left == right else similarity(left, right)

        return score


# ---------------------------------------------------------------------------------------------
# Person names
# ---------------------------------------------------------------------------------------------

NamePart = Literal["full", "family", "given", "initial"]
_NAME_PARTS = ("full", "family", "given", "initial")


def _is_initial(text: str) -> bool:
    # Only Latin initials: a one-character Japanese given name (健, 誠) is a whole name.
    return len(text) == 1 and text.isascii()


def _name_part(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in _NAME_PARTS:
        raise ValidationError(
            f"unknown name part {value!r}; expected one of {', '.join(_NAME_PARTS)}",
            path=f"{type(instance).__name__}.{attribute.name}",
        )


def _default_name_threshold(instance: NameMatch) -> float:
    return 1.0 if instance.part == "initial" else 0.9


@attrs.frozen
class NameMatch:
    """Person names (a :class:`~leadkit.model.PersonName` field), compared by ``part``.

    * ``"full"``: family and given names by Jaro-Winkler, averaged. ``initials`` lets
      ``"J."`` match ``"John"``; ``transposition`` lets given and family names swap
      (``太郎 山田`` typed the wrong way round); with one given name missing the family
      names decide, or the whole names run together (``"山田太郎"`` in the family field).
    * ``"family"`` or ``"given"``: that part alone (a missing given name is blank).
    * ``"initial"``: the first letter of the given name, in Latin script. Other scripts
      have no initials: there the first kana of the readings decides when both records
      have one (一郎 and 一朗 read イチロウ; 大翔 ヒロト is not 大輔 ダイスケ), else the whole
      given name.

    With ``kana`` the readings (フリガナ, hiragana or katakana) are compared too when both
    records have them, and the better similarity counts: 髙橋 and 高橋 read タカハシ alike.
    Parts are compared without spaces and punctuation (``"O'Brien"`` = ``"OBRIEN"``).

    >>> from leadkit.dedupe import NameMatch
    >>> from leadkit.model import PersonName
    >>> rule = NameMatch()
    >>> score = rule.scorer()
    >>> score(rule.name_key(PersonName("Smith", "J.")), rule.name_key(PersonName("Smith", "John")))
    1.0
    >>> score(rule.name_key(PersonName("太郎", "山田")), rule.name_key(PersonName("山田", "太郎")))
    1.0
    """

    field: str = _field("name")
    part: NamePart = attrs.field(default="full", validator=_name_part, kw_only=True)
    metric: str = attrs.field(default="jaro_winkler", validator=_metric_name, kw_only=True)
    threshold: float = attrs.field(
        default=attrs.Factory(_default_name_threshold, takes_self=True),
        validator=_check_unit,
        kw_only=True,
    )
    initials: bool = _flag(True)
    transposition: bool = _flag(True)
    kana: bool = _flag(True)
    weight: float = _points(1.0)
    penalty: float = _points(0.0)
    match_blank: bool = _flag()

    @property
    def method(self) -> str:
        """``"initial"``, or the metric with the part: ``"jaro_winkler(family)"``."""
        return "initial" if self.part == "initial" else f"{self.metric}({self.part})"

    def value(self, record: Any, context: MatchContext) -> object:
        """The part compared, as stored: the display name for ``"full"``, else the family
        or given name (with its reading when there is one)."""
        name = person_name(read_field(record, self.field, context), self.field)
        if name is None or self.part == "full":
            return None if name is None else name.display
        written: str | None = name.family if self.part == "family" else name.given
        reading = name.family_kana if self.part == "family" else name.given_kana
        return f"{written} ({reading})" if written and reading else written

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """The name part(s) as keys."""
        name = person_name(read_field(record, self.field, context), self.field)
        return None if name is None else self.name_key(name)

    def name_key(self, name: Any) -> Hashable | None:
        """The key of a PersonName for this comparator's part (None when blank)."""
        family = name_key(name.family)
        given = name_key(name.given) if name.given else None
        part = self.part
        if part == "initial":
            if not given:
                return None
            reading = kana_key(name.given_kana) if self.kana else None
            return initial_key(given), reading[0] if reading else None
        if part == "given":
            return None if given is None else (given, kana_key(name.given_kana))
        if family is None:
            return None
        if part == "family":
            return family, kana_key(name.family_kana)
        return family, given, kana_key(name.family_kana), kana_key(name.given_kana)

    def scorer(self) -> Scorer:
        """The similarity of two keys of this part."""
        similarity = metric(self.metric)
        kana = self.kana
        initials = self.initials
        transposition = self.transposition

        def pair(left: str, right: str, left_kana: str | None, right_kana: str | None) -> float:
            score = similarity(left, right)
            if kana and left_kana and right_kana and score < 1.0:
                score = max(score, similarity(left_kana, right_kana))
            return score

        def given(left: str, right: str, left_kana: str | None, right_kana: str | None) -> float:
            if initials and (_is_initial(left) or _is_initial(right)):
                return 1.0 if left[0] == right[0] else 0.0
            return pair(left, right, left_kana, right_kana)

        def part_score(left: tuple[str, str | None], right: tuple[str, str | None]) -> float:
            return pair(left[0], right[0], left[1], right[1])

        def given_score(left: tuple[str, str | None], right: tuple[str, str | None]) -> float:
            return given(left[0], right[0], left[1], right[1])

        def full(left: tuple[Any, ...], right: tuple[Any, ...]) -> float:
            family_a, given_a, family_kana_a, given_kana_a = left
            family_b, given_b, family_kana_b, given_kana_b = right
            family_score = pair(family_a, family_b, family_kana_a, family_kana_b)
            if given_a is not None and given_b is not None:
                score = (family_score + given(given_a, given_b, given_kana_a, given_kana_b)) / 2
                if transposition and score < 1.0:
                    swapped = (similarity(family_a, given_b) + similarity(given_a, family_b)) / 2
                    score = max(score, swapped)
                return score
            if given_a is None and given_b is None:
                return family_score
            # One given name is missing: the family names decide, or the whole names run
            # together (a full name typed into the family name field).
            forms_a = _whole_forms(family_a, given_a, transposition)
            forms_b = _whole_forms(family_b, given_b, transposition)
            whole = max(similarity(a, b) for a in forms_a for b in forms_b)
            return max(family_score, whole)

        if self.part == "initial":
            return _initial_score
        if self.part == "family":
            return part_score
        if self.part == "given":
            return given_score
        return full


def _initial_score(left: tuple[str, str | None], right: tuple[str, str | None]) -> float:
    # Readings decide when both records have one: 一郎 and 一朗 both read イチロウ.
    if left[1] is not None and right[1] is not None:
        return 1.0 if left[1] == right[1] else 0.0
    return 1.0 if left[0] == right[0] else 0.0


def _whole_forms(family: str, given: str | None, transposition: bool) -> tuple[str, ...]:
    if given is None:
        return (family,)
    return (family + given, given + family) if transposition else (family + given,)


# ---------------------------------------------------------------------------------------------
# Dates and key functions
# ---------------------------------------------------------------------------------------------


def _check_days(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(
            f"must be a whole number of days, 0 or more, got {value!r}",
            path=f"{type(instance).__name__}.{attribute.name}",
        )


@attrs.frozen
class DateMatch:
    """Dates (``date``, ``datetime``, or text such as ``"1956-04-09"`` / ``"19560409"``).

    Similarity: 1.0 for the same day or days at most ``tolerance_days`` apart; 0.9 when
    day and month are swapped (04/09 for 09/04); otherwise the edit similarity of the eight
    digits ``YYYYMMDD``, so a one-digit typo scores 0.875. The default threshold asks for
    the same day; 0.85 also accepts one typo or a swap.

    >>> from leadkit.dedupe import DateMatch
    >>> score = DateMatch("custom.birthday").scorer()
    >>> score(("19560409", None), ("19560409", None)), score(("19560409", None), ("19560403", None))
    (1.0, 0.875)
    """

    field: str = attrs.field(validator=_check_field)
    tolerance_days: int = attrs.field(default=0, validator=_check_days, kw_only=True)
    threshold: float = _threshold(1.0)
    weight: float = _points(1.0)
    penalty: float = _points(0.0)
    match_blank: bool = _flag()

    @property
    def method(self) -> str:
        """``"date"`` (with the tolerance when there is one)."""
        return f"date±{self.tolerance_days}d" if self.tolerance_days else "date"

    def value(self, record: Any, context: MatchContext) -> object:
        """The date as stored."""
        return read_field(record, self.field, context)

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """(eight digits or text, the calendar date when it is a real one)."""
        digits = date_key(self.value(record, context))
        return None if digits is None else (digits, valid_date(digits))

    def scorer(self) -> Scorer:
        """Same day, tolerance, swap, else digit edit similarity."""
        edit = metric("levenshtein")
        tolerance = self.tolerance_days

        def score(left: tuple[str, Any], right: tuple[str, Any]) -> float:
            if left[0] == right[0]:
                return 1.0
            day_a, day_b = left[1], right[1]
            if day_a is not None and day_b is not None:
                if tolerance and abs((day_a - day_b).days) <= tolerance:
                    return 1.0
                if (day_a.year, day_a.month, day_a.day) == (day_b.year, day_b.day, day_b.month):
                    return 0.9
            return edit(left[0], right[0])

        return score


def _check_callable(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not callable(value):
        raise ValidationError(
            f"must be a function of the record, got {value!r}",
            path=f"{type(instance).__name__}.{attribute.name}",
        )


@attrs.frozen
class KeyMatch:
    """Equal keys from any function of the record: the escape hatch for what the built-in
    comparators do not cover. ``name`` labels the evidence; text keys are normalised.

    >>> from leadkit.dedupe import KeyMatch
    >>> same_prefecture = KeyMatch("prefecture", lambda r: r.address.prefecture)
    >>> same_prefecture.method
    'key'
    """

    field: str = attrs.field(validator=_check_field)
    function: Callable[[Any], object] = attrs.field(validator=_check_callable)
    weight: float = _points(1.0)
    penalty: float = _points(0.0)
    match_blank: bool = _flag()

    @property
    def method(self) -> str:
        """``"key"``."""
        return "key"

    @property
    def threshold(self) -> float:
        """Always 1.0."""
        return 1.0

    def value(self, record: Any, context: MatchContext) -> object:
        """The function's result."""
        return self.function(record)

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """The result, normalised when it is text."""
        value = text_key(self.value(record, context))
        return value if value is None or isinstance(value, Hashable) else repr(value)

    def scorer(self) -> Scorer:
        """1.0 for equal keys."""
        return _exact
