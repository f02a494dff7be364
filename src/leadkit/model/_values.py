"""Value objects: money, addresses, person names, owners and custom fields."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeAlias

import attrs

from leadkit.errors import PathLike, ValidationError
from leadkit.model import _validators as v
from leadkit.model._normalise import contains_japanese
from leadkit.model._prefectures import Prefecture, Region, find_prefecture

__all__ = [
    "Address",
    "CustomFields",
    "CustomValue",
    "Money",
    "NameOrder",
    "OwnerKind",
    "OwnerRef",
    "PersonName",
    "is_empty",
]

# ISO 4217 minor units that differ from the usual two decimals.
_MINOR_UNITS = {
    "JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "UGX": 0, "XAF": 0, "XOF": 0,
    "PYG": 0, "RWF": 0, "KMF": 0, "GNF": 0, "DJF": 0, "VUV": 0, "XPF": 0, "BIF": 0,
    "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "IQD": 3, "LYD": 3, "TND": 3,
}  # fmt: skip
# The ISO 4217 list of current currency (and fund / precious metal) codes; a code must be
# one of them ("YEN" is not: the yen is JPY).
ISO_4217 = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL
    BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK
    DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS
    INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD
    MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR
    PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS
    SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW
    UZS VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS
    XUA XXX YER ZAR ZMW ZWG ZWL
    """.split()  # noqa: SIM905 (a table reads better than 180 quoted codes)
)


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool | float):
        # Floats carry binary noise (0.1 + 0.2); money must be exact.
        raise ValidationError(
            f"amount must be a Decimal, int or str, not {type(value).__name__} {value!r}",
            path="Money.amount",
        )
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip().replace(",", "").replace("_", ""))
        except InvalidOperation:
            raise ValidationError(f"{value!r} is not a number", path="Money.amount") from None
    raise ValidationError(
        f"amount must be a Decimal, int or str, not {type(value).__name__}", path="Money.amount"
    )


