"""``teletravail serve`` runs the task worker beside gunicorn: the supervisor it uses starts both
(real processes, production settings, a SQLite file), the worker executes a queued job, is
restarted when it dies, and both stop with the supervisor."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

PORT = 8131
SUPERVISOR = (
    "from teletravail.cli.web import gunicorn_argv, supervise, worker_argv; "
    f"raise SystemExit(supervise(gunicorn_argv('127.0.0.1', {PORT}, 1), worker_argv(), "
    "restart_delay_s=1.0))"
)


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.update(int(p) for p in text)
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def _wait(check: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    pytest.fail(f"délai dépassé : {what}")


def _worker_pid(supervisor: int) -> int | None:
    return next((p for p in _children(supervisor) if "db_worker" in _cmdline(p)), None)


def test_supervisor_runs_the_worker_beside_gunicorn(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TELETRAVAIL_VAR": str(tmp_path),
        "TELETRAVAIL_SECRET_KEY": "tests-only-secret-key-" + "y" * 40,
        "DJANGO_SETTINGS_MODULE": "teletravail.web.settings",
    }
    env.pop("TELETRAVAIL_DATABASE_URL", None)
    env.pop("TELETRAVAIL_DEBUG", None)
    run = {"env": env, "check": True, "capture_output": True, "timeout": 300}
    subprocess.run([sys.executable, "-m", "django", "migrate", "--verbosity", "0"], **run)  # type: ignore[call-overload]
    enqueue = "from teletravail.web.surveys.jobs import schedule_purge; schedule_purge()"
    subprocess.run([sys.executable, "-m", "django", "shell", "-c", enqueue], **run)  # type: ignore[call-overload]
    database = tmp_path / "teletravail.sqlite3"

    def statuses() -> list[str]:
        with sqlite3.connect(database) as conn:
            rows = conn.execute("SELECT status FROM django_tasks_database_dbtaskresult").fetchall()
        return sorted(r[0] for r in rows)

    assert statuses() == ["READY"]
    # Own process group, so that even a failed test leaves no process behind (killpg below).
    supervisor = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR], env=env, start_new_session=True
    )
    try:
        _wait(lambda: "SUCCESSFUL" in statuses(), 120, "le traitement de fond n'a pas tourné")
        assert statuses() == ["READY", "SUCCESSFUL"]  # done, and its next run is scheduled

        def answers() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/enquetes/recu/", timeout=5):
                    return True
            except urllib.error.HTTPError:
                return True  # an HTTP answer (static files are not collected here): it serves
            except (urllib.error.URLError, OSError):
                return False

        _wait(answers, 60, "gunicorn ne répond pas")
        first = _worker_pid(supervisor.pid)
        assert first is not None
        children = _children(supervisor.pid)
        assert any("gunicorn" in _cmdline(p) for p in children)
        os.kill(first, signal.SIGKILL)  # the worker dies: the supervisor starts another
        _wait(lambda: _worker_pid(supervisor.pid) not in (None, first), 30, "worker non relancé")
        children = _children(supervisor.pid)
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=60) == 0
        for pid in children:
            _wait(lambda pid=pid: not _cmdline(pid), 10, f"processus {pid} encore vivant")
    finally:
        if supervisor.poll() is None:
            supervisor.send_signal(signal.SIGTERM)
            try:
                supervisor.wait(timeout=40)
            except subprocess.TimeoutExpired:
                supervisor.kill()
                supervisor.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(supervisor.pid, signal.SIGKILL)
