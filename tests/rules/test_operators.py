"""What every operator means, on present, missing and oddly typed values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from leadkit.model import (
    Address,
    LeadConversion,
    Money,
    Opportunity,
    OwnerRef,
    Rating,
)
from leadkit.rules import Condition, compile, explain, field

from ._support import AS_OF, lead


def holds(condition: Condition, **fields: Any) -> bool:
    return compile(condition)(lead(**fields), as_of=AS_OF)


def known(condition: Condition, **fields: Any) -> bool | None:
    return compile(condition).known(lead(**fields), as_of=AS_OF)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (field("employees") == 1000, True),
        (field("employees") != 1000, False),
        (field("employees") < 1000, False),
        (field("employees") <= 1000, True),
        (field("employees") > 999, True),
        (field("employees") >= 1001, False),
        (field("employees").between(1000, 1000), True),
        (field("employees").between(1001, 5000), False),
        (field("employees").is_in([10, 1000]), True),
        (field("employees").not_in([10, 1000]), False),
        (field("employees").is_present(), True),
        (field("employees").is_missing(), False),
    ],
)
def test_comparisons_on_a_present_number(condition: Condition, expected: bool) -> None:
    assert holds(condition, employees=1000) is expected
    assert known(condition, employees=1000) is expected


@pytest.mark.parametrize(
    "condition",
    [
        field("employees") == 1000,
        field("employees") != 1000,
        field("employees") < 1000,
        field("employees") >= 0,
        field("employees").between(0, 10**9),
        field("employees").is_in([0]),
        field("employees").not_in([0]),
    ],
)
def test_a_comparison_with_a_missing_value_is_false_and_unknown(condition: Condition) -> None:
    assert holds(condition) is False
    assert known(condition) is None
    # Its negation is the complement in two-valued logic, and still unknown in three.
    assert holds(~condition) is True
    assert known(~condition) is None


def test_presence_is_always_known() -> None:
    assert holds(field("employees").is_missing()) is True
    assert known(field("employees").is_missing()) is True
    assert known(field("employees").is_present()) is False
    # Empty text is stored as missing by the model, so it is missing here too.
    assert holds(field("title").is_missing(), title="  ") is True


def test_text_operators_are_case_and_width_sensitive_by_default() -> None:
    title = "Sales Director"
    assert holds(field("title").contains("Director"), title=title)
    assert not holds(field("title").contains("director"), title=title)
    assert not holds(field("title").contains("ＤＩＲＥＣＴＯＲ"), title=title)
    assert holds(field("title").contains_any(["部長", "Director"]), title=title)
    assert not holds(field("title").contains_any(["部長", "CEO"]), title=title)
    assert holds(field("title").startswith("VP", "Sales"), title=title)
    assert holds(field("title").endswith("tor"), title=title)
    assert not holds(field("title").endswith("Sales"), title=title)
    assert holds(field("title") == "Sales Director", title=title)
    assert not holds(field("title") == "sales director", title=title)


def test_normalised_text_ignores_width_case_and_spaces() -> None:
    title = "ＳＡＬＥＳ　 ｄｉｒｅｃｔｏｒ"  # full-width letters, ideographic space
    assert holds(field("title").contains("sales director", normalise=True), title=title)
    assert holds(field("title").contains_any(["部長", "DIRECTOR"], normalise=True), title=title)
    assert holds(field("title").startswith("Sales", normalise=True), title=title)
    assert holds(field("title").endswith("ＤＩＲＥＣＴＯＲ", normalise=True), title=title)
    assert holds(field("title").equals("sales director", normalise=True), title=title)
    assert holds(field("industry").is_in(["it", "製造業"], normalise=True), industry="ＩＴ")
    assert not holds(field("industry").is_in(["it"], normalise=False), industry="ＩＴ")
    # Half-width katakana normalise to full-width.
    assert holds(field("title").contains("マネージャー", normalise=True), title="ﾏﾈｰｼﾞｬｰ")


def test_matches_searches_with_a_regex() -> None:
    assert holds(field("title").matches("部長|課長"), title="営業部長")
    assert not holds(field("title").matches("^部長"), title="営業部長")
    assert holds(field("email").matches(r"@example\.co\.jp$"), email="a@example.co.jp")
    assert holds(field("title").matches("^ceo$", ignore_case=True), title="CEO")
    assert not holds(field("title").matches("^ceo$"), title="CEO")


def test_enums_compare_by_value() -> None:
    assert holds(field("rating") == "Hot", rating=Rating.HOT)
    assert holds(field("rating") == Rating.HOT, rating=Rating.HOT)
    assert holds(field("rating").is_in(["Warm", Rating.HOT]), rating=Rating.HOT)
    assert not holds(field("rating") == "Cold", rating=Rating.HOT)
    assert holds(field("owner.kind") == "queue", owner=OwnerRef.queue("q-1"))
    assert holds(field("owner.id") == "q-1", owner=OwnerRef.queue("q-1"))
    # The owner is optional: a path through None is missing, not an error.
    assert known(field("owner.kind") == "queue") is None
    assert holds(field("owner.id").is_missing())


def test_money_compares_by_amount() -> None:
    revenue = Money(1_500_000, "JPY")
    assert holds(field("annual_revenue") >= 1_000_000, annual_revenue=revenue)
    assert holds(field("annual_revenue") == Decimal("1500000"), annual_revenue=revenue)
    assert not holds(field("annual_revenue") > 1_500_000, annual_revenue=revenue)
    assert holds(field("annual_revenue.currency") == "JPY", annual_revenue=revenue)
    assert holds(field("annual_revenue.amount").between(1, 2_000_000), annual_revenue=revenue)


def test_prefectures_and_regions_are_derived_from_the_state() -> None:
    tokyo = Address(country="JP", state="東京")
    assert holds(field("address.prefecture") == "東京都", address=tokyo)
    assert holds(field("address.prefecture") == "Tokyo", address=tokyo)
    assert holds(field("address.region") == "関東", address=tokyo)
    assert holds(field("address.region") == "Kanto", address=tokyo)
    osaka = Address(country="JP", state="Osaka Prefecture")
    assert holds(field("address.region").is_in(["関西", "九州"]), address=osaka)
    assert holds(field("address.prefecture").is_in(["大阪", "京都"]), address=osaka)
    # A US state is no prefecture.
    california = Address(country="US", state="CA")
    assert holds(field("address.prefecture").is_missing(), address=california)
    assert known(field("address.region") == "関東", address=california) is None


def test_derived_properties() -> None:
    assert holds(field("email_domain") == "example.co.jp", email="Taro@Example.co.jp")
    assert holds(field("is_converted").is_false())
    conversion = LeadConversion(
        converted_at=AS_OF,
        status="Closed - Converted",
        account_id="a",
        contact_id="c",
    )
    converted = {"conversion": conversion, "status": "Closed - Converted"}
    assert holds(field("is_converted").is_true(), **converted)
    assert holds(field("conversion.converted_at") == AS_OF, **converted)
    assert known(field("conversion.converted_at") == AS_OF) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5_000_000, True),
        (Decimal("5000000.50"), True),
        (4_000_000.0, True),
        (999, False),
        ("5000000", False),  # text is not a number: false, not an error
        (True, False),  # nor is a flag
        (date(2026, 1, 1), False),
    ],
)
def test_custom_fields_are_type_checked_at_run_time(value: object, expected: bool) -> None:
    assert holds(field("custom.budget") >= 1_000, custom={"budget": value}) is expected


def test_custom_field_of_the_wrong_type_is_false_and_explained() -> None:
    condition = field("custom.budget") >= 1_000
    record = lead(custom={"budget": "5000000"})
    assert compile(condition)(record, as_of=AS_OF) is False
    assert compile(condition).known(record, as_of=AS_OF) is False
    explanation = explain(condition, record, as_of=AS_OF)
    assert explanation.value == "5000000"
    assert "custom.budget is str '5000000', not number" in explanation.note
    # Missing is unknown, as for any field.
    assert compile(condition).known(lead(), as_of=AS_OF) is None


def test_custom_flags_and_numbers_do_not_mix() -> None:
    # True == 1 in Python; in a condition a flag is not a number.
    assert not holds(field("custom.vip") == 1, custom={"vip": True})
    assert not holds(field("custom.vip").is_in([1, 2]), custom={"vip": True})
    assert holds(field("custom.vip").is_true(), custom={"vip": True})
    assert not holds(field("custom.count").is_true(), custom={"count": 1})


def test_custom_text_and_dates() -> None:
    assert holds(field("custom.segment").contains("部長"), custom={"segment": "部長クラス"})
    assert not holds(field("custom.segment").contains("部長"), custom={"segment": 3})
    assert holds(field("custom.start") >= date(2026, 1, 1), custom={"start": date(2026, 2, 1)})
    # A datetime is not a date for comparisons with a date literal.
    assert not holds(
        field("custom.start") >= date(2026, 1, 1),
        custom={"start": datetime(2026, 2, 1, tzinfo=UTC)},
    )


def test_date_fields_of_other_records() -> None:
    deal = Opportunity(
        name="Deal", account_id="a-1", close_date=date(2026, 6, 30), created_at=AS_OF
    )
    june = (date(2026, 6, 1), date(2026, 6, 30))
    soon = compile(field("close_date", on=Opportunity).between(*june))
    assert soon(deal, as_of=AS_OF)
    assert compile(field("stage", on=Opportunity) == "Prospecting")(deal, as_of=AS_OF)
