"""Ratios and differences of event aggregates (issue 20, "E-mail sends and rates"):
``count(opens) / count(sends) >= 0.3``, ``rate(...)``, and aggregates compared with each
other. The semantics are the ones documented in docs/rules.md ("Rates and comparisons of
aggregates"): a ratio over a zero denominator is missing, like a missing field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings

from leadkit.model import EngagementEvent, EventKind, Lead, PersonName
from leadkit.rules import (
    Compare,
    EventDifference,
    EventRatio,
    RuleError,
    compile,
    events,
    explain,
    field,
    from_data,
    rate,
    to_data,
)
from leadkit.testing.rule_strategies import event_conditions

AS_OF = datetime(2026, 5, 1, tzinfo=UTC)
LEAD = Lead(name=PersonName("Sato"), company="ABC", created_at=AS_OF - timedelta(days=200))


def _events(kind: str, count: int, *, days_ago: int = 1) -> list[EngagementEvent]:
    at = AS_OF - timedelta(days=days_ago)
    return [EngagementEvent(kind=kind, lead_id=LEAD.id, occurred_at=at) for _ in range(count)]


OPEN_RATE = rate("email_open", "email_send", days=90) >= 0.3


def test_send_is_a_standard_event_kind() -> None:
    assert EventKind("email_send") is EventKind.EMAIL_SEND


def test_rate_is_the_ratio_of_two_windowed_counts() -> None:
    spelled = (
        events("email_open").within(days=90).count() / events("email_send").within(days=90).count()
        >= 0.3
    )
    assert spelled == OPEN_RATE
    assert str(OPEN_RATE) == (
        "count(email_open within 90 days) / count(email_send within 90 days) >= 0.3"
    )


@pytest.mark.parametrize(
    ("opens", "sends", "held"),
    [(3, 10, True), (2, 10, False), (1, 1, True), (0, 4, False)],
)
def test_open_rate_threshold(opens: int, sends: int, held: bool) -> None:
    found = _events("email_open", opens) + _events("email_send", sends)
    assert compile(OPEN_RATE)(LEAD, found, as_of=AS_OF) is held


def test_events_outside_the_window_do_not_count() -> None:
    found = _events("email_open", 3) + _events("email_send", 10, days_ago=120)
    # No sends in the window: the rate is missing, so the comparison is false.
    assert compile(OPEN_RATE)(LEAD, found, as_of=AS_OF) is False


def test_zero_denominator_is_missing_not_zero_nor_infinite() -> None:
    found = _events("email_open", 2)
    compiled = compile(OPEN_RATE)
    assert compiled(LEAD, found, as_of=AS_OF) is False
    assert compiled.known(LEAD, found, as_of=AS_OF) is None
    assert compile(~OPEN_RATE)(LEAD, found, as_of=AS_OF) is True
    ratio = rate("email_open", "email_send")
    assert compile(ratio.is_missing())(LEAD, found, as_of=AS_OF) is True
    assert compile(ratio < 1)(LEAD, found, as_of=AS_OF) is False


def test_explain_shows_both_parts_and_the_missing_ratio() -> None:
    found = _events("email_open", 3) + _events("email_send", 10)
    text = str(explain(OPEN_RATE, LEAD, found, as_of=AS_OF))
    assert "3 / 10 = 0.3" in text
    assert "13 event(s)" in text
    nothing = explain(OPEN_RATE, LEAD, [], as_of=AS_OF)
    assert nothing.known is None
    assert nothing.parts == (0, 0)
    assert "the ratio is missing" in str(nothing)


def test_comparing_two_aggregates_is_their_difference() -> None:
    clicks_beat_opens = events("email_click").count() >= events("email_open").count()
    assert isinstance(clicks_beat_opens, Compare)
    assert isinstance(clicks_beat_opens.subject, EventDifference)
    compiled = compile(clicks_beat_opens)
    assert compiled(LEAD, [], as_of=AS_OF) is True  # 0 >= 0
    assert compiled(LEAD, _events("email_open", 1), as_of=AS_OF) is False
    assert compiled(LEAD, _events("email_click", 2) + _events("email_open", 2), as_of=AS_OF)


def test_sums_take_part_in_ratios() -> None:
    paid = [
        EngagementEvent(
            kind="purchase", lead_id=LEAD.id, occurred_at=AS_OF, properties={"amount": 30}
        ),
        EngagementEvent(
            kind="purchase", lead_id=LEAD.id, occurred_at=AS_OF, properties={"amount": 10}
        ),
    ]
    average = events("purchase").sum("amount") / events("purchase").count()
    assert isinstance(average.subject, EventRatio)
    assert compile(average == 20.0)(LEAD, paid, as_of=AS_OF) is True


def test_only_counts_and_sums_combine() -> None:
    with pytest.raises(RuleError, match="event counts and sums"):
        field("employees") / events("email_send").count()
    with pytest.raises(RuleError, match="event counts and sums"):
        events("webinar").last() - events("webinar").count()
    with pytest.raises(RuleError, match="window applies"):
        rate(events("email_open").count(), "email_send", days=30)


def test_ratio_and_difference_round_trip_through_data() -> None:
    data = to_data(OPEN_RATE)
    assert data == {
        "ratio": {
            "of": {"events": ["email_open"], "within": {"days": 90}, "count": True},
            "per": {"events": ["email_send"], "within": {"days": 90}, "count": True},
        },
        "op": ">=",
        "value": 0.3,
    }
    assert from_data(data) == OPEN_RATE


def test_bad_ratio_data_names_the_path() -> None:
    from leadkit.errors import LoadError

    bad = {"ratio": {"of": {"events": ["a"], "count": True}}, "op": ">=", "value": 1}
    with pytest.raises(LoadError) as caught:
        from_data(bad, path=("rules", 2, "when"))
    assert "rules[2].when.ratio.per" in str(caught.value)


@settings(max_examples=40, deadline=None)
@given(event_conditions())
def test_every_event_condition_round_trips(condition: Compare) -> None:
    assert from_data(to_data(condition)) == condition
