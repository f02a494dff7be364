"""Properties of the condition language on random trees, leads and events."""

from __future__ import annotations

import json
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from leadkit.model import EngagementEvent, Lead
from leadkit.rules import (
    Condition,
    compile,
    dump_condition,
    explain,
    from_data,
    load_condition,
    to_data,
)
from leadkit.testing.rule_strategies import AS_OF, conditions

from ._support import events_near, leads_near

as_of_times = st.integers(-48, 48).map(lambda h: AS_OF + timedelta(hours=h))


@given(conditions(), leads_near(), events_near(), as_of_times)
def test_compiled_verdict_equals_explain(
    condition: Condition, lead: Lead, events: list[EngagementEvent], as_of: object
) -> None:
    compiled = compile(condition)
    explanation = explain(condition, lead, events, as_of=as_of)  # type: ignore[arg-type]
    assert compiled(lead, events, as_of=as_of) == explanation.held  # type: ignore[arg-type]
    assert compiled.known(lead, events, as_of=as_of) == explanation.known  # type: ignore[arg-type]


@given(conditions(), leads_near(), events_near())
def test_three_valued_verdict_agrees_when_known(
    condition: Condition, lead: Lead, events: list[EngagementEvent]
) -> None:
    # Kleene logic refines two-valued logic: wherever it knows, it agrees, except that a
    # negated unknown is true in two-valued logic. So only check trees without Not.
    compiled = compile(condition)
    known = compiled.known(lead, events, as_of=AS_OF)
    if known is not None and "NOT" not in str(condition):
        assert known == compiled(lead, events, as_of=AS_OF)


@given(conditions())
def test_plain_data_round_trip(condition: Condition) -> None:
    data = to_data(condition)
    assert from_data(data) == condition
    text = json.dumps(dump_condition(condition), ensure_ascii=False)
    loaded = load_condition(json.loads(text))
    assert loaded == condition
    assert str(loaded) == str(condition)
    assert to_data(loaded) == data


@given(conditions())
def test_conditions_are_hashable_and_print(condition: Condition) -> None:
    assert hash(condition) == hash(from_data(to_data(condition)))
    assert str(condition)
