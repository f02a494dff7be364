"""For random leads, accounts, contacts and requests, a conversion either succeeds with
every invariant holding or fails with the store unchanged."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from leadkit.convert import ConversionRequest, ConversionResult, convert_lead
from leadkit.errors import LeadkitError
from leadkit.model import (
    Account,
    Address,
    CampaignMember,
    Contact,
    Lead,
    Opportunity,
    OwnerRef,
    Task,
)
from leadkit.repository import InMemoryStore, SqliteUnitOfWork, UnitOfWorkFactory
from leadkit.testing import strategies as lks
from leadkit.testing.contract import snapshot
from tests.convert.conftest import AS_OF, CONVERTED, T0

COMPANIES = ["ABC株式会社", "ABC Co., Ltd.", "(株)山田製作所", "XYZ"]
EMAILS = [None, "taro@abc.co.jp", "TARO@ABC.CO.JP", "hana@yamada.jp", "x@gmail.com"]
SITES = [None, "https://www.abc.co.jp", "abc.com", "yamada.jp"]
CAMPAIGNS = ["cmp-1", "cmp-2", "cmp-3"]

# Refusals a random request may meet; anything else is a bug.
EXPECTED_CODES = {
    "already_converted",
    "invalid_converted_status",
    "contact_not_in_account",
    "opportunity_not_in_account",
    "owner_required",
    "merged_record",
    "not_found",
}


# Built once: a strategy made inside a draw is validated again on every draw.
OPEN_LEADS = lks.leads(converted=False)
CONVERTED_LEADS = lks.leads(converted=True)
ACCOUNT_LISTS = st.lists(lks.accounts(), max_size=3)
CONTACT_LISTS = st.lists(lks.contacts(), max_size=3)
OPPORTUNITY_LISTS = st.lists(lks.opportunities(), max_size=2)
ANY_COMPANY = st.sampled_from(COMPANIES)
ANY_EMAIL = st.sampled_from(EMAILS)
ANY_SITE = st.sampled_from(SITES)


FLAWS = [
    "converted",
    "merged lead",
    "status",
    "queue owner",
    "missing account",
    "merged account",
    "foreign contact",
    "foreign opportunity",
]
OPPORTUNITY_OPTIONS = st.sampled_from(["default", "none", "named", "existing"])


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    # Half the scenarios are meant to convert, so that the success path is well explored;
    # the other half carry one flaw that must refuse the conversion and change nothing.
    flaw = draw(st.sampled_from(FLAWS)) if draw(st.booleans()) else None
    lead = draw(CONVERTED_LEADS if flaw == "converted" else OPEN_LEADS)
    owner = lead.owner
    if flaw == "queue owner":
        owner = OwnerRef.queue("q-1")
    lead = attrs.evolve(
        lead,
        id="l-1",
        company=draw(ANY_COMPANY),
        email=draw(ANY_EMAIL),
        owner=owner,
        master_record_id="l-master" if flaw == "merged lead" else None,
    )
    accounts = [
        attrs.evolve(
            account,
            id=f"a-{n}",
            name=draw(ANY_COMPANY),
            website=draw(ANY_SITE),
            # A merged account is never matched nor chosen, unless that is the flaw.
            master_record_id="a-master" if draw(st.booleans()) and n == 1 else None,
            parent_id=None,
        )
        for n, account in enumerate(draw(ACCOUNT_LISTS))
    ]
    live = [a.id for a in accounts if a.master_record_id is None]
    somewhere = [a.id for a in accounts] + ["a-elsewhere"]
    contacts = [
        attrs.evolve(
            contact,
            id=f"c-{n}",
            account_id=draw(st.sampled_from(somewhere)),
            email=draw(ANY_EMAIL),
            master_record_id=None,
        )
        for n, contact in enumerate(draw(CONTACT_LISTS))
    ]
    opportunities = [
        attrs.evolve(opportunity, id=f"o-{n}", account_id=draw(st.sampled_from(somewhere)))
        for n, opportunity in enumerate(draw(OPPORTUNITY_LISTS))
    ]
    people: list[dict[str, Any]] = [{"lead_id": "l-1"}, {"lead_id": "l-other"}] + [
        {"contact_id": c.id} for c in contacts
    ]
    members = [
        CampaignMember(id=f"m-{n}", campaign_id=campaign, created_at=T0 + timedelta(n), **who)
        for n, (campaign, who) in enumerate(
            draw(
                st.lists(st.tuples(st.sampled_from(CAMPAIGNS), st.sampled_from(people)), max_size=4)
            )
        )
    ]
    tasks = [
        Task(id=f"t-{n}", subject="Call", lead_id="l-1", created_at=T0)
        for n in range(draw(st.integers(0, 2)))
    ]

    kwargs: dict[str, Any] = {"overwrite_lead_source": draw(st.booleans())}
    if flaw == "missing account":
        kwargs["account_id"] = "a-missing"
    elif flaw == "merged account" and len(live) < len(accounts):
        kwargs["account_id"] = accounts[1].id
    elif draw(st.booleans()) and live:
        kwargs["account_id"] = draw(st.sampled_from(live))
    chosen = kwargs.get("account_id")
    mine = [c.id for c in contacts if c.account_id == chosen]
    theirs = [c.id for c in contacts if c.account_id != chosen]
    if chosen and flaw == "foreign contact" and theirs:
        kwargs["contact_id"] = draw(st.sampled_from(theirs))
    elif draw(st.booleans()) and chosen and mine:
        kwargs["contact_id"] = draw(st.sampled_from(mine))
    deals = [o.id for o in opportunities if o.account_id == chosen]
    foreign_deals = [o.id for o in opportunities if o.account_id != chosen]
    option = draw(OPPORTUNITY_OPTIONS)
    if chosen and flaw == "foreign opportunity" and foreign_deals:
        kwargs["opportunity_id"] = draw(st.sampled_from(foreign_deals))
    elif option == "none":
        kwargs["no_opportunity"] = True
    elif option == "named":
        kwargs["opportunity_name"] = "商談"
    elif option == "existing" and chosen and deals:
        kwargs["opportunity_id"] = draw(st.sampled_from(deals))
    queue_owned = lead.owner is not None and lead.owner.is_queue
    if flaw != "queue owner" and (queue_owned or draw(st.booleans())):
        kwargs["owner"] = OwnerRef.user("u-new")
    status = "Working - Contacted" if flaw == "status" else CONVERTED
    return {
        "records": [lead, *accounts, *contacts, *opportunities, *members, *tasks],
        "request": ConversionRequest("l-1", status, **kwargs),
    }


@contextmanager
def store(adapter: str) -> Iterator[UnitOfWorkFactory]:
    if adapter == "memory":
        yield InMemoryStore().unit_of_work
        return
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        yield functools.partial(SqliteUnitOfWork, Path(folder) / "crm.db")


def _seed(factory: UnitOfWorkFactory, records: list[Any]) -> None:
    names = {
        Lead: "leads",
        Account: "accounts",
        Contact: "contacts",
        Opportunity: "opportunities",
        CampaignMember: "campaign_members",
        Task: "tasks",
    }
    with factory() as uow:
        for record in records:
            getattr(uow, names[type(record)]).add(record)
        uow.commit()


def _empty(value: object) -> bool:
    return value is None or value == "" or value == Address()


def _unchanged_where_filled(before: Any, after: Any, *, allowed: set[str]) -> None:
    """No non-empty field of ``before`` differs in ``after`` (bar version and ``allowed``)."""
    for field in attrs.fields(type(before)):
        name = field.name
        if name in ("version", *allowed):
            continue
        old, new = getattr(before, name), getattr(after, name)
        if name == "custom":
            assert {k: new.get(k) for k in old} == dict(old), "custom field overwritten"
        elif not _empty(old):
            assert new == old, f"{type(before).__name__}.{name} overwritten"


def _check_invariants(
    request: ConversionRequest,
    result: ConversionResult,
    before: dict[str, list[Any]],
    after: dict[str, list[Any]],
) -> None:
    by_id = {name: {r.id: r for r in records} for name, records in after.items()}
    old = {name: {r.id: r for r in records} for name, records in before.items()}
    lead = by_id["leads"]["l-1"]
    conversion = lead.conversion
    assert conversion is not None
    assert lead.status == conversion.status == request.converted_status
    assert conversion.converted_at == AS_OF
    assert lead == result.lead
    # The lead changed in status, conversion and version only.
    assert attrs.evolve(lead, status=old["leads"]["l-1"].status, conversion=None, version=0) == (
        attrs.evolve(old["leads"]["l-1"], version=0)
    )
    # The three ids resolve, and hang together.
    account = by_id["accounts"][conversion.account_id]
    contact = by_id["contacts"][conversion.contact_id]
    assert contact.account_id == account.id
    assert (account, contact) == (result.account, result.contact)
    if conversion.opportunity_id is None:
        assert request.no_opportunity
    else:
        opportunity = by_id["opportunities"][conversion.opportunity_id]
        assert opportunity.account_id == account.id
        assert opportunity == result.opportunity
    if request.account_id:
        assert account.id == request.account_id
    if request.contact_id:
        assert contact.id == request.contact_id
    # Exactly the records said to be created were created.
    for name, created in (
        ("accounts", result.account_created),
        ("contacts", result.contact_created),
        ("opportunities", result.opportunity_created),
    ):
        assert len(after[name]) == len(before[name]) + created
    # Memberships moved: none left on the lead, and the contact is in every campaign the
    # lead was in.
    members = after["campaign_members"]
    assert not any(m.lead_id == "l-1" for m in members)
    lead_campaigns = {m.campaign_id for m in before["campaign_members"] if m.lead_id == "l-1"}
    contact_campaigns = {m.campaign_id for m in members if m.contact_id == contact.id}
    assert lead_campaigns <= contact_campaigns
    for task in after["tasks"]:
        assert (task.lead_id, task.contact_id, task.account_id, task.opportunity_id) == (
            None,
            contact.id,
            account.id,
            conversion.opportunity_id,
        )
    # Existing records: no non-empty field overwritten, except the contact's lead source
    # when asked; records not part of the conversion not touched at all.
    for name in ("accounts", "contacts", "opportunities"):
        for id, previous in old[name].items():
            now = by_id[name][id]
            if id in (account.id, contact.id, conversion.opportunity_id):
                overwrite = name == "contacts" and request.overwrite_lead_source
                _unchanged_where_filled(
                    previous, now, allowed={"lead_source"} if overwrite else set()
                )
            else:
                assert now == previous


@pytest.mark.parametrize("adapter", ["memory", "sqlite"])
@given(scenario=scenarios())
def test_conversion_succeeds_with_its_invariants_or_changes_nothing(
    adapter: str, scenario: dict[str, Any]
) -> None:
    request = scenario["request"]
    with store(adapter) as factory:
        _seed(factory, scenario["records"])
        before = snapshot(factory)
        refused: LeadkitError | None = None
        try:
            result = convert_lead(request, factory(), as_of=AS_OF)
        except LeadkitError as error:
            refused = error
        if refused is not None:
            event(f"refused: {refused.code}")
            assert refused.code in EXPECTED_CODES, refused
            assert snapshot(factory) == before
            return
        event("converted")
        _check_invariants(request, result, before, snapshot(factory))
