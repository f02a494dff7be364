"""Parity of leadkit.sql with the Python engine (issue 14, "Prove it"): for random
condition trees, scoring models, grading profiles, leads and events, DuckDB and SQLite
give every lead the total the Python engine gives (within 1e-9), the same points per
rule, the same grade and the same verdict for every criterion and condition."""

from __future__ import annotations

import math
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadkit.model import EngagementEvent, Lead
from leadkit.rules import Condition, compile
from leadkit.scoring import Criterion, GradingProfile, ProfileRule, ScoringModel
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
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _duckdb_rows(
    leads: list[Lead],
    events: list[EngagementEvent],
    model: ScoringModel | None,
    profile: GradingProfile | None,
) -> list[dict[str, Any]]:
    connection = duckdb.connect()
    sql.write_duckdb(connection, leads, events)
    relation = sql.score_duckdb(connection, model, profile=profile, as_of=AS_OF)
    names = relation.columns
    return [dict(zip(names, row, strict=True)) for row in relation.fetchall()]


def _sqlite_rows(
    leads: list[Lead],
    events: list[EngagementEvent],
    model: ScoringModel | None,
    profile: GradingProfile | None,
) -> list[dict[str, Any]]:
    connection = sqlite3.connect(":memory:")
    sql.write_sqlite(connection, leads, events)
    return sql.score_sqlite(connection, model, profile=profile, as_of=AS_OF)  # type: ignore[no-any-return]


ENGINES = [_duckdb_rows, _sqlite_rows]


def _amounts() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.integers(-5, 120),
        st.integers(0, 12000).map(lambda c: Decimal(c).scaleb(-2)),
        st.booleans(),
        st.just("12"),
    )


@st.composite
def _population(draw: st.DrawFn) -> tuple[list[Lead], list[EngagementEvent]]:
    count = draw(st.integers(1, 4))
    leads = [draw(leads_near(f"lead-{n}")) for n in range(count)]
    found: list[EngagementEvent] = []
    for lead in leads:
        for event in draw(event_lists(lead.id)):
            extra: dict[str, Any] = {}
            if draw(st.booleans()):
                extra["amount"] = draw(_amounts())
            if draw(st.integers(0, 3)) == 0:
                extra["asset"] = "whitepaper.pdf"
            if extra:
                event = EngagementEvent(
                    id=event.id,
                    kind=event.kind,
                    lead_id=event.lead_id,
                    occurred_at=event.occurred_at,
                    properties={**event.properties, **extra},
                )
            found.append(event)
    return leads, found


def _close(a: object, b: float) -> bool:
    return isinstance(a, float | int) and math.isclose(float(a), b, rel_tol=0, abs_tol=1e-9)


@SETTINGS
@given(model=scoring_models(), profile=grading_profiles(), population=_population())
def test_totals_rules_and_grades_equal_the_python_engine(
    model: ScoringModel,
    profile: GradingProfile,
    population: tuple[list[Lead], list[EngagementEvent]],
) -> None:
    leads, events = population
    cards = model.score_many(leads, events, as_of=AS_OF, breakdown=True)
    grades = {lead.id: profile.grade(lead, as_of=AS_OF) for lead in leads}
    for engine in ENGINES:
        rows = {row["lead_id"]: row for row in engine(leads, events, model, profile)}
        assert set(rows) == {lead.id for lead in leads}, engine.__name__
        for lead_id, card in cards.items():
            row = rows[lead_id]
            assert _close(row["total"], card.total), (engine.__name__, row, card)
            points = {c.rule.name: c.points for c in card.contributions}
            for rule in model.rules:
                got = row[f"rule.{rule.name}"]
                assert _close(got, points.get(rule.name, 0.0)), (engine.__name__, rule, row)
            for group, subtotal in card.groups.items():
                assert _close(row[f"group.{group}"], subtotal), (engine.__name__, group)
            grade = grades[lead_id]
            assert row["grade"] == str(grade.grade), (engine.__name__, row, grade.explain())
            words = {True: "matched", False: "unmatched", None: "unknown"}
            for result in grade.results:
                assert row[f"criterion.{result.name}"] == words[result.verdict], engine.__name__


@SETTINGS
@given(condition=conditions(max_leaves=4), population=_population())
def test_every_condition_holds_where_the_python_engine_says(
    condition: Condition, population: tuple[list[Lead], list[EngagementEvent]]
) -> None:
    leads, events = population
    model = ScoringModel("one", [ProfileRule("c", condition, points=1)])
    compiled = compile(condition)
    by_lead: dict[str, list[EngagementEvent]] = {lead.id: [] for lead in leads}
    for event in events:
        by_lead[str(event.lead_id)].append(event)
    expected = {lead.id: compiled(lead, by_lead[lead.id], as_of=AS_OF) for lead in leads}
    for engine in ENGINES:
        rows = engine(leads, events, model, None)
        got = {row["lead_id"]: row["rule.c"] == 1.0 for row in rows}
        assert got == expected, (engine.__name__, str(condition))


@SETTINGS
@given(condition=conditions(events=False, max_leaves=4), population=_population())
def test_three_valued_verdicts_equal_the_python_engine(
    condition: Condition, population: tuple[list[Lead], list[EngagementEvent]]
) -> None:
    leads, _ = population
    profile = GradingProfile("one", [Criterion("c", condition)])
    compiled = compile(condition)
    words = {True: "matched", False: "unmatched", None: "unknown"}
    expected = {lead.id: words[compiled.known(lead, as_of=AS_OF)] for lead in leads}
    for engine in ENGINES:
        rows = engine(leads, [], None, profile)
        assert {row["lead_id"]: row["criterion.c"] for row in rows} == expected, (
            engine.__name__,
            str(condition),
        )


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=scoring_models(), profile=grading_profiles(), population=_population())
def test_sqlite_unit_of_work_is_scored_in_place(
    tmp_path_factory: pytest.TempPathFactory,
    model: ScoringModel,
    profile: GradingProfile,
    population: tuple[list[Lead], list[EngagementEvent]],
) -> None:
    from leadkit.repository import SqliteUnitOfWork

    leads, events = population
    path: Path = tmp_path_factory.mktemp("uow") / "leads.db"
    with SqliteUnitOfWork(path) as uow:
        for lead in leads:
            uow.leads.add(lead)
        for event in events:
            uow.engagement_events.add(event)
        uow.commit()
    totals = model.score_many(leads, events, as_of=AS_OF)
    grades = profile.grade_many(leads, as_of=AS_OF)
    rows = sql.score_sqlite_records(SqliteUnitOfWork(path), model, profile=profile, as_of=AS_OF)
    assert {row["lead_id"] for row in rows} == set(totals)
    for row in rows:
        assert _close(row["total"], totals[str(row["lead_id"])]), row
        assert row["grade"] == str(grades[str(row["lead_id"])])
