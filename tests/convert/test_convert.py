"""The documented semantics of convert_lead, one behaviour per test, on both adapters."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest

from leadkit.convert import (
    AlreadyConvertedError,
    ConflictingOpportunityOptionsError,
    ContactNotInAccountError,
    ConversionRequest,
    ConversionResult,
    ConversionSettings,
    FieldMapping,
    InvalidConvertedStatusError,
    MergedRecordError,
    OpportunityNotInAccountError,
    OwnerRequiredError,
    convert_lead,
)
from leadkit.errors import NotFoundError, ValidationError, format_path
from leadkit.model import (
    Account,
    Address,
    CampaignMember,
    Contact,
    CustomFields,
    EngagementEvent,
    Event,
    Lead,
    LeadConversion,
    LeadStatus,
    Money,
    Opportunity,
    OwnerRef,
    PersonName,
    StatusCatalogue,
    Task,
    TaskStatus,
    use_catalogues,
)
from leadkit.repository import (
    LeadReadOnlyError,
    UnitOfWork,
    UnitOfWorkFactory,
    UnitOfWorkStateError,
)
from leadkit.stages import Stage, StageHistory, qualify, transition
from leadkit.testing.contract import snapshot
from tests.convert.conftest import AS_OF, CONVERTED, T0, Seed, make_lead

SATO = OwnerRef.user("u-sato")
TANAKA = OwnerRef.user("u-tanaka")
INBOUND = OwnerRef.queue("q-inbound")


def _full_lead(**changes: Any) -> Lead:
    return make_lead(
        id="l-1",
        title="情報システム部長",
        department="情報システム部",
        email="Taro.Yamada@Sample.co.jp",
        phone="03-1234-5678",
        mobile="090-1234-5678",
        website="https://www.sample.co.jp",
        industry="製造業",
        employees=1200,
        annual_revenue=Money(4_500_000_000, "JPY"),
        address=Address(country="JP", state="東京都", city="千代田区", postal_code="100-0001"),
        lead_source="Trade Show",
        owner=SATO,
        email_opt_out=True,
        description="展示会で名刺交換",
        custom={"budget": 5_000_000, "product_interest": "CRM", "internal_note": "x"},
        **changes,
    )


def _convert(
    uow_factory: UnitOfWorkFactory,
    request: ConversionRequest,
    *,
    settings: ConversionSettings | None = None,
) -> ConversionResult:
    """Convert, and return a successful result with every record present."""
    result = convert_lead(request, uow_factory(), as_of=AS_OF, settings=settings)
    assert result.success
    return result


def _account(result: ConversionResult) -> Account:
    assert result.account is not None
    return result.account


def _contact(result: ConversionResult) -> Contact:
    assert result.contact is not None
    return result.contact


def _opportunity(result: ConversionResult) -> Opportunity:
    assert result.opportunity is not None
    return result.opportunity


def _lead(result: ConversionResult) -> Lead:
    assert result.lead is not None
    return result.lead


def _conversion(result: ConversionResult) -> LeadConversion:
    conversion = _lead(result).conversion
    assert conversion is not None
    return conversion


# -- a new account, contact and opportunity ------------------------------------------------


def test_a_lead_becomes_a_new_account_contact_and_opportunity(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    lead = _full_lead()
    seed(lead)
    result = convert_lead(ConversionRequest("l-1", CONVERTED), uow_factory(), as_of=AS_OF)

    assert result.success
    assert (result.account_created, result.contact_created, result.opportunity_created) == (
        True,
        True,
        True,
    )
    account, contact, opportunity = _account(result), _contact(result), _opportunity(result)
    assert account.name == "株式会社サンプル"
    assert account.website == "https://www.sample.co.jp"
    assert account.phone == "03-1234-5678"
    assert account.industry == "製造業"
    assert account.employees == 1200
    assert account.annual_revenue == Money(4_500_000_000, "JPY")
    assert account.billing_address == lead.address
    assert account.account_source == "Trade Show"
    assert account.owner == SATO
    assert account.created_at == AS_OF

    assert contact.account_id == account.id
    assert contact.name == PersonName("山田", "太郎")
    assert (contact.title, contact.department) == ("情報システム部長", "情報システム部")
    assert contact.email == "Taro.Yamada@Sample.co.jp"
    assert (contact.phone, contact.mobile) == ("03-1234-5678", "090-1234-5678")
    assert contact.mailing_address.city == "千代田区"
    assert contact.lead_source == "Trade Show"
    assert contact.email_opt_out is True
    assert contact.description == "展示会で名刺交換"
    assert contact.owner == SATO

    assert opportunity.name == "株式会社サンプル"
    assert opportunity.account_id == account.id
    assert opportunity.close_date == date(2026, 6, 30)
    assert opportunity.stage == "Prospecting"
    assert opportunity.lead_source == "Trade Show"
    assert opportunity.owner == SATO

    with uow_factory() as uow:
        assert uow.accounts.get(account.id) == account
        assert uow.contacts.get(contact.id) == contact
        assert uow.opportunities.get(opportunity.id) == opportunity


def test_unmapped_custom_fields_are_dropped_and_mapped_ones_carried(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(_full_lead())
    mapping = FieldMapping(
        account={"budget": "annual_budget"},
        contact={"product_interest": "interest"},
        opportunity={"budget": "budget", "product_interest": "product"},
    )
    result = _convert(
        uow_factory,
        ConversionRequest("l-1", CONVERTED),
        settings=ConversionSettings(field_mapping=mapping),
    )
    assert dict(_account(result).custom) == {"annual_budget": 5_000_000}
    assert dict(_contact(result).custom) == {"interest": "CRM"}
    assert dict(_opportunity(result).custom) == {"budget": 5_000_000, "product": "CRM"}


def test_without_a_mapping_no_custom_field_is_carried(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(_full_lead())
    result = _convert(uow_factory, ConversionRequest("l-1", CONVERTED))
    assert len(_account(result).custom) == 0
    assert len(_contact(result).custom) == 0
    assert len(_opportunity(result).custom) == 0


# -- merging into existing records ---------------------------------------------------------


def test_an_existing_account_only_gets_its_empty_fields_filled(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    existing = Account(
        id="a-1",
        name="サンプル",
        phone="06-0000-0000",
        industry=None,
        billing_address=Address(country="JP", state="大阪府"),
        owner=TANAKA,
        custom=CustomFields({"annual_budget": 1}),
        created_at=T0,
    )
    seed(_full_lead(), existing)
    settings = ConversionSettings(field_mapping=FieldMapping(account={"budget": "annual_budget"}))
    result = _convert(
        uow_factory, ConversionRequest("l-1", CONVERTED, account="a-1"), settings=settings
    )
    account = _account(result)
    assert not result.account_created
    assert account.name == "サンプル"  # never renamed
    assert account.phone == "06-0000-0000"  # non-empty: kept
    assert account.billing_address == Address(country="JP", state="大阪府")  # kept whole
    assert account.owner == TANAKA  # an existing account keeps its owner
    assert account.custom["annual_budget"] == 1
    assert account.industry == "製造業"  # empty: filled
    assert account.website == "https://www.sample.co.jp"
    assert account.employees == 1200
    assert account.version == existing.version + 1
    assert any("filled empty account fields" in n for n in result.notes)


def test_an_existing_account_with_nothing_to_fill_is_not_rewritten(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    existing = Account(id="a-1", name="Sample", created_at=T0)
    seed(make_lead(id="l-1"), existing)
    result = _convert(uow_factory, ConversionRequest("l-1", CONVERTED, account="a-1"))
    assert result.account == existing


def test_an_existing_contact_must_belong_to_the_account(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(
        _full_lead(),
        Account(id="a-1", name="Sample", created_at=T0),
        Account(id="a-2", name="Other", created_at=T0),
        Contact(id="c-2", account_id="a-2", name=PersonName("Smith"), created_at=T0),
    )
    before = snapshot(uow_factory)
    with pytest.raises(ContactNotInAccountError) as raised:
        _convert(uow_factory, ConversionRequest("l-1", CONVERTED, account="a-1", contact="c-2"))
    assert raised.value.code == "contact_not_in_account"
    assert "a-2" in str(raised.value)
    assert snapshot(uow_factory) == before


def test_an_existing_contact_keeps_its_values_and_lead_source_unless_asked(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    contact = Contact(
        id="c-1",
        account_id="a-1",
        name=PersonName("Yamada", "Taro"),
        title="課長",
        lead_source="Web",
        created_at=T0,
    )
    seed(_full_lead(), Account(id="a-1", name="Sample", created_at=T0), contact)
    request = ConversionRequest("l-1", CONVERTED, account="a-1", contact="c-1")
    result = _convert(uow_factory, request)
    stored = _contact(result)
    assert stored.name == PersonName("Yamada", "Taro")
    assert stored.title == "課長"
    assert stored.lead_source == "Web"
    assert stored.department == "情報システム部"  # was empty
    assert stored.email_opt_out is False  # flags are never empty: not changed


def test_overwrite_lead_source_replaces_it_on_the_existing_contact(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    contact = Contact(
        id="c-1", account_id="a-1", name=PersonName("Y"), lead_source="Web", created_at=T0
    )
    seed(_full_lead(), Account(id="a-1", name="Sample", created_at=T0), contact)
    request = ConversionRequest(
        "l-1", CONVERTED, account="a-1", contact="c-1", overwrite_lead_source=True
    )
    result = _convert(uow_factory, request)
    assert _contact(result).lead_source == "Trade Show"
    assert _contact(result).title == "情報システム部長"


def test_a_contact_with_the_same_email_in_the_account_is_reused(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    same = Contact(
        id="c-1", account_id="a-1", name=PersonName("Y"), email="taro.yamada@sample.co.jp",
        created_at=T0,
    )  # fmt: skip
    elsewhere = Contact(
        id="c-9", account_id="a-9", name=PersonName("Y"), email="taro.yamada@sample.co.jp",
        created_at=T0 - timedelta(days=9),
    )  # fmt: skip
    seed(_full_lead(), Account(id="a-1", name="Sample", created_at=T0), same, elsewhere)
    result = _convert(
        uow_factory, ConversionRequest("l-1", CONVERTED, account="a-1", contact="match")
    )
    assert result.contact_id == "c-1"
    assert not result.contact_created
    assert result.contact_match is not None
    assert result.contact_match.contact.id == "c-1"
    assert "same email" in result.contact_match.reason


def test_without_match_a_new_contact_is_created_in_the_existing_account(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    """Salesforce convertLead(): with an accountId and no contactId, a new contact is
    created in that account; an existing contact is used only when named."""
    same = Contact(
        id="c-1", account_id="a-1", name=PersonName("Y"), email="taro.yamada@sample.co.jp",
        lead_source="Web", created_at=T0,
    )  # fmt: skip
    seed(_full_lead(), Account(id="a-1", name="Sample", created_at=T0), same)
    result = _convert(uow_factory, ConversionRequest("l-1", CONVERTED, account="a-1"))
    assert result.contact_created
    assert result.contact_match is None
    assert _contact(result).account_id == "a-1"
    with uow_factory() as uow:
        assert attrs.evolve(uow.contacts.get("c-1"), version=0) == same


def test_a_match_that_finds_no_contact_creates_one(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(_full_lead(), Account(id="a-1", name="Sample", created_at=T0))
    request = ConversionRequest(
        "l-1", CONVERTED, account="a-1", contact="match", overwrite_lead_source=True
    )
    result = _convert(uow_factory, request)
    assert result.contact_created
    assert _contact(result).lead_source == "Trade Show"
    assert "no existing contact matched" in result.notes


def test_a_new_account_always_gets_a_new_contact(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    elsewhere = Contact(
        id="c-9", account_id="a-9", name=PersonName("Y"), email="taro.yamada@sample.co.jp",
        created_at=T0,
    )  # fmt: skip
    seed(_full_lead(company="Brand New KK"), elsewhere)
    result = _convert(uow_factory, ConversionRequest("l-1", CONVERTED, account="match"))
    assert result.account_created
    assert result.contact_created


def test_without_match_a_new_account_is_created_even_if_one_matches(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    """Salesforce convertLead(): "If no accountId is specified, a new account is
    created"; the UI offers matches but never picks one silently."""
    existing = Account(id="a-1", name="ABC Co., Ltd.", website="abc.co.jp", created_at=T0)
    seed(make_lead(id="l-1", company="ABC株式会社", email="taro@abc.co.jp"), existing)
    result = _convert(uow_factory, ConversionRequest("l-1", CONVERTED))
    assert result.account_created
    assert result.account_match is None
    assert result.account_id != "a-1"
    with uow_factory() as uow:
        assert attrs.evolve(uow.accounts.get("a-1"), version=0) == existing


