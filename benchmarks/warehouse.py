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

Scale (``--scale``, with ``--leads 1000000`` or more):

    PYTHONPATH=src python benchmarks/warehouse.py --scale --leads 1000000 [--spark]

generates the reference workload in chunks of ``--chunk`` leads (each chunk its own
seed) straight to two Parquet files in leadkit's layout (only the columns the model
reads; bounded memory: one chunk at a time), then scores and grades every lead with
leadkit on DuckDB (``--memory-limit``, spilling to a temporary folder), writing the
result to Parquet; prints the time and the peak memory of the process (``ru_maxrss``,
DuckDB included) and checks the first 1,000 leads against the hand-written Python.
``--spark`` scores the same files on Spark local too (time, and the same 1,000 leads
checked against leadkit's Python engine).
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
from leadkit.sql._deps import exp
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


SAMPLE = 1_000


def _needed_columns(model: Any, profile: Any, now: datetime) -> tuple[list[str], list[str]]:
    """The lead and event columns of leadkit's layout that the query reads."""
    from leadkit.sql import compile_query
    from leadkit.sql._cells import event_columns, lead_columns

    query = compile_query(model, profile=profile, as_of=now)
    used = {(c.table, c.name) for c in query.find_all(exp.Column)}
    leads = [c.name for c in lead_columns(set()) if ("l", c.name) in used or c.name == "id"]
    events = [c.name for c in event_columns(set()) if ("r", c.name) in used]
    return leads, [*dict.fromkeys(["lead_id", "occurred_at", *events])]


_DEPENDS = {
    "title": ("title",),
    "industry": ("industry",),
    "address": ("country", "prefecture"),
    "email": ("email_domain",),
}


def _lead_table(
    ref: Any, raw: list[dict[str, Any]], offset: int, names: list[str], now: Any
) -> Any:
    """One chunk of leads in leadkit's layout: each text cell read by leadkit's own
    reader from a prototype lead (cached per distinct raw value), numbers as they are."""
    import functools

    import pyarrow as pa

    from leadkit.sql._cells import lead_columns, reader

    columns = {c.name: c for c in lead_columns(set())}
    types = {"text": pa.string(), "number": pa.float64(), "bool": pa.bool_()}
    template = dict(raw[0])
    arrays: dict[str, Any] = {}
    for name in names:
        column = columns[name]
        if name == "id":
            arrays[name] = pa.array([f"lead-{offset + r['lead_id']}" for r in raw], pa.string())
            continue
        if name in ("employees", "annual_revenue"):
            arrays[name] = pa.array(
                [None if r[name] is None else float(r[name]) for r in raw], pa.float64()
            )
            continue
        depends = _DEPENDS[name.split(".")[0].split("#")[0].split("_")[0]]
        read = reader(column, events=False)

        @functools.cache
        def cell(key: tuple[Any, ...], read: Any = read, depends: Any = depends) -> Any:
            row = {**template, **dict(zip(depends, key, strict=True))}
            return read(build_leads([row], now)[0])

        values = [cell(tuple(r[d] for d in depends)) for r in raw]
        arrays[name] = pa.array(values, types[column.family])
    return pa.table(arrays)


def _event_table(raw: list[tuple[int, str, int]], offset: int, names: list[str]) -> Any:
    import pyarrow as pa

    arrays = {
        "lead_id": pa.array([f"lead-{offset + e[0]}" for e in raw], pa.string()),
        "occurred_at": pa.array([e[2] * 1_000_000 for e in raw], pa.int64()).cast(
            pa.timestamp("us", tz="UTC")
        ),
        "kind": pa.array([e[1] for e in raw], pa.string()),
    }
    if "kind#norm" in names:
        arrays["kind#norm"] = arrays["kind"]  # the reference's kinds are ASCII lower case
    return pa.table({n: arrays[n] for n in names})


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _generate(
    args: argparse.Namespace,
    ref: Any,
    now: datetime,
    lead_names: list[str],
    event_names: list[str],
    lead_file: Path,
    event_file: Path,
) -> tuple[list[dict[str, Any]], list[tuple[int, str, int]]]:
    """The reference workload in chunks, appended to the two Parquet files; the first
    1,000 leads and their events, raw, for the parity check."""
    import time

    import pyarrow.parquet as pq

    start = time.perf_counter()
    writers: dict[str, Any] = {}
    total_events = 0
    sample: tuple[list[dict[str, Any]], list[tuple[int, str, int]]] = ([], [])
    for first in range(0, args.leads, args.chunk):
        size = min(args.chunk, args.leads - first)
        raw_leads, raw_events = ref.generate(size, seed=42 + first // args.chunk)
        if first == 0:
            sample = (raw_leads[:SAMPLE], [e for e in raw_events if e[0] < SAMPLE])
        total_events += len(raw_events)
        for key, table in (
            ("leads", _lead_table(ref, raw_leads, first, lead_names, now)),
            ("events", _event_table(raw_events, first, event_names)),
        ):
            path = lead_file if key == "leads" else event_file
            if key not in writers:
                writers[key] = pq.ParquetWriter(path, table.schema)
            writers[key].write_table(table)
        del raw_leads, raw_events
    for writer in writers.values():
        writer.close()
    generated = time.perf_counter() - start
    print(f"{args.leads:,} leads, {total_events:,} events generated to Parquet in "
          f"{generated:.1f} s (peak {_peak_mb():,.0f} MB so far)")  # fmt: skip
    return sample


def _replicate(connection: Any, times: int, leads: Path, events: Path) -> tuple[Path, Path]:
    """The files ``times`` over, in DuckDB (copy k > 0 of lead-7 is lead-7~k), so that a
    run of N generated leads scores N x ``times`` of them; copy 0 keeps the ids."""
    import time

    start = time.perf_counter()
    made = []
    for path, key in ((leads, "id"), (events, "lead_id")):
        target = path.with_name(f"{path.stem}-x{times}.parquet")
        renamed = f"CASE WHEN r.k = 0 THEN {key} ELSE {key} || '~' || r.k END AS {key}"
        connection.execute(
            f"COPY (SELECT * REPLACE ({renamed}) FROM read_parquet('{path}') "
            f"CROSS JOIN range({times}) r(k)) TO '{target}' (FORMAT PARQUET)"
        )
        made.append(target)
    events_count = connection.execute(f"SELECT count(*) FROM '{made[1]}'").fetchone()
    print(f"replicated {times}x in DuckDB ({events_count[0] if events_count else 0:,} events) "
          f"in {time.perf_counter() - start:.1f} s")  # fmt: skip
    return made[0], made[1]


def scale(args: argparse.Namespace) -> None:
    """Generate ``--leads`` leads in chunks to Parquet, score and grade on DuckDB."""
    import time

    ref = load_reference()
    now = datetime.fromtimestamp(ref.NOW, UTC)
    model, profile = build_model(ref)
    lead_names, event_names = _needed_columns(model, profile, now)
    folder = Path(args.folder or tempfile.mkdtemp(prefix="leadkit-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    lead_file, event_file = folder / "leads.parquet", folder / "events.parquet"
    if args.reuse and lead_file.exists() and event_file.exists():
        raw_leads, raw_events = ref.generate(min(args.chunk, args.leads), seed=42)
        sample = (raw_leads[:SAMPLE], [e for e in raw_events if e[0] < SAMPLE])
        del raw_leads, raw_events
        print(f"reusing {lead_file} and {event_file} (peak {_peak_mb():,.0f} MB so far)")
    else:
        sample = _generate(args, ref, now, lead_names, event_names, lead_file, event_file)
    connection = duckdb.connect()
    spill = folder / "spill"
    connection.execute(f"SET memory_limit = '{args.memory_limit}'")
    connection.execute(f"SET temp_directory = '{spill}'")
    connection.execute("SET preserve_insertion_order = false")
    if args.threads:
        connection.execute(f"SET threads = {args.threads}")
    count = args.leads
    if args.replicate > 1:
        lead_file, event_file = _replicate(connection, args.replicate, lead_file, event_file)
        count *= args.replicate
    out = folder / "scores.parquet"
    start = time.perf_counter()
    relation = score_duckdb(
        connection, model, profile=profile, as_of=now, leads=lead_file, events=event_file
    )
    connection.execute(f"COPY ({relation.sql_query()}) TO '{out}' (FORMAT PARQUET)")
    scored = time.perf_counter() - start
    rows = connection.execute(f"SELECT count(*) FROM '{out}'").fetchone()
    assert rows is not None, out
    assert rows[0] == count, rows
    got = connection.execute(
        f"SELECT lead_id, total, grade FROM '{out}' WHERE lead_id IN "
        f"(SELECT 'lead-' || i FROM range({SAMPLE}) t(i))"
    ).fetchall()
    _check("leadkit on duckdb (sample)", {r[0]: (r[1], r[2]) for r in got},
           ref.score_plain(*sample))  # fmt: skip
    print(f"leadkit on DuckDB: scored and graded {count:,} leads in {scored:.1f} s "
          f"(memory_limit {args.memory_limit}), peak RSS {_peak_mb():,.0f} MB; "
          f"the first {SAMPLE:,} equal to the hand-written Python")  # fmt: skip
    connection.close()
    if args.spark:
        _spark(args, ref, model, profile, now, lead_file, event_file, sample)


def _spark(
    args: argparse.Namespace,
    ref: Any,
    model: Any,
    profile: Any,
    now: datetime,
    lead_file: Path,
    event_file: Path,
    sample: tuple[list[dict[str, Any]], list[tuple[int, str, int]]],
) -> None:
    import time

    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    from leadkit.sql import score_spark

    spark = (
        SparkSession.builder.master(f"local[{args.threads or 2}]")
        .config("spark.driver.memory", args.spark_memory)
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    start = time.perf_counter()
    frame = score_spark(
        spark,
        model,
        profile=profile,
        as_of=now,
        leads=spark.read.parquet(str(lead_file)),
        events=spark.read.parquet(str(event_file)),
    )
    out = str(lead_file.parent / "spark-scores")
    frame.write.mode("overwrite").parquet(out)
    took = time.perf_counter() - start
    ids = [f"lead-{i}" for i in range(SAMPLE)]
    picked = spark.read.parquet(out).where(F.col("lead_id").isin(ids))
    rows = {
        r["lead_id"]: (r["total"], r["grade"])
        for r in picked.select("lead_id", "total", "grade").collect()
    }
    spark.stop()
    leads = build_leads(sample[0], now)
    found = build_events(sample[1], leads)
    scores = model.score_many(leads, found, as_of=now)
    grades = profile.grade_many(leads, as_of=now)
    expected = [(scores[lead.id], str(grades[lead.id])) for lead in leads]
    _check("leadkit on spark (sample)", rows, expected)
    print(f"leadkit on Spark local[{args.threads or 2}]: scored and graded {args.leads:,} leads "
          f"in {took:.1f} s; the first {SAMPLE:,} equal to leadkit's Python engine")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads (0: its default)")
    parser.add_argument("--scale", action="store_true", help="the scale run (see above)")
    parser.add_argument("--chunk", type=int, default=100_000, help="leads per generated chunk")
    parser.add_argument("--memory-limit", default="8GB", help="DuckDB's memory_limit")
    parser.add_argument("--folder", help="where the Parquet files go (default: a new temp one)")
    parser.add_argument("--reuse", action="store_true",
                        help="with --folder: score the Parquet files already there")  # fmt: skip
    parser.add_argument("--replicate", type=int, default=1,
                        help="with --scale: score the generated files K times over")  # fmt: skip
    parser.add_argument("--spark", action="store_true", help="with --scale: Spark local too")
    parser.add_argument("--spark-memory", default="6g", help="spark.driver.memory")
    args = parser.parse_args()
    if args.scale:
        scale(args)
        return
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
