"""Properties of merging: no related record is lost, every field follows its rule."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any, Literal

from hypothesis import given
from hypothesis import strategies as st

from leadkit.dedupe import MAXIMUM, MOST_RECENT, Survivorship, merge_leads
from leadkit.model import CampaignMember, EngagementEvent, Event, Lead, Task
from leadkit.repository import InMemoryStore
from leadkit.testing.contract import FailingUnitOfWork, InjectedFault, snapshot
from tests.dedupe._merge_support import HOUR, T0, make_lead, seed_into

RULES = Survivorship(Lead, fields={"employees": MAXIMUM, "title": MOST_RECENT})


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(2, 5))
    ids = [f"l-{n}" for n in range(count)]
    leads = [
        make_lead(
            lead_id,
            phone=draw(st.sampled_from([None, "03-1111-1111", "06-2222-2222", ""])),
            title=draw(st.sampled_from([None, "CTO", "Engineer"])),
            employees=draw(st.one_of(st.none(), st.integers(0, 1000))),
            created_at=T0 + draw(st.integers(0, 3)) * HOUR,
        )
        for lead_id in ids
    ]
    order = draw(st.permutations(ids))
    master, duplicates = order[0], order[1 : 1 + draw(st.integers(1, count - 1))]
    who = st.sampled_from(ids)
    related: list[Any] = []
    for n in range(draw(st.integers(0, 4))):
        related.append(Task(id=f"t-{n}", subject="Call", lead_id=draw(who), created_at=T0))
    for n in range(draw(st.integers(0, 3))):
        related.append(Event(id=f"e-{n}", subject="Visit", start=T0, end=T0 + HOUR,
                             lead_id=draw(who), created_at=T0))  # fmt: skip
    for n in range(draw(st.integers(0, 4))):
        related.append(EngagementEvent(id=f"ev-{n}", kind="page_view", occurred_at=T0,
                                       lead_id=draw(who)))  # fmt: skip
    for n in range(draw(st.integers(0, 6))):
        responded = draw(st.booleans())
        related.append(
            CampaignMember(
                id=f"m-{n}",
                campaign_id=draw(st.sampled_from(["c-1", "c-2", "c-3"])),
                lead_id=draw(who),
                responded=responded,
                created_at=T0 + timedelta(minutes=draw(st.integers(0, 60))),
            )
        )
    return {"leads": leads, "related": related, "master": master, "duplicates": duplicates}


def _first_non_empty(values: list[Any]) -> Any:
    return next((v for v in values if v not in (None, "")), values[0])


@given(scenarios())
def test_merge_loses_no_related_record_and_follows_the_rules(scenario: dict[str, Any]) -> None:
    store = InMemoryStore()
    seed_into(store.unit_of_work, *scenario["leads"], *scenario["related"])
    master_id, duplicate_ids = scenario["master"], list(scenario["duplicates"])
    group = {master_id, *duplicate_ids}
    result = merge_leads(master_id, duplicate_ids, store.unit_of_work(), survivorship=RULES)

    with store.unit_of_work() as uow:
        # activities and engagement: the same records, those of the group now the master's
        for name in ("tasks", "events", "engagement_events"):
            before = {r.id: r for r in scenario["related"] if type(r).__name__ == _KIND[name]}
            after = {r.id: r for r in getattr(uow, name).all()}
            assert after.keys() == before.keys()
            for record_id, old in before.items():
                expected = master_id if old.lead_id in group else old.lead_id
                assert after[record_id].lead_id == expected
        # campaign members: one per campaign for the master, every other one reported
        members = [r for r in scenario["related"] if isinstance(r, CampaignMember)]
        stored = {m.id: m for m in uow.campaign_members.all()}
        dropped = {m.id for m in result.members_dropped}
        assert stored.keys() | dropped == {m.id for m in members}
        assert not stored.keys() & dropped
        campaigns_before = {m.campaign_id for m in members if m.lead_id in group}
        mine = [m for m in stored.values() if m.lead_id == master_id]
        assert Counter(m.campaign_id for m in mine) == Counter(campaigns_before)
        assert not [m for m in stored.values() if m.lead_id in group - {master_id}]
        for member in mine:  # a response in the group is never lost
            responded = any(
                m.responded for m in members if m.lead_id in group
                and m.campaign_id == member.campaign_id
            )  # fmt: skip
            assert member.responded == responded
        # the losers are kept, marked; nobody else changed
        leads = {lead.id: lead for lead in uow.leads.all()}
        assert leads.keys() == {lead.id for lead in scenario["leads"]}
        for lead in scenario["leads"]:
            if lead.id in duplicate_ids:
                assert leads[lead.id].master_record_id == master_id
            elif lead.id != master_id:
                assert leads[lead.id] == lead
        # fields by their rules
        records = {lead.id: lead for lead in scenario["leads"]}
        ordered = [records[i] for i in [master_id, *duplicate_ids]]
        master = leads[master_id]
        assert master.phone == _first_non_empty([r.phone for r in ordered])
        present = [r.employees for r in ordered if r.employees is not None]
        assert master.employees == (max(present) if present else None)
        titled = [(r.created_at, -n, r.title) for n, r in enumerate(ordered) if r.title]
        assert master.title == (max(titled)[2] if titled else records[master_id].title)
        assert master == result.master


_KIND = {"tasks": "Task", "events": "Event", "engagement_events": "EngagementEvent"}


@given(scenarios(), st.integers(1, 25), st.sampled_from(["before", "after"]))
def test_a_merge_failing_at_any_step_leaves_the_store_as_it_was(
    scenario: dict[str, Any], fail_at: int, when: Literal["before", "after"]
) -> None:
    store = InMemoryStore()
    seed_into(store.unit_of_work, *scenario["leads"], *scenario["related"])
    before = snapshot(store.unit_of_work)
    uow = FailingUnitOfWork(store.unit_of_work(), fail_at=fail_at, when=when)
    fault: InjectedFault | None = None
    try:
        merge_leads(scenario["master"], list(scenario["duplicates"]), uow, survivorship=RULES)
    except InjectedFault as injected:
        fault = injected
    after = snapshot(store.unit_of_work)
    if fault is None or ("(commit)" in str(fault) and when == "after"):
        assert after != before  # it went through: the duplicates at least are marked
    else:
        assert after == before, str(fault)
