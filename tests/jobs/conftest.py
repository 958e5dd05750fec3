"""Real worker processes (`manage.py db_worker`) against the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """A DATABASE_URL for the test database this test runs on."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(settings["NAME"])
        assert "memory" not in name and name != ":memory:", "workers need a file database"
        return f"sqlite:///{name}"
    user = quote(settings["USER"] or "", safe="")
    password = quote(settings["PASSWORD"] or "", safe="")
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{user}:{password}@{host}:{port}/{settings['NAME']}"


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.02, what: str = ""):
    """Poll `predicate` until it returns something true; return that."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        time.sleep(interval)


class Workers:
    """Start, stop and kill `manage.py db_worker` processes."""

    def __init__(self, url: str):
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "PYTHONUNBUFFERED": "1",
        }
        self.running: list[subprocess.Popen] = []
        self.logs: list[str] = []

    def _command(self, *extra: str) -> list[str]:
        return [
            sys.executable,
            str(ROOT / "manage.py"),
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.05",
            *extra,
        ]

    def run_batch(self, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run every queued task, then exit (`db_worker --batch`)."""
        done = subprocess.run(
            self._command("--batch"),
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    def start(self) -> subprocess.Popen:
        """A worker in the background that waits for work until stopped or killed."""
        with tempfile.NamedTemporaryFile(
            "w+", prefix="db_worker-", suffix=".log", delete=False
        ) as log:
            self.logs.append(log.name)
            process = subprocess.Popen(
                self._command(), cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.running.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL: no clean-up of any kind in the worker."""
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self, process: subprocess.Popen) -> None:
        """SIGTERM: the worker finishes its current task, then exits."""
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)

    def output(self) -> str:
        return "\n".join(Path(name).read_text() for name in self.logs)

    def close(self) -> None:
        for process in self.running:
            if process.poll() is None:
                self.kill(process)
        for name in self.logs:
            Path(name).unlink(missing_ok=True)


@pytest.fixture
def workers(transactional_db):
    """Worker processes on the test database (committed data: `transactional_db`)."""
    pool = Workers(database_url())
    yield pool
    pool.close()
