"""The field comparators: exact, fuzzy text, e-mail, domain, phone, company, dates, keys.

Person names have their own module (:mod:`leadkit.dedupe._names`); the protocol and the
shared options are in :mod:`leadkit.dedupe._comparator`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import Any

import attrs

from leadkit.dedupe._comparator import (
    Scorer,
    check_field,
    exact,
    field_option,
    flag,
    metric_name,
    points,
    threshold,
)
from leadkit.dedupe._fields import MatchContext, read_field
from leadkit.dedupe._keys import (
    cached_company_key,
    company_match_key,
    date_key,
    email_key_or_none,
    mailbox_key,
    phone_country,
    text_key,
    valid_date,
)
from leadkit.dedupe._memo import Memo, memo_company, memo_country, memo_mailbox, memo_phone
from leadkit.dedupe._nodes import company_node, mailbox_node, phone_node
from leadkit.dedupe._prepare import Derived
from leadkit.dedupe._similarity import metric
from leadkit.errors import ValidationError
from leadkit.model import is_free_mail

__all__ = [
    "CompanyMatch",
    "ContactConflict",
    "DateMatch",
    "DomainMatch",
    "EmailMatch",
    "ExactMatch",
    "FuzzyMatch",
    "HierarchyConflict",
    "KeyMatch",
    "PhoneMatch",
    "record_phone_country",
]


# ---------------------------------------------------------------------------------------------
# What most comparators share
# ---------------------------------------------------------------------------------------------


class _ReadsField:
    """A comparator whose evidence value is its field as stored in the record."""

    __slots__ = ()
    field: str

    def value(self, record: Any, context: MatchContext) -> object:
        """The field as stored."""
        return read_field(record, self.field, context)


class _EqualKeys:
    """A comparator that holds only for equal keys: threshold 1.0, scored by equality."""

    __slots__ = ()

    @property
    def threshold(self) -> float:
        """Always 1.0: the keys are equal or not."""
        return 1.0

    def scorer(self) -> Scorer:
        """1.0 for equal keys, else 0.0."""
        return exact


# ---------------------------------------------------------------------------------------------
# Exact and text comparisons
# ---------------------------------------------------------------------------------------------


@attrs.frozen
class ExactMatch(_ReadsField, _EqualKeys):
    """Equal after normalisation: text by :func:`~leadkit.model.normalise_text` (width,
    case and spacing ignored), other values (numbers, dates, flags) as they are.

    >>> from leadkit.dedupe import ExactMatch
    >>> ExactMatch("address.city").scorer()("横浜市", "横浜市")
    1.0
    """

    field: str = attrs.field(validator=check_field)
    weight: float = points(1.0)
    penalty: float = points(0.0)
    match_blank: bool = flag()

    @property
    def method(self) -> str:
        """``"exact"``."""
        return "exact"

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """Normalised text, or the value itself."""
        value = text_key(self.value(record, context))
        return value if isinstance(value, Hashable) else repr(value)


@attrs.frozen
class FuzzyMatch(_ReadsField):
    """Fuzzy text: a rapidfuzz similarity of the normalised values.

    ``metric`` is one of ``jaro_winkler`` (short strings, names; the default), ``jaro``,
    ``levenshtein`` and ``indel`` (edit distances, for codes and numbers), ``token_sort``
    and ``token_set`` (word order does not matter, for addresses and titles).

    >>> from leadkit.dedupe import FuzzyMatch
    >>> round(FuzzyMatch("address.street", metric="token_sort").scorer()(
    ...     "kent street 6", "6 kent street"), 2)
    1.0
    """

    field: str = attrs.field(validator=check_field)
    metric: str = attrs.field(default="jaro_winkler", validator=metric_name, kw_only=True)
    threshold: float = threshold(0.9)
    weight: float = points(1.0)
    penalty: float = points(0.0)
    match_blank: bool = flag()

    @property
    def method(self) -> str:
        """The metric's name."""
        return self.metric

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
class EmailMatch(_ReadsField, _EqualKeys):
    """The same mailbox by :func:`~leadkit.model.email_key` (width and case ignored).

    ``fold_plus`` (default) drops a plus-address tag for matching: ``taro+expo@abc.co.jp``
    is ``taro@abc.co.jp``. With ``roles=False`` a role address (info@, sales@, contact@,
    support@, 代表@ ...) reads as blank: people share those, so the same one does not
    make two records one person.

    >>> from leadkit.dedupe import EmailMatch
    >>> EmailMatch().scorer()("taro@abc.co.jp", "taro@abc.co.jp")
    1.0
    >>> from leadkit.model import Lead, PersonName
    >>> from datetime import UTC, datetime
    >>> lead = Lead(name=PersonName("山田"), company="ABC", email="Taro+Expo@abc.co.jp",
    ...             created_at=datetime(2026, 4, 1, tzinfo=UTC))
    >>> from leadkit.dedupe import MatchContext
    >>> EmailMatch().key(lead, MatchContext()), EmailMatch().value(lead, MatchContext())
    ('taro@abc.co.jp', 'Taro+Expo@abc.co.jp → taro@abc.co.jp')
    """

    field: str = field_option("email")
    fold_plus: bool = flag(True)
    roles: bool = flag(True)
    weight: float = points(1.0)
    penalty: float = points(0.0)
    match_blank: bool = flag()

    @property
    def method(self) -> str:
        """``"email"``."""
        return "email"

    def value(self, record: Any, context: MatchContext) -> object:
        """The address as stored, with its folded form when folding changed more than
        width and case (``taro+expo@abc.co.jp → taro@abc.co.jp``)."""
        value = read_field(record, self.field, context)
        if not isinstance(value, str):
            return value
        key = mailbox_key(value, self.fold_plus, self.roles)
        if key != email_key_or_none(value):
            return f"{value} → {key if key is not None else '(role address, ignored)'}"
        return value

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """The mailbox key."""
        return self.memo_key(record, context, {})

    def memo_key(self, record: Any, context: MatchContext, memo: Memo) -> Hashable | None:
        """:meth:`key`, sharing *memo* with the rule's other criteria and blocks."""
        return memo_mailbox(record, self.field, context, memo, self.fold_plus, self.roles)

    @property
    def key_recipe(self) -> Derived:
        """:meth:`key` as a recipe of the field (see ``_prepare``)."""
        return mailbox_node(self.field, self.fold_plus, self.roles)


