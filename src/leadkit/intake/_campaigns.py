"""Campaign responses from every door: a web form naming a campaign, an imported row with
a campaign column, an engagement event linked to a campaign.

Each makes the person a *responded* member of the campaign, with the date of the first
response, so that attribution (:func:`leadkit.reports.attribute`) and the ROI report see
the leads that came in through them. :func:`campaign_response` is the one rule, pure;
:func:`record_campaign_responses` applies it to stored records in a unit of work.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from leadkit._checks import aware_datetime
from leadkit.errors import ValidationError
from leadkit.model import Campaign, CampaignMember, EngagementEvent, Lead, normalise_text
from leadkit.repository import UnitOfWork

__all__ = [
    "CAMPAIGN_KEY",
    "RESPONDED",
    "campaign_of",
    "campaign_response",
    "record_campaign_responses",
]

CAMPAIGN_KEY = "campaign_id"
"""The custom field of an imported lead, and the event property, that name a campaign."""
RESPONDED = "Responded"
"""The member status a response sets."""


def campaign_of(value: object) -> str | None:
    """A campaign id as a form, a file or an event gives it (trimmed), or None."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def campaign_response(
    memberships: Iterable[CampaignMember],
    *,
    campaign_id: str,
    lead_id: str | None = None,
    contact_id: str | None = None,
    responded_at: datetime,
) -> CampaignMember | None:
    """The membership to store for a response of one person to ``campaign_id`` at
    ``responded_at``, given the person's existing ``memberships``: a new responded member,
    an existing member marked responded (first response at that date), or one whose first
    response moves earlier. None when nothing changes (it already responded on or before
    that date), so recording a response twice adds nothing.

    >>> from datetime import datetime, UTC
    >>> at = datetime(2026, 4, 1, 10, tzinfo=UTC)
    >>> member = campaign_response([], campaign_id="expo", lead_id="l1", responded_at=at)
    >>> member.status, member.responded, member.first_responded_at.isoformat()
    ('Responded', True, '2026-04-01')
    >>> campaign_response([member], campaign_id="expo", lead_id="l1", responded_at=at) is None
    True
    """
    aware_datetime(responded_at, error=ValidationError)
    if (lead_id is None) == (contact_id is None):
        raise ValidationError("a response is a lead's or a contact's", path="lead_id")
    day = responded_at.date()
    for member in memberships:
        if member.campaign_id != campaign_id:
            continue
        if (lead_id is not None and member.lead_id != lead_id) or (
            contact_id is not None and member.contact_id != contact_id
        ):
            continue
        first = member.first_responded_at
        if member.responded and first is not None and first <= day:
            return None
        return attrs.evolve(member, status=RESPONDED, responded=True, first_responded_at=day)
    return CampaignMember(
        campaign_id=campaign_id,
        lead_id=lead_id,
        contact_id=contact_id,
        status=RESPONDED,
        responded=True,
        first_responded_at=day,
        created_at=responded_at,
    )


def _store(uow: UnitOfWork, member: CampaignMember) -> CampaignMember:
    if member.id in uow.campaign_members:
        return uow.campaign_members.update(member)
    return uow.campaign_members.add(member)


def _names(campaigns: Iterable[Campaign]) -> dict[str, str]:
    """Campaign ids by normalised name; a name two campaigns share names neither."""
    found: dict[str, str | None] = {}
    for campaign in campaigns:
        key = normalise_text(campaign.name)
        found[key] = None if key in found else campaign.id
    return {key: id for key, id in found.items() if id is not None}


def record_campaign_responses(
    uow: UnitOfWork,
    *,
    leads: Iterable[Lead] = (),
    events: Iterable[EngagementEvent] = (),
) -> list[CampaignMember]:
    """Record in ``uow`` (active: the caller commits) the campaign responses that
    imported ``leads`` (their ``custom.campaign_id``, at their ``created_at``) and
    engagement ``events`` linked to a campaign (``properties.campaign_id``, at
    ``occurred_at``) stand for; the memberships written, in order.

    A campaign is named by its id or, failing that, by its name (compared ignoring
    width, case and spaces; a name two stored campaigns share names neither), as an
    import's campaign column (``Campaign``, ``キャンペーン``) often holds it. A campaign
    that is not stored is skipped (a mistyped hidden field must not invent
    campaigns); responding again changes nothing, and an earlier response moves the
    first-responded date back.
    """
    found: list[tuple[str, str | None, str | None, datetime]] = []
    for lead in leads:
        campaign = campaign_of(lead.custom.get(CAMPAIGN_KEY))
        if campaign is not None:
            found.append((campaign, lead.id, None, lead.created_at))
    for event in events:
        campaign = campaign_of(event.campaign_id)
        if campaign is not None:
            found.append((campaign, event.lead_id, event.contact_id, event.occurred_at))
    written: list[CampaignMember] = []
    known: dict[str, str | None] = {}
    names: dict[str, str] | None = None
    for named, lead_id, contact_id, at in found:
        if named not in known:
            if uow.campaigns.find(named) is not None:
                known[named] = named
            else:  # an import's campaign column often holds the name (展示会2026)
                if names is None:
                    names = _names(uow.campaigns.all())
                known[named] = names.get(normalise_text(named))
        campaign = known[named]
        if campaign is None:
            continue
        existing = (
            uow.campaign_members.by_lead(lead_id)
            if lead_id is not None
            else uow.campaign_members.by_contact(str(contact_id))
        )
        member = campaign_response(
            existing, campaign_id=campaign, lead_id=lead_id, contact_id=contact_id, responded_at=at
        )
        if member is not None:
            written.append(_store(uow, member))
    return written
