"""Requests, settings and field mappings are checked when they are built; fiscal quarters."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit.convert import (
    AccountRequiredError,
    ConflictingOpportunityOptionsError,
    ConversionRequest,
    ConversionSettings,
    FieldMapping,
    convert_lead,
    convert_leads,
    fiscal_quarter_end,
)
from leadkit.errors import ValidationError, format_path
from leadkit.model import CustomFields, OwnerRef
from leadkit.repository import InMemoryUnitOfWork

CONVERTED = "Closed - Converted"


@pytest.mark.parametrize(
    "options",
    [
        {"no_opportunity": True, "opportunity_name": "Deal"},
        {"no_opportunity": True, "opportunity_id": "o-1", "account": "a-1"},
        {"opportunity_name": "Deal", "opportunity_id": "o-1", "account": "a-1"},
    ],
)
def test_conflicting_opportunity_options(options: dict[str, Any]) -> None:
    with pytest.raises(ConflictingOpportunityOptionsError) as raised:
        ConversionRequest("l-1", CONVERTED, **options)
    assert raised.value.code == "conflicting_opportunity_options"
    assert isinstance(raised.value, ValidationError)


@pytest.mark.parametrize("account", ["new", "match"])
@pytest.mark.parametrize("field", ["contact", "opportunity_id"])
def test_an_existing_contact_or_opportunity_needs_its_account(field: str, account: str) -> None:
    """Salesforce LeadConvert: a contactId needs the accountId it belongs to."""
    with pytest.raises(AccountRequiredError) as raised:
        ConversionRequest("l-1", CONVERTED, account=account, **{field: "x-1"})  # type: ignore[arg-type]
    assert format_path(raised.value.path) == f"ConversionRequest.{field}"


def test_overwriting_the_lead_source_needs_an_existing_contact() -> None:
    """Salesforce convertLead(): overwriteLeadSource replaces the LeadSource of the
    *target* (existing) contact; with a new contact there is nothing to overwrite."""
    with pytest.raises(ValidationError) as raised:
        ConversionRequest("l-1", CONVERTED, account="a-1", overwrite_lead_source=True)
    assert format_path(raised.value.path) == "ConversionRequest.overwrite_lead_source"
    assert "overwrite_lead_source" in str(raised.value)
    ConversionRequest("l-1", CONVERTED, account="a-1", contact="c-1", overwrite_lead_source=True)
    ConversionRequest("l-1", CONVERTED, account="a-1", contact="match", overwrite_lead_source=True)


def test_the_choices_and_the_ids() -> None:
    request = ConversionRequest("l-1", CONVERTED)
    assert (request.account, request.contact) == ("new", "new")
    assert (request.account_id, request.contact_id) == (None, None)
    named = ConversionRequest("l-1", CONVERTED, account="a-1", contact="c-1")
    assert (named.account_id, named.contact_id) == ("a-1", "c-1")
    matched = ConversionRequest("l-1", CONVERTED, account="match", contact="match")
    assert (matched.account_id, matched.contact_id) == (None, None)


def test_valid_combinations() -> None:
    ConversionRequest("l-1", CONVERTED, no_opportunity=True)
    ConversionRequest("l-1", CONVERTED, opportunity_name="x" * 80)
    ConversionRequest("l-1", CONVERTED, account="a", contact="c", opportunity_id="o")


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"opportunity_name": "x" * 81}, "ConversionRequest.opportunity_name"),
        ({"owner": OwnerRef.queue("q-1")}, "ConversionRequest.owner"),
        ({"owner": "u-1"}, "ConversionRequest.owner"),
        ({"account": ""}, "ConversionRequest.account"),
        ({"account": 7}, "ConversionRequest.account"),
        ({"no_opportunity": "yes"}, "ConversionRequest.no_opportunity"),
        ({"overwrite_lead_source": 1}, "ConversionRequest.overwrite_lead_source"),
    ],
)
def test_bad_request_values_name_the_field(kwargs: dict[str, Any], path: str) -> None:
    with pytest.raises(ValidationError) as raised:
        ConversionRequest("l-1", CONVERTED, **kwargs)
    assert format_path(raised.value.path) == path


@pytest.mark.parametrize(("lead_id", "status"), [("", CONVERTED), ("l-1", " "), (None, CONVERTED)])
def test_lead_and_status_are_required(lead_id: Any, status: Any) -> None:
    with pytest.raises(ValidationError):
        ConversionRequest(lead_id, status)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"fiscal_year_start_month": 13}, "ConversionSettings.fiscal_year_start_month"),
        ({"fiscal_year_start_month": True}, "ConversionSettings.fiscal_year_start_month"),
        ({"account_matcher": "company"}, "ConversionSettings.account_matcher"),
        ({"statuses": ["Converted"]}, "ConversionSettings.statuses"),
        ({"field_mapping": {"a": "b"}}, "ConversionSettings.field_mapping"),
        ({"opportunity_stage": ""}, "ConversionSettings.opportunity_stage"),
        ({"move_engagement_events": None}, "ConversionSettings.move_engagement_events"),
    ],
)
def test_bad_settings_name_the_field(kwargs: dict[str, Any], path: str) -> None:
    with pytest.raises(ValidationError) as raised:
        ConversionSettings(**kwargs)
    assert format_path(raised.value.path) == path


@pytest.mark.parametrize(
    "mapping", [{"budget": "予算"}, {"budget": 3}, {1: "budget"}, {"a": "b", 2: "c"}]
)
def test_field_mapping_names_are_identifiers(mapping: Any) -> None:
    with pytest.raises(ValidationError):
        FieldMapping(contact=mapping)


def test_field_mapping_carries_only_mapped_fields_per_target() -> None:
    mapping = FieldMapping(account={"size": "segment"}, contact={"size": "size", "hobby": "hobby"})
    custom = CustomFields({"size": "L", "secret": "x"})
    assert mapping.carry(custom, "account") == {"segment": "L"}
    assert mapping.carry(custom, "contact") == {"size": "L"}  # hobby absent on the lead
    assert mapping.carry(custom, "opportunity") == {}
    assert FieldMapping(contact={"b": "x", "a": "y"}) == FieldMapping(contact={"a": "y", "b": "x"})


def test_wrong_arguments_to_convert_are_validation_errors() -> None:
    request = ConversionRequest("l-1", CONVERTED)
    as_of = datetime(2026, 5, 1, tzinfo=UTC)
    with pytest.raises(ValidationError, match="request"):
        convert_lead("l-1", InMemoryUnitOfWork(), as_of=as_of)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="uow"):
        convert_lead(request, "crm.db", as_of=as_of)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="settings"):
        convert_lead(request, InMemoryUnitOfWork(), as_of=as_of, settings={})  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="uow_factory"):
        convert_leads([request], InMemoryUnitOfWork(), as_of=as_of)  # type: ignore[arg-type]


# -- fiscal quarters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2026, 1, 1), 1, date(2026, 3, 31)),
        (date(2026, 3, 31), 1, date(2026, 3, 31)),
        (date(2026, 4, 1), 1, date(2026, 6, 30)),
        (date(2026, 12, 31), 1, date(2026, 12, 31)),
        (date(2026, 4, 1), 4, date(2026, 6, 30)),
        (date(2027, 1, 15), 4, date(2027, 3, 31)),
        (date(2026, 10, 1), 4, date(2026, 12, 31)),
        (date(2024, 1, 10), 12, date(2024, 2, 29)),  # leap year
        (date(2026, 11, 30), 11, date(2027, 1, 31)),
    ],
)
def test_fiscal_quarter_end(day: date, start: int, end: date) -> None:
    assert fiscal_quarter_end(day, start_month=start) == end


@given(day=st.dates(date(1990, 1, 1), date(2100, 12, 31)), start=st.integers(1, 12))
def test_fiscal_quarter_end_is_the_last_day_of_the_quarter_containing_the_day(
    day: date, start: int
) -> None:
    end = fiscal_quarter_end(day, start_month=start)
    assert day <= end
    assert (end - day).days < 92
    # The quarter ends on a month's last day, 3, 6, 9 or 12 months after the year starts.
    assert (end.month - start + 1) % 3 == 0
    assert date.fromordinal(end.toordinal() + 1).day == 1
    # The next day starts the next quarter.
    next_day = date.fromordinal(end.toordinal() + 1)
    assert fiscal_quarter_end(next_day, start_month=start) > end


@pytest.mark.parametrize(("day", "start"), [(date(2026, 1, 1), 0), ("2026-01-01", 1)])
def test_fiscal_quarter_end_refuses_bad_arguments(day: Any, start: Any) -> None:
    with pytest.raises(ValidationError):
        fiscal_quarter_end(day, start_month=start)
