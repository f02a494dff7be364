"""Proof that nothing is lost: a conversion that fails at any write step, on either
adapter, leaves the store exactly as it was."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from leadkit.convert import ConversionRequest, ConversionSettings, FieldMapping, convert_lead
from leadkit.model import (
    Account,
    CampaignMember,
    Contact,
    EngagementEvent,
    Event,
    Money,
    OwnerRef,
    PersonName,
    Task,
)
from leadkit.repository import SqliteUnitOfWork, UnitOfWorkFactory
from leadkit.testing.contract import fail_at_every_step, snapshot
from tests.convert.conftest import AS_OF, CONVERTED, T0, Seed, make_lead

SETTINGS = ConversionSettings(field_mapping=FieldMapping(contact={"budget": "budget"}))


def _seed_a_busy_lead(seed: Seed) -> ConversionRequest:
    """A lead with something to write everywhere: 12 writes and a commit."""
    seed(
        make_lead(
            id="l-1", company="ABC株式会社", email="taro@abc.co.jp", phone="03-1234-5678",
            custom={"budget": 100},
        ),
        Account(id="a-1", name="ABC", created_at=T0),  # phone empty: filled (1)
        Contact(id="c-1", account_id="a-1", name=PersonName("山田"), email="TARO@abc.co.jp",
                created_at=T0),  # reused by email, phone and budget filled (2)
        # opportunity created (3)
        CampaignMember(id="m-1", campaign_id="cmp-1", lead_id="l-1", created_at=T0),  # (4)
        CampaignMember(id="m-2", campaign_id="cmp-2", lead_id="l-1", created_at=T0),  # (5)
        CampaignMember(id="m-3", campaign_id="cmp-3", lead_id="l-1", created_at=T0),  # dropped (6)
        CampaignMember(id="m-4", campaign_id="cmp-3", contact_id="c-1", created_at=T0),
        Task(id="t-1", subject="Call", lead_id="l-1", owner=OwnerRef.user("u-old"),
             created_at=T0),  # (7)
        Task(id="t-2", subject="Mail", lead_id="l-1", created_at=T0),  # (8)
        Event(id="e-1", subject="Visit", start=T0, end=T0 + timedelta(hours=1), lead_id="l-1",
              created_at=T0),  # (9)
        EngagementEvent(id="ev-1", kind="page_view", occurred_at=T0, lead_id="l-1"),  # (10)
        EngagementEvent(id="ev-2", kind="form_submit", occurred_at=T0, lead_id="l-1"),  # (11)
        # the lead itself (12), then the commit (13)
    )  # fmt: skip
    return ConversionRequest("l-1", CONVERTED, account="match", contact="match")


def _seed_a_busy_lead_for_another_owner(seed: Seed) -> ConversionRequest:
    """The busy lead converted for a new owner, with the opportunity's values given and
    the lead source overwritten: every option of the request that changes a write."""
    _seed_a_busy_lead(seed)
    return ConversionRequest(
        "l-1", CONVERTED, account="a-1", contact="c-1", overwrite_lead_source=True,
        owner=OwnerRef.user("u-new"), converted_by=OwnerRef.user("u-old"),
        opportunity_name="ABC 更新", opportunity_amount=Money(1_000_000, "JPY"),
        opportunity_close_date=date(2026, 9, 30), opportunity_stage="Negotiation",
    )  # fmt: skip


@pytest.mark.parametrize("busy", [_seed_a_busy_lead, _seed_a_busy_lead_for_another_owner])
@pytest.mark.parametrize("when", ["before", "after"])
def test_a_failure_at_every_write_step_leaves_the_store_unchanged(
    uow_factory: UnitOfWorkFactory,
    seed: Seed,
    when: str,
    busy: Callable[[Seed], ConversionRequest],
) -> None:
    request = busy(seed)
    before = snapshot(uow_factory)
    failures, result = fail_at_every_step(
        uow_factory,
        lambda uow: convert_lead(request, uow, as_of=AS_OF, settings=SETTINGS),
        when=when,  # type: ignore[arg-type]
    )
    expected_steps = 13 if when == "before" else 12
    assert len(failures) == expected_steps, failures
    assert failures[-1].endswith("(commit)") or when == "after"
    after = snapshot(uow_factory)
    assert after != before
    if when == "before":
        assert result is not None
        assert result.contact_id == "c-1"
        assert result.account_id == "a-1"
    lead = next(lead for lead in after["leads"] if lead.id == "l-1")
    assert lead.is_converted
    assert all(member.lead_id is None for member in after["campaign_members"])


def test_a_storage_error_inside_sqlite_rolls_everything_back(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    factory = functools.partial(SqliteUnitOfWork, path)
    with factory() as uow:
        uow.leads.add(make_lead(id="l-1"))
        uow.tasks.add(Task(id="t-1", subject="Call", lead_id="l-1", created_at=T0))
        uow.commit()
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TRIGGER refuse BEFORE UPDATE ON tasks BEGIN SELECT RAISE(ABORT, 'no'); END"
    )
    conn.commit()
    conn.close()
    before = snapshot(factory)
    with pytest.raises(sqlite3.IntegrityError):
        convert_lead(ConversionRequest("l-1", CONVERTED), factory(), as_of=AS_OF)
    assert snapshot(factory) == before


def test_the_busy_lead_converts_cleanly_without_faults(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    # Sanity check of the scenario above: the busy lead converts cleanly without faults.
    request = _seed_a_busy_lead(seed)
    result = convert_lead(request, uow_factory(), as_of=AS_OF, settings=SETTINGS)
    assert result.opportunity is not None
    assert result.opportunity.close_date == date(2026, 6, 30)
    assert result.contact is not None
    assert result.contact.custom == {"budget": 100}
    assert result.contact.phone == "03-1234-5678"