# -- finding the account -------------------------------------------------------------------


def test_the_matcher_finds_an_account_by_company_key(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(
        make_lead(id="l-1", company="ＡＢＣ（株）", email="taro@gmail.com"),
        Account(id="a-1", name="ABC Co., Ltd.", website="https://abc.co.jp", created_at=T0),
    )
    result = _convert(uow_factory, ConversionRequest("l-1", CONVERTED, account="match"))
    assert result.account_id == "a-1"
    assert result.account_match is not None
    assert result.account_match.account.id == "a-1"
    assert result.account_match.reason == "same company name as 'ＡＢＣ（株）'"


def test_the_email_domain_picks_among_accounts_of_the_same_name(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(
        make_lead(id="l-1", company="ABC株式会社", email="taro@abc-japan.co.jp"),
        Account(id="a-old", name="ABC", created_at=T0 - timedelta(days=30)),
        Account(id="a-jp", name="株式会社ABC", website="www.abc-japan.co.jp", created_at=T0),
    )
    result = _convert(uow_factory, ConversionRequest("l-1", CONVERTED, account="match"))
    assert result.account_id == "a-jp"
    assert result.account_match is not None
    assert "website on abc-japan.co.jp" in result.account_match.reason


def test_an_account_on_another_domain_is_not_the_same_company(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(
        make_lead(id="l-1", company="ABC Inc.", email="john@abc.com"),
        Account(id="a-jp", name="ABC株式会社", website="https://abc.co.jp", created_at=T0),
    )
    result = _convert(uow_factory, ConversionRequest("l-1", CONVERTED, account="match"))
    assert result.account_created


def test_a_unique_account_on_the_email_domain_matches_despite_another_name(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(
        make_lead(id="l-1", company="ソニー", email="taro@sony.co.jp"),
        Account(id="a-1", name="Sony Group Corporation", website="sony.co.jp", created_at=T0),
    )
    result = _convert(uow_factory, ConversionRequest("l-1", CONVERTED, account="match"))
    assert result.account_id == "a-1"


def test_the_oldest_of_equal_candidates_wins_and_merged_accounts_never_match(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(
        make_lead(id="l-1", company="ABC"),
        Account(id="a-merged", name="ABC", master_record_id="a-2", created_at=T0 - timedelta(9)),
        Account(id="a-2", name="ABC", created_at=T0 - timedelta(days=2)),
        Account(id="a-3", name="ABC", created_at=T0 - timedelta(days=1)),
    )
    result = _convert(uow_factory, ConversionRequest("l-1", CONVERTED, account="match"))
    assert result.account_id == "a-2"


def test_without_a_matcher_a_new_account_is_created(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(make_lead(id="l-1", company="ABC"), Account(id="a-1", name="ABC", created_at=T0))
    result = _convert(
        uow_factory,
        ConversionRequest("l-1", CONVERTED, account="match"),
        settings=ConversionSettings(account_matcher=None),
    )
    assert result.account_created


def test_a_custom_matcher_is_used(uow_factory: UnitOfWorkFactory, seed: Seed) -> None:
    seed(make_lead(id="l-1", company="ABC"), Account(id="a-x", name="Unrelated", created_at=T0))
    calls = []

    def always_a_x(lead: Lead, uow: UnitOfWork) -> Account:
        calls.append(lead)
        return uow.accounts.get("a-x")

    result = _convert(
        uow_factory,
        ConversionRequest("l-1", CONVERTED, account="match"),
        settings=ConversionSettings(account_matcher=always_a_x),
    )
    assert result.account_id == "a-x"
    assert len(calls) == 1
    assert result.account_match is not None
    assert result.account_match.reason == "found by always_a_x"


# -- the opportunity -----------------------------------------------------------------------


def test_the_default_opportunity_name_is_the_company_cut_to_80_characters(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(make_lead(id="l-1", company="長" * 100))
    result = _convert(uow_factory, ConversionRequest("l-1", CONVERTED))
    assert _opportunity(result).name == "長" * 80
    assert _account(result).name == "長" * 100


def test_a_named_opportunity(uow_factory: UnitOfWorkFactory, seed: Seed) -> None:
    seed(make_lead(id="l-1"))
    result = _convert(
        uow_factory, ConversionRequest("l-1", CONVERTED, opportunity_name="2026年度 CRM導入")
    )
    assert _opportunity(result).name == "2026年度 CRM導入"


def test_no_opportunity(uow_factory: UnitOfWorkFactory, seed: Seed) -> None:
    seed(make_lead(id="l-1"))
    result = _convert(uow_factory, ConversionRequest("l-1", CONVERTED, no_opportunity=True))
    assert result.opportunity is None
    assert _conversion(result).opportunity_id is None
    with uow_factory() as uow:
        assert len(uow.opportunities) == 0


def test_an_existing_opportunity_of_the_account_is_linked_and_filled(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    deal = Opportunity(
        id="o-1", name="Existing", account_id="a-1", close_date=date(2026, 9, 30),
        amount=Money(1_000_000, "JPY"), created_at=T0,
    )  # fmt: skip
    seed(_full_lead(), Account(id="a-1", name="Sample", created_at=T0), deal)
    result = _convert(
        uow_factory, ConversionRequest("l-1", CONVERTED, account="a-1", opportunity_id="o-1")
    )
    linked = _opportunity(result)
    assert not result.opportunity_created
    assert (linked.name, linked.close_date, linked.amount) == (
        "Existing",
        date(2026, 9, 30),
        Money(1_000_000, "JPY"),
    )
    assert linked.lead_source == "Trade Show"  # was empty
    assert linked.owner == SATO  # was empty


def test_an_opportunity_of_another_account_is_refused(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    deal = Opportunity(
        id="o-1", name="Theirs", account_id="a-2", close_date=date(2026, 9, 30), created_at=T0
    )
    seed(make_lead(id="l-1"), Account(id="a-1", name="Sample", created_at=T0), deal)
    with pytest.raises(OpportunityNotInAccountError):
        _convert(
            uow_factory, ConversionRequest("l-1", CONVERTED, account="a-1", opportunity_id="o-1")
        )


@pytest.mark.parametrize(
    ("start_month", "as_of", "close"),
    [
        (1, datetime(2026, 5, 20, tzinfo=UTC), date(2026, 6, 30)),
        (4, datetime(2026, 5, 20, tzinfo=UTC), date(2026, 6, 30)),
        (4, datetime(2026, 3, 31, tzinfo=UTC), date(2026, 3, 31)),
        (10, datetime(2026, 5, 20, tzinfo=UTC), date(2026, 6, 30)),
        (2, datetime(2026, 5, 20, tzinfo=UTC), date(2026, 7, 31)),
        # 23:30 UTC on 31 March is already 1 April in Tokyo: the next fiscal quarter.
        (4, datetime(2026, 3, 31, 23, 30, tzinfo=UTC).astimezone(timezone(timedelta(hours=9))),
         date(2026, 6, 30)),
    ],
)  # fmt: skip
def test_the_close_date_is_the_end_of_the_fiscal_quarter(
    uow_factory: UnitOfWorkFactory, seed: Seed, start_month: int, as_of: datetime, close: date
) -> None:
    seed(make_lead(id="l-1"))
    result = convert_lead(
        ConversionRequest("l-1", CONVERTED),
        uow_factory(),
        as_of=as_of,
        settings=ConversionSettings(fiscal_year_start_month=start_month),
    )
    assert _opportunity(result).close_date == close


def test_the_opportunity_stage_is_configurable(uow_factory: UnitOfWorkFactory, seed: Seed) -> None:
    seed(make_lead(id="l-1"))
    settings = ConversionSettings(opportunity_stage="Qualification")
    result = _convert(uow_factory, ConversionRequest("l-1", CONVERTED), settings=settings)
    assert _opportunity(result).stage == "Qualification"


# -- owners --------------------------------------------------------------------------------


def test_a_queue_owned_lead_needs_an_owner(uow_factory: UnitOfWorkFactory, seed: Seed) -> None:
    seed(make_lead(id="l-1", owner=INBOUND))
    before = snapshot(uow_factory)
    with pytest.raises(OwnerRequiredError) as raised:
        _convert(uow_factory, ConversionRequest("l-1", CONVERTED))
    assert raised.value.code == "owner_required"
    assert snapshot(uow_factory) == before
    result = _convert(uow_factory, ConversionRequest("l-1", CONVERTED, owner=TANAKA))
    assert _account(result).owner == _contact(result).owner == _opportunity(result).owner == TANAKA


def test_the_request_owner_owns_the_new_records(uow_factory: UnitOfWorkFactory, seed: Seed) -> None:
    seed(make_lead(id="l-1", owner=SATO))
    result = _convert(uow_factory, ConversionRequest("l-1", CONVERTED, owner=TANAKA))
    assert _account(result).owner == TANAKA
    assert _lead(result).owner == SATO


# -- what follows the person ---------------------------------------------------------------


def test_campaign_memberships_move_to_the_contact(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    older = CampaignMember(id="m-1", campaign_id="cmp-expo", lead_id="l-1", created_at=T0)
    newer = CampaignMember(
        id="m-2", campaign_id="cmp-webinar", lead_id="l-1", responded=True,
        status="Responded", first_responded_at=date(2026, 4, 10),
        created_at=T0 + timedelta(days=5),
    )  # fmt: skip
    already = CampaignMember(id="m-3", campaign_id="cmp-expo", contact_id="c-1", created_at=T0)
    contact = Contact(id="c-1", account_id="a-1", name=PersonName("Y"), created_at=T0)
    seed(
        make_lead(id="l-1"),
        Account(id="a-1", name="Sample", created_at=T0),
        contact,
        older,
        newer,
        already,
    )
    result = _convert(
        uow_factory, ConversionRequest("l-1", CONVERTED, account="a-1", contact="c-1")
    )
    with uow_factory() as uow:
        assert uow.campaign_members.by_lead("l-1") == []
        members = uow.campaign_members.by_contact("c-1")
    # The contact's own membership of the expo is kept; the lead's duplicate is dropped.
    assert {m.id for m in members} == {"m-2", "m-3"}
    moved = next(m for m in members if m.id == "m-2")
    assert moved == attrs.evolve(newer, lead_id=None, contact_id="c-1", version=1)
    # The most recent campaign becomes the opportunity's primary campaign source.
    assert _opportunity(result).campaign_id == "cmp-webinar"


def test_activities_attach_to_the_contact_account_and_opportunity(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    call = Task(id="t-1", subject="電話", lead_id="l-1", created_at=T0)
    visit = Event(
        id="e-1",
        subject="訪問",
        start=T0,
        end=T0 + timedelta(hours=1),
        lead_id="l-1",
        created_at=T0,
    )
    unrelated = Task(id="t-2", subject="Other", lead_id="l-2", created_at=T0)
    seed(make_lead(id="l-1"), call, visit, unrelated)
    result = _convert(uow_factory, ConversionRequest("l-1", CONVERTED))
    with uow_factory() as uow:
        task, event = uow.tasks.get("t-1"), uow.events.get("e-1")
        assert uow.tasks.get("t-2") == unrelated
    for activity in (task, event):
        assert activity.lead_id is None
        assert activity.contact_id == result.contact_id
        assert activity.account_id == result.account_id
        assert activity.opportunity_id == result.opportunity_id


def test_engagement_events_follow_the_person_unless_turned_off(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    view = EngagementEvent(id="ev-1", kind="page_view", occurred_at=T0, lead_id="l-1")
    click = EngagementEvent(id="ev-2", kind="email_click", occurred_at=T0, lead_id="l-2")
    seed(make_lead(id="l-1"), make_lead(id="l-2"), view, click)
    first = _convert(uow_factory, ConversionRequest("l-1", CONVERTED))
    _convert(
        uow_factory,
        ConversionRequest("l-2", CONVERTED),
        settings=ConversionSettings(move_engagement_events=False),
    )
    with uow_factory() as uow:
        assert uow.engagement_events.by_contact(_contact(first).id) == [
            attrs.evolve(view, lead_id=None, contact_id=_contact(first).id, version=1)
        ]
        assert uow.engagement_events.get("ev-2") == click


# -- the lead afterwards -------------------------------------------------------------------


def test_the_lead_stays_converted_and_read_only(uow_factory: UnitOfWorkFactory, seed: Seed) -> None:
    lead = make_lead(id="l-1")
    seed(lead)
    result = _convert(uow_factory, ConversionRequest("l-1", CONVERTED))
    with uow_factory() as uow:
        stored = uow.leads.get("l-1")
    assert stored == result.lead
    assert stored.is_converted
    assert stored.status == CONVERTED
    assert stored.version == lead.version + 1
    conversion = stored.conversion
    assert conversion is not None
    assert conversion.converted_at == AS_OF
    assert conversion.status == CONVERTED
    assert (conversion.account_id, conversion.contact_id, conversion.opportunity_id) == (
        result.account_id,
        result.contact_id,
        result.opportunity_id,
    )
    before = snapshot(uow_factory)
    with pytest.raises(AlreadyConvertedError) as raised:
        _convert(uow_factory, ConversionRequest("l-1", CONVERTED))
    assert raised.value.code == "already_converted"
    assert str(conversion.contact_id) in str(raised.value)
    with uow_factory() as uow, pytest.raises(LeadReadOnlyError):
        uow.leads.update(attrs.evolve(stored, title="CEO"))
    assert snapshot(uow_factory) == before


# -- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["Working - Contacted", "No Such Status"])
def test_the_converted_status_must_be_a_converting_status(
    uow_factory: UnitOfWorkFactory, seed: Seed, status: str
) -> None:
    seed(make_lead(id="l-1"))
    with pytest.raises(InvalidConvertedStatusError) as raised:
        _convert(uow_factory, ConversionRequest("l-1", status))
    assert raised.value.code == "invalid_converted_status"
    assert "'Closed - Converted'" in str(raised.value)  # names the valid choice


def test_a_custom_catalogue_in_the_settings(tmp_path: object) -> None:
    from leadkit.repository import InMemoryUnitOfWork

    mine = StatusCatalogue(
        [
            LeadStatus("New", "新規", is_default=True),
            LeadStatus("Won", "受注", is_converted=True, is_closed=True),
        ]
    )
    uow = InMemoryUnitOfWork()
    from leadkit.model import use_catalogues

    with use_catalogues(statuses=mine), uow:
        uow.leads.add(make_lead(id="l-1"))
        uow.commit()
    settings = ConversionSettings(statuses=mine)
    with pytest.raises(InvalidConvertedStatusError):
        convert_lead(ConversionRequest("l-1", CONVERTED), uow, as_of=AS_OF, settings=settings)
    result = convert_lead(ConversionRequest("l-1", "Won"), uow, as_of=AS_OF, settings=settings)
    assert _lead(result).status == "Won"


@pytest.mark.parametrize(
    ("request_kwargs", "path"),
    [
        ({"lead_id": "l-missing"}, "ConversionRequest.lead_id"),
        ({"account": "a-missing"}, "ConversionRequest.account"),
        ({"account": "a-1", "contact": "c-missing"}, "ConversionRequest.contact"),
        ({"account": "a-1", "opportunity_id": "o-missing"}, "ConversionRequest.opportunity_id"),
    ],
)
def test_unknown_ids_are_not_found_errors_naming_the_request_field(
    uow_factory: UnitOfWorkFactory, seed: Seed, request_kwargs: dict[str, str], path: str
) -> None:
    seed(make_lead(id="l-1"), Account(id="a-1", name="A", created_at=T0))
    before = snapshot(uow_factory)
    kwargs = {"lead_id": "l-1", **request_kwargs}
    lead_id = kwargs.pop("lead_id")
    with pytest.raises(NotFoundError) as raised:
        _convert(uow_factory, ConversionRequest(lead_id, CONVERTED, **kwargs))  # type: ignore[arg-type]
    assert format_path(raised.value.path) == path
    assert raised.value.code == "not_found"
    assert snapshot(uow_factory) == before


def test_merged_records_are_refused(uow_factory: UnitOfWorkFactory, seed: Seed) -> None:
    seed(
        make_lead(id="l-loser", master_record_id="l-master"),
        make_lead(id="l-1"),
        Account(id="a-loser", name="A", master_record_id="a-master", created_at=T0),
    )
    with pytest.raises(MergedRecordError, match="l-master"):
        _convert(uow_factory, ConversionRequest("l-loser", CONVERTED))
    with pytest.raises(MergedRecordError, match="a-master"):
        _convert(uow_factory, ConversionRequest("l-1", CONVERTED, account="a-loser"))


def test_as_of_must_be_aware(uow_factory: UnitOfWorkFactory, seed: Seed) -> None:
    seed(make_lead(id="l-1"))
    with pytest.raises(ValidationError, match="as_of"):
        convert_lead(ConversionRequest("l-1", CONVERTED), uow_factory(), as_of=datetime(2026, 5, 1))


def test_the_unit_of_work_must_not_be_active_already(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(make_lead(id="l-1"))
    uow = uow_factory()
    with uow, pytest.raises(UnitOfWorkStateError):
        convert_lead(ConversionRequest("l-1", CONVERTED), uow, as_of=AS_OF)


def test_the_result_explains_itself(uow_factory: UnitOfWorkFactory, seed: Seed) -> None:
    seed(
        make_lead(id="l-1", company="ABC", email="t@abc.co.jp"),
        Account(id="a-1", name="ABC株式会社", created_at=T0),
    )
    request = ConversionRequest("l-1", CONVERTED, account="match", no_opportunity=True)
    result = _convert(uow_factory, request)
    text = result.explain()
    assert text.startswith("lead 'l-1' converted:")
    assert "existing account 'a-1' (ABC株式会社) matched: same company name as 'ABC'" in text
    assert "no opportunity, as requested" in text
    assert "read-only" in text


def test_money_and_decimal_custom_values_survive_storage(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(make_lead(id="l-1", custom={"budget": Decimal("12.50"), "since": date(2025, 1, 1)}))
    settings = ConversionSettings(
        field_mapping=FieldMapping(contact={"budget": "budget", "since": "since"})
    )
    result = _convert(uow_factory, ConversionRequest("l-1", CONVERTED), settings=settings)
    with uow_factory() as uow:
        stored = uow.contacts.get(_contact(result).id)
    assert stored.custom == {"budget": Decimal("12.50"), "since": date(2025, 1, 1)}


# -- status and conversion are one fact ----------------------------------------------------


def test_a_converting_status_cannot_be_set_by_an_edit(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    """Salesforce Lead object: IsConverted, ConvertedDate and the converted ids are set
    by convertLead() only; a converting LeadStatus is applied by the conversion."""
    seed(make_lead(id="l-1"))
    with uow_factory() as uow:
        lead = uow.leads.get("l-1")
        with pytest.raises(ValidationError) as raised:
            attrs.evolve(lead, status=CONVERTED)
        assert format_path(raised.value.path) == "Lead.status"
        assert "convert_lead" in str(raised.value)
    with pytest.raises(ValidationError):
        make_lead(id="l-2", status=CONVERTED)
    # The lead is still open and can be converted the proper way.
    assert _lead(_convert(uow_factory, ConversionRequest("l-1", CONVERTED))).is_converted


def test_a_repository_update_cannot_set_a_converting_status(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    """A lead built under another catalogue (where "Won" does not convert) is refused by
    the repository where "Won" does convert."""
    won = StatusCatalogue(
        [
            LeadStatus("Open", "Open", is_default=True),
            LeadStatus("Won", "Won", is_converted=True, is_closed=True),
        ]
    )
    loose = StatusCatalogue(
        [
            LeadStatus("Open", "Open", is_default=True),
            LeadStatus("Won", "Won"),
            LeadStatus("Done", "Done", is_converted=True, is_closed=True),
        ]
    )
    with use_catalogues(statuses=won):
        seed(make_lead(id="l-1", status="Open"))
    with use_catalogues(statuses=loose):
        edited = attrs.evolve(make_lead(id="l-1", status="Open"), status="Won")
    with use_catalogues(statuses=won), uow_factory() as uow:
        with pytest.raises(ValidationError) as raised:
            uow.leads.update(attrs.evolve(edited, version=uow.leads.get("l-1").version))
        assert raised.value.code == "converting_status"
        assert not uow.leads.get("l-1").is_converted


def test_a_converted_lead_keeps_its_converting_status(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(make_lead(id="l-1"))
    lead = _lead(_convert(uow_factory, ConversionRequest("l-1", CONVERTED)))
    with pytest.raises(ValidationError):
        attrs.evolve(lead, status="Working - Contacted")


# -- open activities and the new owner -----------------------------------------------------


def _activities_of_the_lead() -> list[Task | Event]:
    later, earlier = AS_OF + timedelta(days=2), AS_OF - timedelta(days=2)
    return [
        Task(id="t-open-sato", subject="電話", lead_id="l-1", owner=SATO, created_at=T0),
        Task(id="t-open-other", subject="資料", lead_id="l-1", owner=INBOUND, created_at=T0),
        Task(
            id="t-done", subject="初回", lead_id="l-1", owner=SATO, created_at=T0,
            status=TaskStatus.COMPLETED, completed_at=T0,
        ),
        Event(id="e-next", subject="訪問", start=later, end=later + timedelta(hours=1),
              lead_id="l-1", owner=SATO, created_at=T0),
        Event(id="e-past", subject="展示会", start=earlier, end=earlier + timedelta(hours=1),
              lead_id="l-1", owner=SATO, created_at=T0),
    ]  # fmt: skip


def _owners_after(uow_factory: UnitOfWorkFactory) -> dict[str, OwnerRef | None]:
    with uow_factory() as uow:
        activities: list[Task | Event] = [*uow.tasks.all(), *uow.events.all()]
    return {a.id: a.owner for a in activities}


def test_open_activities_move_to_a_new_owner_and_history_keeps_its_owner(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    """Salesforce Help, "Activity history on a Lead when it is converted": when a new
    owner is assigned, open activities go to the new owner; activity history keeps its
    assigned user. leadkit without converted_by moves every open task and future event."""
    seed(make_lead(id="l-1", owner=SATO), *_activities_of_the_lead())
    result = _convert(uow_factory, ConversionRequest("l-1", CONVERTED, owner=TANAKA))
    assert _owners_after(uow_factory) == {
        "t-open-sato": TANAKA,
        "t-open-other": TANAKA,
        "t-done": SATO,
        "e-next": TANAKA,
        "e-past": SATO,
    }
    assert any("3 open activities moved to the new owner 'u-tanaka'" in n for n in result.notes)


def test_with_converted_by_only_that_users_open_tasks_and_events_move(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    """Salesforce Help, same article: open tasks assigned to the user converting the
    lead go to the new owner, tasks of other users do not; events of the converting
    user go to the new owner whether open or in the history."""
    seed(make_lead(id="l-1", owner=SATO), *_activities_of_the_lead())
    request = ConversionRequest("l-1", CONVERTED, owner=TANAKA, converted_by=SATO)
    _convert(uow_factory, request)
    assert _owners_after(uow_factory) == {
        "t-open-sato": TANAKA,
        "t-open-other": INBOUND,
        "t-done": SATO,
        "e-next": TANAKA,
        "e-past": TANAKA,
    }


def test_activities_keep_their_owners_when_the_owner_does_not_change(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(make_lead(id="l-1", owner=SATO), *_activities_of_the_lead())
    _convert(uow_factory, ConversionRequest("l-1", CONVERTED, owner=SATO))
    assert _owners_after(uow_factory) == {a.id: a.owner for a in _activities_of_the_lead()}


def test_converted_by_must_be_a_user() -> None:
    with pytest.raises(ValidationError) as raised:
        ConversionRequest("l-1", CONVERTED, converted_by=INBOUND)
    assert format_path(raised.value.path) == "ConversionRequest.converted_by"


# -- qualification reaches the opportunity -------------------------------------------------


def _qualified(lead_id: str, **options: Any) -> StageHistory:
    history = transition(StageHistory(lead_id), Stage.SGL, at=T0, by="u-sato")
    return qualify(
        history,
        at=T0 + timedelta(days=1),
        by="u-sato",
        amount=Money(2_400_000, "JPY"),
        close_date=date(2026, 8, 31),
        **options,
    )


def test_the_qualification_reaches_the_new_opportunity(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    """DESIGN's domain facts: an SQL is a real opportunity with value and close date;
    Salesforce convertLead() creates the opportunity from the qualified lead."""
    seed(make_lead(id="l-1"))
    history = _qualified("l-1", opportunity_name="サンプル 導入", opportunity_stage="Proposal")
    request = ConversionRequest.from_qualification(history, CONVERTED)
    opportunity = _opportunity(_convert(uow_factory, request))
    assert opportunity.amount == Money(2_400_000, "JPY")
    assert opportunity.close_date == date(2026, 8, 31)
    assert (opportunity.name, opportunity.stage) == (
        "サンプル 導入",
        "Proposal/Price Quote",
    )  # the label "Proposal" stands for it
    with uow_factory() as uow:
        assert uow.opportunities.get(opportunity.id) == opportunity


def test_the_request_overrides_the_qualification_and_the_defaults_stay(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    """Salesforce convertLead(): the opportunity is named after the company unless
    opportunityName is given; leadkit's default close date is the fiscal quarter end."""
    seed(make_lead(id="l-1"), make_lead(id="l-2"))
    request = ConversionRequest.from_qualification(
        _qualified("l-1"), CONVERTED, opportunity_amount=Money(3_000_000, "JPY")
    )
    opportunity = _opportunity(_convert(uow_factory, request))
    assert opportunity.amount == Money(3_000_000, "JPY")
    assert opportunity.name == "株式会社サンプル"
    assert opportunity.stage == "Prospecting"
    plain = _opportunity(_convert(uow_factory, ConversionRequest("l-2", CONVERTED)))
    assert (plain.amount, plain.close_date) == (None, date(2026, 6, 30))


def test_a_lead_never_qualified_has_nothing_to_carry() -> None:
    history = transition(StageHistory("l-1"), Stage.SGL, at=T0, by="u-sato")
    with pytest.raises(ValidationError, match="never qualified"):
        ConversionRequest.from_qualification(history, CONVERTED)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"opportunity_amount": 100}, "ConversionRequest.opportunity_amount"),
        ({"opportunity_close_date": AS_OF}, "ConversionRequest.opportunity_close_date"),
        ({"opportunity_stage": " "}, "ConversionRequest.opportunity_stage"),
    ],
)
def test_bad_opportunity_values_name_the_field(kwargs: dict[str, Any], path: str) -> None:
    with pytest.raises(ValidationError) as raised:
        ConversionRequest("l-1", CONVERTED, **kwargs)
    assert format_path(raised.value.path) == path


def test_opportunity_values_do_not_go_with_an_existing_or_no_opportunity() -> None:
    with pytest.raises(ConflictingOpportunityOptionsError):
        ConversionRequest("l-1", CONVERTED, no_opportunity=True, opportunity_stage="Proposal")
    with pytest.raises(ConflictingOpportunityOptionsError):
        ConversionRequest(
            "l-1",
            CONVERTED,
            account="a-1",
            opportunity_id="o-1",
            opportunity_amount=Money(1, "JPY"),
        )


def test_the_opportunity_can_be_closed_won_or_lost(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    """Salesforce Opportunity object: IsClosed and IsWon follow the stage (Closed Won,
    Closed Lost), with the CloseDate and Amount of the deal."""
    seed(make_lead(id="l-1"), make_lead(id="l-2"))
    won = _opportunity(
        _convert(uow_factory, ConversionRequest.from_qualification(_qualified("l-1"), CONVERTED))
    )
    lost = _opportunity(_convert(uow_factory, ConversionRequest("l-2", CONVERTED)))
    with uow_factory() as uow:
        uow.opportunities.update(
            won.closed_won(on=date(2026, 7, 1), amount=Money(2_100_000, "JPY"))
        )
        uow.opportunities.update(lost.closed_lost(on=date(2026, 7, 2)))
        uow.commit()
    with uow_factory() as uow:
        stored_won, stored_lost = uow.opportunities.get(won.id), uow.opportunities.get(lost.id)
    assert (stored_won.is_closed, stored_won.is_won, stored_won.stage) == (True, True, "Closed Won")
    assert stored_won.amount == Money(2_100_000, "JPY")
    assert (stored_won.close_date, stored_won.probability) == (date(2026, 7, 1), 100)
    assert (stored_lost.is_closed, stored_lost.is_won, stored_lost.probability) == (True, False, 0)
    with pytest.raises(ValidationError, match="already closed"):
        stored_won.closed_lost(on=date(2026, 7, 3))
