"""Each domain event from the code that makes it (issue 17: "the unit of work collects
events ... and writes them to an outbox in the same transaction as the change, so an
application ... never misses one and never sees one for a change that rolled back"):
routing's assignment, intake's new lead, a stage function's status, a conversion and a
merge, each in the outbox after its commit and absent after a roll back, in memory and
on SQLite."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest

from leadkit.convert import ConversionRequest, convert_lead
from leadkit.dedupe import merge_leads
from leadkit.errors import InjectedFault
from leadkit.intake import IntakeOutcome, intake
from leadkit.model import Lead, OwnerRef, PersonName, User
from leadkit.outbox import (
    DomainEvent,
    LeadAssigned,
    LeadConverted,
    LeadCreated,
    LeadsMerged,
    StageChanged,
)
from leadkit.repository import InMemoryStore, SqliteUnitOfWork, UnitOfWork
from leadkit.routing import AssignmentRules, InMemoryState, Roster, Router, RuleEntry
from leadkit.rules import field
from leadkit.stages import Stage, StageHistory, apply_status, reject, transition
from leadkit.testing.contract import FailingUnitOfWork

T0 = datetime(2026, 4, 1, 9, tzinfo=UTC)
Factory = Callable[[], UnitOfWork]


@pytest.fixture(params=["memory", "sqlite"])
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> Factory:
    if request.param == "memory":
        return functools.partial(InMemoryStore().unit_of_work, record_events=True)
    return functools.partial(SqliteUnitOfWork, tmp_path / "crm.db", record_events=True)


class CrashAtCommit(FailingUnitOfWork):
    """Every write done, then the process dies where it would commit."""

    def commit(self) -> None:
        raise InjectedFault("crash before commit")


def _lead(id: str, **values: object) -> Lead:
    return Lead(id=id, name=PersonName("山田"), company="ABC", created_at=T0, **values)  # type: ignore[arg-type]


def _store(factory: Factory, *leads: Lead) -> None:
    with factory() as uow:
        for lead in leads:
            uow.leads.add(lead)
        uow.commit()


def _events(factory: Factory, kind: type[DomainEvent]) -> list[DomainEvent]:
    with factory() as uow:
        return [e for e in (entry.event for entry in uow.outbox.pending()) if isinstance(e, kind)]


def test_routing_an_assignment_through_the_unit_of_work_raises_lead_assigned(
    factory: Factory,
) -> None:
    rules = AssignmentRules(
        [RuleEntry(field("employees") >= 100, OwnerRef.user("sato"), name="Big")],
        default_owner=OwnerRef.queue("inbound"),
    )
    router = Router(rules, roster=Roster([User(id="sato", name="佐藤")]))
    _store(factory, _lead("big", employees=500), _lead("small", employees=5))
    state = InMemoryState()
    for lead_id, commit in (("big", True), ("small", False)):
        with factory() as uow:
            stored = uow.leads.get(lead_id)
            decision = router.route(stored, as_of=T0, state=state)
            uow.leads.update(attrs.evolve(stored, owner=decision.owner))
            if commit:
                uow.commit()
    assert _events(factory, LeadAssigned) == [LeadAssigned("big", 1, "user:sato", None)]


def test_intake_raises_lead_created_with_the_new_lead(factory: Factory) -> None:
    form = {"会社名": "株式会社ABC", "姓": "山田", "メールアドレス": "taro@abc.co.jp"}
    crashed = intake(form, as_of=T0, uow=CrashAtCommit(factory()))
    assert crashed.outcome is IntakeOutcome.REJECTED  # a storage failure: nothing kept
    assert _events(factory, LeadCreated) == []
    result = intake(form, as_of=T0, uow=factory())
    assert result.outcome is IntakeOutcome.CREATED
    assert result.lead is not None
    created = _events(factory, LeadCreated)
    assert created == [LeadCreated(result.lead.id, result.lead.created_at, result.lead.lead_source)]


def test_a_stage_function_raises_stage_changed_for_the_status_it_gives(factory: Factory) -> None:
    """Rejecting an MQL nurtures it (the default status policy: 'Nurturing')."""
    _store(factory, _lead("l-1"), _lead("l-2"))
    for lead_id, commit in (("l-1", True), ("l-2", False)):
        mql = transition(StageHistory(lead_id), Stage.INQUIRY, at=T0, by="policy:default")
        mql = transition(mql, Stage.MQL, at=T0 + timedelta(hours=1), by="policy:default")
        history = reject(mql, at=T0 + timedelta(hours=2), by="u-sato", reason="No Budget")
        with factory() as uow:
            uow.leads.update(apply_status(uow.leads.get(lead_id), history))
            if commit:
                uow.commit()
    assert _events(factory, StageChanged) == [
        StageChanged("l-1", 1, "Nurturing", "Open - Not Contacted")
    ]


def test_a_conversion_raises_lead_converted(factory: Factory) -> None:
    _store(factory, _lead("l-1"), _lead("l-2"))
    request = ConversionRequest("l-2", "Closed - Converted")
    with pytest.raises(InjectedFault):
        convert_lead(request, CrashAtCommit(factory()), as_of=T0)
    assert _events(factory, LeadConverted) == []
    result = convert_lead(ConversionRequest("l-1", "Closed - Converted"), factory(), as_of=T0)
    assert result.account is not None
    assert result.contact is not None
    converted = _events(factory, LeadConverted)
    assert [(e.lead_id, e.account_id, e.contact_id) for e in converted] == [  # type: ignore[attr-defined]
        ("l-1", result.account.id, result.contact.id)
    ]


def test_a_merge_raises_leads_merged(factory: Factory) -> None:
    _store(factory, _lead("l-1"), _lead("l-2"), _lead("l-3"), _lead("l-4"))
    with pytest.raises(InjectedFault):
        merge_leads("l-3", ["l-4"], CrashAtCommit(factory()))
    assert _events(factory, LeadsMerged) == []
    merge_leads("l-1", ["l-2"], factory())
    assert _events(factory, LeadsMerged) == [LeadsMerged("l-2", "l-1")]
