"""Event conditions: filtered, windowed, aggregated and compared."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from leadkit.model import EngagementEvent
from leadkit.rules import Condition, RuleError, compile, events, explain, field, prop

from ._support import AS_OF, event, lead

HISTORY = [
    event("form_submit", 2, id="e1", url="/pricing"),
    event("form_submit", 20, id="e2", url="/contact"),
    event("form_submit", 45, id="e3", url="/pricing"),
    event("page_view", 1, id="e4", url="/pricing/enterprise"),
    event("webinar", 10, id="e5", amount=3),
    event("webinar", 70, id="e6", amount=Decimal("2.5")),
    event("purchase", 5, id="e7", amount="many"),
    event("form_submit", -1, id="future", url="/pricing"),
]


def holds(condition: Condition, history: list[EngagementEvent] = HISTORY) -> bool:
    return compile(condition)(lead(), history, as_of=AS_OF)


def test_an_event_query_alone_means_at_least_one() -> None:
    assert holds(events("form_submit"))
    assert holds(events("form_submit").exists())
    assert not holds(events("demo_request"))
    assert not holds(events("form_submit"), [])
    assert holds(events())  # any kind


def test_counts_filtered_by_kind_property_and_window() -> None:
    # Three form submissions happened by as_of; the future one does not count.
    assert holds(events("form_submit").count() == 3)
    assert holds(events("form_submit").within(days=30).count() == 2)
    assert holds(events("form_submit").where(prop("url") == "/pricing").count() == 2)
    pricing = events("form_submit", "page_view").where(prop("url").startswith("/pricing"))
    assert holds(pricing.within(days=30).count() == 2)
    assert holds(pricing.count().between(3, 3))
    assert holds(events().within(days=10).count() == 4)  # e1, e4, e5, e7


def test_where_twice_narrows() -> None:
    query = events().where(prop("url").startswith("/pricing")).where(prop("kind") == "page_view")
    assert holds(query.count() == 1)
    assert (
        str(query) == "exists(any event where url starts with '/pricing' AND kind == 'page_view')"
    )


def test_event_attributes_are_properties_too() -> None:
    assert holds(events().where(prop("occurred_at").within(hours=23)).count() == 0)
    assert holds(events().where(prop("occurred_at").within(days=2)).count() == 2)
    assert holds(events().where(prop("id").is_in(["e1", "e2", "nope"])).count() == 2)


def test_last_is_the_latest_matching_event_and_missing_without_one() -> None:
    assert holds(events("webinar").last().within(days=10))
    assert not holds(events("webinar").last().within(days=9))
    assert holds(events("webinar").last() == AS_OF - timedelta(days=10))
    assert holds(events("demo_request").last().is_missing())
    no_demo = compile(events("demo_request").last().within(days=30))
    assert no_demo(lead(), HISTORY, as_of=AS_OF) is False
    assert no_demo.known(lead(), HISTORY, as_of=AS_OF) is None


def test_sum_adds_numeric_properties_and_skips_others() -> None:
    assert holds(events("webinar").sum("amount") == Decimal("5.5"))
    by_prop = events("webinar").sum(prop("amount")) == 1
    assert by_prop == (events("webinar").sum("amount") == 1)
    with pytest.raises(RuleError, match="takes an event property"):
        events("webinar").sum(field("employees"))
    assert holds(events("webinar").within(days=30).sum("amount") == 3)
    assert holds(events("purchase").sum("amount") == 0)  # "many" is not a number
    assert holds(events("demo_request").sum("amount") == 0)


def test_counts_are_always_known() -> None:
    compiled = compile(events("demo_request").count() >= 1)
    assert compiled.known(lead(), [], as_of=AS_OF) is False


def test_needs_events_and_as_of_are_reported() -> None:
    assert compile(events("webinar")).needs_events
    assert compile((field("employees") >= 1) | events("webinar")).needs_events
    assert not compile(field("employees") >= 1).needs_events
    assert not compile(field("employees") >= 1).uses_as_of
    assert compile(field("created_at").within(days=1)).uses_as_of
    assert compile(~events("webinar")).uses_as_of


def test_lead_and_event_conditions_combine() -> None:
    hot = (field("title").contains("部長")) & (events("form_submit").within(days=30).count() >= 2)
    compiled = compile(hot)
    assert compiled(lead(title="営業部長"), HISTORY, as_of=AS_OF)
    assert not compiled(lead(title="営業部長"), HISTORY[2:], as_of=AS_OF)
    assert not compiled(lead(title="Engineer"), HISTORY, as_of=AS_OF)


def test_explain_lists_the_matching_events() -> None:
    explanation = explain(
        events("form_submit").within(days=30).count() >= 2, lead(), HISTORY, as_of=AS_OF
    )
    assert explanation.held
    assert explanation.value == 2
    assert explanation.event_ids == ("e1", "e2")
    assert "2 event(s): e1, e2" in str(explanation)
