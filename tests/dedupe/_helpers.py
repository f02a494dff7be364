"""Small builders shared by the dedupe tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from leadkit.model import Account, Address, Contact, Lead, PersonName

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def lead(
    lead_id: str,
    family: str,
    given: str | None = None,
    company: str = "株式会社サンプル",
    **fields: Any,
) -> Lead:
    """A lead with only what a test cares about."""
    kana = {k: fields.pop(k) for k in ("family_kana", "given_kana") if k in fields}
    return Lead(
        id=lead_id,
        name=PersonName(family, given, **kana),
        company=company,
        created_at=T0,
        **fields,
    )


def contact(
    contact_id: str, account_id: str, family: str, given: str | None = None, **fields: Any
) -> Contact:
    """A contact of *account_id*."""
    return Contact(
        id=contact_id,
        account_id=account_id,
        name=PersonName(family, given),
        created_at=T0,
        **fields,
    )


def account(account_id: str, name: str, **fields: Any) -> Account:
    """An account."""
    return Account(id=account_id, name=name, created_at=T0, **fields)


__all__ = ["T0", "Address", "account", "contact", "lead"]
