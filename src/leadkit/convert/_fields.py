"""The standard lead → account / contact / opportunity field mapping, and filling only the
empty fields of existing records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, TypeVar, cast

import attrs

from leadkit.convert._request import ConversionTarget
from leadkit.model import CustomFields, Lead, OwnerRef, is_empty

__all__ = [
    "ConversionTarget",
    "account_values",
    "contact_values",
    "fill",
    "opportunity_values",
]


class _HasCustom(Protocol):
    @property
    def custom(self) -> CustomFields: ...


C = TypeVar("C", bound=_HasCustom)


def fill(record: C, values: Mapping[str, Any], custom: Mapping[str, Any]) -> tuple[C, list[str]]:
    """``record`` with its empty fields (and absent custom fields) taken from ``values``
    and ``custom``, and the names of the fields filled. Nothing non-empty changes."""
    changes = {
        name: value
        for name, value in values.items()
        if not is_empty(value) and is_empty(getattr(record, name))
    }
    filled = list(changes)
    existing = record.custom
    added = {name: value for name, value in custom.items() if name not in existing}
    if added:
        changes["custom"] = CustomFields({**existing, **added})
        filled += [f"custom.{name}" for name in added]
    if not changes:
        return record, filled
    # attrs.evolve is typed for attrs classes; every record kind filled here is one.
    return cast(C, attrs.evolve(cast(Any, record), **changes)), filled


def account_values(lead: Lead, owner: OwnerRef | None) -> dict[str, Any]:
    """The account fields a lead provides (besides the name)."""
    return {
        "website": lead.website,
        "phone": lead.phone,
        "industry": lead.industry,
        "employees": lead.employees,
        "annual_revenue": lead.annual_revenue,
        "billing_address": lead.address,
        "account_source": lead.lead_source,
        "owner": owner,
    }


def contact_values(lead: Lead, owner: OwnerRef | None) -> dict[str, Any]:
    """The contact fields a lead provides that may fill an existing contact."""
    return {
        "title": lead.title,
        "department": lead.department,
        "email": lead.email,
        "phone": lead.phone,
        "mobile": lead.mobile,
        "mailing_address": lead.address,
        "lead_source": lead.lead_source,
        "owner": owner,
        "description": lead.description,
    }


def opportunity_values(
    lead: Lead, owner: OwnerRef | None, campaign_id: str | None
) -> dict[str, Any]:
    """The opportunity fields a lead provides (besides name, account and close date)."""
    return {"lead_source": lead.lead_source, "campaign_id": campaign_id, "owner": owner}
