"""Building conditions: fields checked against the model, readable text, equality."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from leadkit.errors import ValidationError, format_path
from leadkit.model import Account, Contact, Lead, Opportunity, Rating
from leadkit.rules import (
    AllOf,
    AnyOf,
    Compare,
    FieldRef,
    IsIn,
    Not,
    Period,
    RuleError,
    all_of,
    any_of,
    compile,
    events,
    field,
    prop,
)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("employes", "Lead has no field 'employes'; did you mean 'employees'?"),
        ("address.prefectur", "did you mean 'prefecture'?"),
        ("name.family.initial", "name.family is str; it has no field 'initial'"),
        ("address", "name one of its fields: address.city"),
        ("custom", "name one custom field: custom.<name>"),
        ("custom.budget.amount", "name one custom field"),
        ("custom.9lives", "custom field names are identifiers"),
        ("address.prefecture.code", "has no sub-fields"),
        ("", "non-empty string"),
    ],
)
def test_unknown_or_unusable_fields_fail_when_built(path: str, message: str) -> None:
    with pytest.raises(RuleError) as info:
        field(path)
    assert message in str(info.value)
    if path:
        assert format_path(info.value.path) == path
    assert info.value.code == "bad_rule"
    assert isinstance(info.value, ValidationError)


def test_fields_resolve_on_other_attrs_classes() -> None:
    assert str(field("billing_address.region", on=Account) == "関西") == (
        "billing_address.region == '近畿'"
    )
    assert str(field("mailing_address.prefecture", on=Contact).is_present())
    with pytest.raises(RuleError, match="Contact has no field 'company'"):
        field("company", on=Contact)
    with pytest.raises(RuleError, match="attrs classes"):
        field("x", on=dict)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: field("employees").contains("x"), "contains needs text, but employees is a"),
        (lambda: field("title") >= 3, "'>=' needs a number"),
        (lambda: field("title").within(days=30), "within needs a date or a date-time"),
        (lambda: field("do_not_call").between(False, True), "between needs"),
        (lambda: field("employees").matches("1+"), "matches needs text"),
        (lambda: field("rating") < "Hot", "'<' needs"),
    ],
)
def test_operators_must_fit_the_field_type(build: object, message: str) -> None:
    with pytest.raises(RuleError, match=message) as info:
        build()  # type: ignore[operator]
    assert info.value.key == "op"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: field("employees") >= "1000", "expected a number"),
        (lambda: field("employees") == True, "expected a number"),  # noqa: E712
        (lambda: field("created_at") >= datetime(2026, 1, 1), "has no timezone"),
        (lambda: field("created_at") >= date(2026, 1, 1), "expected a timezone-aware datetime"),
        (lambda: field("close_date", on=Opportunity) > datetime(2026, 1, 1, tzinfo=UTC), "a date"),
        (lambda: field("rating") == "Warmish", "rating is one of 'Hot', 'Warm', 'Cold'"),
        (lambda: field("address.prefecture") == "Atlantis", "names no prefecture"),
        (lambda: field("title") == None, "use is_missing"),  # noqa: E711
        (lambda: field("title") == " ", "an empty text never matches"),
        (lambda: field("title").contains(""), "matches everything"),
        (lambda: field("title").contains_any("部長"), r"list of texts, e.g. \['部長'\]"),
        (lambda: field("industry").is_in("IT"), "list of texts"),
        (lambda: field("industry").is_in([]), "at least one value"),
        (lambda: field("employees").between(10, 1), "the low end comes first"),
        (lambda: field("custom.budget").between(1, date(2026, 1, 1)), "two values of one type"),
        (lambda: field("custom.tag").is_in(["a", 1]), "mix types"),
        (lambda: field("custom.tag") > "a", "ordering custom.tag needs a number"),
        (lambda: field("employees") >= float("nan"), "finite"),
        (
            lambda: field("title").matches("(部長"),
            # RE2's own message (the dialect since issue 21) names the missing parenthesis.
            r"invalid regular expression '\(部長': missing \)",
        ),
        (lambda: field("employees").is_in([1], normalise=True), "normalised is_in needs text"),
    ],
)
def test_literals_must_fit_the_field_type(build: object, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        build()  # type: ignore[operator]


def test_windows_need_a_length_within_bounds() -> None:
    with pytest.raises(RuleError, match="needs a length"):
        field("created_at").within()
    with pytest.raises(RuleError, match="days must be a whole number from 0"):
        field("created_at").within(days=-1)
    with pytest.raises(RuleError, match="years must be"):
        Period(years=1000)
    assert str(Period(months=1, days=2)) == "1 month 2 days"


def test_literals_are_stored_canonically() -> None:
    # Enums by value, prefectures by their official name, regions through Region.parse.
    assert (field("rating") == Rating.HOT) == (field("rating") == "Hot")
    assert (field("rating") == "HOT").value == "Hot"  # type: ignore[attr-defined]
    assert (field("address.prefecture") == "Tokyo").value == "東京都"  # type: ignore[attr-defined]
    assert (field("address.region") == "Kansai").value == "近畿"  # type: ignore[attr-defined]
    assert field("industry").is_in(["IT", "IT", "製造業"]) == IsIn(
        FieldRef("industry"), ("IT", "製造業")
    )


def test_readable_text() -> None:
    rule = (field("employees") >= 1000) & field("title").contains_any(["部長", "Director"])
    assert str(rule) == "employees >= 1000 AND title contains any ['部長', 'Director']"
    either = (field("rating") == "Hot") | ~field("phone").is_present()
    assert str(either) == "rating == 'Hot' OR NOT phone is present"
    nested = rule | (field("created_at") >= datetime(2026, 4, 1, tzinfo=UTC))
    assert str(nested) == (
        "(employees >= 1000 AND title contains any ['部長', 'Director']) "
        "OR created_at >= 2026-04-01T00:00:00+00:00"
    )
    assert str(~rule) == f"NOT ({rule})"
    assert str(field("created_at").older_than(months=3)) == "created_at older than 3 months"
    assert str(field("industry").equals("it", normalise=True)) == "industry in ['it'] (normalised)"
    counted = events("form_submit").where(prop("url").contains("/pricing")).within(days=30)
    assert str(counted.count() >= 3) == (
        "count(form_submit where url contains '/pricing' within 30 days) >= 3"
    )


def test_conditions_are_values() -> None:
    a = field("employees") >= 1000
    assert a == (field("employees") >= 1000)
    assert a != (field("employees") > 1000)
    assert len({a, field("employees") >= 1000, field("title").is_missing()}) == 2
    assert isinstance(a, Compare)
    with pytest.raises(AttributeError):
        a.op = "<"  # type: ignore[misc]


def test_combinators_flatten_and_double_negation_cancels() -> None:
    a, b, c = field("employees") >= 1, field("title").is_present(), field("rating") == "Hot"
    assert a & b & c == AllOf((a, b, c))
    assert (a | b) | c == AnyOf((a, b, c))
    assert all_of(a, b, c) == all_of([a, b, c]) == a & b & c
    assert any_of(a) == a
    assert ~~a == a
    assert ~a == Not(a)
    with pytest.raises(RuleError, match="needs at least one"):
        all_of()


def test_python_boolean_operators_are_refused() -> None:
    a, b = field("employees") >= 1, field("title").is_present()
    with pytest.raises(RuleError, match="use between"):
        1 < field("employees") < 5  # noqa: B015
    with pytest.raises(RuleError, match="combine conditions with &"):
        a and b  # noqa: B018
    with pytest.raises(RuleError, match="no truth value"):
        bool(field("title"))


def test_one_condition_reads_one_kind_of_record() -> None:
    with pytest.raises(RuleError, match="mixes title on Lead, industry on Account"):
        field("title").is_present() & (field("industry", on=Account) == "IT")


def test_props_only_inside_event_filters() -> None:
    with pytest.raises(RuleError, match=r"use it inside events\(\.\.\.\)\.where"):
        compile(prop("url") == "/pricing")
    with pytest.raises(RuleError, match=r"use prop\('title'\) instead of field\('title'\)"):
        events("page_view").where(field("title") == "CEO")
    with pytest.raises(RuleError, match="cannot be nested"):
        events("page_view").where(events("webinar").exists())
    with pytest.raises(RuleError, match="identifier"):
        prop("utm-source")


def test_event_kinds_are_a_set() -> None:
    assert events("webinar", "form_submit") == events("form_submit", "webinar", "webinar")
    with pytest.raises(RuleError, match="non-empty string"):
        events("")


def test_field_reference_equality_includes_the_record_type() -> None:
    assert FieldRef("title") == FieldRef("title", on=Lead)
    assert FieldRef("title") != FieldRef("title", on=Contact)
