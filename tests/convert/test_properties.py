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
    DEFAULT_OPPORTUNITY_STAGES,
    Account,
    Address,
    CampaignMember,
    Contact,
    Event,
    Lead,
    Money,
    Opportunity,
    OwnerRef,
    Task,
    TaskStatus,
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
    users = [None, OwnerRef.user("u-new"), OwnerRef.user("u-other"), lead.owner]
    tasks = [
        Task(
            id=f"t-{n}", subject="Call", lead_id="l-1", created_at=T0,
            owner=draw(st.sampled_from(users)),
            status=TaskStatus.COMPLETED if done else TaskStatus.OPEN,
            completed_at=T0 if done else None,
        )
        for n, done in enumerate(draw(st.lists(st.booleans(), max_size=2)))
    ]  # fmt: skip
    events = [
        Event(
            id=f"e-{n}", subject="Visit", lead_id="l-1", created_at=T0,
            start=start, end=start + timedelta(hours=1), owner=draw(st.sampled_from(users)),
        )
        for n, start in enumerate(
            draw(st.lists(st.sampled_from([AS_OF - timedelta(days=3), AS_OF + timedelta(days=3)]),
                          max_size=2))
        )
    ]  # fmt: skip

    kwargs: dict[str, Any] = {}
    if flaw == "missing account":
        kwargs["account"] = "a-missing"
    elif flaw == "merged account" and len(live) < len(accounts):
        kwargs["account"] = accounts[1].id
    else:
        kwargs["account"] = draw(st.sampled_from(["new", "match", *live]))
    chosen = None if kwargs["account"] in ("new", "match") else kwargs["account"]
    mine = [c.id for c in contacts if c.account_id == chosen]
    theirs = [c.id for c in contacts if c.account_id != chosen]
    if chosen and flaw == "foreign contact" and theirs:
        kwargs["contact"] = draw(st.sampled_from(theirs))
    elif draw(st.booleans()) and chosen and mine:
        kwargs["contact"] = draw(st.sampled_from(mine))
    else:
        kwargs["contact"] = draw(st.sampled_from(["new", "match"]))
    if kwargs["contact"] != "new":
        kwargs["overwrite_lead_source"] = draw(st.booleans())
    deals = [o.id for o in opportunities if o.account_id == chosen]
    foreign_deals = [o.id for o in opportunities if o.account_id != chosen]
    option = draw(OPPORTUNITY_OPTIONS)
    if chosen and flaw == "foreign opportunity" and foreign_deals:
        kwargs["opportunity_id"] = draw(st.sampled_from(foreign_deals))
    elif option == "none":
        kwargs["no_opportunity"] = True
    elif option == "named":
        kwargs["opportunity_name"] = "商談"
        kwargs["opportunity_amount"] = Money(draw(st.integers(0, 10**9)), "JPY")
        kwargs["opportunity_close_date"] = AS_OF.date() + timedelta(days=draw(st.integers(0, 400)))
        kwargs["opportunity_stage"] = draw(st.sampled_from(["Prospecting", "Negotiation"]))
    elif option == "existing" and chosen and deals:
        kwargs["opportunity_id"] = draw(st.sampled_from(deals))
    queue_owned = lead.owner is not None and lead.owner.is_queue
    if flaw != "queue owner" and (queue_owned or draw(st.booleans())):
        kwargs["owner"] = OwnerRef.user("u-new")
    if draw(st.booleans()):
        kwargs["converted_by"] = draw(st.sampled_from(users[1:3]))
    status = "Working - Contacted" if flaw == "status" else CONVERTED
    return {
        "records": [lead, *accounts, *contacts, *opportunities, *members, *tasks, *events],
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
        Event: "events",
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
    # Existing records only when asked: "new" always creates, an id is that record, a
    # match is reported (and a failed match creates).
    if request.account == "new":
        assert result.account_created
        assert result.account_match is None
    elif request.account == "match":
        assert result.account_created == (result.account_match is None)
        if result.account_match is not None:
            assert result.account_match.account.id == account.id
    else:
        assert account.id == request.account_id
        assert not result.account_created
    if request.contact == "new":
        assert result.contact_created
        assert result.contact_match is None
    elif request.contact == "match":
        assert result.contact_created == (result.contact_match is None)
    else:
        assert contact.id == request.contact_id
        assert not result.contact_created
    if result.opportunity_created:
        opportunity = result.opportunity
        assert opportunity is not None
        assert opportunity.amount == request.opportunity_amount
        if request.opportunity_close_date is not None:
            assert opportunity.close_date == request.opportunity_close_date
        # A stage is stored by its API name ("Negotiation" is a label of "Negotiation/Review").
        stage = DEFAULT_OPPORTUNITY_STAGES.resolve(request.opportunity_stage or "Prospecting")
        assert opportunity.stage == stage
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
    for activity in [*after["tasks"], *after["events"]]:
        assert (
            activity.lead_id,
            activity.contact_id,
            activity.account_id,
            activity.opportunity_id,
        ) == (None, contact.id, account.id, conversion.opportunity_id)
    # Open activities follow a new owner; completed history keeps its owner.
    lead_before = old["leads"]["l-1"]
    new_owner = request.owner if request.owner not in (None, lead_before.owner) else None
    for name in ("tasks", "events"):
        for id, previous in old[name].items():
            now = by_id[name][id]
            if new_owner is None:
                expected = previous.owner
            elif request.converted_by is None:
                expected = new_owner if previous.is_open(as_of=AS_OF) else previous.owner
            else:
                mine = previous.owner == request.converted_by
                moves = mine and (name == "events" or previous.is_open(as_of=AS_OF))
                expected = new_owner if moves else previous.owner
            assert now.owner == expected, (name, previous, now)
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
