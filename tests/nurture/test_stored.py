"""Enrolments stored through the unit of work (issue 17): enrol and advance save the new
state and announce the actions due in the outbox, in one transaction, never twice."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from leadkit.cli._demo_nurture import lessons_program, run_nurture
from leadkit.errors import InjectedFault
from leadkit.model import EngagementEvent, Lead, PersonName
from leadkit.nurture import advance, advance_stored, enrol, enrol_stored
from leadkit.outbox import ProgramActionDue
from leadkit.repository import InMemoryStore, SqliteUnitOfWork, UnitOfWork, UnitOfWorkStateError
from leadkit.testing.contract import FailingUnitOfWork

START = datetime(2026, 4, 1, 9, tzinfo=UTC)
Factory = Callable[[], UnitOfWork]
PROGRAM = lessons_program()


def _lead(id: str, status: str = "Open - Not Contacted") -> Lead:
    return Lead(id=id, name=PersonName("佐藤"), company=f"{id} 株式会社", status=status,
                created_at=START - timedelta(days=1))  # fmt: skip


def _click(lead_id: str, days: int) -> EngagementEvent:
    return EngagementEvent(kind="link_click", lead_id=lead_id, properties={"url": "/pricing"},
                           occurred_at=START + timedelta(days=days))  # fmt: skip


@pytest.fixture(params=["memory", "sqlite"])
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> Factory:
    if request.param == "memory":
        return InMemoryStore().unit_of_work
    return functools.partial(SqliteUnitOfWork, tmp_path / "crm.db")


def _fill(factory: Factory) -> None:
    with factory() as uow:
        for lead in (_lead("l-1"), _lead("l-2"), _lead("l-3", "Nurturing")):
            uow.leads.add(lead)
        uow.engagement_events.add(_click("l-1", 4))
        uow.commit()


def test_stored_advance_matches_the_pure_engine_and_never_repeats(factory: Factory) -> None:
    _fill(factory)
    with factory() as uow:
        made = enrol_stored(uow, PROGRAM, uow.leads.all(), as_of=START)
        uow.commit()
    assert [e.lead_id for e in made] == ["l-1", "l-2"]  # l-3 fails the entry criteria
    as_of = START + timedelta(days=7)
    with factory() as uow:
        result = advance_stored(uow, PROGRAM, as_of=as_of)
        uow.commit()
    lead = _lead("l-1")
    pure = advance(PROGRAM, enrol(PROGRAM, lead, as_of=START) or made[0], lead,
                   [_click("l-1", 4)], as_of=as_of)  # fmt: skip
    assert result["l-1"] == pure
    with factory() as uow:
        assert uow.enrolments.get(PROGRAM.name, "l-1") == pure.enrolment
        due = [entry.event for entry in uow.outbox.pending()]
        again = advance_stored(uow, PROGRAM, as_of=as_of)  # same moment again
        assert all(a.actions == () for a in again.values())
        uow.commit()
    assert [e.action_id for e in due if isinstance(e, ProgramActionDue)] == [
        a.id for r in result.values() for a in r.actions
    ]
    with factory() as uow:
        assert len(uow.outbox) == len(due)  # nothing announced twice
        # re-entry "never": enrolling again gives nothing
        assert enrol_stored(uow, PROGRAM, uow.leads.all(), as_of=as_of) == []


def test_a_failure_half_way_keeps_neither_state_nor_actions(factory: Factory) -> None:
    _fill(factory)
    with factory() as uow:
        enrol_stored(uow, PROGRAM, uow.leads.all(), as_of=START)
        uow.commit()

    def advance_failing() -> None:
        with FailingUnitOfWork(factory(), fail_at=3) as uow:
            advance_stored(uow, PROGRAM, as_of=START + timedelta(days=7))
            uow.commit()

    with pytest.raises(InjectedFault):
        advance_failing()
    with factory() as uow:
        assert len(uow.outbox) == 0
        assert all(e.visits == () for e in uow.enrolments.all())


def test_stored_helpers_need_an_active_unit() -> None:
    with pytest.raises(UnitOfWorkStateError):
        advance_stored(InMemoryStore().unit_of_work(), PROGRAM, as_of=START)


def test_the_demo_part_reports_steps_and_hand_offs(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    with SqliteUnitOfWork(db) as uow:
        leads = [_lead("l-1"), _lead("l-2")]
        uow.leads.add_all(leads)
        uow.engagement_events.add(_click("l-1", 4))
        uow.commit()
    tables, note = run_nurture(db, leads, as_of=START + timedelta(days=15))
    reached = {row[0]: row[2] for row in tables[0].rows}
    assert reached["lesson1"] == 2
    assert reached["handoff"] == 1  # l-1 clicked the pricing link
    assert [row[0] for row in tables[1].rows] == ["l-1"]
    assert "2 fresh inquiries" in note
