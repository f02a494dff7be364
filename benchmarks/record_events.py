"""What recording domain events costs a bulk import: ``leads.add_all`` of 100,000 leads on
SQLite in one unit of work, with ``record_events=True`` (a LeadCreated per lead written to
the outbox in the same transaction, one batch) against ``record_events=False``.

    PYTHONPATH=src:benchmarks python benchmarks/record_events.py [--leads 100000]

Each run stores the leads into a fresh, migrated database file (made outside the timing),
commit included; the two settings alternate, three runs each, and the best of each is
kept. Prints both times and last ``record_events ratio: X`` (with / without).
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from pathlib import Path

from storage import make_leads

from leadkit.model import Lead
from leadkit.repository import SqliteUnitOfWork


def store(leads: list[Lead], *, record_events: bool) -> float:
    """Seconds to add_all and commit ``leads`` into a fresh database."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "crm.db"
        with SqliteUnitOfWork(path) as uow:  # the schema, outside the timing
            uow.commit()
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            with SqliteUnitOfWork(path, record_events=record_events) as uow:
                uow.leads.add_all(leads)
                uow.commit()
            elapsed = time.perf_counter() - start
        finally:
            gc.enable()
        with SqliteUnitOfWork(path) as uow:
            assert len(uow.outbox) == (len(leads) if record_events else 0)
        return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    leads = make_leads(args.leads)
    best = {False: float("inf"), True: float("inf")}
    for _ in range(args.runs):
        for record in (False, True):
            best[record] = min(best[record], store(leads, record_events=record))
    print(f"{args.leads:,} leads, add_all on SQLite, best of {args.runs}")
    print(f"record_events=False: {best[False]:.2f} s")
    print(f"record_events=True: {best[True]:.2f} s ({args.leads:,} LeadCreated in the outbox)")
    print(f"record_events ratio: {best[True] / best[False]:.2f}")


if __name__ == "__main__":
    main()
