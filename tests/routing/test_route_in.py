"""Routing through the unit of work keeps its decision in the same transaction (issue 19):
the stored decision is the one routing made, and a rolled-back unit keeps neither the
decision nor the turn it took."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadkit.model import Address, Lead, OwnerRef, PersonName, User
from leadkit.repository import InMemoryStore, SqliteUnitOfWork, UnitOfWorkFactory
from leadkit.routing import (
    AssignmentRules,
    InMemoryState,
    RecordedDecision,
    Roster,
    RoundRobin,
    Router,
    RuleEntry,
    in_region,
)
from leadkit.rules import field

T0 = datetime(2026, 4, 1, 9, tzinfo=UTC)
PREFECTURES = ["東京都", "大阪府", "北海道", "神奈川県"]


def _router() -> Router:
    rules = AssignmentRules(
        [
            RuleEntry(field("employees") >= 1000, OwnerRef.user("u-big"), name="Enterprise"),
            RuleEntry(in_region("関東"), RoundRobin(["u-1", "u-2", "u-3"]), name="Kanto team"),
        ],
        default_owner=OwnerRef.queue("inbound"),
    )
    team = Roster([User(id=u, name=u) for u in ("u-big", "u-1", "u-2", "u-3")])
    return Router(rules, roster=team)


def _lead(n: int, prefecture: str, employees: int | None) -> Lead:
    return Lead(
        id=f"l-{n}",
        name=PersonName("山田"),
        company="ABC",
        address=Address(state=prefecture),
        employees=employees,
        created_at=T0,
    )


@pytest.fixture(params=["memory", "sqlite"])
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> UnitOfWorkFactory:
    if request.param == "memory":
        return InMemoryStore().unit_of_work
    return functools.partial(SqliteUnitOfWork, tmp_path / "crm.db")


leads_drawn = st.lists(
    st.tuples(st.sampled_from(PREFECTURES), st.one_of(st.none(), st.integers(1, 5000))),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=leads_drawn, explain=st.booleans())
def test_the_stored_decision_equals_the_decision_routing_made(
    tmp_path: Path, drawn: list[tuple[str, int | None]], explain: bool
) -> None:
    """Routed in a SQLite unit of work, each lead's stored decision is the decision an
    in-memory state gives for the same leads in the same order (turns included)."""
    path = tmp_path / f"route-{len(list(tmp_path.iterdir()))}.db"
    router = _router()
    leads = [_lead(n, p, e) for n, (p, e) in enumerate(drawn)]
    expected = [
        router.route(lead, as_of=T0 + timedelta(minutes=n), state=state, explain=explain)
        for state in [InMemoryState()]
        for n, lead in enumerate(leads)
    ]
    with SqliteUnitOfWork(path) as uow:
        made = [
            router.route_in(uow, lead, as_of=T0 + timedelta(minutes=n), explain=explain)
            for n, lead in enumerate(leads)
        ]
        uow.commit()
    assert made == expected
    with SqliteUnitOfWork(path) as uow:
        for n, (lead, decision) in enumerate(zip(leads, expected, strict=True)):
            (stored,) = uow.routing_decisions.by_lead(lead.id)
            assert stored.records(decision)
            assert stored == RecordedDecision.of(decision, at=T0 + timedelta(minutes=n))
            assert stored.explanation == str(decision)


def test_a_rolled_back_unit_keeps_neither_the_decision_nor_the_turn(
    factory: UnitOfWorkFactory,
) -> None:
    router = _router()
    lead = _lead(1, "東京都", None)
    with factory() as uow:
        assert router.route_in(uow, lead, as_of=T0).owner == OwnerRef.user("u-1")
        # not committed
    with factory() as uow:
        assert uow.routing_decisions.all() == []
        assert uow.routing_state.items() == {}
        decision = router.route_in(uow, lead, as_of=T0)
        assert decision.owner == OwnerRef.user("u-1")  # the same turn again
        uow.commit()
    with factory() as uow:
        moved = router.route_in(uow, _lead(2, "東京都", None), as_of=T0 + timedelta(hours=1))
        assert moved.owner == OwnerRef.user("u-2")
        uow.commit()
    with factory() as uow:
        kept = uow.routing_decisions.latest("l-1")
        assert kept is not None
        assert kept.entry is not None
        assert (kept.entry.name, kept.strategy_reasoning and kept.strategy_reasoning.chosen) == (
            "Kanto team",
            "u-1",
        )
        # The skipped Enterprise entry is kept with its failing criterion, as text.
        assert [n.name for n in kept.skipped] == ["Enterprise"]
        assert "employees" in kept.skipped[0].failing[0]
        assert uow.routing_decisions.assigned_at() == {"l-1": T0, "l-2": T0 + timedelta(hours=1)}


def test_the_previous_owner_is_kept(factory: UnitOfWorkFactory) -> None:
    router = _router()
    lead = Lead(
        id="l-9",
        name=PersonName("佐藤"),
        company="XYZ",
        created_at=T0,
        owner=OwnerRef.user("u-3"),
    )
    with factory() as uow:
        decision = router.route_in(uow, lead, as_of=T0)
        uow.commit()
    with factory() as uow:
        (kept,) = uow.routing_decisions.by_lead("l-9")
    assert decision.by_default
    assert kept.by_default
    assert (kept.previous_owner, kept.owner) == (OwnerRef.user("u-3"), OwnerRef.queue("inbound"))


def test_reassignments_keep_their_decisions(factory: UnitOfWorkFactory) -> None:
    """A reassignment is a routing decision too: plan and apply, or the bulk
    operation, keep each move's decision with the owner it replaced."""
    from leadkit.routing import apply_reassignment, plan_reassignment
    from leadkit.worklists import bulk_reassign

    router = _router()
    away = attrs.evolve(router.roster.users["u-1"], active=False)
    users = {**router.roster.users, "u-1": away}
    router = Router(router.rules, roster=attrs.evolve(router.roster, users=users))
    state = InMemoryState()  # not the records' store: SQLite's write lock is the unit's
    with factory() as uow:
        for n in (1, 2):
            uow.leads.add(attrs.evolve(_lead(n, "東京都", None), owner=OwnerRef.user("u-1")))
        uow.commit()
    later = T0 + timedelta(days=1)
    with factory() as uow:
        plan = plan_reassignment(uow, "u-1", router=router, state=state, as_of=later)
        assert apply_reassignment(uow, plan, router=router, state=state) == {
            "l-1": "moved",
            "l-2": "moved",
        }
        uow.commit()
    with factory() as uow:
        kept = uow.routing_decisions.all()
        assert [(d.lead_id, d.previous_owner, d.at) for d in kept] == [
            ("l-1", OwnerRef.user("u-1"), later),
            ("l-2", OwnerRef.user("u-1"), later),
        ]
        assert [d.owner for d in kept] == [m.to_owner for m in plan.moves]
        assert all(d.records(m.decision) for d, m in zip(kept, plan.moves, strict=True))
        moved_to = uow.leads.get("l-1").owner
        report = bulk_reassign(uow, ["l-1"], router=router, state=state, as_of=later)
        assert report.ok
        uow.commit()
    with factory() as uow:
        last = uow.routing_decisions.latest("l-1")
    assert last is not None
    assert (last.previous_owner, last.owner) == (moved_to, uow_owner(factory, "l-1"))


def uow_owner(factory: UnitOfWorkFactory, lead_id: str) -> OwnerRef | None:
    with factory() as uow:
        return uow.leads.get(lead_id).owner