@attrs.frozen
class DomainMatch(_ReadsField, _EqualKeys):
    """The same internet domain (by default the ``domain`` of the company: website host,
    else a business e-mail's domain; free-mail domains such as gmail.com are blank).

    >>> from leadkit.dedupe import DomainMatch
    >>> DomainMatch().method
    'domain'
    """

    field: str = field_option("domain")
    weight: float = points(1.0)
    penalty: float = points(0.0)
    match_blank: bool = flag()

    @property
    def method(self) -> str:
        """``"domain"``."""
        return "domain"

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """The lower-cased domain without a leading ``www.``."""
        value = self.value(record, context)
        if not isinstance(value, str):
            return None
        return text_key(value.strip().lower().removeprefix("www.").rstrip("."))


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
class PhoneMatch(_ReadsField):
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

    field: str = field_option("phone")
    sections: bool = flag()
    default_country: str | None = attrs.field(default=None, validator=_check_country, kw_only=True)
    threshold: float = threshold(1.0)
    weight: float = points(1.0)
    penalty: float = points(0.0)
    match_blank: bool = flag()

    @property
    def method(self) -> str:
        """``"phone"`` or ``"phone_sections"``."""
        return "phone_sections" if self.sections else "phone"

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """(calling code, national number)."""
        return self.memo_key(record, context, {})

    def memo_key(self, record: Any, context: MatchContext, memo: Memo) -> Hashable | None:
        """:meth:`key`, sharing *memo* with the rule's other criteria and blocks."""
        return memo_phone(record, self.field, context, memo, self.default_country)

    @property
    def key_recipe(self) -> Derived:
        """:meth:`key` as a recipe of the field and the record's country."""
        return phone_node(self.field, self.default_country)

    def scorer(self) -> Scorer:
        """Exact, or by sections."""
        return _phone_sections_score if self.sections else exact


def record_phone_country(record: Any, context: MatchContext) -> str:
    """The country a record's national phone numbers belong to (its address, else JP)."""
    return memo_country(record, context, {})


