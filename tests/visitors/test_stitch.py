"""Anonymous visitors and identity stitching (issue 20): a visitor's earlier events are
attached to the lead once, with their original times; identifying twice adds nothing;
several visitor ids per lead; merging leads merges their visitors and keeps every event
exactly once (the properties the issue asks for)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.errors import ValidationError
from leadkit.model import Lead, PersonName
from leadkit.repository import InMemoryUnitOfWork
from leadkit.rules import compile, events
from leadkit.visitors import (
    InMemoryVisitorStore,
    VisitorEvent,
    VisitorLink,
    identify,
    identify_in,
    merge_visitors,
)

AT = datetime(2026, 4, 1, tzinfo=UTC)


def _visit(visitor: str, days_ago: int, n: int, kind: str = "page_view") -> VisitorEvent:
    return VisitorEvent(
        visitor,
        kind=kind,
        occurred_at=AT - timedelta(days=days_ago),
        id=f"event_{visitor}_{n}",
        properties={"url": "/pricing"},
    )


def test_earlier_visits_count_in_scoring_after_identify() -> None:
    store = InMemoryVisitorStore()
    for n in range(3):
        store.add_event(_visit("v-1", days_ago=10 - n, n=n))
    lead = Lead(name=PersonName("山田"), company="ABC", created_at=AT)
    uow = InMemoryUnitOfWork()
    with uow:
        uow.leads.add(lead)
        result = identify_in(uow, store, visitor_id="v-1", lead_id=lead.id, as_of=AT)
        uow.commit()
    assert [e.occurred_at for e in result.events] == [
        AT - timedelta(days=10),
        AT - timedelta(days=9),
        AT - timedelta(days=8),
    ]
    with uow:
        stored = uow.engagement_events.all()
    assert all(e.lead_id == lead.id and e.properties["visitor_id"] == "v-1" for e in stored)
    rule = compile(events("page_view").within(days=30).count() >= 3)
    assert rule(lead, stored, as_of=AT)


def test_identify_twice_in_a_store_adds_nothing() -> None:
    store = InMemoryVisitorStore()
    store.add_event(_visit("v-1", 3, 0))
    uow = InMemoryUnitOfWork()
    with uow:
        identify_in(uow, store, visitor_id="v-1", lead_id="lead-1", as_of=AT)
        again = identify_in(uow, store, visitor_id="v-1", lead_id="lead-1", as_of=AT)
        assert again.events == ()
        assert not again.new_link
        assert len(uow.engagement_events.all()) == 1


def test_a_visitor_is_not_handed_to_another_person() -> None:
    first = identify([], [], [], visitor_id="v-1", lead_id="lead-1", as_of=AT)
    with pytest.raises(ValidationError, match="already linked"):
        identify([], [first.link], [], visitor_id="v-1", lead_id="lead-2", as_of=AT)


def test_several_visitors_per_lead() -> None:
    store = InMemoryVisitorStore()
    store.add_event(_visit("laptop", 5, 0))
    store.add_event(_visit("phone", 2, 0))
    uow = InMemoryUnitOfWork()
    with uow:
        for visitor in ("laptop", "phone"):
            identify_in(uow, store, visitor_id=visitor, lead_id="lead-1", as_of=AT)
        assert len(uow.engagement_events.all()) == 2
    assert {link.visitor_id for link in store.links_of(lead_id="lead-1")} == {"laptop", "phone"}


visits = st.lists(
    st.tuples(st.sampled_from(["v-1", "v-2", "v-3"]), st.integers(0, 60)),
    min_size=0,
    max_size=12,
)


@settings(max_examples=30, deadline=None)
@given(visits, st.lists(st.sampled_from(["v-1", "v-2", "v-3"]), min_size=1, max_size=6))
def test_identify_is_idempotent(seen: list[tuple[str, int]], order: list[str]) -> None:
    found = [_visit(v, d, n) for n, (v, d) in enumerate(seen)]
    links: dict[str, VisitorLink] = {}
    stitched: list[str] = []
    for visitor in order + order:  # everything identified twice
        known = [links[visitor]] if visitor in links else []
        result = identify(
            found,
            known,
            stitched,
            visitor_id=visitor,
            lead_id="lead-1",
            as_of=AT,
        )
        links[visitor] = result.link
        stitched += [e.id for e in result.events]
    assert len(stitched) == len(set(stitched))
    assert set(stitched) == {e.id for e in found if e.visitor_id in set(order)}


@settings(max_examples=30, deadline=None)
@given(visits, st.sampled_from(["lead-a", "lead-b"]))
def test_a_merge_keeps_every_event_exactly_once(seen: list[tuple[str, int]], master: str) -> None:
    found = [_visit(v, d, n) for n, (v, d) in enumerate(seen)]
    owner = {"v-1": "lead-a", "v-2": "lead-b", "v-3": "lead-b"}
    store = InMemoryVisitorStore()
    for event in found:
        store.add_event(event)
    uow = InMemoryUnitOfWork()
    with uow:
        for visitor, lead_id in owner.items():
            identify_in(uow, store, visitor_id=visitor, lead_id=lead_id, as_of=AT)
        merged = "lead-b" if master == "lead-a" else "lead-a"
        links = store.links_of(lead_id="lead-a") + store.links_of(lead_id="lead-b")
        for link in merge_visitors(links, master_id=master, merged_ids=[merged]):
            store.save_link(link)
        # The merged lead's events move to the master, as dedupe's merge does.
        for stored in uow.engagement_events.all():
            if stored.lead_id == merged:
                uow.engagement_events.update(attrs.evolve(stored, lead_id=master))
        for visitor in owner:  # identifying again after the merge adds nothing
            identify_in(uow, store, visitor_id=visitor, lead_id=master, as_of=AT)
        ids = [e.id for e in uow.engagement_events.all()]
    assert sorted(ids) == sorted(e.id for e in found)
    assert {link.visitor_id for link in store.links_of(lead_id=master)} == set(owner)
