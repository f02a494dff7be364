"""Documented semantics of the model: what is required, what is rejected, and how."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import attrs
import pytest

from leadkit.errors import LeadkitError, ValidationError, format_path
from leadkit.model import (
    Address,
    CampaignMember,
    Contact,
    CustomFields,
    EngagementEvent,
    Event,
    EventKind,
    Lead,
    LeadStatus,
    Money,
    NameOrder,
    Opportunity,
    OwnerRef,
    PersonName,
    StatusCatalogue,
    Task,
    TaskStatus,
    completed_activities,
    is_empty,
    new_id,
    open_activities,
    sequential_ids,
    use_catalogues,
    use_id_factory,
)

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def make_lead(**kw: object) -> Lead:
    base: dict[str, object] = {
        "name": PersonName("山田", "太郎"),
        "company": "ABC",
        "created_at": T0,
    }
    base.update(kw)
    return Lead(**base)  # type: ignore[arg-type]


def test_a_lead_needs_a_family_name_and_a_company() -> None:
    with pytest.raises(ValidationError, match=r"PersonName.family: must not be empty"):
        PersonName("  ")
    with pytest.raises(ValidationError, match=r"Lead.company: must not be empty"):
        make_lead(company="")


def test_new_leads_get_the_default_status_and_unknown_statuses_are_refused() -> None:
    assert make_lead().status == "Open - Not Contacted"
    with pytest.raises(ValidationError, match="'Qualified'.*known statuses"):
        make_lead(status="Qualified")


def test_a_custom_catalogue_changes_the_default_and_the_known_statuses() -> None:
    mine = StatusCatalogue(
        [
            LeadStatus("New", "New", is_default=True),
            LeadStatus("Qualified", "Qualified"),
            LeadStatus("Won", "Won", is_converted=True),
        ]
    )
    with use_catalogues(statuses=mine):
        assert make_lead().status == "New"
        assert make_lead(status="Qualified").status == "Qualified"
    with pytest.raises(ValidationError):
        make_lead(status="Qualified")


@pytest.mark.parametrize(
    "statuses",
    [
        [LeadStatus("A", "A"), LeadStatus("B", "B", is_converted=True)],
        [LeadStatus("A", "A", is_default=True), LeadStatus("B", "B")],
        [LeadStatus("A", "A", is_default=True), LeadStatus("A", "A", is_converted=True)],
    ],
    ids=["no default", "no converted", "duplicate"],
)
def test_a_status_catalogue_must_be_coherent(statuses: list[LeadStatus]) -> None:
    with pytest.raises(ValidationError, match="StatusCatalogue.statuses"):
        StatusCatalogue(statuses)


def test_naive_datetimes_are_refused_with_a_hint() -> None:
    with pytest.raises(ValidationError, match=r"Lead.created_at: naive datetime .* tzinfo"):
        make_lead(created_at=datetime(2026, 4, 1))


@pytest.mark.parametrize("bad", ["taro", "taro@", "@x.jp", "a b@x.jp", "taro@localhost"])
def test_malformed_email_is_refused(bad: str) -> None:
    with pytest.raises(ValidationError, match=r"Lead.email: .* is not an email address"):
        make_lead(email=bad)


def test_empty_strings_mean_missing() -> None:
    lead = make_lead(title="  ", email="", industry="")
    assert (lead.title, lead.email, lead.industry) == (None, None, None)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("employees", -1, r"Lead.employees: must lie in"),
        ("employees", "many", r"Lead.employees: expected int"),
        ("employees", True, r"Lead.employees: expected int"),
        ("annual_revenue", 1000, r"Lead.annual_revenue: expected Money"),
        ("owner", "u-1", r"Lead.owner: expected OwnerRef"),
        ("version", -1, r"Lead.version: must lie in"),
    ],
)
def test_wrong_types_and_ranges_name_the_field(field: str, value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        make_lead(**{field: value})


def test_money_is_exact_and_knows_minor_units() -> None:
    assert Money("1,000", "JPY").amount == Decimal(1000)
    assert Money("12.50", "USD").amount == Decimal("12.50")
    with pytest.raises(ValidationError, match="JPY has 0 decimal place"):
        Money("10.5", "JPY")
    with pytest.raises(ValidationError, match="amount must be a Decimal, int or str, not float"):
        Money(0.1, "USD")
    with pytest.raises(ValidationError, match="ISO 4217"):
        Money(1, "yen")
    with pytest.raises(ValidationError, match="cannot combine JPY with USD"):
        Money(1, "JPY") + Money(1, "USD")
    assert Money("10.00", "USD") == Money("10.00", "USD")


def test_person_names_display_in_their_natural_order() -> None:
    assert PersonName("山田", "太郎").order is NameOrder.EASTERN
    assert PersonName("Smith", "John").order is NameOrder.WESTERN
    assert PersonName("Kim", "Minji", order=NameOrder.EASTERN).display == "Kim Minji"


def test_japanese_postal_codes_are_checked_and_canonical() -> None:
    assert Address(country="JP", postal_code="〒１００－０００１").postal_code == "100-0001"
    with pytest.raises(ValidationError, match=r"Address.postal_code: Japanese postal code"):
        Address(country="JP", postal_code="1000")
    assert Address(country="US", postal_code="94105").postal_code == "94105"


@pytest.mark.parametrize(
    ("value", "empty"),
    [
        (None, True),
        ("", True),
        (" \u3000\t", True),  # full-width space is blank too
        ("x", False),
        (Address(), True),
        (Address(city="横浜市"), False),
        ({}, True),
        (CustomFields(), True),
        ({"a": 1}, False),
        (False, False),  # a yes/no answer of "no" is given, not missing
        (0, False),
        (Money(0, "JPY"), False),
    ],
)
def test_is_empty_means_not_given(value: object, empty: bool) -> None:
    assert is_empty(value) is empty


def test_custom_fields_are_typed_immutable_and_drop_none() -> None:
    lead = make_lead(custom={"budget": 5_000_000, "since": date(2025, 1, 1), "x": None})
    assert dict(lead.custom) == {"budget": 5_000_000, "since": date(2025, 1, 1)}
    assert isinstance(lead.custom, CustomFields)
    with pytest.raises(ValidationError, match=r"custom.tags: custom fields hold"):
        make_lead(custom={"tags": ["a"]})
    with pytest.raises(ValidationError, match="identifiers"):
        make_lead(custom={"my field": 1})
    with pytest.raises(TypeError):
        lead.custom["budget"] = 1  # type: ignore[index]
    assert hash(lead) == hash(attrs.evolve(lead))


def test_entities_are_frozen() -> None:
    lead = make_lead()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        lead.company = "other"  # type: ignore[misc]
    assert attrs.evolve(lead, company="other").company == "other"


def test_ids_come_from_the_injectable_factory() -> None:
    with use_id_factory(sequential_ids()):
        assert make_lead().id == "lead-000001"
        assert make_lead().id == "lead-000002"
        assert new_id("account") == "account-000001"
    assert make_lead().id.startswith("lead_")


def test_opportunity_name_is_at_most_80_characters() -> None:
    with pytest.raises(ValidationError, match=r"Opportunity.name: must be at most 80 characters"):
        Opportunity(name="x" * 81, account_id="a", close_date=date(2026, 6, 30), created_at=T0)
    with pytest.raises(ValidationError, match="won opportunity must be closed"):
        Opportunity(
            name="x", account_id="a", close_date=date(2026, 6, 30), created_at=T0, is_won=True
        )


def test_a_contact_belongs_to_an_account() -> None:
    with pytest.raises(ValidationError, match="Contact.account_id"):
        Contact(account_id="", name=PersonName("Smith"), created_at=T0)


def test_campaign_members_and_engagement_events_belong_to_exactly_one_person() -> None:
    with pytest.raises(ValidationError, match="exactly one of lead_id, contact_id"):
        CampaignMember(campaign_id="c", created_at=T0)
    with pytest.raises(ValidationError, match="exactly one of lead_id, contact_id"):
        EngagementEvent(kind="page_view", occurred_at=T0, lead_id="l", contact_id="c")
    event = EngagementEvent(kind=EventKind.FORM_SUBMIT, occurred_at=T0, contact_id="c")
    assert event.kind == "form_submit"
    assert type(event.kind) is str


def test_open_and_completed_activities_are_easy_to_list() -> None:
    todo = Task(subject="Call back", lead_id="l", created_at=T0)
    done = Task(
        subject="Send deck",
        status=TaskStatus.COMPLETED,
        completed_at=T0,
        contact_id="c",
        created_at=T0,
    )
    past = Event(
        subject="Visit",
        start=T0,
        end=datetime(2026, 4, 1, 10, tzinfo=UTC),
        account_id="a",
        created_at=T0,
    )
    as_of = datetime(2026, 4, 2, tzinfo=UTC)
    assert open_activities([todo, done, past], as_of=as_of) == [todo]
    assert completed_activities([todo, done, past], as_of=as_of) == [done, past]
    with pytest.raises(ValidationError, match="Event.end: ends"):
        Event(subject="x", start=as_of, end=T0, created_at=T0)
    with pytest.raises(ValidationError, match="activity of a lead cannot also relate"):
        Task(subject="x", lead_id="l", account_id="a", created_at=T0)


def test_every_model_error_is_a_leadkit_error() -> None:
    assert issubclass(ValidationError, LeadkitError)
    assert OwnerRef.queue("q").is_queue


def test_an_engagement_event_knows_its_posix_timestamp_and_keeps_it_out_of_equality() -> None:
    jst = datetime(2026, 4, 1, 18, 0, tzinfo=UTC).astimezone()
    event = EngagementEvent(kind="page_view", occurred_at=jst, lead_id="l")
    assert event.timestamp == jst.timestamp()
    moved = attrs.evolve(event, occurred_at=T0)
    assert moved.timestamp == T0.timestamp()
    assert "timestamp" not in repr(event)
    assert attrs.evolve(event) == event


# -- issue 12: every invalid lead is a ValidationError with a path --------------------------


@pytest.mark.parametrize(
    ("left_out", "path"),
    [("company", "Lead.company"), ("name", "Lead.name"), ("created_at", "Lead.created_at")],
)
def test_a_required_lead_field_left_out_is_a_validation_error(left_out: str, path: str) -> None:
    """Salesforce Lead object: LastName and Company are required (Company: "Required.
    The lead's company"); leaving one out is a validation error, not a TypeError."""
    fields: dict[str, object] = {
        "name": PersonName("山田"),
        "company": "ABC",
        "created_at": T0,
    }
    del fields[left_out]
    with pytest.raises(ValidationError) as raised:
        Lead(**fields)  # type: ignore[arg-type]
    assert format_path(raised.value.path) == path
    assert "required" in str(raised.value)


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("company", 255),
        ("title", 128),
        ("department", 80),
        ("phone", 40),
        ("mobile", 40),
        ("website", 255),
        ("industry", 255),
        ("lead_source", 255),
        ("description", 32_000),
    ],
)
def test_lead_text_fields_have_the_lead_object_limits(field: str, limit: int) -> None:
    """Salesforce field reference, Lead: Company 255, Title 128, Phone and MobilePhone
    40, Website 255, Industry 255, LeadSource 255, Description 32000 (Department, not a
    Lead field there, takes Contact.Department's 80: conversion carries it there)."""
    assert getattr(make_lead(**{field: "x" * limit}), field) == "x" * limit
    with pytest.raises(ValidationError) as raised:
        make_lead(**{field: "x" * (limit + 1)})
    assert format_path(raised.value.path) == f"Lead.{field}"
    assert f"at most {limit}" in str(raised.value)


