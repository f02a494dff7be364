"""compile_event_filter: one event against a where-condition, as events(...).where does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit.model import EngagementEvent
from leadkit.rules import Condition, RuleError, compile, compile_event_filter, events, field, prop

from ._support import AS_OF, events_near, lead

WHERES = [
    prop("url") == "/pricing",
    prop("url").startswith("/product"),
    prop("amount") >= 10,
    prop("kind").is_in(["webinar", "form_submit"]),
    prop("asset").is_present() | (prop("url") == "/"),
    ~(prop("amount") < 50),
    prop("occurred_at").within(days=30),
]


@given(st.sampled_from(WHERES), events_near())
def test_filter_agrees_with_events_where(where: Condition, found: list[EngagementEvent]) -> None:
    check = compile_event_filter(where)
    exists = compile(events().where(where))
    someone = lead()
    for event in found:
        if event.occurred_at > AS_OF:
            continue  # events(...) never counts the future; the filter only looks at props
        assert check(event, (), AS_OF) == exists(someone, [event], as_of=AS_OF)


def test_filter_reads_the_event_properties() -> None:
    check = compile_event_filter(prop("url").startswith("/pricing"))
    at = AS_OF - timedelta(days=1)
    hit = EngagementEvent(
        kind="page_view", lead_id="l", occurred_at=at, properties={"url": "/pricing/x"}
    )
    miss = EngagementEvent(kind="page_view", lead_id="l", occurred_at=at, properties={"url": "/"})
    bare = EngagementEvent(kind="page_view", lead_id="l", occurred_at=at)
    assert [check(e, (), AS_OF) for e in (hit, miss, bare)] == [True, False, False]


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (field("employees") >= 3, r"use prop\('employees'\)"),
        (events("webinar").exists(), "events cannot be nested"),
    ],
)
def test_filter_refuses_what_where_refuses(where: Condition, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        compile_event_filter(where)
