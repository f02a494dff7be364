"""Ratios and differences of event aggregates in SQL equal the Python engine on DuckDB
and SQLite (issue 20; zero denominators are missing, as documented in docs/rules.md)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from leadkit.model import EngagementEvent, Lead, PersonName
from leadkit.rules import Condition, compile, events, rate
from leadkit.scoring import ProfileRule, ScoringModel

duckdb = pytest.importorskip("duckdb")
sql = pytest.importorskip("leadkit.sql")

AS_OF = datetime(2026, 5, 1, tzinfo=UTC)


def _population() -> tuple[list[Lead], list[EngagementEvent]]:
    leads = [
        Lead(
            id=f"lead-{n}",
            name=PersonName("Sato"),
            company="ABC",
            created_at=AS_OF - timedelta(days=300),
        )
        for n in range(5)
    ]
    # (opens, sends) per lead: 3/10, 1/10, 2/0 (no sends), 0/0, 4/4.
    counts = [(3, 10), (1, 10), (2, 0), (0, 0), (4, 4)]
    found = []
    for lead, (opens, sends) in zip(leads, counts, strict=True):
        for kind, count in (("email_open", opens), ("email_send", sends)):
            for i in range(count):
                at = AS_OF - timedelta(days=i + 1)
                found.append(EngagementEvent(kind=kind, lead_id=lead.id, occurred_at=at))
    return leads, found


CONDITIONS: list[Condition] = [
    rate("email_open", "email_send", days=90) >= 0.3,
    rate("email_open", "email_send") < 0.5,
    ~(rate("email_open", "email_send") == 1.0),
    rate("email_open", "email_send").is_missing(),
    events("email_open").count() >= events("email_send").count(),
    (events("email_send").count() - events("email_open").count()) > 5,
]


@pytest.mark.slow  # DuckDB and SQLite runs: about 2 s
def test_sql_verdicts_equal_python() -> None:
    leads, found = _population()
    expected: dict[str, dict[str, bool]] = {lead.id: {} for lead in leads}
    for n, condition in enumerate(CONDITIONS):
        compiled = compile(condition)
        for lead in leads:
            mine = [e for e in found if e.lead_id == lead.id]
            expected[lead.id][f"rule.c{n}"] = compiled(lead, mine, as_of=AS_OF)
    rules = [ProfileRule(f"c{n}", c, points=1) for n, c in enumerate(CONDITIONS)]
    model = ScoringModel("rates", rules)
    duck_connection = duckdb.connect()
    sql.write_duckdb(duck_connection, leads, found)
    relation = sql.score_duckdb(duck_connection, model, as_of=AS_OF)
    duck_rows = [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]
    lite_connection = sqlite3.connect(":memory:")
    sql.write_sqlite(lite_connection, leads, found)
    lite_rows = sql.score_sqlite(lite_connection, model, as_of=AS_OF)
    for rows in (duck_rows, lite_rows):
        got = {
            row["lead_id"]: {name: row[name] == 1.0 for name in expected[row["lead_id"]]}
            for row in rows
        }
        assert got == expected
