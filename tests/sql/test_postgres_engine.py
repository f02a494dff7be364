"""leadkit.sql on a real PostgreSQL server (issue 14: "render them per dialect: DuckDB,
SQLite, Spark SQL and PostgreSQL"): for random models, profiles, policies, rule sets,
leads and events, the postgres dialect gives what the Python engine gives. Run through
``scripts/with-postgres`` (``.ci/run`` does, with ``LEADKIT_REQUIRE_POSTGRES=1``);
skipped without a server."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from leadkit.errors import SqlCompileError
from leadkit.model import EngagementEvent, Lead, OwnerRef
from leadkit.routing import AssignmentRules, InMemoryState, Router, RuleEntry
from leadkit.rules import field
from leadkit.scoring import GradingProfile, ProfileRule, ScoringModel
from leadkit.testing.rule_strategies import conditions
from tests.repository._postgres import postgres_url
from tests.scoring._strategies import (
    AS_OF,
    event_lists,
    grading_profiles,
    leads_near,
    scoring_models,
)

URL = postgres_url(module=True)
psycopg = pytest.importorskip("psycopg")
sql = pytest.importorskip("leadkit.sql")
pytestmark = pytest.mark.slow

OWNERS = [OwnerRef.user("u-1"), OwnerRef.queue("q-1")]


@pytest.fixture(scope="module")
def connection() -> Iterator[Any]:
    import uuid

    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.execute(f'SET search_path TO "{schema}"')
        try:
            yield conn
        finally:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@st.composite
def _population(draw: st.DrawFn) -> tuple[list[Lead], list[EngagementEvent]]:
    leads = []
    for n in range(draw(st.integers(1, 4))):
        lead = draw(leads_near(f"lead-{n}"))
        leads.append(attrs.evolve(lead, owner=draw(st.sampled_from([None, *OWNERS]))))
    found = [event for lead in leads for event in draw(event_lists(lead.id))]
    return leads, found


def _close(a: object, b: float) -> bool:
    return isinstance(a, float | int) and math.isclose(float(a), b, rel_tol=0, abs_tol=1e-9)


def _written(connection: Any, leads: list[Lead], events: list[EngagementEvent]) -> bool:
    """False when PostgreSQL refuses the text (it cannot store NUL characters)."""
    try:
        sql.write_postgres(connection, leads, events)
    except SqlCompileError as err:
        if "NUL" not in str(err):
            raise
        return False
    return True


def _compiles(**kw: Any) -> bool:
    try:
        sql.compile_query(as_of=AS_OF, dialect="postgres", **kw)
    except SqlCompileError:
        return False  # matches(): no RE2 in PostgreSQL, refused at compile time
    return True


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(model=scoring_models(), profile=grading_profiles(), population=_population())
def test_totals_rules_and_grades_equal_the_python_engine(
    connection: Any,
    model: ScoringModel,
    profile: GradingProfile,
    population: tuple[list[Lead], list[EngagementEvent]],
) -> None:
    assume(_compiles(model=model, profile=profile))
    leads, events = population
    assume(_written(connection, leads, events))
    rows = {
        row["lead_id"]: row
        for row in sql.score_postgres(connection, model, profile=profile, as_of=AS_OF)
    }
    cards = model.score_many(leads, events, as_of=AS_OF, breakdown=True)
    words = {True: "matched", False: "unmatched", None: "unknown"}
    assert set(rows) == set(cards)
    for lead in leads:
        row, card = rows[lead.id], cards[lead.id]
        assert _close(row["total"], card.total), (row, card)
        points = {c.rule.name: c.points for c in card.contributions}
        for rule in model.rules:
            assert _close(row[f"rule.{rule.name}"], points.get(rule.name, 0.0)), rule
        grade = profile.grade(lead, as_of=AS_OF)
        assert row["grade"] == str(grade.grade)
        for result in grade.results:
            assert row[f"criterion.{result.name}"] == words[result.verdict]


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    whens=st.lists(conditions(max_leaves=3), max_size=3),
    keep=st.booleans(),
    population=_population(),
)
def test_first_matching_entry_equals_the_router(
    connection: Any,
    whens: list[Any],
    keep: bool,
    population: tuple[list[Lead], list[EngagementEvent]],
) -> None:
    rules = AssignmentRules(
        [RuleEntry(w, OWNERS[i % 2], name=f"e{i}", keep_owner=keep) for i, w in enumerate(whens)],
        default_owner=OwnerRef.queue("inbound"),
    )
    assume(_compiles(assignment=rules))
    leads, events = population
    assume(_written(connection, leads, events))
    router = Router(rules)
    by_lead: dict[str, list[EngagementEvent]] = {lead.id: [] for lead in leads}
    for event in events:
        by_lead[str(event.lead_id)].append(event)
    got = {
        row["lead_id"]: (row["entry"], row["owner"])
        for row in sql.score_postgres(connection, as_of=AS_OF, assignment=rules)
    }
    for lead in leads:
        decision = router.route(
            lead, as_of=AS_OF, state=InMemoryState(), events=by_lead[lead.id], explain=False
        )
        entry = router.match(lead, as_of=AS_OF, events=by_lead[lead.id])
        assert got[lead.id] == (entry, str(decision.owner)), [str(w) for w in whens]


def test_matches_is_refused_at_compile_time(connection: Any) -> None:
    """PostgreSQL's regular expressions are not RE2 (the module docstring of
    leadkit.sql._dialect): refused when compiling, never a different answer."""
    model = ScoringModel("m", [ProfileRule("r", field("title").matches("^CEO"), points=1)])
    sql.write_postgres(connection, [], [])
    with pytest.raises(SqlCompileError) as caught:
        sql.score_postgres(connection, model, as_of=AS_OF)
    assert caught.value.path == ("rules", 0, "when")


def test_the_records_a_postgres_unit_of_work_stores_are_scored_on_its_server() -> None:
    """Issue 14's "score the leads the unit of work stores" on PostgreSQL: the same
    totals and grades as the Python engine (the japanese-b2b model and the default
    profile, shipped with leadkit)."""
    from leadkit.repository import PostgresUnitOfWork
    from leadkit.scoring import default_grading_profile, japanese_b2b_model
    from tests.repository._postgres import fresh_schema

    model, profile = japanese_b2b_model(), default_grading_profile()
    leads = [attrs.evolve(lead, id=f"lead-{n}") for n, lead in enumerate(_some_leads())]
    events = [
        EngagementEvent(kind=kind, lead_id=lead.id, occurred_at=AS_OF)
        for lead, kind in zip(leads, ["form_submit", "page_view", "demo_request"], strict=False)
    ]
    for schema in fresh_schema(URL):
        with PostgresUnitOfWork(URL, schema=schema) as uow:
            for lead in leads:
                uow.leads.add(lead)
            for event in events:
                uow.engagement_events.add(event)
            uow.commit()
        with PostgresUnitOfWork(URL, schema=schema) as uow:
            rows = sql.score_postgres_records(uow, model, profile=profile, as_of=AS_OF)
        totals = model.score_many(leads, events, as_of=AS_OF)
        grades = profile.grade_many(leads, as_of=AS_OF)
        assert {r["lead_id"]: r["total"] for r in rows} == pytest.approx(totals, abs=1e-9)
        assert {r["lead_id"]: r["grade"] for r in rows} == {k: str(g) for k, g in grades.items()}


def _some_leads() -> list[Lead]:
    from datetime import UTC, datetime

    from leadkit.model import Address, PersonName

    at = datetime(2026, 1, 5, tzinfo=UTC)
    return [
        Lead(name=PersonName("山田"), company="A", title="部長", employees=1500,
             address=Address(state="東京都"), email="a@example.co.jp", created_at=at),
        Lead(name=PersonName("田中"), company="B", title="Intern", created_at=at),
        Lead(name=PersonName("佐藤"), company="C", email="c@gmail.com", created_at=at),
    ]  # fmt: skip
