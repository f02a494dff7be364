"""Real volumes end to end (issue 22): every path of the issue's table against its
baseline, measured side by side in one run, results checked equal.

    PYTHONPATH=src:benchmarks python benchmarks/volumes.py [--scale 0.1] [--only NAME ...]
        [--no-memory] [--repeat N]

``--scale 1`` (the default) is the issue's size: 100,000 leads and about 2,000,000 events
from Parquet, 10,000 conversions, 100,000 leads stored, 2,000 leads and about 39,000
events read back, 100,000 leads through CSV, 20,000 opportunities attributed, 100,000
sample leads. ``--scale 0.1`` is a quick run.

Each row prints its two times and ``NAME ratio: X`` (leadkit / baseline); the last line
is ``worst ratio: X``, the largest ratio relative to its target (at most 1 when every
target is met). Unless ``--no-memory``, each path then runs once more alone in a child
process and its peak memory above its inputs (Python allocations traced by
``tracemalloc`` from the start of the path; pyarrow's and SQLite's own buffers are not
counted) is printed beside the baseline's; ``--memory-only`` prints just those.

The baselines are the least code that does the same work without leadkit's objects:

* ``parquet``: pyarrow → dicts → the hand-written scorer of ``../shared/bench``;
  leadkit: pyarrow → ``Lead``/``EngagementEvent`` → ``score_many`` + ``grade_many``.
* ``convert`` / ``convert_batch``: the very rows the conversion wrote (each record as
  JSON and its lookup keys, serialised in the timed part) written with ``executemany``
  into a copy of the seeded database; leadkit: ``convert_leads`` on SQLite, one unit of
  work per lead and in ``all_or_none`` batches of 500. Both end states are compared.
* ``store``: ``json.dumps`` of the plain records and ``executemany``; leadkit:
  ``SqliteUnitOfWork`` ``leads.add_all``.
* ``read``: ``SELECT`` + ``json.loads``; leadkit: ``leads.all()`` and
  ``engagement_events.all()``.
* ``csv_read`` / ``csv_write``: ``pandas.read_csv`` / ``DataFrame.to_csv`` of the same
  file; leadkit: ``read_leads_csv`` / ``write_leads_csv``.
* ``attribution``: a plain-Python time-decay allocation of the same shares; leadkit:
  ``attribute(..., model=TimeDecay())``.
* ``sample``: building the same ``Lead`` objects from their fields; leadkit:
  ``SampleGenerator(n).leads()``.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from _timing import best_of

HERE = Path(__file__).resolve().parent
TARGETS = {
    "parquet": 1.5,
    "convert": 2.0,
    "convert_batch": 2.0,
    "store": 2.0,
    "read": 2.0,
    "csv_read": 3.0,
    "csv_write": 2.0,
    "attribution": 5.0,
    "sample": 2.0,
}


@attrs.define
class Row:
    """One row of the table: inputs built once, two timed sides, a check that they agree."""

    name: str
    leadkit: Callable[[], Any]
    baseline: Callable[[], Any]
    check: Callable[[Any, Any], None]
    note: str
    # Sides that need fresh state before each run (a database to write into).
    reset: Callable[[], None] = lambda: None


def _scaled(n: int, scale: float) -> int:
    return max(10, round(n * scale))


# -- parquet → scores and grades ---------------------------------------------------------------


def parquet_row(scale: float, folder: Path) -> Row:
    import pyarrow as pa
    import pyarrow.parquet as pq

    import scoring as bench_scoring
    from leadkit.model import Address, EventBatch, Lead, Money, PersonName, build_many

    ref = bench_scoring.load_reference()
    n = _scaled(100_000, scale)
    raw_leads, raw_events = ref.generate(n)
    leads_file, events_file = folder / "leads.parquet", folder / "events.parquet"
    pq.write_table(pa.Table.from_pylist(raw_leads), leads_file)
    columns = list(zip(*raw_events, strict=True))
    pq.write_table(
        pa.table({"lead_id": columns[0], "kind": columns[1], "at": columns[2]}), events_file
    )
    del raw_leads, raw_events, columns
    model, profile = bench_scoring.build_model(ref)
    now = datetime.fromtimestamp(ref.NOW, UTC)

    def baseline() -> list[tuple[float, str]]:
        leads = pq.read_table(leads_file).to_pylist()
        table = pq.read_table(events_file)
        events = list(
            zip(
                table.column("lead_id").to_pylist(),
                table.column("kind").to_pylist(),
                table.column("at").to_pylist(),
                strict=True,
            )
        )
        result: list[tuple[float, str]] = ref.score_plain(leads, events)
        return result

    def leadkit() -> list[tuple[float, str]]:
        rows = pq.read_table(leads_file).to_pylist()
        # The bulk path: each distinct value of a column checked once.
        name = PersonName("Lead")
        addresses = build_many(
            Address, ({"country": r["country"], "state": r["prefecture"]} for r in rows)
        )
        leads = build_many(
            Lead,
            (
                {
                    "id": f"lead-{row['lead_id']}",
                    "name": name,
                    "company": "ACME",
                    "title": row["title"],
                    "industry": row["industry"],
                    "employees": row["employees"],
                    "address": address,
                    "annual_revenue": Money(row["annual_revenue"], "JPY"),
                    "email": f"user{row['lead_id']}@{row['email_domain']}",
                    "created_at": now,
                }
                for row, address in zip(rows, addresses, strict=True)
            ),
        )
        table = pq.read_table(events_file)
        ids = [lead.id for lead in leads]
        # A columnar batch: each column validated once, no EngagementEvent per row.
        events = EventBatch(
            lead_ids=[ids[lead] for lead in table.column("lead_id").to_pylist()],
            kinds=table.column("kind").to_pylist(),
            occurred_at=table.column("at").to_pylist(),
        )
        scores = model.score_many(leads, events, as_of=now)
        grades = profile.grade_many(leads, as_of=now)
        return [(scores[lead.id], str(grades[lead.id])) for lead in leads]

    def check(ours: list[tuple[float, str]], theirs: list[tuple[float, str]]) -> None:
        assert len(ours) == len(theirs) == n
        for (score, grade), (their_score, their_grade) in zip(ours, theirs, strict=True):
            assert abs(score - their_score) <= 1e-9
            assert grade == their_grade

    events = pq.ParquetFile(events_file).metadata.num_rows
    return Row("parquet", leadkit, baseline, check, f"{n:,} leads, {events:,} events")


# -- conversion on SQLite ----------------------------------------------------------------------

CONVERTED = "Closed - Converted"
T0 = datetime(2026, 4, 1, tzinfo=UTC)
AS_OF = datetime(2026, 5, 20, tzinfo=UTC)
_WRITTEN = ("accounts", "contacts", "opportunities", "leads", "campaign_members", "tasks")


def _seeded(folder: Path, n: int) -> Path:
    import convert as bench_convert
    from leadkit.repository import SqliteUnitOfWork
    from leadkit.repository._sqlite import release_database

    path = folder / "seeded.db"
    if not path.exists():
        bench_convert.seed(functools.partial(SqliteUnitOfWork, path), bench_convert.make_leads(n))
        release_database(path)
    return path


def _table_rows(path: Path, table: str) -> list[tuple[Any, ...]]:
    """id, version, the lookup columns and the JSON, by id."""
    from leadkit.repository import TABLES

    columns = ", ".join(("id", "version", *TABLES[table].columns, "data"))
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT {columns} FROM {table} ORDER BY id").fetchall()
    finally:
        conn.close()


def _state(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every written table, rows by id; the generated ids of new records replaced by
    their position so two runs that made the same records compare equal."""
    return {table: _table_rows(path, table) for table in _WRITTEN}


