"""scripts/with-postgres: a throwaway cluster for one command, on loopback, removed
afterwards whatever the command did (issue 18)."""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "with-postgres"

pytestmark = pytest.mark.skipif(
    not glob.glob("/usr/lib/postgresql/*/bin/initdb") and shutil.which("initdb") is None,
    reason="PostgreSQL's binaries (initdb) are not installed",
)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "LEADKIT_POSTGRES_URL"}
    env["TMPDIR"] = str(tmp_path)  # where the cluster's folder goes
    return env


def _cluster(stderr: str) -> Path:
    """The cluster folder the script names on its line about the server."""
    match = re.search(r"\(cluster in (.+)\)", stderr)
    assert match is not None, stderr
    return Path(match.group(1))


def test_the_command_gets_a_loopback_server_and_its_exit_status(tmp_path: Path) -> None:
    probe = (
        "import os, psycopg; url = os.environ['LEADKIT_POSTGRES_URL']; print(url); "
        "print(psycopg.connect(url).execute('SELECT 6 * 7').fetchone()[0]); raise SystemExit(3)"
    )
    done = subprocess.run(
        [str(SCRIPT), sys.executable, "-c", probe],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    url, answer = done.stdout.split()
    assert url.startswith("postgresql://postgres@127.0.0.1:")
    assert answer == "42"
    assert not _cluster(done.stderr).exists()  # the cluster is gone


def _default_signals() -> None:
    """In the child: the default handling of the signals a terminal sends. A process that
    starts with a signal ignored or blocked (as CI runners and some test workers do)
    passes that on, and bash cannot trap a signal it started with ignored (nor wait for
    its command when SIGCHLD is ignored)."""
    numbers = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGCHLD}
    signal.pthread_sigmask(signal.SIG_UNBLOCK, numbers)
    for number in numbers:
        signal.signal(number, signal.SIG_DFL)


def _wait_for_child(parent: int, name: str, *, seconds: float = 30.0) -> None:
    """Until ``parent`` runs a child called ``name`` (Linux /proc). The script prints its
    line just before it starts the command; a signal in between is handled by bash only
    once the command it then starts has ended, so the test signals a running command,
    as a user pressing Ctrl-C does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)
                command = fields[0].split("(", 1)[1]
                parent_pid = int(fields[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent_pid == parent and command == name:
                return
        time.sleep(0.05)


@pytest.mark.slow
def test_an_interrupted_run_removes_the_cluster(tmp_path: Path) -> None:
    run = subprocess.Popen(
        [str(SCRIPT), "sleep", "60"],
        env=_env(tmp_path),
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_default_signals,
    )
    assert run.stderr is not None
    line = run.stderr.readline()  # printed once the server is up
    assert "127.0.0.1" in line, line
    cluster = _cluster(line)
    assert cluster.is_dir()
    _wait_for_child(run.pid, "sleep")
    os.killpg(run.pid, signal.SIGTERM)  # as a terminal's Ctrl-C reaches the whole group
    assert run.wait(timeout=60) != 0
    deadline = time.monotonic() + 30
    while cluster.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not cluster.exists()


def test_no_command_is_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(SCRIPT)], env=_env(tmp_path), capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "usage" in done.stderr
