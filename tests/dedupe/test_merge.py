"""Merging leads, contacts and accounts: survivorship, re-parenting, refusals."""

from __future__ import annotations

from datetime import date

import pytest

from leadkit.dedupe import (
    CONCATENATE,
    FIRST_NON_EMPTY,
    LONGEST,
    MASTER_WINS,
    MAXIMUM,
    MOST_RECENT,
    AlreadyMergedError,
    Concatenate,
    ConvertedLeadMergeError,
    MostRecent,
    Survivorship,
    merge_accounts,
    merge_contacts,
    merge_leads,
)
from leadkit.errors import LeadkitError, NotFoundError, ValidationError, format_path
from leadkit.model import (
    Account,
    CampaignMember,
    Contact,
    EngagementEvent,
    Event,
    Lead,
    LeadConversion,
    Money,
    Opportunity,
    PersonName,
    Task,
)
from leadkit.repository import UnitOfWorkFactory
from leadkit.testing.contract import snapshot
from tests.dedupe._merge_support import HOUR, T0, Seed, make_lead, seed, uow_factory

__all__ = ["seed", "uow_factory"]  # fixtures


def test_fields_follow_their_survivorship_rules(uow_factory: UnitOfWorkFactory, seed: Seed) -> None:
    seed(
        make_lead("l-1", phone="03-1111-1111", title="CTO", employees=50,
                  description="met at the trade show", custom={"budget": 100, "tier": "B"}),
        make_lead("l-2", phone="03-2222-2222", title="Chief Technology Officer", employees=80,
                  description="Met at the trade show ", email="taro@example.jp",
                  custom={"budget": 300}, created_at=T0 + HOUR),
        make_lead("l-3", phone=None, employees=None, description="asked for a demo",
                  website="example.jp", custom={"tier": "A", "region": "kanto"},
                  created_at=T0 - HOUR),
    )  # fmt: skip
    rules = Survivorship(
        Lead,
        default=MASTER_WINS,
        fields={
            "phone": MOST_RECENT,
            "title": LONGEST,
            "employees": MAXIMUM,
            "description": Concatenate(separator=" / "),
            "email": FIRST_NON_EMPTY,
            "custom.budget": MAXIMUM,
            "custom.tier": MOST_RECENT,
        },
    )
    result = merge_leads("l-1", ["l-2", "l-3"], uow_factory(), survivorship=rules)
    master = result.master
    assert master.id == "l-1"
    assert master.phone == "03-2222-2222"  # l-2 is the newest with a phone
    assert master.title == "Chief Technology Officer"
    assert master.employees == 80
    # the repeated text (width/case/space differences) appears once, master first
    assert master.description == "met at the trade show / asked for a demo"
    assert master.email == "taro@example.jp"
    assert master.website is None  # master wins, even empty
    # custom fields merge key by key; keys without a rule use the default (master wins)
    assert dict(master.custom) == {"budget": 300, "tier": "B"}
    phone = result.decision("phone")
    assert phone is not None
    assert phone.winners == ("l-2",)
    assert phone.changed
    assert "most recent" in phone.reason
    assert result.decision("company") is None  # every record agreed
    assert result.decision("custom.region") is not None
    assert "l-2" in result.explain()


