"""The reference workload in the warehouse: leadkit on DuckDB against hand-written Python
and hand-written DuckDB SQL (issue 14).

    PYTHONPATH=src python benchmarks/warehouse.py [--leads N] [--repeat R]

The reference workload (``../shared/bench/reference_scoring.py``, or
``$LEADKIT_SHARED/bench``) is generated, built into leadkit objects and written once to
two Parquet files in leadkit's column layout (not timed). Then, in one run, best of R:

* the hand-written Python of the reference (the baseline);
* leadkit's Python engine (``score_many`` + ``grade_many``);
* leadkit on DuckDB: ``leadkit.sql.score_duckdb`` reading the Parquet files, scoring and
  grading in one query, fetched as Arrow (every rule and criterion column included);
* a hand-written DuckDB query of the same model over the same files, fetched as Arrow.

Every score (within 1e-9) and grade of the three leadkit/SQL results is checked against
the hand-written Python. Printed last: ``duckdb ratio`` (leadkit on DuckDB / hand-written
Python; target <= 0.4) and ``sql overhead`` (leadkit's generated SQL / the hand-written
SQL, same engine; target <= 1.2).
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
from _timing import best_of

from leadkit.sql import score_duckdb, write_parquet
from scoring import build_events, build_leads, build_model, load_reference


def hand_written_sql(ref: Any, leads: str, events: str) -> str:
    """The reference model written by hand for DuckDB, over leadkit's Parquet layout."""
    now = float(ref.NOW)
    rate = f"(-ln(2.0) / ({ref.HALF_LIFE_DAYS} * 86400.0))"

    def words(column: str, needles: tuple[str, ...]) -> str:
        return "(" + " OR ".join(f"contains({column}, '{w}')" for w in needles) + ")"

    def listed(values: frozenset[str]) -> str:
        return ", ".join(f"'{v}'" for v in sorted(values))

    kinds = ",\n        ".join(
        f"SUM(CASE WHEN kind = '{k}' THEN exp(age * {rate}) ELSE 0.0 END) AS \"{k}\""
        for k in ref.EVENT_KINDS
    )
    behaviour = " + ".join(
        f'LEAST(COALESCE("{k}", 0.0) * {p}, {ref.CAPS[k]})'
        if k in ref.CAPS
        else f'COALESCE("{k}", 0.0) * {p}'
        for k, p in ref.EVENT_POINTS.items()
    )
    title, emp, ind = "l.title", "l.employees", "l.industry"
    country, pref, dom = 'l."address.country"', 'l."address.prefecture"', "l.email_domain"
    free = listed(ref.FREEMAIL)
    grades = ", ".join(f"'{g}'" for g in ref.GRADES)
    return f"""
WITH ev AS (
    SELECT lead_id, kind, {now} - epoch(occurred_at) AS age
    FROM read_parquet('{events}') WHERE epoch(occurred_at) <= {now}
), agg AS (
    SELECT lead_id,
        {kinds},
        MIN(age) AS latest,
        MIN(CASE WHEN kind = 'pricing_page_visit' THEN age END) AS latest_pricing
    FROM ev GROUP BY lead_id
)
SELECT l.id AS lead_id,
    (CASE WHEN {words(title, ref.DIRECTOR_WORDS)} THEN 10 ELSE 0 END
     + CASE WHEN {words(title, ref.EXEC_WORDS)} THEN 15 ELSE 0 END
     - CASE WHEN {words(title, ref.JUNIOR_WORDS)} THEN 20 ELSE 0 END
     + CASE WHEN {emp} >= 1000 THEN 20 WHEN {emp} >= 100 THEN 10 ELSE 0 END
     + CASE WHEN {ind} IN ({listed(ref.TARGET_INDUSTRIES)}) THEN 5 ELSE 0 END
     + CASE WHEN {country} = 'JP' THEN 5 ELSE 0 END
     + CASE WHEN {country} = 'JP' AND {pref} IN ({listed(ref.HOT_PREFECTURES)}) THEN 3 ELSE 0 END
     + CASE WHEN l.annual_revenue >= {ref.REVENUE_BIG} THEN 10 ELSE 0 END
     + CASE WHEN {dom} IN ({free}) THEN -10 WHEN suffix({dom}, '.co.jp') THEN 2 ELSE 0 END
    ) + ({behaviour})
      + CASE WHEN latest <= {ref.RECENT_S} THEN 10 ELSE 0 END
      + CASE WHEN latest_pricing <= {ref.HOT_S} THEN 10 ELSE 0 END AS total,
    [{grades}][1 + least(12, greatest(0, 2
        + CASE WHEN {title} IS NULL THEN 0
               WHEN {words(title, ref.DECISION_WORDS)} THEN 2 ELSE -2 END
        + CASE WHEN {emp} IS NULL THEN 0 WHEN {emp} >= 1000 THEN 2 ELSE -2 END
        + CASE WHEN {ind} IS NULL THEN 0
               WHEN {ind} IN ({listed(ref.TARGET_INDUSTRIES)}) THEN 2 ELSE -2 END
        + CASE WHEN {country} IS NULL THEN 0 WHEN {country} = 'JP' THEN 1 ELSE -1 END
        + CASE WHEN {dom} IS NULL THEN 0 WHEN {dom} NOT IN ({free}) THEN 1 ELSE -1 END))]
      AS grade
FROM read_parquet('{leads}') AS l LEFT JOIN agg ON agg.lead_id = l.id
"""


