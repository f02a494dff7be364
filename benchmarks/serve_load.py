"""Load on `leadkit serve` over loopback, with the server killed and restarted mid-way.

Several client threads post N submissions (bounded; each request times out); at half
way the server process is killed (SIGKILL) and started again. Afterwards every
submission that got a 2xx answer must be in the database (a lead) or in the pending
queue exactly once. Prints submissions/second and, last, `lost: N`.

The daily limit (``--daily``, 2,000 by default) sends the rest to the pending queue, so
both ways a 2xx answer can be kept are exercised. ``--postgres`` runs the server on a new
database of the PostgreSQL server in ``LEADKIT_POSTGRES_URL`` (dropped afterwards):

    python benchmarks/serve_load.py [--n 3000] [--clients 4] [--daily 2000]
    scripts/with-postgres python benchmarks/serve_load.py --postgres
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from leadkit.repository import PostgresUnitOfWork, SqliteUnitOfWork, UnitOfWork


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _postgres_database() -> Iterator[str]:
    """A new database on the server in LEADKIT_POSTGRES_URL, dropped afterwards."""
    import psycopg

    url = os.environ.get("LEADKIT_POSTGRES_URL", "")
    if not url:
        raise SystemExit("--postgres: LEADKIT_POSTGRES_URL is unset (use scripts/with-postgres)")
    name = f"load_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        from leadkit.repository._postgres import close_idle_connections

        close_idle_connections()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _start(db: str, form: Path, port: int) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "leadkit", "serve", "-q", "--db", str(db), "--form", str(form),
            "--port", str(port), "--pending-every", "1"]  # fmt: skip
    server = subprocess.Popen(
        args,
        stdout=subprocess.DEVNULL,
        stderr=None if os.environ.get("SERVE_LOAD_LOG") else subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/status", timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def _post(http: httpx.Client, url: str, body: dict[str, str]) -> httpx.Response | None:
    """The answer, or None when there was none. A refused connection (the server is
    restarting) never reached it: that post is sent again, for up to 30 s; any other
    failure may have reached it, and is not sent again (it could be stored twice)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return http.post(url, json=body)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)
        except httpx.HTTPError:
            return None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--daily", type=int, default=2000, help="daily limit (0: none)")
    parser.add_argument("--postgres", action="store_true", help="on PostgreSQL, not SQLite")
    args = parser.parse_args()
    if args.n < 2 or args.clients < 1:
        raise SystemExit("--n is 2 or more, --clients 1 or more")
    folder = Path(tempfile.mkdtemp())
    if args.postgres:
        with _postgres_database() as url:
            return _run(args, url, folder, lambda: PostgresUnitOfWork(url))
    db = str(folder / "crm.db")
    return _run(args, db, folder, lambda: SqliteUnitOfWork(db))


def _run(args: argparse.Namespace, db: str, folder: Path, unit: Callable[[], UnitOfWork]) -> int:
    form = folder / "form.toml"
    limits = f"\n[limits]\ndaily = {args.daily}\nqueue_size = 100000\n" if args.daily else ""
    form.write_text(f'name = "load"\n{limits}', encoding="utf-8")
    port = _port()
    server = _start(db, form, port)
    answered: list[str] = []
    failed = [0]
    refused: Counter[int] = Counter()
    lock = threading.Lock()
    counter = iter(range(args.n))

    def client() -> None:
        with httpx.Client(timeout=10) as http:
            for n in counter:
                email = f"load{n}@example{n}.jp"
                body = {"company": f"会社{n}", "姓": "山田", "email": email}
                answer = _post(http, f"http://127.0.0.1:{port}/submit", body)
                if answer is None:
                    with lock:
                        failed[0] += 1
                    continue
                with lock:
                    if 200 <= answer.status_code < 300:
                        answered.append(email)
                    else:
                        failed[0] += 1
                        refused[answer.status_code] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    while len(answered) + failed[0] < args.n // 2:
        time.sleep(0.05)
    server.send_signal(signal.SIGKILL)
    server.wait()
    server = _start(db, form, port)
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    server.send_signal(signal.SIGTERM)
    server.wait(20)
    with unit() as uow:
        stored = [lead.email for lead in uow.leads.all()]
        queue = uow.pending_submissions  # type: ignore[attr-defined]
        queued = [p.fields.get("email") for p in queue.oldest(10**9)]
    seen: dict[str, int] = {}
    for email in [*stored, *queued]:
        if email:
            seen[email] = seen.get(email, 0) + 1
    lost = sum(1 for email in answered if seen.get(email, 0) != 1)
    counts = {"submissions": args.n, "answered_2xx": len(answered), "not_2xx": failed[0],
              "refused": {str(k): v for k, v in sorted(refused.items())}}  # fmt: skip
    print(json.dumps({**counts, "stored": len(stored), "queued": len(queued)}))
    backend = "postgres" if args.postgres else "sqlite"
    print(f"{backend} clients: {args.clients}, killed and restarted once")
    print(f"submissions/second: {args.n / elapsed:.1f}")
    print(f"lost: {lost}")
    return 0 if lost == 0 else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
