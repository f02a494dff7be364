"""Filter logic is desugared once: ``Criteria.desugared()`` is the AND / OR / NOT tree
the logic spells out (docs/rules.md "Filter logic, desugared"), so it must give the
verdict that the parsed logic gives over the criteria's own verdicts
(``LogicNode.evaluate``), for any criteria, logic, lead and events.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.model import EngagementEvent, Lead
from leadkit.rules import AllOf, AnyOf, Criteria, Not, compile, criteria, explain
from leadkit.testing.rule_strategies import conditions

from ._support import AS_OF, events_near, leads_near


@st.composite
def _logic(draw: st.DrawFn, count: int) -> str:
    """Filter logic using each of the ``count`` criteria once, in any order and nesting,
    with NOT on any of them; mixed AND / OR always parenthesised, as the parser asks."""
    numbers = draw(st.permutations(range(1, count + 1)))
    parts = [f"NOT {n}" if draw(st.booleans()) else str(n) for n in numbers]
    while len(parts) > 1:
        at = draw(st.integers(0, len(parts) - 2))
        join = draw(st.sampled_from([" AND ", " OR "]))
        parts[at : at + 2] = [f"({parts[at]}{join}{parts[at + 1]})"]
    return parts[0]


@st.composite
def _criteria(draw: st.DrawFn) -> Criteria:
    items = draw(st.lists(conditions(max_leaves=3), min_size=1, max_size=5))
    rule = criteria(items, logic=draw(_logic(len(items))))
    assert isinstance(rule, Criteria)
    return rule


@settings(max_examples=40, deadline=None)
@given(rule=_criteria(), lead=leads_near(), events=events_near())
def test_desugared_criteria_evaluate_like_their_logic(
    rule: Criteria, lead: Lead, events: Sequence[EngagementEvent]
) -> None:
    verdicts = [compile(item)(lead, events, as_of=AS_OF) for item in rule.items]
    expected = rule.logic.evaluate(verdicts)
    desugared = rule.desugared()
    assert len(rule.items) == 1 or isinstance(desugared, AllOf | AnyOf | Not)
    assert compile(desugared)(lead, events, as_of=AS_OF) is expected
    assert compile(rule)(lead, events, as_of=AS_OF) is expected
    assert explain(rule, lead, events, as_of=AS_OF).held is expected
