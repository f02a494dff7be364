"""What is stored per record kind: the table name and the lookup keys finders use.

Both adapters index the same keys computed by the same functions, so a finder returns the
same records whichever adapter runs it. Adapter authors can reuse :data:`TABLES` and
:func:`~leadkit.model.website_domain` to index theirs identically.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import attrs

from leadkit.model import (
    Account,
    Campaign,
    CampaignMember,
    Contact,
    EngagementEvent,
    Event,
    Lead,
    Opportunity,
    OwnerRef,
    Queue,
    Task,
    User,
    company_key,
    email_key,
    phone_key,
    website_domain,
)

__all__ = ["TABLES", "TableSpec", "owner_key", "parse_owner_key", "website_domain"]

T = TypeVar("T")
Keys = tuple[str | None, ...]


def owner_key(owner: OwnerRef) -> str:
    """An owner as one string (``user:u-1``), for indexing."""
    return f"{owner.kind.value}:{owner.id}"


def parse_owner_key(key: str) -> OwnerRef:
    """The inverse of :func:`owner_key`."""
    return OwnerRef.parse(key)


def _key(fn: Callable[[str], str], value: str | None) -> str | None:
    # An empty key ("" for a phone without digits) would match every such record.
    return (fn(value) or None) if value else None


def _owner(owner: OwnerRef | None) -> str | None:
    return owner_key(owner) if owner is not None else None


def _lead_keys(lead: Lead) -> Keys:
    active = lead.conversion is None and lead.master_record_id is None
    return (
        _key(email_key, lead.email),
        _key(company_key, lead.company),
        _key(phone_key, lead.phone),
        _key(phone_key, lead.mobile),
        _owner(lead.owner),
        _owner(lead.owner) if active else None,
        lead.status,
    )


def _account_keys(account: Account) -> Keys:
    return (
        _key(company_key, account.name),
        website_domain(account.website) if account.website else None,
        account.parent_id,
    )


def _contact_keys(contact: Contact) -> Keys:
    return (
        contact.account_id,
        _key(email_key, contact.email),
        _key(phone_key, contact.phone),
        _key(phone_key, contact.mobile),
    )


def _opportunity_keys(opportunity: Opportunity) -> Keys:
    return (opportunity.account_id, opportunity.campaign_id)


def _activity_keys(activity: Task | Event) -> Keys:
    return (activity.lead_id, activity.contact_id, activity.account_id, activity.opportunity_id)


def _member_keys(member: CampaignMember) -> Keys:
    return (member.campaign_id, member.lead_id, member.contact_id)


def _engagement_keys(event: EngagementEvent) -> Keys:
    return (event.lead_id, event.contact_id)


def _no_keys(record: object) -> Keys:
    return ()


@attrs.frozen
class TableSpec(Generic[T]):
    """One record kind: its table name, class, lookup columns and how to compute them."""

    name: str
    kind: str
    type: type[T]
    columns: tuple[str, ...]
    keys: Callable[[T], Keys] = attrs.field(eq=False)

    def lookup_keys(self, record: T) -> dict[str, str | None]:
        """The lookup columns of ``record`` and their values."""
        return dict(zip(self.columns, self.keys(record), strict=True))


_ACTIVITY_COLUMNS = ("lead_id", "contact_id", "account_id", "opportunity_id")

TABLES: dict[str, TableSpec[Any]] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "leads",
            "lead",
            Lead,
            (
                "email_key",
                "company_key",
                "phone_key",
                "mobile_key",
                "owner",
                "active_owner",
                "status",
            ),
            _lead_keys,
        ),
        TableSpec(
            "accounts", "account", Account, ("company_key", "domain", "parent_id"), _account_keys
        ),
        TableSpec(
            "contacts",
            "contact",
            Contact,
            ("account_id", "email_key", "phone_key", "mobile_key"),
            _contact_keys,
        ),
        TableSpec(
            "opportunities",
            "opportunity",
            Opportunity,
            ("account_id", "campaign_id"),
            _opportunity_keys,
        ),
        TableSpec("tasks", "task", Task, _ACTIVITY_COLUMNS, _activity_keys),
        TableSpec("events", "event", Event, _ACTIVITY_COLUMNS, _activity_keys),
        TableSpec("campaigns", "campaign", Campaign, (), _no_keys),
        TableSpec(
            "campaign_members",
            "campaign member",
            CampaignMember,
            ("campaign_id", "lead_id", "contact_id"),
            _member_keys,
        ),
        TableSpec(
            "engagement_events",
            "engagement event",
            EngagementEvent,
            ("lead_id", "contact_id"),
            _engagement_keys,
        ),
        TableSpec("users", "user", User, (), _no_keys),
        TableSpec("queues", "queue", Queue, (), _no_keys),
    )
}
"""Every table, by name, in the order the unit of work exposes them."""