@attrs.frozen
class CompanyMatch(_ReadsField):
    """Company names by :func:`~leadkit.model.company_key`: legal forms (株式会社, (株),
    ｶﾌﾞｼｷｶﾞｲｼｬ, (ｶ), Inc., Co., Ltd. ...), width, case and punctuation ignored, and
    Japanese spellings folded: variant kanji (髙 → 高), the katakana long-vowel mark however
    typed (センター = センタ = センタ－), small kana (キャノン = キヤノン), ヴィ = ビ.

    A trailing branch, office or department (東京支店, 大阪営業所, 本社, 第二営業部,
    Tokyo Branch, Sales Dept.) is ignored: for a lead it is where in the company the
    person sits, not another company. ``keep_branch=True`` compares it too (accounts,
    where a branch may be an account of its own in the hierarchy).

    Different keys are scored by ``metric`` (Jaro-Winkler by default); the default
    ``threshold`` of 1.0 asks for the same key.

    >>> from leadkit.dedupe import CompanyMatch
    >>> CompanyMatch().scorer()("abc", "abc"), CompanyMatch().method
    (1.0, 'company_key')
    """

    field: str = field_option("company")
    metric: str = attrs.field(default="jaro_winkler", validator=metric_name, kw_only=True)
    threshold: float = threshold(1.0)
    keep_branch: bool = flag()
    weight: float = points(1.0)
    penalty: float = points(0.0)
    match_blank: bool = flag()

    @property
    def method(self) -> str:
        """``"company_key"``, or the metric on company keys when fuzzy."""
        return "company_key" if self.threshold >= 1.0 else f"company_key+{self.metric}"

    def value(self, record: Any, context: MatchContext) -> object:
        """The name as stored, with the folded key when a branch or a Japanese spelling
        fold changed it (``株式会社髙橋商事 東京支店 → 高橋商事``)."""
        value = read_field(record, self.field, context)
        if not isinstance(value, str):
            return value
        key = company_match_key(value, self.keep_branch)
        return value if key == cached_company_key(value) else f"{value} → {key}"

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """The company key."""
        return self.memo_key(record, context, {})

    def memo_key(self, record: Any, context: MatchContext, memo: Memo) -> Hashable | None:
        """:meth:`key`, sharing *memo* with the rule's other criteria and blocks."""
        return memo_company(record, self.field, context, memo, self.keep_branch)

    @property
    def key_recipe(self) -> Derived:
        """:meth:`key` as a recipe of the field."""
        return company_node(self.field, self.keep_branch)

    def scorer(self) -> Scorer:
        """1.0 for the same key, else the metric on the keys."""
        similarity = metric(self.metric)

        def score(left: str, right: str) -> float:
            return 1.0 if left == right else similarity(left, right)

        return score


@attrs.frozen
class ContactConflict:
    """Whether two records' own contact details are consistent: 1.0 unless they conflict,
    0.0 when both have a business e-mail (not a free-mail or role address), the mailboxes
    differ, and no phone or mobile number is shared. Records without contact details are
    consistent with anything.

    The standard rules ask for consistency with name and company, and report the rest as
    possible duplicates: 同姓同名 (the same name at one company) with different e-mails and
    phones cannot be decided by name and company. A conflict also marks the two as
    different people when clusters are formed, so that a cluster does not chain them
    through a third record.

    >>> from leadkit.dedupe import ContactConflict
    >>> consistent = ContactConflict().scorer()
    >>> consistent(("taro@abc.co.jp", frozenset({"+8131"})), ("t.yamada@abc.co.jp", frozenset()))
    0.0
    >>> shared = frozenset({"+8131"})
    >>> consistent(("taro@abc.co.jp", shared), ("t.yamada@abc.co.jp", shared))
    1.0
    """

    field: str = field_option("email")
    phones: tuple[str, ...] = attrs.field(
        default=("phone", "mobile"), converter=tuple, kw_only=True
    )
    weight: float = points(1.0)
    penalty: float = points(0.0)
    match_blank: bool = flag()

    @property
    def method(self) -> str:
        """``"contacts_consistent"``."""
        return "contacts_consistent"

    @property
    def threshold(self) -> float:
        """1.0: consistent or not."""
        return 1.0

    def value(self, record: Any, context: MatchContext) -> object:
        """The e-mail and phone numbers compared, as stored."""
        parts = [read_field(record, path, context) for path in (self.field, *self.phones)]
        shown = [str(part) for part in parts if part is not None]
        return " / ".join(shown) if shown else None

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """(business mailbox or None, the phone keys); never blank."""
        return self.memo_key(record, context, {})

    def memo_key(self, record: Any, context: MatchContext, memo: Memo) -> Hashable | None:
        """:meth:`key`, sharing *memo* with the rule's other criteria and blocks."""
        mailbox = memo_mailbox(record, self.field, context, memo, True, False)
        if mailbox is not None and _free_mail(mailbox.rpartition("@")[2]):
            mailbox = None
        numbers = []
        for path in self.phones:
            parts = memo_phone(record, path, context, memo)
            if parts is not None:
                numbers.append(parts[0] + parts[1])
        return mailbox, frozenset(numbers)

    @property
    def key_recipe(self) -> Derived:
        """:meth:`key` as a recipe of the mailbox key and the phone numbers' parts."""
        return Derived(
            _contacts,
            (
                mailbox_node(self.field, True, False),
                *(phone_node(path) for path in self.phones),
            ),
        )

    def scorer(self) -> Scorer:
        """1.0 when the contacts are consistent, 0.0 when they conflict."""
        return _contacts_consistent

    def contradicts(self, left: Any, right: Any) -> bool:
        """Whether two keys conflict (two people, for clustering)."""
        return _contacts_consistent(left, right) == 0.0


