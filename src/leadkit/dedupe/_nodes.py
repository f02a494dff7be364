"""The shared steps of the built-in keys, as recipes (see ``_prepare``).

Each function here is the pure counterpart of a ``_memo`` helper: the same key from the
same field values, without a record or a memo. Factories return one function object per
set of options, so that equal recipes (the mailbox key the e-mail criterion, the contact
check and the ``mailbox`` block all need) are recognised as one step and computed once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from leadkit.dedupe._keys import company_match_key, mailbox_key, phone_country, phone_parts
from leadkit.dedupe._prepare import Derived

__all__ = ["COUNTRY", "company_node", "mailbox_node", "phone_node", "phone_text_node"]


def _country(address: Any) -> str:
    code = getattr(address, "country", None)
    return (phone_country(code) if code else None) or "JP"


COUNTRY = Derived(_country, ("address",))
"""The country of the record's national phone numbers: its address's, else JP
(``memo_country``)."""


@cache
def _mailbox(fold_plus: bool, roles: bool) -> Callable[[object], str | None]:
    def mailbox(value: object) -> str | None:
        return mailbox_key(value, fold_plus, roles) if isinstance(value, str) else None

    return mailbox


def mailbox_node(path: str, fold_plus: bool, roles: bool) -> Derived:
    """The mailbox key of the e-mail at *path* (``memo_mailbox``)."""
    return Derived(_mailbox(fold_plus, roles), (path,))


@cache
def _phone(country: str | None) -> Callable[[object, str], tuple[str, str] | None]:
    def phone(value: object, record_country: str) -> tuple[str, str] | None:
        return phone_parts(value, country or record_country) if isinstance(value, str) else None

    return phone


def phone_node(path: str, country: str | None = None) -> Derived:
    """(calling code, national number) of the phone at *path*; national numbers belong to
    *country*, else to the record's country (``memo_phone``)."""
    return Derived(_phone(country), (path, COUNTRY))


def _phone_text(parts: tuple[str, str] | None) -> str | None:
    return None if parts is None else f"+{parts[0]}{parts[1]}"


def phone_text_node(path: str) -> Derived:
    """The phone at *path* as one text key, ``+`` calling code and national number."""
    return Derived(_phone_text, (phone_node(path),))


@cache
def _company(keep_branch: bool) -> Callable[[object], str | None]:
    def company(value: object) -> str | None:
        return company_match_key(value, keep_branch) if isinstance(value, str) else None

    return company


def company_node(path: str, keep_branch: bool) -> Derived:
    """The company match key of the name at *path* (``memo_company``)."""
    return Derived(_company(keep_branch), (path,))
