"""Parity of the compiled MQL rule and assignment rule sets with the Python engine
(issue 14, "the MQL rule of a stage policy, and the criteria of an assignment rule set,
first match wins"): for random policies, rule sets, models, profiles, leads and events,
DuckDB and SQLite say what ``leadkit.stages.classify`` (its MQL checks) and
``Router.match``/``Router.route`` say."""

from __future__ import annotations

import sqlite3
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadkit.errors import SqlCompileError
from leadkit.model import EngagementEvent, Lead, OwnerRef
from leadkit.routing import (
    AssignmentRules,
    InMemoryState,
    RoundRobin,
    Router,
    RuleEntry,
    in_region,
)
from leadkit.scoring import GradingProfile, ScoringModel
from leadkit.stages import MqlRule, StagePolicy
from leadkit.stages._classify import _mql
from leadkit.testing.rule_strategies import conditions
from tests.scoring._strategies import (
    AS_OF,
    event_lists,
    grading_profiles,
    leads_near,
    scoring_models,
)

duckdb = pytest.importorskip("duckdb")
sql = pytest.importorskip("leadkit.sql")

SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

GRADES = ["F", "D-", "D", "D+", "C-", "C", "C+", "B-", "B", "B+", "A-", "A", "A+"]
OWNERS = [OwnerRef.user("u-1"), OwnerRef.user("u-2"), OwnerRef.queue("q-1")]


def _duckdb(leads: list[Lead], events: list[EngagementEvent], **kw: Any) -> list[dict[str, Any]]:
    connection = duckdb.connect()
    sql.write_duckdb(connection, leads, events)
    relation = sql.score_duckdb(connection, as_of=AS_OF, **kw)
    return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


def _sqlite(leads: list[Lead], events: list[EngagementEvent], **kw: Any) -> list[dict[str, Any]]:
    connection = sqlite3.connect(":memory:")
    sql.write_sqlite(connection, leads, events)
    return sql.score_sqlite(connection, as_of=AS_OF, **kw)  # type: ignore[no-any-return]


ENGINES = [_duckdb, _sqlite]


@st.composite
def _population(draw: st.DrawFn) -> tuple[list[Lead], list[EngagementEvent]]:
    count = draw(st.integers(1, 4))
    leads = []
    for n in range(count):
        lead = draw(leads_near(f"lead-{n}"))
        owner = draw(st.sampled_from([None, *OWNERS]))
        leads.append(attrs.evolve(lead, owner=owner))
    found = [event for lead in leads for event in draw(event_lists(lead.id))]
    return leads, found


@st.composite
def _policies(draw: st.DrawFn) -> StagePolicy:
    min_score = draw(st.none() | st.integers(-20, 60) | st.floats(-20, 60, allow_nan=False))
    min_grade = draw(st.none() | st.sampled_from(GRADES))
    when = draw(st.none() | conditions(max_leaves=3))
    or_when = draw(st.none() | conditions(max_leaves=3))
    if min_score is None and min_grade is None and when is None and or_when is None:
        min_score = 0
    rule = MqlRule(min_score=min_score, min_grade=min_grade, when=when, or_when=or_when)
    return StagePolicy(name="p", mql=rule)


@st.composite
def _rule_sets(draw: st.DrawFn) -> AssignmentRules:
    entries = [
        RuleEntry(
            draw(conditions(max_leaves=3)),
            draw(st.sampled_from(OWNERS)),
            name=f"e{i}",
            keep_owner=draw(st.booleans()),
        )
        for i in range(draw(st.integers(0, 4)))
    ]
    return AssignmentRules(entries, default_owner=OwnerRef.queue("inbound"))


def _true(value: object) -> bool:
    return bool(value)  # SQLite gives 0/1


@pytest.mark.slow  # DuckDB and SQLite per example: ~15 s
@SETTINGS
@given(
    policy=_policies(),
    model=st.none() | scoring_models(),
    profile=st.none() | grading_profiles(),
    population=_population(),
)
def test_mql_verdicts_and_reasons_equal_classify(
    policy: StagePolicy,
    model: ScoringModel | None,
    profile: GradingProfile | None,
    population: tuple[list[Lead], list[EngagementEvent]],
) -> None:
    leads, events = population
    by_lead: dict[str, list[EngagementEvent]] = {lead.id: [] for lead in leads}
    for event in events:
        by_lead[str(event.lead_id)].append(event)
    expected: dict[str, tuple[bool, str | None, dict[str, bool]]] = {}
    for lead in leads:
        score = None
        if model is not None:
            score = model.score(lead, by_lead[lead.id], as_of=AS_OF).total
        grade = None if profile is None else profile.grade(lead, as_of=AS_OF).grade
        because, checks = _mql(policy, lead, score, grade, by_lead[lead.id], AS_OF, False)
        reason = ", ".join(r.rule for r in because) or None
        expected[lead.id] = (bool(because), reason, {r.rule: r.held for r in checks})
    for engine in ENGINES:
        rows = engine(leads, events, model=model, profile=profile, policy=policy)
        for row in rows:
            is_mql, reason, verdicts = expected[row["lead_id"]]
            assert _true(row["is_mql"]) is is_mql, (engine.__name__, row, expected)
            assert row["mql_reason"] == reason, (engine.__name__, row)
            for name, held in verdicts.items():
                assert _true(row[name]) is held, (engine.__name__, name, row)


@pytest.mark.slow
@SETTINGS
@given(rules=_rule_sets(), population=_population())
def test_first_matching_entry_and_owner_equal_the_router(
    rules: AssignmentRules, population: tuple[list[Lead], list[EngagementEvent]]
) -> None:
    leads, events = population
    by_lead: dict[str, list[EngagementEvent]] = {lead.id: [] for lead in leads}
    for event in events:
        by_lead[str(event.lead_id)].append(event)
    router = Router(rules)
    expected = {}
    for lead in leads:
        entry = router.match(lead, as_of=AS_OF, events=by_lead[lead.id])
        decision = router.route(
            lead, as_of=AS_OF, state=InMemoryState(), events=by_lead[lead.id], explain=False
        )
        expected[lead.id] = (entry, str(decision.owner), decision.kept_owner)
    for engine in ENGINES:
        rows = engine(leads, events, assignment=rules)
        got = {
            row["lead_id"]: (row["entry"], row["owner"], _true(row["kept_owner"])) for row in rows
        }
        assert got == expected, (engine.__name__, [str(e.when) for e in rules.entries])
        for row in rows:
            name = None if row["entry"] is None else rules.entries[row["entry"]].name
            assert row["entry_name"] == name


def test_a_strategy_fails_at_compile_time_naming_the_entry() -> None:
    """Routing state (turn pointers, loads) is not in the tables: the issue's "a
    condition that cannot be expressed fails at compile time naming the node"."""
    rules = AssignmentRules(
        [
            RuleEntry(in_region("関東"), OwnerRef.user("u-1")),
            RuleEntry(in_region("関西"), RoundRobin(["u-1", "u-2"]), name="west"),
        ],
        default_owner=OwnerRef.queue("inbound"),
    )
    with pytest.raises(SqlCompileError) as caught:
        sql.compile_query(as_of=AS_OF, assignment=rules)
    assert caught.value.path == ("assignment", "entries", 1, "target")
    assert "RoundRobin" in str(caught.value)
    text = sql.to_sql(as_of=AS_OF, assignment=rules, owners=False)
    assert '"entry_name"' in text
    assert '"owner"' not in text
