"""The sample's marketing data (issue 20): anonymous visits before form fills, a send for
every newsletter issue, campaign costs in one currency. As docs/sample.md describes."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from itertools import pairwise

from leadkit.model import EventKind
from leadkit.repository import InMemoryUnitOfWork
from leadkit.sample import generate, load_sample
from leadkit.visitors import identify_in


def test_anonymous_visits_come_before_the_form_that_names_their_visitor() -> None:
    data = load_sample()
    leads = {lead.id: lead for lead in data.leads}
    forms = {
        e.properties["visitor_id"]: e
        for e in data.events
        if e.kind == EventKind.FORM_SUBMIT and "visitor_id" in e.properties
    }
    assert len(data.visitor_events) > 100
    assert {v.visitor_id for v in data.visitor_events} == set(forms)
    for visit in data.visitor_events:
        form = forms[visit.visitor_id]
        assert form.lead_id is not None
        assert visit.occurred_at < leads[form.lead_id].created_at == form.occurred_at
    assert len({v.id for v in data.visitor_events}) == len(data.visitor_events)


def test_identifying_the_forms_visitors_attaches_every_visit_once() -> None:
    data = generate(300, seed=5, events_per_lead=4)
    uow = InMemoryUnitOfWork()
    with uow:
        uow.engagement_events.add_all(data.events)
        uow.visitors.add_events(data.visitor_events)
        for event in data.events:
            visitor = event.properties.get("visitor_id")
            if isinstance(visitor, str) and event.lead_id is not None:
                identify_in(uow, visitor_id=visitor, lead_id=event.lead_id,
                            as_of=event.occurred_at)  # fmt: skip
        stitched = [e for e in uow.engagement_events.all() if e.id.startswith("visit-")]
    assert sorted(e.id for e in stitched) == sorted(v.id for v in data.visitor_events)


def test_every_newsletter_issue_is_sent_to_each_subscriber() -> None:
    data = load_sample()
    leads = {lead.id: lead for lead in data.leads}
    newsletters = {c.id for c in data.campaigns if c.type == "Email"}
    sends: dict[str, list[tuple[str, datetime]]] = defaultdict(list)
    for event in data.events:
        if event.kind == EventKind.EMAIL_SEND:
            assert event.id.startswith("send-")
            assert event.properties["campaign_id"] in newsletters
            assert event.lead_id is not None
            sends[event.lead_id].append((str(event.properties["campaign_id"]), event.occurred_at))
    assert sum(len(s) for s in sends.values()) > 1_000
    subscribed = {
        m.lead_id: m.campaign_id
        for m in data.campaign_members
        if m.campaign_id in newsletters and m.lead_id is not None
    }
    for lead_id, sent in sends.items():
        lead = leads[lead_id]
        assert not lead.email_opt_out
        assert {campaign for campaign, _ in sent} == {subscribed[lead_id]}
        moments = sorted(at for _, at in sent)
        assert all(lead.created_at < at for at in moments)
        assert {b - a for a, b in pairwise(moments)} <= {timedelta(days=30)}


def test_campaign_costs_are_in_yen() -> None:
    campaigns = load_sample().campaigns
    assert {c.budgeted_cost.currency for c in campaigns if c.budgeted_cost} == {"JPY"}
    assert all(c.actual_cost is None or c.actual_cost.currency == "JPY" for c in campaigns)
    assert all(c.budgeted_cost is not None for c in campaigns)
