"""A merge that fails at any write step, on either adapter, leaves the store unchanged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from leadkit.dedupe import merge_accounts, merge_leads
from leadkit.model import (
    Account,
    CampaignMember,
    Contact,
    EngagementEvent,
    Event,
    Opportunity,
    PersonName,
    Task,
)
from leadkit.repository import UnitOfWork, UnitOfWorkFactory
from leadkit.testing.contract import fail_at_every_step, snapshot
from tests.dedupe._merge_support import HOUR, T0, Seed, make_lead, seed, uow_factory

__all__ = ["seed", "uow_factory"]  # fixtures


def _busy_leads(seed: Seed) -> None:
    """Two duplicates with something to write everywhere."""
    seed(
        make_lead("l-1"),
        make_lead("l-2", phone="03-1234-5678"),
        make_lead("l-3", email="taro@example.jp"),
        Task(id="t-1", subject="Call", lead_id="l-2", created_at=T0),  # 1
        Event(id="e-1", subject="Visit", start=T0, end=T0 + HOUR, lead_id="l-3",
              created_at=T0),  # 2
        EngagementEvent(id="ev-1", kind="page_view", occurred_at=T0, lead_id="l-2"),  # 3
        CampaignMember(id="m-1", campaign_id="c-1", lead_id="l-1", created_at=T0),
        CampaignMember(id="m-2", campaign_id="c-1", lead_id="l-3", responded=True,
                       created_at=T0),  # moved (4), m-1 removed (5)
        CampaignMember(id="m-3", campaign_id="c-2", lead_id="l-2", created_at=T0),  # 6
        # l-2 and l-3 marked merged (7, 8), the master updated (9), the commit (10)
    )  # fmt: skip


def _busy_accounts(seed: Seed) -> None:
    seed(
        Account(id="a-1", name="ABC", created_at=T0),
        Account(id="a-2", name="ABC Japan", website="abc.co.jp", created_at=T0),
        Account(id="a-3", name="ABC branch", parent_id="a-2", created_at=T0),  # 1
        Contact(id="c-1", account_id="a-2", name=PersonName("Sato"), created_at=T0),  # 2
        Opportunity(id="o-1", name="Deal", account_id="a-2", close_date=date(2026, 6, 30),
                    created_at=T0),  # 3
        Task(id="t-1", subject="Call", account_id="a-2", created_at=T0),  # 4
        # a-2 marked merged (5), a-1 updated (website) (6), the commit (7)
    )  # fmt: skip


def _run_every_failure(
    uow_factory: UnitOfWorkFactory,
    when: str,
    merge: Callable[[UnitOfWork], None],
    expected_steps: int,
) -> None:
    before = snapshot(uow_factory)
    failures, _ = fail_at_every_step(uow_factory, merge, when=when)  # type: ignore[arg-type]
    assert len(failures) == expected_steps, failures
    assert snapshot(uow_factory) != before


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_lead_merge_failing_at_any_step_changes_nothing(
    uow_factory: UnitOfWorkFactory, seed: Seed, when: str
) -> None:
    _busy_leads(seed)

    def merge(uow: UnitOfWork) -> None:
        merge_leads("l-1", ["l-2", "l-3"], uow)

    _run_every_failure(uow_factory, when, merge, 10 if when == "before" else 9)
    with uow_factory() as uow:
        master = uow.leads.get("l-1")
        assert (master.phone, master.email) == ("03-1234-5678", "taro@example.jp")
        assert [m.id for m in uow.campaign_members.by_lead("l-1")] == ["m-2", "m-3"]


@pytest.mark.parametrize("when", ["before", "after"])
def test_an_account_merge_failing_at_any_step_changes_nothing(
    uow_factory: UnitOfWorkFactory, seed: Seed, when: str
) -> None:
    _busy_accounts(seed)

    def merge(uow: UnitOfWork) -> None:
        merge_accounts("a-1", ["a-2"], uow)

    _run_every_failure(uow_factory, when, merge, 7 if when == "before" else 6)
    with uow_factory() as uow:
        assert uow.accounts.get("a-3").parent_id == "a-1"
        assert uow.accounts.get("a-1").website == "abc.co.jp"
