"""Attribution: the documented semantics of each model, and exact sums as properties."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit.errors import ValidationError
from leadkit.model import Campaign, CampaignMember, Money
from leadkit.reports import (
    EvenSplit,
    FirstTouch,
    LastTouch,
    PositionBased,
    TimeDecay,
    attribute,
    parse_attribution_model,
)
from tests.reports._support import converted_lead, response, won

D = date(2026, 4, 1)
LEAD = converted_lead("l1", "o1")
# The lead answered the expo, the newsletter and (after conversion, as a contact) the
# webinar; everything is before the close on 2026-06-30.
MEMBERS = [
    response("expo", "l1", D),
    response("news", "l1", D + timedelta(days=10)),
    response("webinar", "contact-l1", D + timedelta(days=20), contact=True),
]


def credits_of(
    model: object, members: Sequence[CampaignMember] | None = None
) -> dict[str, Decimal]:
    report = attribute([won("o1", 900)], members or MEMBERS, leads=[LEAD], model=model)  # type: ignore[arg-type]
    return {c.campaign_id: c.share for c in report.credits}


def test_first_and_last_touch_credit_one_campaign() -> None:
    assert credits_of(FirstTouch()) == {"expo": Decimal(1)}
    assert credits_of(LastTouch()) == {"webinar": Decimal(1)}


def test_even_split_rounds_so_shares_sum_to_one() -> None:
    shares = credits_of(EvenSplit())
    assert sorted(shares.values()) == [
        Decimal("0.333333"),
        Decimal("0.333333"),
        Decimal("0.333334"),
    ]
    assert sum(shares.values()) == 1


def test_position_based_gives_forty_twenty_forty() -> None:
    assert credits_of(PositionBased()) == {
        "expo": Decimal("0.4"),
        "news": Decimal("0.2"),
        "webinar": Decimal("0.4"),
    }


def test_position_based_with_two_touches_splits_by_first_and_last() -> None:
    two = MEMBERS[:2]
    assert credits_of(PositionBased(first=0.3, last=0.5), two) == {
        "expo": Decimal("0.375"),
        "news": Decimal("0.625"),
    }


def test_time_decay_halves_per_half_life_before_close() -> None:
    close = date(2026, 6, 30)
    members = [response("old", "l1", close - timedelta(days=14)), response("new", "l1", close)]
    shares = credits_of(TimeDecay(half_life_days=7), members)
    # 14 days = two half-lives: weight 0.25 against 1, so 0.2 and 0.8.
    assert shares == {"old": Decimal("0.2"), "new": Decimal("0.8")}


def test_amounts_are_split_in_whole_yen_and_sum_to_the_amount() -> None:
    report = attribute([won("o1", 1000)], MEMBERS, leads=[LEAD], model=EvenSplit())
    amounts = [c.amount for c in report.credits]
    assert all(a is not None and a.amount == a.amount.to_integral_value() for a in amounts)
    assert sum((a.amount for a in amounts if a), Decimal(0)) == 1000


def test_touches_after_close_and_non_responses_do_not_count() -> None:
    late = response("late", "l1", date(2026, 7, 1))
    report = attribute([won("o1")], [*MEMBERS[:1], late], leads=[LEAD], model=EvenSplit())
    assert [c.campaign_id for c in report.credits] == ["expo"]


def test_a_campaign_counts_once_from_its_earliest_response() -> None:
    members = [
        response("expo", "l1", D + timedelta(days=5)),
        response("expo", "contact-l1", D, contact=True),
        response("news", "l1", D + timedelta(days=2)),
    ]
    report = attribute([won("o1")], members, leads=[LEAD], model=FirstTouch())
    assert [(c.campaign_id, c.responded_on) for c in report.credits] == [("expo", D)]


def test_open_and_lost_opportunities_are_skipped_unless_asked() -> None:
    lost = won("o1").__class__(
        id="o1", name="x", account_id="a", close_date=date(2026, 6, 30), is_closed=True,
        created_at=LEAD.created_at,
    )  # fmt: skip
    assert attribute([lost], MEMBERS, leads=[LEAD]).credits == ()
    assert len(attribute([lost], MEMBERS, leads=[LEAD], won_only=False).credits) == 3


def test_primary_campaign_takes_full_credit_without_touches_else_unattributed() -> None:
    report = attribute([won("o1", campaign_id="expo"), won("o2")], [], leads=[])
    assert [(c.opportunity_id, c.campaign_id, c.share) for c in report.credits] == [
        ("o1", "expo", Decimal(1))
    ]
    assert report.unattributed == ("o2",)


def test_contact_roles_add_people() -> None:
    members = [response("expo", "c-9", D, contact=True)]
    report = attribute([won("o1")], members, opportunity_contacts={"o1": ["c-9"]})
    assert [c.campaign_id for c in report.credits] == ["expo"]


def test_by_campaign_and_by_source_sum_credits() -> None:
    leads = [converted_lead("l1", "o1", source="Web"), converted_lead("l2", "o2", source="展示会")]
    members = [
        response("expo", "l1", D),
        response("news", "l1", D + timedelta(days=1)),
        response("expo", "l2", D),
    ]
    campaigns = [Campaign(id="expo", name="Japan IT Week"), Campaign(id="news", name="メルマガ")]
    report = attribute(
        [won("o1", 1000), won("o2", 500, currency="USD")],
        members,
        leads=leads,
        campaigns=campaigns,
        model=EvenSplit(),
    )
    expo, news = report.by_campaign()
    assert (expo.campaign_name, expo.opportunities, expo.deals) == (
        "Japan IT Week",
        2,
        Decimal("1.5"),
    )
    assert expo.amounts == (Money(500, "JPY"), Money("500.00", "USD"))
    assert float(expo.share) == pytest.approx(0.75)
    assert (news.deals, news.amounts) == (Decimal("0.5"), (Money(500, "JPY"),))
    sources = {r.lead_source: r for r in report.by_source()}
    assert sources["Web"].deals == 1
    assert sources["Web"].amounts == (Money(1000, "JPY"),)
    assert sources["Trade Show"].amounts == (Money(500, "USD"),)
    text = report.to_text()
    assert "Japan IT Week" in text
    assert "75.0%" in text
    assert report.to_records()[0]["campaign"] == "expo"


def test_models_are_validated_and_parsed_by_name() -> None:
    with pytest.raises(ValidationError, match="exceed 1"):
        PositionBased(first=0.7, last=0.5)
    with pytest.raises(ValidationError, match="positive"):
        TimeDecay(half_life_days=0)
    assert parse_attribution_model("Position-Based") == PositionBased()
    with pytest.raises(ValidationError, match="expected one of first_touch"):
        parse_attribution_model("linear")


models = st.one_of(
    st.just(FirstTouch()),
    st.just(LastTouch()),
    st.just(EvenSplit()),
    st.builds(
        lambda a, b: PositionBased(first=a * 0.5, last=b * 0.5),
        st.floats(0.01, 1),
        st.floats(0.01, 1),
    ),
    st.builds(lambda h: TimeDecay(half_life_days=h), st.floats(0.5, 365)),
)


@given(
    model=models,
    days=st.lists(st.integers(0, 200), min_size=1, max_size=12),
    units=st.integers(0, 10**12),
    currency=st.sampled_from(["JPY", "USD", "KWD"]),
)
def test_shares_sum_to_one_and_amounts_to_the_amount(
    model: object, days: list[int], units: int, currency: str
) -> None:
    places = Money(0, currency).minor_units
    amount = Money(Decimal(units).scaleb(-places), currency)
    members = [response(f"c{i}", "l1", D + timedelta(days=d)) for i, d in enumerate(days)]
    opp = won("o1", str(amount.amount), currency=currency, close=D + timedelta(days=200))
    report = attribute([opp], members, leads=[LEAD], model=model)  # type: ignore[arg-type]
    assert report.credits, "a won opportunity with touches gets credit"
    assert sum(c.share for c in report.credits) == 1
    # A touch far older than the half-life may round to a share of 0, never below.
    assert all(c.share >= 0 for c in report.credits)
    assert sum((c.amount.amount for c in report.credits if c.amount), Decimal(0)) == amount.amount
    assert all(c.amount is not None and c.amount.currency == currency for c in report.credits)
