"""schemathesis against the live server's /openapi.json (issue 18): bounded examples,
no 500. Slow: a server process and the schemathesis CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

if os.environ.get("LEADKIT_REQUIRE_SERVER") != "1":
    pytest.importorskip("uvicorn", reason="leadkit[server] is not installed")

from tests.server._live import free_port


@pytest.mark.slow
def test_schemathesis_finds_no_server_error() -> None:
    import httpx

    folder = Path(tempfile.mkdtemp())
    (folder / "form.toml").write_text('name = "web"\nhoneypot = "hp"\n', encoding="utf-8")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "leadkit", "serve", "-q", "--db", str(folder / "crm.db"),
         "--form", str(folder / "form.toml"), "--port", str(port)],
        env={**os.environ, "LEADKIT_API_KEY": "a-read-api-key"},
    )  # fmt: skip
    try:
        for _ in range(200):
            try:
                httpx.get(f"http://127.0.0.1:{port}/status", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        tool = shutil.which("schemathesis") or str(Path(sys.executable).with_name("schemathesis"))
        run = subprocess.run(
            [tool, "run", f"http://127.0.0.1:{port}/openapi.json", "-c", "not_a_server_error",
             "--max-examples", "25", "-H", "Authorization: Bearer a-read-api-key"],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    finally:
        server.terminate()
        server.wait(20)
