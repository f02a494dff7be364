"""Bulk operations in one transaction with a result per record (issue 19)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from leadkit.errors import ValidationError
from leadkit.model import Campaign, LeadConversion, OwnerRef, User
from leadkit.repository import InMemoryUnitOfWork
from leadkit.routing import AssignmentRules, InMemoryState, Roster, RoundRobin, Router, RuleEntry
from leadkit.rules import field
from leadkit.worklists import add_to_campaign, bulk_reassign, change_status, transfer_owner
from tests.worklists._support import AT, U2, lead, store

CONVERTED = lead(
    "z",
    status="Closed - Converted",
    conversion=LeadConversion(
        converted_at=AT, status="Closed - Converted", account_id="a-1", contact_id="c-1"
    ),
)


def uow() -> InMemoryUnitOfWork:
    made = InMemoryUnitOfWork()
    store(made, [lead("a"), lead("b"), CONVERTED], [])
    with made:
        made.campaigns.add(Campaign(id="cmp-1", name="展示会 2026"))
        made.commit()
    return made


def test_change_status_reports_each_record_and_releases_closed_counts() -> None:
    store_ = uow()
    state = InMemoryState()
    state.set_open_count("u-1", 2)
    with store_:
        report = change_status(
            store_, ["a", "z", "nope", "a"], "Closed - Not Converted", state=state
        )
        store_.commit()
    assert [(r.id, r.ok) for r in report.results] == [
        ("a", True),
        ("z", False),
        ("nope", False),
        ("a", False),
    ]
    assert not report.ok
    assert [r.message for r in report.failed][1:] == ["no such lead", "given twice"]
    with store_:
        assert store_.leads.get("a").status == "Closed - Not Converted"
        assert store_.leads.get("b").status == "Open - Not Contacted"
    assert state.open_count("u-1") == 1
    with store_, pytest.raises(ValidationError):
        change_status(store_, ["b"], "Closed - Converted")


def test_rolling_back_keeps_none_of_a_bulk_change() -> None:
    store_ = uow()
    with store_:
        report = change_status(store_, ["a", "b"], "Nurturing")
        assert report.ok
        store_.rollback()
    with store_:
        assert {x.status for x in store_.leads.get_many(["a", "b"])} == {"Open - Not Contacted"}


def test_transfer_owner_moves_the_counts() -> None:
    store_ = uow()
    state = InMemoryState()
    state.set_open_count("u-1", 2)
    with store_:
        report = transfer_owner(store_, ["a", "b"], "user:u-2", state=state)
        store_.commit()
    assert report.ok
    assert report.results[0].message == "user:u-1 -> user:u-2"
    assert (state.open_count("u-1"), state.open_count("u-2")) == (0, 2)
    with store_:
        assert {x.owner for x in store_.leads.get_many(["a", "b"])} == {U2}


def test_add_to_campaign_once() -> None:
    store_ = uow()
    with store_:
        first = add_to_campaign(store_, ["a", "b"], "cmp-1", as_of=AT)
        again = add_to_campaign(store_, ["a"], "cmp-1", as_of=AT + timedelta(days=1))
        store_.commit()
        assert len(store_.campaign_members.by_campaign("cmp-1")) == 2
        with pytest.raises(ValidationError):
            add_to_campaign(store_, ["a"], "cmp-x", as_of=AT)
    assert first.ok
    assert again.results[0].message == "already a member"


def test_bulk_reassign_routes_each_lead() -> None:
    store_ = uow()
    rules = AssignmentRules(
        [RuleEntry(field("company").startswith("株式会社"), RoundRobin(["u-2", "u-3"]), name="r")],
        default_owner=OwnerRef.queue("q"),
    )
    router = Router(rules, roster=Roster([User(id="u-2", name="B"), User(id="u-3", name="C")]))
    state = InMemoryState()
    state.set_open_count("u-1", 2)
    with store_:
        report = bulk_reassign(store_, ["a", "b", "z"], router=router, state=state, as_of=AT)
        store_.commit()
        owners = [str(x.owner) for x in store_.leads.get_many(["a", "b"])]
    assert [r.ok for r in report.results] == [True, True, False]
    assert owners == ["user:u-2", "user:u-3"]
    assert (state.open_count("u-1"), state.open_count("u-2")) == (0, 1)