def _check(name: str, got: dict[str, tuple[float, str]], expected: list[tuple[float, str]]) -> None:
    assert len(got) == len(expected), (name, len(got), len(expected))
    for index, (score, grade) in enumerate(expected):
        total, letter = got[f"lead-{index}"]
        assert abs(total - score) <= 1e-9, (name, index, total, score)
        assert letter == grade, (name, index, letter, grade)


def _arrow_rows(table: Any) -> dict[str, tuple[float, str]]:
    ids = table.column("lead_id").to_pylist()
    totals = table.column("total").to_pylist()
    grades = table.column("grade").to_pylist()
    return {i: (t, g) for i, t, g in zip(ids, totals, grades, strict=True)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads (0: its default)")
    args = parser.parse_args()
    ref = load_reference()
    now = datetime.fromtimestamp(ref.NOW, UTC)
    raw_leads, raw_events = ref.generate(args.leads)
    model, profile = build_model(ref)
    leads = build_leads(raw_leads, now)
    found = build_events(raw_events, leads)
    folder = Path(tempfile.mkdtemp(prefix="leadkit-warehouse-"))
    lead_file, event_file = folder / "leads.parquet", folder / "events.parquet"
    write_parquet(leads, found, leads_path=lead_file, events_path=event_file)
    print(f"{len(leads):,} leads, {len(found):,} events, best of {args.repeat} runs")

    expected, plain = best_of(args.repeat, lambda: ref.score_plain(raw_leads, raw_events))

    def python_engine() -> dict[str, tuple[float, str]]:
        scores = model.score_many(leads, found, as_of=now)
        grades = profile.grade_many(leads, as_of=now)
        return {k: (v, str(grades[k])) for k, v in scores.items()}

    ours_python, python_time = best_of(args.repeat, python_engine)
    _check("python engine", ours_python, expected)

    connection = duckdb.connect()
    if args.threads:
        connection.execute(f"SET threads = {args.threads}")

    def leadkit_duckdb() -> Any:
        relation = score_duckdb(
            connection, model, profile=profile, as_of=now, leads=lead_file, events=event_file
        )
        return relation.to_arrow_table()

    table, ours_duckdb = best_of(args.repeat, leadkit_duckdb)
    _check("leadkit on duckdb", _arrow_rows(table), expected)
    query = hand_written_sql(ref, str(lead_file), str(event_file))
    hand_table, hand_duckdb = best_of(args.repeat, lambda: connection.sql(query).to_arrow_table())
    _check("hand-written sql", _arrow_rows(hand_table), expected)
    print(f"hand-written Python   {plain:7.3f} s")
    print(f"leadkit Python        {python_time:7.3f} s")
    print(f"leadkit on DuckDB     {ours_duckdb:7.3f} s  ({table.num_columns} columns: every rule)")
    print(f"hand-written DuckDB   {hand_duckdb:7.3f} s  (total and grade only)")
    print("every score and grade equal to the hand-written Python's")
    print(f"duckdb ratio: {ours_duckdb / plain:.2f}")
    print(f"sql overhead: {ours_duckdb / hand_duckdb:.2f}")


if __name__ == "__main__":
    main()
