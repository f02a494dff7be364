"""Load on `leadkit serve` over loopback, with the server killed and restarted mid-way.

Several client threads post N submissions (bounded; each request times out); at half
way the server process is killed (SIGKILL) and started again. Afterwards every
submission that got a 2xx answer must be in the database (a lead) or in the pending
queue exactly once. Prints submissions/second and, last, `lost: N`.

    python benchmarks/serve_load.py [--n 3000] [--clients 4]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from leadkit.repository import SqliteUnitOfWork


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(db: Path, form: Path, port: int) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "leadkit", "serve", "-q", "--db", str(db), "--form", str(form),
            "--port", str(port), "--pending-every", "1"]  # fmt: skip
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/status", timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--daily", type=int, default=0, help="daily limit (0: none)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    db, form = folder / "crm.db", folder / "form.toml"
    limits = f"\n[limits]\ndaily = {args.daily}\nqueue_size = 100000\n" if args.daily else ""
    form.write_text(f'name = "load"\n{limits}', encoding="utf-8")
    port = _port()
    server = _start(db, form, port)
    answered: list[str] = []
    failed = [0]
    lock = threading.Lock()
    counter = iter(range(args.n))

    def client() -> None:
        with httpx.Client(timeout=10) as http:
            for n in counter:
                email = f"load{n}@example{n}.jp"
                body = {"company": f"会社{n}", "姓": "山田", "email": email}
                try:
                    answer = http.post(f"http://127.0.0.1:{port}/submit", json=body)
                except httpx.HTTPError:
                    with lock:
                        failed[0] += 1
                    continue
                with lock:
                    if 200 <= answer.status_code < 300:
                        answered.append(email)
                    else:
                        failed[0] += 1

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
    with SqliteUnitOfWork(db) as uow:
        stored = [lead.email for lead in uow.leads.all()]
        queued = [p.fields.get("email") for p in uow.pending_submissions.oldest(10**9)]
    seen: dict[str, int] = {}
    for email in [*stored, *queued]:
        if email:
            seen[email] = seen.get(email, 0) + 1
    lost = sum(1 for email in answered if seen.get(email, 0) != 1)
    counts = {"submissions": args.n, "answered_2xx": len(answered), "not_answered": failed[0]}
    print(json.dumps({**counts, "stored": len(stored), "queued": len(queued)}))
    print(f"submissions/second: {args.n / elapsed:.1f}")
    print(f"lost: {lost}")
    return 0 if lost == 0 else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
