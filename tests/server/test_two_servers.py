"""Two `leadkit serve` processes on one database report the same /status (issue 18):
the counts of each outcome are kept in the store, not in a process. Slow: real server
processes, on SQLite and (through scripts/with-postgres) PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

if os.environ.get("LEADKIT_REQUIRE_SERVER") != "1":
    pytest.importorskip("uvicorn", reason="leadkit[server] is not installed")
import httpx

from tests.repository._postgres import postgres_url
from tests.server._live import free_port

FORM = 'name = "web"\n[limits]\ndaily = 3\nqueue_size = 2\n'


@contextlib.contextmanager
def _server(db: str, form: Path) -> Iterator[str]:
    port = free_port()
    args = [sys.executable, "-m", "leadkit", "serve", "-q", "--db", db, "--form", str(form),
            "--port", str(port), "--pending-every", "3600"]  # fmt: skip
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/openapi.json", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


@contextlib.contextmanager
def _database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield str(folder / "crm.db")
        return
    import psycopg

    url = postgres_url()
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _lead(n: int) -> dict[str, str]:
    return {"会社名": f"株式会社{n}", "姓": "山田", "email": f"u{n}@ex{n}.jp"}


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_two_servers_on_one_database_report_the_same_counts(kind: str, tmp_path: Path) -> None:
    form = tmp_path / "form.toml"
    form.write_text(FORM, encoding="utf-8")
    with (
        _database(kind, tmp_path) as db,
        _server(db, form) as one,
        _server(db, form) as two,
    ):
        posts = [(one, _lead(1)), (two, _lead(2)), (one, _lead(3)),  # 3 created: the day's limit
                 (two, _lead(4)), (one, _lead(5)),  # queued, the queue is full
                 (two, _lead(6)),  # 503: over the limit and the queue is full
                 (one, {"姓": "山田"})]  # 422: no company  # fmt: skip
        statuses = [httpx.post(f"{url}/submit", json=body).status_code for url, body in posts]
        assert statuses == [201, 201, 201, 202, 202, 503, 422]
        first = httpx.get(f"{one}/status").json()
        second = httpx.get(f"{two}/status").json()
    assert first == second
    assert first["accepted"] == 5
    assert first["refused"] == 2
    assert first["pending"] == 2
    counts = first["counts"]
    assert (counts["created"], counts["queued"], counts["unavailable"]) == (3, 2, 1)
    assert (counts["refused_queue_full"], counts["invalid"]) == (1, 1)
    assert (counts["http_201"], counts["http_202"], counts["http_503"]) == (3, 2, 1)