def test_the_default_fills_empty_fields_and_keeps_opt_outs(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(
        make_lead("l-1", phone="03-1111-1111"),
        make_lead("l-2", phone="03-2222-2222", email="a@example.jp", email_opt_out=True),
        make_lead("l-3", email="b@example.jp", do_not_call=True),
    )
    result = merge_leads("l-1", ["l-2", "l-3"], uow_factory())
    assert result.master.phone == "03-1111-1111"
    assert result.master.email == "a@example.jp"  # first duplicate in the order given
    assert result.master.email_opt_out
    assert result.master.do_not_call
    with uow_factory() as uow:
        assert uow.leads.get("l-1") == result.master


def test_related_records_move_to_the_master_and_losers_are_kept(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(
        make_lead("l-1"),
        make_lead("l-2"),
        make_lead("l-3"),
        Task(id="t-1", subject="Call", lead_id="l-2", created_at=T0),
        Task(id="t-2", subject="Mail", lead_id="l-1", created_at=T0),
        Event(id="e-1", subject="Visit", start=T0, end=T0 + HOUR, lead_id="l-3", created_at=T0),
        EngagementEvent(id="ev-1", kind="page_view", occurred_at=T0, lead_id="l-2"),
        EngagementEvent(id="ev-2", kind="form_submit", occurred_at=T0, lead_id="l-3"),
        # campaign 1: only the master; campaign 2: l-3's responded membership wins
        CampaignMember(id="m-1", campaign_id="c-1", lead_id="l-1", created_at=T0),
        CampaignMember(id="m-2", campaign_id="c-2", lead_id="l-1", created_at=T0),
        CampaignMember(id="m-3", campaign_id="c-2", lead_id="l-3", responded=True,
                       first_responded_at=date(2026, 4, 5), created_at=T0 + HOUR),
        # campaign 3: two unresponded memberships of duplicates; the earlier is kept
        CampaignMember(id="m-4", campaign_id="c-3", lead_id="l-3", created_at=T0 + HOUR),
        CampaignMember(id="m-5", campaign_id="c-3", lead_id="l-2", created_at=T0),
    )  # fmt: skip
    result = merge_leads("l-1", ["l-2", "l-3"], uow_factory())
    assert result.merged_ids == ("l-2", "l-3")
    assert all(lead.master_record_id == "l-1" for lead in result.merged)
    with uow_factory() as uow:
        assert [t.id for t in uow.tasks.by_lead("l-1")] == ["t-1", "t-2"]
        assert [e.id for e in uow.events.by_lead("l-1")] == ["e-1"]
        assert [e.id for e in uow.engagement_events.by_lead("l-1")] == ["ev-1", "ev-2"]
        members = {m.campaign_id: m.id for m in uow.campaign_members.by_lead("l-1")}
        assert members == {"c-1": "m-1", "c-2": "m-3", "c-3": "m-5"}
        assert "m-2" not in uow.campaign_members
        assert "m-4" not in uow.campaign_members
        for loser in ("l-2", "l-3"):
            kept = uow.leads.get(loser)
            assert kept.is_merged
            assert kept.master_record_id == "l-1"
            assert not uow.tasks.by_lead(loser)
    assert [m.id for m in result.members_dropped] == ["m-2", "m-4"]
    assert result.moved["tasks"] == ("t-1",)
    assert set(result.moved["campaign_members"]) == {"m-3", "m-5"}
    assert any("m-2" in note for note in result.notes)


def _converted(lead_id: str) -> Lead:
    conversion = LeadConversion(
        converted_at=T0, status="Closed - Converted", account_id="a-1", contact_id="c-1"
    )
    return make_lead(lead_id, status="Closed - Converted", conversion=conversion)


@pytest.mark.parametrize(("master", "duplicates", "where"), [
    ("l-1", ["l-2", "l-x"], "duplicate_ids[1]"),
    ("l-x", ["l-1"], "master_id"),
])  # fmt: skip
def test_converted_leads_cannot_be_merged(
    uow_factory: UnitOfWorkFactory, seed: Seed, master: str, duplicates: list[str], where: str
) -> None:
    seed(make_lead("l-1"), make_lead("l-2"), _converted("l-x"),
         Task(id="t-1", subject="Call", lead_id="l-2", created_at=T0))  # fmt: skip
    before = snapshot(uow_factory)
    with pytest.raises(ConvertedLeadMergeError) as raised:
        merge_leads(master, duplicates, uow_factory())
    assert raised.value.code == "converted_lead"
    assert format_path(raised.value.path) == where
    assert "l-x" in str(raised.value)
    assert snapshot(uow_factory) == before


def test_records_already_merged_are_refused(uow_factory: UnitOfWorkFactory, seed: Seed) -> None:
    seed(make_lead("l-1"), make_lead("l-2"), make_lead("l-3"))
    merge_leads("l-1", ["l-2"], uow_factory())
    with pytest.raises(AlreadyMergedError) as raised:
        merge_leads("l-3", ["l-2"], uow_factory())
    assert raised.value.code == "already_merged"
    assert "'l-1'" in str(raised.value)  # points at the master to use
    with pytest.raises(AlreadyMergedError):
        merge_leads("l-2", ["l-3"], uow_factory())


@pytest.mark.parametrize(("master", "duplicates", "error", "where"), [
    ("l-1", [], ValidationError, "duplicate_ids"),
    ("l-1", "l-2", ValidationError, "duplicate_ids"),
    ("l-1", ["l-2", "l-1"], ValidationError, "duplicate_ids[1]"),
    ("l-1", ["l-2", "l-2"], ValidationError, "duplicate_ids[1]"),
    ("l-1", ["l-2", 3], ValidationError, "duplicate_ids[1]"),
    ("", ["l-2"], ValidationError, "master_id"),
    ("l-9", ["l-2"], NotFoundError, "master_id"),
    ("l-1", ["l-2", "l-8", "l-9"], NotFoundError, "duplicate_ids[1]"),
])  # fmt: skip
def test_bad_ids_are_named(
    uow_factory: UnitOfWorkFactory,
    seed: Seed,
    master: str,
    duplicates: list[str],
    error: type[LeadkitError],
    where: str,
) -> None:
    seed(make_lead("l-1"), make_lead("l-2"))
    before = snapshot(uow_factory)
    with pytest.raises(error) as raised:
        merge_leads(master, duplicates, uow_factory())
    assert format_path(raised.value.path) == where
    assert snapshot(uow_factory) == before


def test_unknown_ids_are_all_named(uow_factory: UnitOfWorkFactory, seed: Seed) -> None:
    seed(make_lead("l-1"))
    with pytest.raises(NotFoundError, match="'l-8', 'l-9'"):
        merge_leads("l-1", ["l-8", "l-9"], uow_factory())


def test_contacts_merge_their_activities_and_memberships(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(
        Account(id="a-1", name="ABC", created_at=T0),
        Account(id="a-2", name="ABC Japan", created_at=T0),
        Contact(id="c-1", account_id="a-1", name=PersonName("Smith"), created_at=T0),
        Contact(id="c-2", account_id="a-2", name=PersonName("Smith", "John"),
                email="john@abc.com", created_at=T0),
        Task(id="t-1", subject="Call", contact_id="c-2", account_id="a-2", created_at=T0),
        EngagementEvent(id="ev-1", kind="email_open", occurred_at=T0, contact_id="c-2"),
        CampaignMember(id="m-1", campaign_id="c-9", contact_id="c-2", created_at=T0),
    )  # fmt: skip
    result = merge_contacts("c-1", ["c-2"], uow_factory())
    assert result.master.account_id == "a-1"  # the master keeps its account
    assert result.master.email == "john@abc.com"
    assert result.master.name == PersonName("Smith")  # present on the master: kept
    with uow_factory() as uow:
        task = uow.tasks.get("t-1")
        assert (task.contact_id, task.account_id) == ("c-1", "a-2")
        assert uow.engagement_events.get("ev-1").contact_id == "c-1"
        assert uow.campaign_members.get("m-1").contact_id == "c-1"
        assert uow.contacts.get("c-2").master_record_id == "c-1"


def test_accounts_merge_contacts_opportunities_activities_and_children(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(
        Account(id="a-2", name="ABC Holdings", created_at=T0),
        Account(id="a-1", name="ABC", parent_id="a-2", created_at=T0),  # under a duplicate
        Account(id="a-3", name="ABC Osaka", parent_id="a-2", employees=900, created_at=T0),
        Account(id="a-4", name="ABC Nagoya branch", parent_id="a-3", created_at=T0),
        Account(id="a-5", name="Other", created_at=T0),
        Contact(id="c-1", account_id="a-3", name=PersonName("Sato"), created_at=T0),
        Opportunity(id="o-1", name="Deal", account_id="a-2", close_date=date(2026, 6, 30),
                    created_at=T0),
        Task(id="t-1", subject="Call", account_id="a-3", created_at=T0),
        Event(id="e-1", subject="Visit", start=T0, end=T0 + HOUR, account_id="a-2",
              created_at=T0),
    )  # fmt: skip
    rules = Survivorship(Account, fields={"employees": MAXIMUM})
    result = merge_accounts("a-1", ["a-2", "a-3"], uow_factory(), survivorship=rules)
    assert result.master.parent_id is None  # its parent was merged into it
    assert result.master.employees == 900
    with uow_factory() as uow:
        assert uow.contacts.get("c-1").account_id == "a-1"
        assert uow.opportunities.get("o-1").account_id == "a-1"
        assert uow.tasks.get("t-1").account_id == "a-1"
        assert uow.events.get("e-1").account_id == "a-1"
        assert uow.accounts.get("a-4").parent_id == "a-1"
        assert uow.accounts.get("a-5").parent_id is None
        assert [a.master_record_id for a in uow.accounts.get_many(["a-2", "a-3"])] == ["a-1"] * 2
    assert result.moved["accounts"] == ("a-4",)
    assert any("no parent" in note for note in result.notes)


def test_survivorship_is_checked_when_built() -> None:
    with pytest.raises(ValidationError, match="lead has no field 'fax'") as raised:
        Survivorship(Lead, fields={"fax": LONGEST})
    assert format_path(raised.value.path) == "Survivorship.fields.fax"
    with pytest.raises(ValidationError, match="master's"):
        Survivorship(Lead, fields={"created_at": MOST_RECENT})
    with pytest.raises(ValidationError, match="text field"):
        Survivorship(Lead, fields={"employees": CONCATENATE})
    with pytest.raises(ValidationError, match="maximum"):
        Survivorship(Lead, fields={"name": MAXIMUM})
    with pytest.raises(ValidationError, match="not a date"):
        Survivorship(Lead, fields={"phone": MostRecent(by="company")})
    with pytest.raises(ValidationError, match="survivorship rule"):
        Survivorship(Lead, fields={"phone": "latest"})
    with pytest.raises(ValidationError, match="Lead, Contact or Account"):
        Survivorship(Task)
    with pytest.raises(ValidationError, match="account has no field 'company'"):
        Survivorship(Account, fields={"company": LONGEST})


def test_a_survivorship_for_another_kind_is_refused(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(make_lead("l-1"), make_lead("l-2"))
    with pytest.raises(ValidationError, match="Survivorship\\(Lead") as raised:
        merge_leads("l-1", ["l-2"], uow_factory(), survivorship=Survivorship(Contact))
    assert format_path(raised.value.path) == "survivorship.record_type"


def test_values_a_rule_cannot_compare_refuse_the_merge(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(
        make_lead("l-1", annual_revenue=Money(100, "JPY"), custom={"since": "2020"}),
        make_lead("l-2", annual_revenue=Money(5, "USD"), custom={"since": 2019}),
    )
    before = snapshot(uow_factory)
    money = Survivorship(Lead, fields={"annual_revenue": MAXIMUM})
    with pytest.raises(ValidationError) as raised:
        merge_leads("l-1", ["l-2"], uow_factory(), survivorship=money)
    assert format_path(raised.value.path) == "annual_revenue"
    custom = Survivorship(Lead, fields={"custom.since": LONGEST})
    with pytest.raises(ValidationError, match="expected text"):
        merge_leads("l-1", ["l-2"], uow_factory(), survivorship=custom)
    assert snapshot(uow_factory) == before


def test_most_recent_by_a_custom_timestamp(uow_factory: UnitOfWorkFactory, seed: Seed) -> None:
    seed(
        make_lead("l-1", title="Engineer", custom={"updated_at": date(2026, 1, 1)},
                  created_at=T0 + HOUR),
        make_lead("l-2", title="Manager", custom={"updated_at": date(2026, 3, 1)}),
        make_lead("l-3", title="Director"),  # no timestamp: ranks last
    )  # fmt: skip
    rules = Survivorship(Lead, fields={"title": MostRecent(by="custom.updated_at")})
    result = merge_leads("l-1", ["l-2", "l-3"], uow_factory(), survivorship=rules)
    assert result.master.title == "Manager"