def _normalised(state: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[Any]]:
    """The state with every generated id (new accounts, contacts, opportunities)
    replaced by a name derived from the lead or company it came from: two runs that made
    the same records compare equal."""
    names: dict[str, str] = {}
    for row in state["leads"]:
        conversion = json.loads(row[-1]).get("conversion")
        if conversion:
            for key in ("contact_id", "opportunity_id"):
                names[conversion[key]] = f"{key}<{row[0]}>"
    for row in state["accounts"]:
        names[row[0]] = f"account<{json.loads(row[-1])['name']}>"

    def rename(value: Any) -> Any:
        if isinstance(value, str):
            return names.get(value, value)
        if isinstance(value, dict):
            return {k: rename(v) for k, v in value.items()}
        if isinstance(value, list):
            return [rename(v) for v in value]
        return value

    return {
        table: sorted(
            ([rename(cell) for cell in row[:-1]] + [rename(json.loads(row[-1]))] for row in rows),
            key=lambda r: str(r[0]),
        )
        for table, rows in state.items()
    }


def convert_rows(scale: float, folder: Path, *, batched: bool) -> Row:
    import convert as bench_convert
    from leadkit.repository import SqliteUnitOfWork
    from leadkit.repository._sqlite import release_database

    n = _scaled(10_000, scale)
    seeded = _seeded(folder, n)
    leads = bench_convert.make_leads(n)
    ours_path = folder / f"convert-{batched}.db"
    plain_path = folder / f"convert-{batched}-plain.db"
    before = {table: {row[0] for row in _table_rows(seeded, table)} for table in _WRITTEN}

    def reset() -> None:
        for path in (ours_path, plain_path):
            release_database(path)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            shutil.copy(seeded, path)

    def leadkit() -> dict[str, list[tuple[Any, ...]]]:
        factory = functools.partial(SqliteUnitOfWork, ours_path)
        run = bench_convert.in_batches if batched else bench_convert.per_lead_results
        assert run(factory, leads) == n
        release_database(ours_path)
        return _state(ours_path)

    # The writes the conversion made, as records: taken from leadkit's own run (once).
    writes: dict[str, tuple[list[Any], list[Any]]] = {}

    def records() -> dict[str, tuple[list[Any], list[Any]]]:
        if writes:
            return writes
        reset()
        after = leadkit()
        from leadkit.io import structure
        from leadkit.repository import TABLES

        for table in _WRITTEN:
            spec = TABLES[table]
            new: list[Any] = []
            changed: list[Any] = []
            for row in after[table]:
                plain = json.loads(row[-1])
                plain["version"] = row[1]
                record = structure(plain, spec.type)
                (changed if row[0] in before[table] else new).append(record)
            writes[table] = (new, changed)
        return writes

    def baseline() -> dict[str, list[tuple[Any, ...]]]:
        from leadkit.io import unstructure
        from leadkit.repository import TABLES

        plan = records_ready
        conn = sqlite3.connect(plain_path, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN IMMEDIATE")
        for table, (new, changed) in plan.items():
            spec = TABLES[table]
            columns = ("id", "version", *spec.columns, "data")
            sets = ", ".join(f"{c} = ?" for c in columns[1:])
            insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: E501
            update = f"UPDATE {table} SET {sets} WHERE id = ? AND version = ?"

            def dumped(record: Any) -> str:
                return json.dumps(unstructure(record), ensure_ascii=False, separators=(",", ":"))

            conn.executemany(
                insert,
                [(r.id, r.version, *spec.keys(r), dumped(r)) for r in new],
            )
            conn.executemany(
                update,
                [(r.version, *spec.keys(r), dumped(r), r.id, r.version - 1) for r in changed],
            )
        conn.execute("COMMIT")
        conn.close()
        return _state(plain_path)

    records_ready = records()
    inserts = sum(len(new) for new, _ in records_ready.values())
    updates = sum(len(changed) for _, changed in records_ready.values())

    def check(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
        assert _normalised(ours) == _normalised(theirs)

    name = "convert_batch" if batched else "convert"
    how = "all_or_none batches of 500" if batched else "per-lead results (convert_leads)"
    note = f"{n:,} leads, {how} ({inserts:,} inserts, {updates:,} updates)"
    return Row(name, leadkit, baseline, check, note, reset)


# -- storing and reading back ------------------------------------------------------------------


def store_row(scale: float, folder: Path) -> Row:
    import storage as bench_storage

    from leadkit.io import unstructure
    from leadkit.repository import TABLES, SqliteUnitOfWork
    from leadkit.repository._sqlite import MIGRATIONS, release_database

    n = _scaled(100_000, scale)
    leads = bench_storage.make_leads(n)
    plain = [unstructure(lead) for lead in leads]
    spec = TABLES["leads"]
    keys = [spec.keys(lead) for lead in leads]
    ours_path, plain_path = folder / "store.db", folder / "store-plain.db"

    def reset() -> None:
        for path in (ours_path, plain_path):
            release_database(path)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    def leadkit() -> list[tuple[Any, ...]]:
        with SqliteUnitOfWork(ours_path) as uow:
            uow.leads.add_all(leads)
            uow.commit()
        release_database(ours_path)
        return _table_rows(ours_path, "leads")

    def baseline() -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(plain_path, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        for step in MIGRATIONS.steps:
            for statement in step.statements:
                conn.execute(statement)
        columns = ("id", "version", *spec.columns, "data")
        marks = ", ".join("?" for _ in columns)
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            f"INSERT INTO leads ({', '.join(columns)}) VALUES ({marks})",
            [
                (
                    record["id"],
                    record["version"],
                    *key,
                    json.dumps(record, ensure_ascii=False, separators=(",", ":")),
                )
                for record, key in zip(plain, keys, strict=True)
            ],
        )
        conn.execute("COMMIT")
        conn.close()
        return _table_rows(plain_path, "leads")

    def check(ours: list[Any], theirs: list[Any]) -> None:
        assert ours == theirs

    return Row("store", leadkit, baseline, check, f"{n:,} leads, add_all", reset)


def read_row(scale: float, folder: Path) -> Row:
    from leadkit.io import unstructure
    from leadkit.repository import SqliteUnitOfWork
    from leadkit.sample import SampleGenerator

    n = _scaled(2_000, scale)
    generator = SampleGenerator(n, events_per_lead=20.0)
    path = folder / "read.db"
    with SqliteUnitOfWork(path) as uow:
        for chunk in generator.chunks():
            uow.leads.add_all(chunk.leads)
            uow.engagement_events.add_all(chunk.events)
        uow.commit()

    def leadkit() -> list[dict[str, Any]]:
        with SqliteUnitOfWork(path) as uow:
            records = [*uow.leads.all(), *uow.engagement_events.all()]
        return [unstructure(record) for record in records]

    def baseline() -> list[dict[str, Any]]:
        conn = sqlite3.connect(path)
        out = []
        for table in ("leads", "engagement_events"):
            for version, data in conn.execute(f"SELECT version, data FROM {table} ORDER BY rowid"):
                plain = json.loads(data)
                plain["version"] = version
                out.append(plain)
        conn.close()
        return out

    def plain_only(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return rows

    def check(ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> None:
        assert ours == theirs

    conn = sqlite3.connect(path)
    (events,) = conn.execute("SELECT COUNT(*) FROM engagement_events").fetchone()
    conn.close()

    # The leadkit side is timed without the unstructure used for the comparison.
    def timed_leadkit() -> list[Any]:
        with SqliteUnitOfWork(path) as uow:
            return [*uow.leads.all(), *uow.engagement_events.all()]

    def timed_check(ours: list[Any], theirs: list[dict[str, Any]]) -> None:
        check([unstructure(record) for record in ours], plain_only(theirs))

    return Row("read", timed_leadkit, baseline, timed_check, f"{n:,} leads, {events:,} events")


# -- CSV -----------------------------------------------------------------------------------------


def _csv_leads(n: int) -> list[Any]:
    from leadkit.sample import SampleGenerator

    return list(SampleGenerator(n, duplicate_rate=0.0).leads())


def csv_rows(scale: float, folder: Path) -> list[Row]:
    import pandas as pd

    from leadkit.io import read_leads_csv, write_leads_csv

    n = _scaled(100_000, scale)
    leads = _csv_leads(n)
    source = folder / "leads.csv"
    write_leads_csv(leads, source, formula_safe=False)
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    ours_out, theirs_out = folder / "out.csv", folder / "out-pandas.csv"

    def read_ours() -> list[Any]:
        return read_leads_csv(source, formula_safe=False)

    def read_theirs() -> Any:
        return pd.read_csv(source)

    def check_read(ours: list[Any], theirs: Any) -> None:
        assert ours == leads
        assert len(theirs) == n

    def write_ours() -> int:
        return write_leads_csv(leads, ours_out, formula_safe=False)

    def write_theirs() -> int:
        frame.to_csv(theirs_out, index=False)
        return len(frame)

    def check_write(ours: int, theirs: int) -> None:
        assert ours == theirs == n
        written = pd.read_csv(ours_out, dtype=str, keep_default_na=False)
        assert written.equals(pd.read_csv(theirs_out, dtype=str, keep_default_na=False))

    note = f"{n:,} leads, {source.stat().st_size / 1e6:.1f} MB"
    return [
        Row("csv_read", read_ours, read_theirs, check_read, note),
        Row("csv_write", write_ours, write_theirs, check_write, note),
    ]


# -- attribution -------------------------------------------------------------------------------


def attribution_row(scale: float, folder: Path) -> Row:
    import reports as bench_reports
    from leadkit.reports import TimeDecay, attribute

    n = _scaled(20_000, scale)
    opportunities, leads, members = bench_reports.build(n, 4)
    half_life = 30.0
    model = TimeDecay(half_life_days=half_life)

    def leadkit() -> list[tuple[str, str, Decimal, Decimal | None]]:
        report = attribute(opportunities, members, leads=leads, model=model)
        return [
            (c.opportunity_id, c.campaign_id, c.share, c.amount.amount if c.amount else None)
            for c in report.credits
        ]

    def split(total: int, weights: list[float]) -> list[int]:
        weight_sum = math.fsum(weights)
        exact = [total * w / weight_sum for w in weights]
        parts = [math.floor(x) for x in exact]
        order = sorted(range(len(weights)), key=lambda i: (parts[i] - exact[i], i))
        for i in order[: total - sum(parts)]:
            parts[i] += 1
        return parts

    def baseline() -> list[tuple[str, str, Decimal, Decimal | None]]:
        people: dict[str, list[str]] = defaultdict(list)
        for lead in leads:
            c = lead.conversion
            if c is not None and c.opportunity_id is not None:
                people[c.opportunity_id] += [lead.id, c.contact_id]
        responses: dict[str, list[Any]] = defaultdict(list)
        for m in members:
            if m.responded:
                responses[m.lead_id or m.contact_id or ""].append(m)
        out: list[tuple[str, str, Decimal, Decimal | None]] = []
        for opp in opportunities:
            if not opp.is_won:
                continue
            first: dict[str, Any] = {}
            for person in people[opp.id]:
                for m in responses[person]:
                    when = m.first_responded_at
                    if when is None or when > opp.close_date:
                        continue
                    if m.campaign_id not in first or when < first[m.campaign_id]:
                        first[m.campaign_id] = when
            touches = sorted(first.items(), key=lambda kv: (kv[1], kv[0]))
            weights = [
                0.5 ** (max(0, (opp.close_date - when).days) / half_life) for _, when in touches
            ]
            shares = split(1_000_000, weights)
            amount = opp.amount
            assert amount is not None
            places = amount.minor_units
            amounts = split(int(amount.amount.scaleb(places)), weights)
            for (campaign, _), share, part in zip(touches, shares, amounts, strict=True):
                out.append(
                    (opp.id, campaign, Decimal(share).scaleb(-6), Decimal(part).scaleb(-places))
                )
        return out

    def check(ours: list[Any], theirs: list[Any]) -> None:
        assert ours == theirs

    return Row(
        "attribution", leadkit, baseline, check, f"{n:,} opportunities, {len(members):,} members"
    )


# -- sample generation -------------------------------------------------------------------------


def sample_row(scale: float, folder: Path) -> Row:
    from leadkit.model import Lead
    from leadkit.sample import SampleGenerator

    n = _scaled(100_000, scale)
    made = list(SampleGenerator(n).leads())
    fields = [
        {a.name: getattr(lead, a.name) for a in attrs.fields(Lead) if a.init} for lead in made
    ]
    del made

    def leadkit() -> list[Any]:
        return list(SampleGenerator(n).leads())

    def baseline() -> list[Any]:
        return [Lead(**kwargs) for kwargs in fields]

    def check(ours: list[Any], theirs: list[Any]) -> None:
        assert ours == theirs

    return Row("sample", leadkit, baseline, check, f"{n:,} leads")


# -- the run -----------------------------------------------------------------------------------

BUILDERS: dict[str, Callable[[float, Path], list[Row]]] = {
    "parquet": lambda s, f: [parquet_row(s, f)],
    "convert": lambda s, f: [convert_rows(s, f, batched=False)],
    "convert_batch": lambda s, f: [convert_rows(s, f, batched=True)],
    "store": lambda s, f: [store_row(s, f)],
    "read": lambda s, f: [read_row(s, f)],
    "csv": csv_rows,
    "attribution": lambda s, f: [attribution_row(s, f)],
    "sample": lambda s, f: [sample_row(s, f)],
}


def _memory_child(name: str, side: str, scale: float) -> None:
    """Run one path once and print its peak memory above what it started with (MB)."""
    folder = Path(tempfile.mkdtemp(prefix="leadkit-volumes-"))
    try:
        group = name if name in BUILDERS else next(g for g in BUILDERS if name.startswith(g))
        row = next(r for r in BUILDERS[group](scale, folder) if r.name == name)
        row.reset()
        import gc
        import tracemalloc

        gc.collect()
        # tracemalloc counts what Python allocates (pyarrow's and SQLite's own buffers
        # not included) from here on: the path's peak above its inputs.
        tracemalloc.start()
        getattr(row, side)()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(json.dumps({"peak": peak / 2**20}))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _memory(name: str, side: str, scale: float) -> str:
    done = subprocess.run(
        [sys.executable, __file__, "--memory-child", name, side, "--scale", str(scale)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE.parent / "src"), str(HERE)])},
        check=False,
    )
    if done.returncode != 0:
        return f"failed ({done.stderr.strip().splitlines()[-1:]})"
    return f"{json.loads(done.stdout.splitlines()[-1])['peak']:,.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--only", nargs="*", choices=sorted(BUILDERS), default=None)
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument(
        "--memory-only", action="store_true", help="only the peak memory of each path"
    )
    parser.add_argument("--memory-child", nargs=2, metavar=("NAME", "SIDE"))
    args = parser.parse_args()
    if args.memory_child:
        name, side = args.memory_child
        _memory_child(name, side, args.scale)
        return
    if args.memory_only:
        for group in args.only or BUILDERS:
            for name in [n for n in TARGETS if n == group or (group == "csv" and n[:4] == "csv_")]:
                mine = _memory(name, "leadkit", args.scale)
                base = _memory(name, "baseline", args.scale)
                print(f"{name} peak memory: leadkit {mine}, baseline {base}", flush=True)
        return
    worst = 0.0
    for group in args.only or BUILDERS:
        folder = Path(tempfile.mkdtemp(prefix="leadkit-volumes-"))
        try:
            for row in BUILDERS[group](args.scale, folder):
                ours = theirs = None

                def run(side: Callable[[], Any], row: Row = row) -> Any:
                    row.reset()
                    return side()

                ours, ours_s = best_of(args.repeat, lambda: run(row.leadkit))  # noqa: B023
                theirs, theirs_s = best_of(args.repeat, lambda: run(row.baseline))  # noqa: B023
                row.check(ours, theirs)
                ratio = ours_s / theirs_s
                target = TARGETS[row.name]
                worst = max(worst, ratio / target)
                print(f"{row.name}: {row.note}; results equal")
                print(f"  leadkit {ours_s:8.3f} s   baseline {theirs_s:8.3f} s   target ≤ {target}")
                if not args.no_memory:
                    mine = _memory(row.name, "leadkit", args.scale)
                    base = _memory(row.name, "baseline", args.scale)
                    print(f"  peak memory: leadkit {mine}, baseline {base}")
                print(f"{row.name} ratio: {ratio:.2f}", flush=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"worst ratio: {worst:.2f}")


if __name__ == "__main__":
    main()
