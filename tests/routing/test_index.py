"""The dispatch index decides exactly as a linear scan of the entries would."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit.model import Address, Lead, Money
from leadkit.routing import COMPANY_SIZE_BANDS, Bands, in_region, product_interest
from leadkit.rules import Condition, Criteria, compile, criteria, field
from leadkit.rules._dnf import MAX_KEYS, FirstMatchIndex, first_match_linear
from leadkit.testing.rule_strategies import lead_conditions
from tests.routing._support import AT, lead

INDUSTRIES = ["IT", "ＩＴ", "金融", "小売"]
PREFECTURES = ["東京都", "大阪府", "北海道"]
REGIONS = ["関東", "近畿", "北海道"]
PRODUCTS = ["CRM", "crm", "MA", "SFA"]
CUSTOM = [1, Decimal(1), True, "1", 2, 3.5, "MA"]


def indexable() -> st.SearchStrategy[Condition]:
    """Equality, membership and order tests on a small domain, so that leads hit them."""
    employees = field("employees")
    return st.one_of(
        st.builds(lambda v: field("industry") == v, st.sampled_from(INDUSTRIES)),
        st.lists(st.sampled_from(INDUSTRIES), min_size=1, max_size=3).map(
            lambda v: field("industry").is_in(v, normalise=True)
        ),
        st.lists(st.sampled_from(PREFECTURES), min_size=1, max_size=2).map(
            lambda v: field("address.prefecture").is_in(v)
        ),
        st.lists(st.sampled_from(REGIONS), min_size=1, max_size=2).map(lambda v: in_region(*v)),
        st.lists(st.sampled_from(PRODUCTS), min_size=1, max_size=2).map(
            lambda v: product_interest(*v)
        ),
        st.builds(lambda v: field("custom.product_interest") == v, st.sampled_from(CUSTOM)),
        st.lists(st.sampled_from(COMPANY_SIZE_BANDS.names), min_size=1, max_size=3).map(
            lambda v: COMPANY_SIZE_BANDS.condition(*v)
        ),
        st.builds(lambda v: employees >= v, st.sampled_from([50, 300, 1000])),
        st.builds(lambda v: employees < v, st.sampled_from([50, 300, 1000])),
        st.builds(lambda v: employees == v, st.sampled_from([50, 300])),
        st.builds(
            lambda a, b: employees.between(min(a, b), max(a, b)),
            st.sampled_from([0, 50, 300]),
            st.sampled_from([50, 300, 5000]),
        ),
        st.builds(lambda v: field("annual_revenue") > v, st.sampled_from([0, 10**6])),
        st.just(field("do_not_call").is_true()),
        st.builds(lambda v: field("rating") == v, st.sampled_from(["Hot", "Cold"])),
    )


def entry_conditions() -> st.SearchStrategy[Condition]:
    leaves = indexable() | indexable() | lead_conditions()
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, min_size=2, max_size=3).map(lambda c: c[0] & c[1]),
            st.lists(children, min_size=2, max_size=3).map(lambda c: c[0] | c[1]),
            children.map(lambda c: ~c),
            st.lists(children, min_size=2, max_size=3).map(
                lambda c: criteria(
                    c, logic="(1 OR 2)" + "".join(f" AND {n}" for n in range(3, len(c) + 1))
                )
            ),
        ),
        max_leaves=5,
    )


def routing_leads() -> st.SearchStrategy[Lead]:
    from leadkit.testing import strategies as lks

    return st.builds(
        lambda base, industry, state, employees, product, revenue: attrs.evolve(
            base,
            industry=industry,
            address=Address(country="JP", state=state),
            employees=employees,
            custom={"product_interest": product},
            annual_revenue=revenue,
        ),
        lks.leads(),
        st.none() | st.sampled_from(INDUSTRIES),
        st.none() | st.sampled_from([*PREFECTURES, "神奈川県"]),
        st.none() | st.sampled_from([0, 49, 50, 51, 299, 300, 999, 1000, 5000]),
        st.none() | st.sampled_from([*PRODUCTS, *CUSTOM]),
        st.none() | st.sampled_from([0, 10**6, 5 * 10**6]).map(lambda a: Money(a, "JPY")),
    )


@given(st.lists(entry_conditions(), min_size=1, max_size=12), st.lists(routing_leads(), max_size=8))
def test_indexed_routing_equals_linear_evaluation(
    conditions: list[Condition], leads: list[Lead]
) -> None:
    index = FirstMatchIndex(conditions)
    predicates = [compile(c).predicate for c in conditions]
    for one in leads:
        assert index.first_match(one, (), AT) == first_match_linear(predicates, one, (), AT)


@given(
    st.lists(
        st.lists(indexable(), min_size=1, max_size=3).map(lambda c: criteria(c)),
        min_size=1,
        max_size=20,
    ),
    st.lists(routing_leads(), min_size=1, max_size=20),
)
def test_indexed_conjunctions_equal_linear_evaluation(
    conditions: list[Condition], leads: list[Lead]
) -> None:
    index = FirstMatchIndex(conditions)
    assert index.stats.scanned_entries == 0
    predicates = [compile(c).predicate for c in conditions]
    for one in leads:
        assert index.first_match(one, (), AT) == first_match_linear(predicates, one, (), AT)


def test_simple_entries_are_indexed_and_lookups_do_not_scan() -> None:
    conditions = [
        (field("address.prefecture") == p) & field("industry").is_in(["IT", "金融"])
        for p in ("東京都", "大阪府", "北海道")
    ] + [COMPANY_SIZE_BANDS.condition("large") & in_region("関東")]
    index = FirstMatchIndex(conditions)
    assert index.stats.indexed_entries == 4
    assert index.stats.scanned_entries == 0
    tokyo = Address(country="JP", state="東京都")
    assert index.first_match(lead(address=tokyo, industry="金融"), (), AT) == 0
    assert index.first_match(lead(address=tokyo, employees=500), (), AT) == 3
    assert index.first_match(lead(address=tokyo, employees=1000), (), AT) is None


def test_or_logic_indexes_each_branch_and_keeps_entry_order() -> None:
    either = criteria(
        [field("industry") == "IT", field("employees") >= 1000, in_region("近畿")],
        logic="1 OR (2 AND 3)",
    )
    conditions = [field("industry") == "金融", either, field("industry") == "IT"]
    index = FirstMatchIndex(conditions)
    assert index.stats.scanned_entries == 0
    osaka = Address(country="JP", state="大阪府")
    assert index.first_match(lead(industry="IT"), (), AT) == 1
    assert index.first_match(lead(employees=2000, address=osaka), (), AT) == 1
    assert index.first_match(lead(employees=2000), (), AT) is None


def test_residual_tests_are_checked_for_candidates_only() -> None:
    titled = (field("industry") == "IT") & field("title").contains("部長")
    index = FirstMatchIndex([titled, field("industry") == "IT"])
    assert index.stats.scanned_entries == 0
    assert index.first_match(lead(industry="IT", title="営業部長"), (), AT) == 0
    assert index.first_match(lead(industry="IT", title="課長"), (), AT) == 1


def test_entries_with_nothing_to_index_are_scanned_in_order() -> None:
    conditions = [
        field("title").contains("部長"),
        field("industry") == "IT",
        ~(field("industry") == "IT"),
    ]
    index = FirstMatchIndex(conditions)
    assert index.stats.scanned_entries == 2
    assert index.first_match(lead(industry="IT", title="部長"), (), AT) == 0
    assert index.first_match(lead(industry="IT"), (), AT) == 1
    assert index.first_match(lead(), (), AT) == 2


def test_contradictory_branches_never_match() -> None:
    never = (field("industry") == "IT") & (field("industry") == "金融")
    empty_range = (field("employees") > 10) & (field("employees") < 5)
    index = FirstMatchIndex([never, empty_range, field("industry").is_present()])
    assert index.first_match(lead(industry="IT", employees=7), (), AT) == 2


def test_custom_fields_keep_types_apart() -> None:
    # True == 1 in Python, but a test for the number 1 must not match the flag True.
    index = FirstMatchIndex([field("custom.level") == 1, field("custom.level") == True])  # noqa: E712
    assert index.first_match(lead(custom={"level": True}), (), AT) == 1
    assert index.first_match(lead(custom={"level": Decimal(1)}), (), AT) == 0
    assert index.first_match(lead(custom={"level": "1"}), (), AT) is None


def test_oversized_products_of_keys_fall_back_to_residual_tests() -> None:
    many = [f"v{i}" for i in range(int(MAX_KEYS**0.5) + 10)]
    wide = field("industry").is_in(many) & field("title").is_in(many)
    index = FirstMatchIndex([wide])
    assert index.stats.indexed_entries == 1
    assert index.first_match(lead(industry="v3", title="v5"), (), AT) == 0
    assert index.first_match(lead(industry="v3", title="x"), (), AT) is None


def test_many_disjuncts_make_an_entry_scanned() -> None:
    pairs = [field("industry") == f"i{i}" for i in range(9)]
    huge: Condition = Criteria(tuple(pairs[:3]), logic="1 OR 2 OR 3")
    for _ in range(3):
        huge = huge & Criteria(tuple(pairs[:3]), logic="1 OR 2 OR 3")
    index = FirstMatchIndex([huge])
    assert index.stats.scanned_entries == 1
    assert index.first_match(lead(industry="i1"), (), AT) == 0


@pytest.mark.parametrize("value", [None, 0, 49, 50, 299, 300, 999, 1000, 10**6])
def test_bands_agree_with_band_of(value: int | None) -> None:
    bands = Bands("employees", edges=(50, 300, 1000), names=("s", "m", "l", "xl"))
    conditions = [bands.condition(name) for name in bands.names]
    index = FirstMatchIndex(conditions)
    found = index.first_match(lead(employees=value), (), AT)
    assert (None if found is None else bands.names[found]) == bands.band_of(value)
