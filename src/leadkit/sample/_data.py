"""The containers the generator fills: the whole sample, a chunk of it, duplicate groups."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from leadkit.model import (
    Account,
    Campaign,
    CampaignMember,
    Contact,
    EngagementEvent,
    Lead,
    Opportunity,
    Queue,
    User,
)
from leadkit.sample._variants import Variation
from leadkit.visitors import VisitorEvent

__all__ = ["DuplicateCopy", "DuplicateGroup", "SampleChunk", "SampleData"]


def _variations(value: Iterable[str]) -> tuple[Variation, ...]:
    items = value.split(";") if isinstance(value, str) else value
    return tuple(Variation(item) for item in items)


def _copies(value: Iterable[DuplicateCopy]) -> tuple[DuplicateCopy, ...]:
    return tuple(value)


@attrs.frozen
class DuplicateCopy:
    """One deliberate duplicate: the lead and how it differs from the original."""

    lead_id: str
    variations: tuple[Variation, ...] = attrs.field(converter=_variations)
    """Empty when the copy is exact apart from when and how it came in."""


@attrs.frozen
class DuplicateGroup:
    """Records that are the same person: ground truth for measuring deduplication.

    ``original_id`` is the lead the copies were made from or, when
    ``original_is_contact`` is true, an existing contact that came back as a lead (a
    customer's contact filling in a form). Which record is "original" says nothing about
    which was created first.
    """

    original_id: str
    copies: tuple[DuplicateCopy, ...] = attrs.field(converter=_copies)
    original_is_contact: bool = False

    @property
    def lead_ids(self) -> tuple[str, ...]:
        """The ids of the leads in the group (the original first, if it is a lead)."""
        copies = tuple(c.lead_id for c in self.copies)
        return copies if self.original_is_contact else (self.original_id, *copies)


@attrs.frozen
class SampleChunk:
    """The leads of one generation block with their events, memberships and duplicates.

    Groups of duplicates never span chunks.
    """

    leads: tuple[Lead, ...]
    events: tuple[EngagementEvent, ...]
    campaign_members: tuple[CampaignMember, ...]
    duplicates: tuple[DuplicateGroup, ...]
    visitor_events: tuple[VisitorEvent, ...] = ()


@attrs.frozen
class SampleData:
    """A complete sample: leads and everything around them, as model objects in tuples.

    ``accounts`` and ``contacts`` are existing customers: some leads come from the same
    companies (so conversion into an existing account can be shown) and a few are the
    same people as contacts. ``duplicates`` is the ground truth of deliberate duplicate
    leads. No lead of ``leads`` is converted: the sales history is apart, in
    ``converted_leads`` (contacts of existing accounts who came in through an earlier
    campaign) and the ``opportunities`` they became, closed won or lost; their campaign
    responses are in ``campaign_members``, on the contacts. ``visitor_events`` are the
    anonymous visits web leads made before they filled in a form: each lead's form
    submission names its visitor id (``properties["visitor_id"]``), so identifying it
    (:func:`leadkit.visitors.identify_in`) attaches them to the lead.
    """

    leads: tuple[Lead, ...]
    events: tuple[EngagementEvent, ...]
    campaigns: tuple[Campaign, ...]
    campaign_members: tuple[CampaignMember, ...]
    users: tuple[User, ...]
    queues: tuple[Queue, ...]
    accounts: tuple[Account, ...]
    contacts: tuple[Contact, ...]
    duplicates: tuple[DuplicateGroup, ...]
    converted_leads: tuple[Lead, ...] = ()
    opportunities: tuple[Opportunity, ...] = ()
    visitor_events: tuple[VisitorEvent, ...] = ()
