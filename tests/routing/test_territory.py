"""Territory helpers: regions, prefectures, countries, postal ranges, bands, products."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit.errors import ValidationError
from leadkit.model import Address, Money
from leadkit.routing import (
    COMPANY_SIZE_BANDS,
    Bands,
    in_country,
    in_prefecture,
    in_region,
    postal_code_between,
    product_interest,
)
from leadkit.rules import compile, explain, from_data, to_data
from tests.routing._support import AT, lead


def holds(condition: object, **fields: object) -> bool:
    return compile(condition)(lead(**fields), as_of=AT)  # type: ignore[arg-type]


def test_regions_and_prefectures_accept_any_common_spelling() -> None:
    osaka = Address(country="JP", state="Osaka")
    assert holds(in_region("関西"), address=osaka)
    assert holds(in_region("Kinki", "関東"), address=osaka)
    assert not holds(in_region("関東"), address=osaka)
    assert holds(in_prefecture("大阪", "Tokyo"), address=osaka)
    assert not holds(in_region("関東"), address=Address(country="US", state="Tokyo"))
    with pytest.raises(ValueError, match="Atlantis"):
        in_region("Atlantis")


def test_countries_are_compared_as_upper_case_codes() -> None:
    assert holds(in_country("jp", "US"), address=Address(country="jp"))
    assert not holds(in_country("US"), address=Address(country="JP"))


codes = st.integers(0, 9_999_999)


def as_code(n: int) -> str:
    text = f"{n:07d}"
    return f"{text[:3]}-{text[3:]}"


@given(codes, codes, codes)
def test_postal_code_between_holds_exactly_inside_the_range(a: int, b: int, x: int) -> None:
    low, high = min(a, b), max(a, b)
    condition = postal_code_between(as_code(low), as_code(high))
    assert holds(condition, address=Address(country="JP", postal_code=as_code(x))) == (
        low <= x <= high
    )
    # The edges are inside.
    assert holds(condition, address=Address(country="JP", postal_code=as_code(low)))
    assert holds(condition, address=Address(country="JP", postal_code=as_code(high)))


def test_postal_ranges_read_as_prefixes_and_explain_themselves() -> None:
    condition = postal_code_between("〒530-0000", "５３９－９９９９")
    assert str(condition) == "address.postal_code starts with '53'"
    seen = explain(condition, lead(address=Address(country="JP", postal_code="5300001")), as_of=AT)
    assert seen.held
    assert "address.postal_code = '530-0001'" in str(seen)
    assert str(postal_code_between("000-0000", "999-9999")) == (
        "address.postal_code matches '^\\\\d{3}-\\\\d{4}$'"
    )
    with pytest.raises(ValidationError, match="low end comes first"):
        postal_code_between("200-0000", "100-0000")
    with pytest.raises(ValidationError, match="Japanese postal code"):
        postal_code_between("ABC", "100-0000")


def test_bands_name_pieces_and_merge_neighbours() -> None:
    assert [COMPANY_SIZE_BANDS.band_of(n) for n in (None, 0, 49, 50, 299, 300, 999, 1000)] == [
        None, "small", "small", "medium", "medium", "large", "large", "enterprise",
    ]  # fmt: skip
    both_ends = COMPANY_SIZE_BANDS.condition("small", "enterprise")
    assert str(both_ends) == "employees < 50 OR employees >= 1000"
    assert str(COMPANY_SIZE_BANDS.condition("medium", "large")) == (
        "employees >= 50 AND employees < 1000"
    )
    assert from_data(to_data(both_ends)) == both_ends
    everything = COMPANY_SIZE_BANDS.condition(*COMPANY_SIZE_BANDS.names)
    assert holds(everything, employees=0)
    assert not holds(everything)


@given(st.integers(0, 10**9), st.sets(st.sampled_from(["small", "mid", "large"]), min_size=1))
def test_a_band_condition_holds_for_values_in_those_bands(value: int, names: set[str]) -> None:
    deal = Bands("annual_revenue", edges=(10**6, Decimal(10**8)), names=("small", "mid", "large"))
    condition = deal.condition(*names)
    assert holds(condition, annual_revenue=Money(value, "JPY")) == (deal.band_of(value) in names)


def test_bands_check_their_definition() -> None:
    with pytest.raises(ValidationError, match="increase strictly"):
        Bands("employees", edges=(10, 10), names=("a", "b", "c"))
    with pytest.raises(ValidationError, match="make 2 bands"):
        Bands("employees", edges=(10,), names=("a",))
    with pytest.raises(ValidationError, match="numeric field"):
        Bands("industry", edges=(10,), names=("a", "b"))
    with pytest.raises(ValidationError, match="unknown band"):
        COMPANY_SIZE_BANDS.condition("huge")


def test_product_interest_ignores_width_and_case() -> None:
    condition = product_interest("CRM", "MA")
    assert holds(condition, custom={"product_interest": "ｃｒｍ"})
    assert not holds(condition, custom={"product_interest": "SFA"})
    assert not holds(condition, custom={"product_interest": 1})
    on_industry = product_interest("IT", path="industry")
    assert holds(on_industry, industry="ＩＴ")