def test_lead_email_has_at_most_80_characters() -> None:
    """Salesforce field reference, Lead: Email (email, 80)."""
    fits = "a" * 67 + "@example.com"
    assert len(make_lead(email=fits).email or "") == 79
    with pytest.raises(ValidationError) as raised:
        make_lead(email="a" * 69 + "@example.com")
    assert format_path(raised.value.path) == "Lead.email"


def test_first_and_last_name_limits() -> None:
    """Salesforce field reference, Lead: FirstName 40, LastName 80."""
    assert PersonName("x" * 80, "y" * 40).given == "y" * 40
    with pytest.raises(ValidationError) as given:
        PersonName("Smith", "y" * 41)
    assert format_path(given.value.path) == "PersonName.given"
    with pytest.raises(ValidationError) as family:
        PersonName("x" * 81)
    assert format_path(family.value.path) == "PersonName.family"


@pytest.mark.parametrize("code", ["YEN", "ABC", "jpy", "EURO", "XYZ"])
def test_money_accepts_only_iso_4217_codes(code: str) -> None:
    """ISO 4217: the yen is JPY; three capital letters alone do not make a currency."""
    with pytest.raises(ValidationError) as raised:
        Money(1, code)
    assert format_path(raised.value.path) == "Money.currency"


@pytest.mark.parametrize("code", ["JPY", "USD", "EUR", "KWD", "CHF", "XAU"])
def test_money_accepts_iso_4217_codes(code: str) -> None:
    assert Money(1, code).currency == code
