"""Reading fields of leads, contacts and accounts by path, alike across the three kinds.

A matching rule names fields by path (``"email"``, ``"address.city"``,
``"custom.date_of_birth"``). A few names mean the same thing on every kind of record, so
that one rule can compare a lead with a contact:

* ``company``: ``Lead.company``, ``Account.name``, and for a contact the name of its
  account (from :attr:`MatchContext.account_names`; blank when not given);
* ``address``: ``Lead.address``, ``Contact.mailing_address``, ``Account.billing_address``;
* ``domain``: the company's internet domain: the host of ``website`` (``www.`` dropped),
  else the domain of ``email`` unless it is a free-mail provider.

A path that a kind of record does not have is an error (a typo must not silently make
every value blank); a custom field that a record does not carry is blank.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import attrgetter
from types import MappingProxyType
from typing import Any, TypeAlias

import attrs

from leadkit.errors import ValidationError
from leadkit.model import (
    Account,
    Contact,
    CustomFields,
    Lead,
    email_domain,
    is_free_mail,
    website_domain,
)

__all__ = ["MatchContext", "MatchRecord", "field_getter", "plain_attribute", "read_field"]

MatchRecord: TypeAlias = Lead | Contact | Account
"""What matching works on: leads, contacts and accounts (and a mix of them)."""

_NO_NAMES: Mapping[str, str] = MappingProxyType({})


def _frozen_mapping(value: Mapping[str, str] | None) -> Mapping[str, str]:
    if value is None:
        return _NO_NAMES
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"expected a mapping of account id to account name, got {type(value).__name__}",
            path="account_names",
        )
    return MappingProxyType(dict(value))


@attrs.frozen
class MatchContext:
    """What matching may need beyond the records themselves.

    ``account_names`` maps an account id to the account's name: it gives a contact a
    ``company`` so that leads can be matched against contacts by company.
    """

    account_names: Mapping[str, str] = attrs.field(
        default=None, converter=_frozen_mapping, kw_only=True
    )


Getter: TypeAlias = Callable[[Any, MatchContext], object]

_ADDRESS_ATTRIBUTE = {Lead: "address", Contact: "mailing_address", Account: "billing_address"}


def _company_domain(record: Any, context: MatchContext) -> object:
    website = getattr(record, "website", None)
    if website:
        host = website_domain(website)
        if host:
            return host
    email = getattr(record, "email", None)
    if email:
        domain = email_domain(email)
        if domain and not is_free_mail(domain):
            return domain
    return None


def _contact_company(record: Any, context: MatchContext) -> object:
    return context.account_names.get(record.account_id)


def _first_segment(record_type: type, name: str) -> Getter | str:
    """A getter for a computed first segment, or the attribute name it stands for."""
    if name == "domain":
        return _company_domain
    if name == "company":
        if record_type is Contact:
            return _contact_company
        if record_type is Account:
            return "name"
    if name == "address" and record_type in _ADDRESS_ATTRIBUTE:
        return _ADDRESS_ATTRIBUTE[record_type]
    fields = attrs.fields_dict(record_type) if attrs.has(record_type) else {}
    if name in fields or isinstance(getattr(record_type, name, None), property):
        return name
    raise ValidationError(f"{record_type.__name__} has no field {name!r}", path=name)


def _then(outer: Getter, name: str, path: str) -> Getter:
    known: set[type] = set()  # value types already checked to have the attribute

    def get(record: Any, context: MatchContext) -> object:
        value = outer(record, context)
        if value is None:
            return None
        if isinstance(value, CustomFields):
            try:
                return value[name]
            except KeyError:
                return None
        kind = type(value)
        if kind not in known:
            if (
                attrs.has(kind)
                and name not in attrs.fields_dict(kind)
                and not isinstance(getattr(kind, name, None), property)
            ):
                raise ValidationError(f"{kind.__name__} has no field {name!r}", path=path)
            known.add(kind)
        return getattr(value, name, None)

    return get


def _attributes(dotted: str, careful: Getter) -> Getter:
    # The common case, a chain of attributes, runs in C; anything unusual (a missing
    # value on the way, a custom field, a misspelt name) takes the careful path.
    fast = attrgetter(dotted)

    def get(record: Any, context: MatchContext) -> object:
        try:
            value = fast(record)
        except AttributeError:
            return careful(record, context)
        if value is None or value.__class__ is str:  # the common case, without an ABC check
            return value
        return careful(record, context) if isinstance(value, CustomFields) else value

    return get


def _custom(attribute: str, name: str) -> Getter:
    fast = attrgetter(attribute)

    def get(record: Any, context: MatchContext) -> object:
        fields = fast(record)
        try:
            return fields[name]
        except (KeyError, TypeError):
            return None

    return get


_GETTERS: dict[tuple[type, str], Getter] = {}


def _build(record_type: type, path: str) -> Getter:
    first, *rest = path.split(".")
    head = _first_segment(record_type, first)
    careful: Getter = _attribute(head) if isinstance(head, str) else head
    for name in rest:
        careful = _then(careful, name, path)
    if not isinstance(head, str):
        return careful
    if rest and len(rest) == 1 and first == "custom":
        return _custom(head, rest[0])
    return _attributes(".".join([head, *rest]), careful)


def _attribute(name: str) -> Getter:
    def get(record: Any, context: MatchContext) -> object:
        return getattr(record, name)

    return get


def field_getter(record_type: type, path: str) -> Getter:
    """Return a function reading *path* from records of *record_type* (built once, cached).

    Raises :class:`~leadkit.errors.ValidationError` when the record kind has no such field.
    """
    key = (record_type, path)
    getter = _GETTERS.get(key)
    if getter is None:
        if not isinstance(path, str) or not path or any(not part for part in path.split(".")):
            raise ValidationError(f"a field path looks like 'address.city', got {path!r}")
        getter = _GETTERS[key] = _build(record_type, path)
    return getter


def plain_attribute(record_type: type, path: str) -> str | None:
    """The attribute that *path* reads on *record_type* when reading it is plain
    ``getattr`` (a one-segment path naming an attribute, under its own or an alias such as
    ``address``), else None. Raises as :func:`field_getter` for an unknown field."""
    field_getter(record_type, path)
    if "." in path:
        return None
    head = _first_segment(record_type, path)
    return head if isinstance(head, str) else None


def read_field(record: Any, path: str, context: MatchContext) -> object:
    """Read *path* from *record*; blank strings read as ``None``.

    >>> from datetime import UTC, datetime
    >>> from leadkit.model import Address, Contact, PersonName
    >>> contact = Contact(account_id="acc-1", name=PersonName("Sato"), email="sato@abc.co.jp",
    ...                   mailing_address=Address(city="Osaka"),
    ...                   created_at=datetime(2026, 1, 1, tzinfo=UTC))
    >>> context = MatchContext(account_names={"acc-1": "ABC株式会社"})
    >>> [read_field(contact, path, context) for path in ("company", "address.city", "domain")]
    ['ABC株式会社', 'Osaka', 'abc.co.jp']
    """
    getter = _GETTERS.get((type(record), path)) or field_getter(type(record), path)
    value = getter(record, context)
    if type(value) is str and (not value or value.isspace()):
        return None
    return value