@attrs.frozen
class HierarchyConflict:
    """Whether two accounts are a head office and its branch: 0.0 when one is the other's
    parent (``parent_id``), 1.0 otherwise.

    A branch (支店, 営業所) is an account under its head office on purpose, often with the
    same name and website: it is not a duplicate. The standard account rule requires
    this criterion, and a conflict also keeps the two apart when clusters are formed, so
    that a third record matching both does not chain them into one cluster. Only a
    direct parent and child are recognised (a record knows its parent, not its
    grandparent).

    >>> from leadkit.dedupe import HierarchyConflict
    >>> apart = HierarchyConflict().scorer()
    >>> apart(("osaka", "hq"), ("hq", None)), apart(("osaka", "hq"), ("kobe", "hq"))
    (0.0, 1.0)
    """

    field: str = field_option("parent_id")
    weight: float = points(1.0)
    penalty: float = points(0.0)
    match_blank: bool = flag()

    @property
    def method(self) -> str:
        """``"not_parent_and_branch"``."""
        return "not_parent_and_branch"

    @property
    def threshold(self) -> float:
        """1.0: related or not."""
        return 1.0

    def value(self, record: Any, context: MatchContext) -> object:
        """The parent id, as stored."""
        return getattr(record, self.field, None)

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """(the record's id, its parent id); never blank."""
        parent = getattr(record, self.field, None)
        return (getattr(record, "id", None), parent if isinstance(parent, str) else None)

    def scorer(self) -> Scorer:
        """0.0 when one record is the other's parent, else 1.0."""
        return _not_parent_and_branch

    def contradicts(self, left: Any, right: Any) -> bool:
        """Whether two keys are a parent and its branch (never one cluster)."""
        return _not_parent_and_branch(left, right) == 0.0


def _not_parent_and_branch(left: tuple[Any, ...], right: tuple[Any, ...]) -> float:
    if left[1] is not None and left[1] == right[0]:
        return 0.0
    return 0.0 if right[1] is not None and right[1] == left[0] else 1.0


@lru_cache(maxsize=1 << 12)
def _free_mail(domain: str) -> bool:
    return is_free_mail(domain)


def _contacts(mailbox: str | None, *phones: tuple[str, str] | None) -> tuple[Any, ...]:
    # ContactConflict.memo_key from the mailbox key and the phones' parts.
    if mailbox is not None and _free_mail(mailbox.rpartition("@")[2]):
        mailbox = None
    return mailbox, frozenset([parts[0] + parts[1] for parts in phones if parts is not None])


def _contacts_consistent(left: tuple[Any, ...], right: tuple[Any, ...]) -> float:
    if left[0] is None or right[0] is None or left[0] == right[0]:
        return 1.0
    return 1.0 if left[1] & right[1] else 0.0


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
class DateMatch(_ReadsField):
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

    field: str = attrs.field(validator=check_field)
    tolerance_days: int = attrs.field(default=0, validator=_check_days, kw_only=True)
    threshold: float = threshold(1.0)
    weight: float = points(1.0)
    penalty: float = points(0.0)
    match_blank: bool = flag()

    @property
    def method(self) -> str:
        """``"date"`` (with the tolerance when there is one)."""
        return f"date±{self.tolerance_days}d" if self.tolerance_days else "date"

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
class KeyMatch(_EqualKeys):
    """Equal keys from any function of the record: the escape hatch for what the built-in
    comparators do not cover. ``name`` labels the evidence; text keys are normalised.

    >>> from leadkit.dedupe import KeyMatch
    >>> same_prefecture = KeyMatch("prefecture", lambda r: r.address.prefecture)
    >>> same_prefecture.method
    'key'
    """

    field: str = attrs.field(validator=check_field)
    function: Callable[[Any], object] = attrs.field(validator=_check_callable)
    weight: float = points(1.0)
    penalty: float = points(0.0)
    match_blank: bool = flag()

    @property
    def method(self) -> str:
        """``"key"``."""
        return "key"

    def value(self, record: Any, context: MatchContext) -> object:
        """The function's result."""
        return self.function(record)

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """The result, normalised when it is text."""
        value = text_key(self.value(record, context))
        return value if value is None or isinstance(value, Hashable) else repr(value)
