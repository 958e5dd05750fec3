"""Numbers drawn per second from a number series on PostgreSQL, with 1, 4 and 8 processes.

Side by side in the same run with django-sequences' `get_next_value` doing the same work
(one committed transaction per number, formatted as CT0000001). Every run checks that
the numbers are unique and gap-free.

    .venv/bin/python benchmarks/numbering.py                 # full size
    .venv/bin/python benchmarks/numbering.py --count 50      # quick
    .venv/bin/python benchmarks/numbering.py --database-url postgres://u:p@host:5432/bench_x

The database is created when missing and dropped at the end (unless --keep-db); only
the tables needed here are created, so the other apps' migrations don't matter.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder would come first on sys.path and shadow the
# `numbering` app with this very module.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks")]

SERIES = "BENCH"
SEQUENCE = "bench"
WIDTH = 7
IMPLEMENTATIONS = ("numbering", "django-sequences")


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.bench_settings"
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()


def _create_database(database_url: str) -> bool:
    """Create the database when missing; True when this run created it."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True


def _drop_database(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')


def _create_tables() -> None:
    from django.db import connection
    from sequences.models import Sequence

    from numbering.models import NoSeries, NoSeriesLine

    existing = set(connection.introspection.table_names())
    with connection.schema_editor() as editor:
        for model in (NoSeries, NoSeriesLine, Sequence):
            if model._meta.db_table not in existing:
                editor.create_model(model)


def _reset() -> None:
    from django.db import connection
    from sequences.models import Sequence

    from numbering.models import NoSeries, NoSeriesLine

    # TRUNCATE, not QuerySet.delete(): the deletion collector would look at other apps'
    # tables (Marketing Setup points at series), which this database doesn't have.
    tables = ", ".join(
        connection.ops.quote_name(m._meta.db_table) for m in (NoSeriesLine, NoSeries, Sequence)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables}")
    series = NoSeries.objects.create(code=SERIES, description="Benchmark")
    NoSeriesLine.objects.create(
        series=series,
        line_no=10000,
        starting_no="CT" + "1".zfill(WIDTH),
        ending_no="CT" + "9" * WIDTH,
    )


def _worker(count: int, database_url: str, barrier, results) -> None:
    """One process: set Django up once, then for each implementation wait for the
    others and the parent (which resets the tables), and draw `count` numbers."""
    _setup_django(database_url)
    from django.db import connection, transaction
    from sequences import get_next_value

    from numbering.services import series_next_number

    connection.ensure_connection()
    for implementation in IMPLEMENTATIONS:
        numbers = []
        barrier.wait()
        start = time.monotonic()
        if implementation == "numbering":
            for _ in range(count):
                with transaction.atomic():
                    numbers.append(series_next_number(SERIES))
        else:
            for _ in range(count):
                with transaction.atomic():
                    numbers.append("CT" + str(get_next_value(SEQUENCE)).zfill(WIDTH))
        results.put((implementation, start, time.monotonic(), numbers))
    connection.close()


def _run(processes: int, count: int, database_url: str) -> list[dict]:
    """Start `processes` workers and let them draw with each implementation in turn."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(processes + 1)  # the workers and this process
    results = ctx.Queue()
    workers = [
        ctx.Process(target=_worker, args=(count, database_url, barrier, results))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    rows = []
    try:
        for implementation in IMPLEMENTATIONS:
            _reset()
            barrier.wait(timeout=300)
            outcomes = [results.get(timeout=600) for _ in workers]
            assert {o[0] for o in outcomes} == {implementation}
            start = min(o[1] for o in outcomes)
            end = max(o[2] for o in outcomes)
            numbers = [n for o in outcomes for n in o[3]]
            expected = {"CT" + str(n).zfill(WIDTH) for n in range(1, processes * count + 1)}
            rows.append(
                {
                    "implementation": implementation,
                    "processes": processes,
                    "numbers": len(numbers),
                    "seconds": end - start,
                    "per_second": len(numbers) / (end - start),
                    "unique": len(set(numbers)) == len(numbers),
                    "gap_free": set(numbers) == expected,
                }
            )
    finally:
        for worker in workers:
            worker.join(timeout=60)
            if worker.is_alive():
                worker.kill()
    if any(worker.exitcode != 0 for worker in workers):
        raise SystemExit("a worker failed")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://root:root@127.0.0.1:5432/bench_numbering"
    )
    parser.add_argument("--count", type=int, default=300, help="numbers per process")
    parser.add_argument("--processes", default="1,4,8", help="comma-separated process counts")
    parser.add_argument("--keep-db", action="store_true", help="don't drop the database")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("this benchmark needs PostgreSQL (SQLite has no row locks)")

    created = _create_database(args.database_url)
    _setup_django(args.database_url)
    _create_tables()
    from django.db import connection

    print(
        f"PostgreSQL {connection.cursor().connection.info.server_version}, "
        f"{args.count} numbers per process, one transaction per number, "
        f"{os.cpu_count()} CPU(s)"
    )
    print(
        f"{'processes':>9}  {'implementation':<17} {'numbers':>7} {'seconds':>8} "
        f"{'numbers/s':>10}  unique  gap-free"
    )
    rows = []
    try:
        for processes in (int(p) for p in args.processes.split(",")):
            for row in _run(processes, args.count, args.database_url):
                rows.append(row)
                unique = "yes" if row["unique"] else "NO"
                gap_free = "yes" if row["gap_free"] else "NO"
                print(
                    f"{processes:>9}  {row['implementation']:<17} {row['numbers']:>7} "
                    f"{row['seconds']:>8.2f} {row['per_second']:>10.0f}  "
                    f"{unique:>6}  {gap_free:>8}",
                    flush=True,
                )
            ours, theirs = rows[-2]["per_second"], rows[-1]["per_second"]
            print(f"{'':>9}  numbering / django-sequences = {ours / theirs:.2f}", flush=True)
    finally:
        connection.close()
        if created and not args.keep_db:
            _drop_database(args.database_url)
    if not all(r["unique"] and r["gap_free"] for r in rows):
        raise SystemExit("duplicate or missing numbers")


if __name__ == "__main__":
    main()
