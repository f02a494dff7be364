"""explain(): which parts held, with the values they saw."""

from __future__ import annotations

from datetime import datetime

import pytest

from leadkit.model import Address
from leadkit.rules import RuleError, criteria, events, explain, field, prop

from ._support import AS_OF, event, lead

BIG = field("employees") >= 1000
DIRECTOR = field("title").contains_any(["部長", "Director"])


def test_checklist_marks_each_part_with_the_value_seen() -> None:
    explanation = explain(BIG & DIRECTOR, lead(title="営業部長"), as_of=AS_OF)
    assert str(explanation) == (
        "✗ all of  [unknown]\n"
        "  ✗ employees >= 1000  [employees is missing; unknown]\n"
        "  ✓ title contains any ['部長', 'Director']  [title = '営業部長']"
    )
    assert explanation.held is False
    assert explanation.known is None  # unknown AND true is unknown
    missing, title = explanation.children
    assert (missing.held, missing.known, missing.value) == (False, None, None)
    assert (title.held, title.known, title.value) == (True, True, "営業部長")


def test_criteria_are_numbered_and_negations_nest() -> None:
    rule = criteria([BIG, ~DIRECTOR, field("address.region") == "関東"], logic="1 OR (2 AND 3)")
    record = lead(employees=50, title="Engineer", address=Address(country="JP", state="神奈川"))
    assert str(explain(rule, record, as_of=AS_OF)) == (
        "✓ criteria 1 OR (2 AND 3)\n"
        "  ✗ 1. employees >= 1000  [employees = 50]\n"
        "  ✓ 2. not\n"
        "    ✗ title contains any ['部長', 'Director']  [title = 'Engineer']\n"
        "  ✓ 3. address.region == '関東'  [address.region = '関東']"
    )


def test_events_show_counts_and_ids() -> None:
    history = [event("webinar", 3, id="w1"), event("webinar", 40, id="w2")]
    rule = events("webinar").within(days=30) & (events("webinar").last().within(days=7))
    text = str(explain(rule, lead(), history, as_of=AS_OF))
    assert "✓ exists(webinar within 30 days)  [1 event(s): w1]" in text
    assert "last at 2026-04-28T09:00:00+00:00; 2 event(s): w1, w2" in text
    none = explain(events("demo_request").last().within(days=7), lead(), history, as_of=AS_OF)
    assert str(none) == (
        "✗ last(demo_request) within 7 days  [no matching event; 0 event(s); unknown]"
    )


def test_event_filters_are_applied_before_counting() -> None:
    history = [event("page_view", 1, id="p1", url="/pricing"), event("page_view", 1, id="p2")]
    explanation = explain(
        events("page_view").where(prop("url") == "/pricing").count() >= 2,
        lead(),
        history,
        as_of=AS_OF,
    )
    assert (explanation.held, explanation.value, explanation.event_ids) == (False, 1, ("p1",))


def test_wrong_type_is_noted() -> None:
    explanation = explain(field("custom.budget") > 5, lead(custom={"budget": "lots"}), as_of=AS_OF)
    assert str(explanation) == (
        "✗ custom.budget > 5  [custom.budget = 'lots'; "
        "custom.budget is str 'lots', not number: the test is false]"
    )


def test_explain_refuses_what_compile_refuses() -> None:
    with pytest.raises(RuleError, match="as_of must be a timezone-aware datetime"):
        explain(BIG, lead(), as_of=datetime(2026, 5, 1))
    with pytest.raises(RuleError, match="use it inside events"):
        explain(prop("url") == "/", lead(), as_of=AS_OF)
    with pytest.raises(RuleError, match="takes a condition"):
        explain("employees >= 1000", lead(), as_of=AS_OF)  # type: ignore[arg-type]
    with pytest.raises(RuleError, match="reads a Lead|cannot evaluate"):
        explain(BIG, object(), as_of=AS_OF)
