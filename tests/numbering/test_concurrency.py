"""Many real OS processes drawing from one series at once (PostgreSQL only).

SQLite serialises writers and ignores SELECT ... FOR UPDATE, so only PostgreSQL shows
whether the row lock really makes concurrent draws unique and gap-free.
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from numbering import services
from numbering.models import NoSeriesLine
from tests.numbering.factories import make_series

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

PROCESSES = 4
PER_PROCESS = 50


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (SQLite serialises writers)")


def _test_database_url() -> str:
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    auth = f"{user}:{password}@" if user else ""
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _run_workers(
    tmp_path: Path, code: str, *, rollback_every: int = 0, pause: float = 0.0, while_drawing=None
) -> list[str]:
    go = tmp_path / "go"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),  # the test database, not the dev one
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    command = [sys.executable, "-m", "tests.numbering.draw_worker", code, str(PER_PROCESS), str(go)]
    if rollback_every:
        command += ["--rollback-every", str(rollback_every)]
    if pause:
        command += ["--pause", str(pause)]
    workers = [
        subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    try:
        # A guard against a hang, not a timing: four Django start-ups took over a minute
        # on a box at load 26 (CI, 2026-12-03).
        deadline = time.monotonic() + 300
        while len(list(tmp_path.glob("go.ready-*"))) < PROCESSES:
            assert time.monotonic() < deadline, "workers did not start"
            assert all(w.poll() is None for w in workers), [w.communicate() for w in workers]
            time.sleep(0.05)
        go.touch()  # all start drawing at once
        if while_drawing is not None:
            while_drawing()
        outputs = [w.communicate(timeout=120) for w in workers]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
    for worker, (_out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
    return [line for out, _err in outputs for line in out.split()]


def test_concurrent_processes_get_unique_gap_free_numbers(tmp_path):
    make_series("CONT", {"starting_no": "CT00001"})
    numbers = _run_workers(tmp_path, "CONT")
    expected = {f"CT{n:05d}" for n in range(1, PROCESSES * PER_PROCESS + 1)}
    assert len(numbers) == PROCESSES * PER_PROCESS
    assert set(numbers) == expected  # unique (same size) and no gaps (exactly this set)
    assert NoSeriesLine.objects.get(series_id="CONT").last_no_used == f"CT{len(expected):05d}"


def test_rolled_back_draws_give_their_numbers_back_under_concurrency(tmp_path):
    make_series("CONT", {"starting_no": "A0001", "ending_no": "A9999"})
    numbers = _run_workers(tmp_path, "CONT", rollback_every=3)
    assert sorted(numbers) == [f"A{n:04d}" for n in range(1, PROCESSES * PER_PROCESS + 1)]


def test_consecutive_ranges_are_filled_in_order_under_concurrency(tmp_path):
    per_line = PROCESSES * PER_PROCESS // 4
    lines = [
        {"starting_no": f"{prefix}001", "ending_no": f"{prefix}{per_line:03d}"}
        for prefix in ("A", "B", "C", "D")
    ]
    make_series("CONT", *lines)
    numbers = _run_workers(tmp_path, "CONT")
    assert sorted(numbers) == sorted(
        f"{prefix}{n:03d}" for prefix in "ABCD" for n in range(1, per_line + 1)
    )
    assert not NoSeriesLine.objects.filter(series_id="CONT", open=True).exists()


def test_switching_a_line_while_processes_draw_never_repeats_a_number(tmp_path):
    """Normal -> Sequence (gaps allowed, no row lock) -> Normal while four processes
    draw, every third transaction rolled back: every committed number once, and the
    numbering goes on after all of them."""
    make_series("CONT", {"starting_no": "S00001"})

    def switch_twice():
        for implementation in ("sequence", "normal"):
            time.sleep(0.3)
            line = NoSeriesLine.objects.get(series_id="CONT")
            line.implementation = implementation
            services.line_save(line)

    numbers = _run_workers(
        tmp_path, "CONT", rollback_every=3, pause=0.01, while_drawing=switch_twice
    )
    assert len(numbers) == len(set(numbers)) == PROCESSES * PER_PROCESS
    from django.db import transaction

    with transaction.atomic():
        following = services.series_next_number("CONT")
    assert following > max(numbers)