def _check_amount(instance: Money, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    if not value.is_finite():
        raise ValidationError(f"must be finite, got {value}", path="Money.amount")
    exponent = value.as_tuple().exponent
    places = _MINOR_UNITS.get(instance.currency, 2)
    if (
        isinstance(exponent, int)
        and -exponent > places
        and value != value.quantize(Decimal(1).scaleb(-places))
    ):
        raise ValidationError(
            f"{instance.currency} has {places} decimal place(s); {value} has more",
            path="Money.amount",
        )


def _check_currency(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or value not in ISO_4217:
        raise ValidationError(
            f"expected an ISO 4217 currency code such as 'JPY' or 'USD', got {value!r}",
            path="Money.currency",
        )


@attrs.frozen(slots=True, order=False)
class Money:
    """An exact amount in one currency.

    The amount is a :class:`~decimal.Decimal` (ints and numeric strings are accepted,
    floats are refused because they are inexact); the currency an ISO 4217 code. A
    currency without minor unit (yen) refuses fractions.

    >>> Money("1,200,000", "JPY")
    Money(amount=Decimal('1200000'), currency='JPY')
    >>> Money(10, "USD") + Money("2.50", "USD")
    Money(amount=Decimal('12.50'), currency='USD')
    >>> Money(5, "JPY") < Money(7, "JPY")
    True
    """

    # Validators run after every field is set, so the amount check can see the currency.
    amount: Decimal = attrs.field(converter=_to_decimal, validator=_check_amount)
    currency: str = attrs.field(validator=_check_currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise ValidationError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise ValidationError(
                f"cannot combine {self.currency} with {other.currency}; convert first"
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    @property
    def minor_units(self) -> int:
        """Decimal places of the currency (0 for JPY, 2 for USD, 3 for KWD)."""
        return _MINOR_UNITS.get(self.currency, 2)


def _opt_str(value: object) -> object:
    # Forms and CSVs send "" for "not given"; store that as missing, not as a value.
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


_str_or_none = v.optional(v.instance_of(str))
_JP_POSTAL = re.compile(r"^(\d{3})-?(\d{4})$")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９－ー", "0123456789--")


def _check_postal(instance: Address, attribute: attrs.Attribute[Any], value: str | None) -> None:
    _str_or_none(instance, attribute, value)
    if value is not None and instance.country == "JP" and not _JP_POSTAL.match(value):
        raise ValidationError(
            f"Japanese postal code must be 7 digits as 123-4567, got {value!r}",
            path="Address.postal_code",
        )


def _norm_postal(value: object) -> object:
    value = _opt_str(value)
    if isinstance(value, str):
        value = value.translate(_FULLWIDTH_DIGITS).lstrip("〒").strip()
        if m := _JP_POSTAL.match(value):
            return f"{m.group(1)}-{m.group(2)}"
    return value


def _norm_country(value: object) -> object:
    value = _opt_str(value)
    if isinstance(value, str) and len(value) == 2:
        return value.upper()
    return value


@attrs.frozen(slots=True)
class Address:
    """A postal address. ``state`` holds a prefecture (都道府県) or state or province.

    Two-letter countries are upper-cased (``"jp"`` → ``"JP"``); Japanese postal codes are
    checked and written ``123-4567``.

    >>> a = Address(country="jp", state="東京", city="千代田区", postal_code="1000001")
    >>> a.country, a.postal_code, a.prefecture.name, a.region.value
    ('JP', '100-0001', '東京都', '関東')
    """

    country: str | None = attrs.field(
        default=None, converter=_norm_country, validator=_str_or_none, kw_only=True
    )
    state: str | None = attrs.field(
        default=None, converter=_opt_str, validator=_str_or_none, kw_only=True
    )
    city: str | None = attrs.field(
        default=None, converter=_opt_str, validator=_str_or_none, kw_only=True
    )
    street: str | None = attrs.field(
        default=None, converter=_opt_str, validator=_str_or_none, kw_only=True
    )
    postal_code: str | None = attrs.field(
        default=None, converter=_norm_postal, validator=_check_postal, kw_only=True
    )

    @property
    def prefecture(self) -> Prefecture | None:
        """The Japanese prefecture ``state`` names, if it names one (any common form)."""
        if self.state is None or self.country not in (None, "JP"):
            return None
        return find_prefecture(self.state)

    @property
    def region(self) -> Region | None:
        """The region (地方) of :attr:`prefecture`: 関東 for 東京都; ``None`` without one.

        >>> Address(state="Osaka").region, Address(country="US", state="CA").region
        (<Region.KINKI: '近畿'>, None)
        """
        prefecture = self.prefecture
        return None if prefecture is None else prefecture.region

    @property
    def is_empty(self) -> bool:
        """True when no part of the address is known."""
        return all(getattr(self, f.name) is None for f in attrs.fields(Address))


def is_empty(value: object) -> bool:
    """Whether a field's value counts as not given: ``None``, blank text, an empty
    :class:`Address` or an empty mapping. ``False`` and ``0`` are given values.

    Merge survivorship and lead conversion both fill only what is empty by this test.

    >>> from leadkit.model import is_empty
    >>> is_empty(" "), is_empty(Address()), is_empty({}), is_empty(False), is_empty(0)
    (True, True, True, False, False)
    """
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Address):
        return value.is_empty
    if isinstance(value, Mapping):
        return len(value) == 0
    return False


class NameOrder(enum.Enum):
    """Display order of a person's name."""

    EASTERN = "eastern"
    """Family name first, as in Japanese: 山田 太郎."""
    WESTERN = "western"
    """Given name first: John Smith."""


def _default_order(instance: PersonName) -> NameOrder:
    text = instance.family + (instance.given or "")
    return NameOrder.EASTERN if contains_japanese(text) else NameOrder.WESTERN


@attrs.frozen(slots=True)
class PersonName:
    """A person's name: a family name (姓, required, at most 80 characters) and an
    optional given name (名, at most 40), the Lead and Contact objects' limits.

    The display order follows the script unless given: Japanese names read family
    first.

    >>> PersonName("山田", "太郎").display
    '山田 太郎'
    >>> PersonName("Smith", "John").display
    'John Smith'
    >>> PersonName("Smith").display
    'Smith'
    """

    family: str = attrs.field(validator=v.non_empty_str(max_length=80))
    given: str | None = attrs.field(
        default=None,
        converter=_opt_str,
        validator=v.optional(v.non_empty_str(max_length=40)),
    )
    family_kana: str | None = attrs.field(
        default=None, converter=_opt_str, validator=_str_or_none, kw_only=True
    )
    given_kana: str | None = attrs.field(
        default=None, converter=_opt_str, validator=_str_or_none, kw_only=True
    )
    order: NameOrder = attrs.field(
        default=attrs.Factory(_default_order, takes_self=True),
        validator=v.instance_of(NameOrder),
        kw_only=True,
    )

    @property
    def display(self) -> str:
        """The full name in its natural order."""
        if not self.given:
            return self.family
        if self.order is NameOrder.EASTERN:
            return f"{self.family} {self.given}"
        return f"{self.given} {self.family}"

    def __str__(self) -> str:
        return self.display


class OwnerKind(enum.Enum):
    """Who can own a record: a user (a salesperson) or a queue (a shared inbox)."""

    USER = "user"
    QUEUE = "queue"


@attrs.frozen(slots=True)
class OwnerRef:
    """A reference to the owner of a record.

    >>> OwnerRef.user("u-1")
    OwnerRef(kind=<OwnerKind.USER: 'user'>, id='u-1')
    >>> OwnerRef.queue("q-inbound").is_queue
    True
    """

    kind: OwnerKind = attrs.field(validator=v.instance_of(OwnerKind))
    id: str = attrs.field(validator=v.non_empty_str())

    @classmethod
    def user(cls, user_id: str) -> OwnerRef:
        """The user with id ``user_id``."""
        return cls(OwnerKind.USER, user_id)

    @classmethod
    def queue(cls, queue_id: str) -> OwnerRef:
        """The queue with id ``queue_id``."""
        return cls(OwnerKind.QUEUE, queue_id)

    @classmethod
    def parse(cls, text: str | OwnerRef, *, path: PathLike = "owner") -> OwnerRef:
        """Read an owner written ``user:<id>`` or ``queue:<id>``, the one spelling every
        reader (CSV files, rule files, stored keys, the command line) uses.

        The kind is read without regard to case and surrounding spaces; the id keeps its
        case and loses its surrounding spaces. Anything else is a ``ValidationError``
        with code ``bad_owner`` at ``path``.

        >>> OwnerRef.parse("User: u-1"), str(OwnerRef.parse("queue:q-inbound"))
        (OwnerRef(kind=<OwnerKind.USER: 'user'>, id='u-1'), 'queue:q-inbound')
        """
        if isinstance(text, OwnerRef):
            return text
        if isinstance(text, str):
            kind, sep, owner_id = text.partition(":")
            member = _OWNER_KINDS.get(kind.strip().lower())
            if sep and member is not None and owner_id.strip():
                return cls(member, owner_id.strip())
        raise ValidationError(
            f"an owner is 'user:<id>' or 'queue:<id>', got {text!r}", path=path, code="bad_owner"
        )

    @property
    def is_queue(self) -> bool:
        """True when a queue, not a person, owns the record."""
        return self.kind is OwnerKind.QUEUE

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.id}"


_OWNER_KINDS: dict[str, OwnerKind] = {kind.value: kind for kind in OwnerKind}

CustomValue: TypeAlias = str | int | float | bool | Decimal | date | datetime
"""What a custom field may hold: one scalar. ``None`` means "not set" and is not stored."""

_CUSTOM_TYPES = (str, int, float, bool, Decimal, date, datetime)
_CUSTOM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class CustomFields(Mapping[str, CustomValue]):
    """An immutable, hashable mapping of custom field names to scalar values.

    Names are identifiers (``budget``, ``product_interest``) so that conditions can say
    ``field("custom.budget")``. ``None`` values are dropped: absent and ``None`` mean the
    same thing. Datetimes must be timezone-aware.

    >>> c = CustomFields({"budget": 5_000_000, "product": "CRM", "note": None})
    >>> dict(c)
    {'budget': 5000000, 'product': 'CRM'}
    >>> c == {"budget": 5_000_000, "product": "CRM"}
    True
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[str, CustomValue | None] | None = None) -> None:
        clean: dict[str, CustomValue] = {}
        for name, value in (data or {}).items():
            if not isinstance(name, str) or not _CUSTOM_NAME.match(name):
                raise ValidationError(
                    f"custom field names must be identifiers (letters, digits, _), got {name!r}",
                    path="custom",
                )
            if value is None:
                continue
            if not isinstance(value, _CUSTOM_TYPES):
                raise ValidationError(
                    f"custom fields hold str, int, float, bool, Decimal, date or datetime; "
                    f"got {type(value).__name__}",
                    path=f"custom.{name}",
                )
            if isinstance(value, str):
                v.check_text(value, f"custom.{name}")
            if isinstance(value, datetime) and value.utcoffset() is None:
                raise ValidationError(
                    "naive datetime has no timezone; pass tzinfo", path=f"custom.{name}"
                )
            clean[name] = value
        self._data = dict(sorted(clean.items()))
        self._hash: int | None = None

    @classmethod
    def _trusted(cls, data: dict[str, CustomValue]) -> CustomFields:
        """Wrap ``data`` whose names and values already passed the checks above (read
        back from what a store wrote): no second validation."""
        fields = cls.__new__(cls)
        fields._data = dict(sorted(data.items()))
        fields._hash = None
        return fields

    def __getitem__(self, key: str) -> CustomValue:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CustomFields):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(tuple(self._data.items()))
        return self._hash

    def __repr__(self) -> str:
        return f"CustomFields({self._data!r})"

    def __reduce__(self) -> tuple[type[CustomFields], tuple[dict[str, CustomValue]]]:
        return (CustomFields, (self._data,))

    def set(self, name: str, value: CustomValue | None) -> CustomFields:
        """A copy with ``name`` set to ``value`` (``None`` removes it)."""
        return CustomFields({**self._data, name: value})


def to_custom(value: Mapping[str, CustomValue | None] | None) -> CustomFields:
    """attrs converter: accept any mapping (or ``None``) for a ``custom`` field."""
    if isinstance(value, CustomFields):
        return value
    if value is None:
        return CustomFields()
    if isinstance(value, Mapping):
        return CustomFields(value)
    raise ValidationError(f"expected a mapping, got {type(value).__name__}", path="custom")
