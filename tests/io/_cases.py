"""Every record type with the strategy that draws it: the cases both round-trip suites run."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from leadkit.model import (
    Account,
    Campaign,
    CampaignMember,
    Contact,
    EngagementEvent,
    Event,
    Lead,
    Opportunity,
    Queue,
    Task,
    User,
)
from leadkit.testing import strategies as lks

RECORD_CASES: list[tuple[type[Any], st.SearchStrategy[Any]]] = [
    (Lead, lks.leads()),
    (Account, lks.accounts()),
    (Contact, lks.contacts()),
    (Opportunity, lks.opportunities()),
    (Task, lks.tasks()),
    (Event, lks.calendar_events()),
    (Campaign, lks.campaigns()),
    (CampaignMember, lks.campaign_members()),
    (EngagementEvent, lks.engagement_events()),
    (User, lks.users()),
    (Queue, lks.queues()),
]
