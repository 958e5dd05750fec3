"""Numbers drawn per second from a number series on PostgreSQL, with 1, 4 and 8 processes.

Three implementations side by side, in the same run and the same worker processes:

- gap-free: a Normal number series line (`numbering.services.series_next_number`),
- gap-allowing: a Sequence line of the same shape (numbers from a PostgreSQL SEQUENCE),
- django-sequences: `get_next_value` doing the same work (the comparison).

Each number is drawn in its own committed transaction and formatted as CT0000001. Each
case runs twice as plain draws and twice with every third transaction rolled back (the
rolled-back number must come back for the gap-free implementations). Every round checks
that the committed numbers are unique, and gap-free where the implementation promises
it. The summary gives min and median of numbers/s and of the ratio against
django-sequences measured in the same round.

    .venv/bin/python benchmarks/numbering.py                 # full size
    .venv/bin/python benchmarks/numbering.py --count 50 --repeat 1   # quick
    .venv/bin/python benchmarks/numbering.py --database-url postgres://u:p@host:5432/bench_x

The database is created when missing and dropped at the end (unless --keep-db); only
the tables needed here are created, so the other apps' migrations don't matter.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder would come first on sys.path and shadow the
# `numbering` app with this very module.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks")]

GAP_FREE_SERIES = "BENCH"
GAP_ALLOWING_SERIES = "BENCHGAP"
SEQUENCE = "bench"
WIDTH = 7
IMPLEMENTATIONS = ("gap-free", "gap-allowing", "django-sequences")
GAP_FREE = {"gap-free": True, "gap-allowing": False, "django-sequences": True}


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
    from django.db import connection, transaction
    from sequences.models import Sequence

    from numbering import sequences
    from numbering.models import NoSeries, NoSeriesLine

    with transaction.atomic():
        for name in NoSeriesLine.objects.exclude(sequence_name="").values_list(
            "sequence_name", flat=True
        ):
            sequences.drop(connection, name)
        # TRUNCATE, not QuerySet.delete(): the deletion collector would look at other
        # apps' tables (Marketing Setup points at series), which this database doesn't have.
        tables = ", ".join(
            connection.ops.quote_name(m._meta.db_table) for m in (NoSeriesLine, NoSeries, Sequence)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables}")
        for code, implementation in (
            (GAP_FREE_SERIES, NoSeriesLine.Implementation.NORMAL),
            (GAP_ALLOWING_SERIES, NoSeriesLine.Implementation.SEQUENCE),
        ):
            series = NoSeries.objects.create(code=code, description="Benchmark")
            NoSeriesLine.objects.create(
                series=series,
                line_no=10000,
                starting_no="CT" + "1".zfill(WIDTH),
                ending_no="CT" + "9" * WIDTH,
                implementation=implementation,
            )


class _Rollback(Exception):
    pass


def _draw(implementation: str):
    from sequences import get_next_value

    from numbering.services import series_next_number

    if implementation == "gap-free":
        return lambda: series_next_number(GAP_FREE_SERIES)
    if implementation == "gap-allowing":
        return lambda: series_next_number(GAP_ALLOWING_SERIES)
    return lambda: "CT" + str(get_next_value(SEQUENCE)).zfill(WIDTH)


def _worker(rounds, count: int, database_url: str, barrier, results) -> None:
    """One process: set Django up once, then for each round wait for the others and
    the parent (which resets the tables), and commit `count` numbers."""
    _setup_django(database_url)
    from django.db import connection, transaction

    connection.ensure_connection()
    for implementation, rollback_every in rounds:
        draw = _draw(implementation)
        numbers = []
        attempts = 0
        barrier.wait()
        start = time.monotonic()
        while len(numbers) < count:
            attempts += 1
            try:
                with transaction.atomic():
                    number = draw()
                    if rollback_every and attempts % rollback_every == 0:
                        raise _Rollback
            except _Rollback:
                continue
            numbers.append(number)
        results.put((implementation, start, time.monotonic(), numbers))
    connection.close()


def _run(processes: int, count: int, repeat: int, database_url: str) -> list[dict]:
    """Start `processes` workers and let them draw in every round."""
    # The implementations take turns, in a rotating order, so a burst of load from
    # elsewhere on the machine does not always hit the same one.
    rounds = [
        (IMPLEMENTATIONS[(turn + i) % len(IMPLEMENTATIONS)], rollback_every)
        for rollback_every in (0, 3)
        for turn in range(repeat)
        for i in range(len(IMPLEMENTATIONS))
    ]
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(processes + 1)  # the workers and this process
    results = ctx.Queue()
    workers = [
        ctx.Process(target=_worker, args=(rounds, count, database_url, barrier, results))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    rows = []
    try:
        for index, (implementation, rollback_every) in enumerate(rounds):
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
                    "rollback_every": rollback_every,
                    "round": index // len(IMPLEMENTATIONS),
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


def _print_row(row: dict) -> None:
    unique = "yes" if row["unique"] else "NO"
    gap_free = "yes" if row["gap_free"] else ("NO" if GAP_FREE[row["implementation"]] else "no")
    mode = "every 3rd rolled back" if row["rollback_every"] else "plain"
    print(
        f"{row['processes']:>9}  {mode:<22} {row['implementation']:<17} {row['numbers']:>7} "
        f"{row['seconds']:>8.2f} {row['per_second']:>10.0f}  {unique:>6}  {gap_free:>8}",
        flush=True,
    )


def _summary(rows: list[dict]) -> None:
    print(
        "\nSummary (min / median over the rounds; ratio = against django-sequences "
        "in the same round)"
    )
    print(f"{'processes':>9}  {'mode':<22} {'implementation':<17} {'numbers/s':>17}  {'ratio':>13}")
    keys = sorted({(r["processes"], r["rollback_every"]) for r in rows})
    for processes, rollback_every in keys:
        group = [
            r for r in rows if (r["processes"], r["rollback_every"]) == (processes, rollback_every)
        ]
        theirs = {
            r["round"]: r["per_second"] for r in group if r["implementation"] == "django-sequences"
        }
        mode = "every 3rd rolled back" if rollback_every else "plain"
        for implementation in IMPLEMENTATIONS:
            mine = [r for r in group if r["implementation"] == implementation]
            speeds = [r["per_second"] for r in mine]
            ratios = [r["per_second"] / theirs[r["round"]] for r in mine]
            print(
                f"{processes:>9}  {mode:<22} {implementation:<17} "
                f"{min(speeds):>7.0f} / {statistics.median(speeds):>7.0f}  "
                f"{min(ratios):>5.2f} / {statistics.median(ratios):>5.2f}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://root:root@127.0.0.1:5432/bench_numbering"
    )
    parser.add_argument("--count", type=int, default=300, help="numbers per process and round")
    parser.add_argument("--processes", default="1,4,8", help="comma-separated process counts")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per case (at least 2)")
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
        f"{args.count} numbers per process and round, one transaction per number, "
        f"{os.cpu_count()} CPU(s) (shared: figures are noisy, compare the ratios)"
    )
    print(
        f"{'processes':>9}  {'mode':<22} {'implementation':<17} {'numbers':>7} {'seconds':>8} "
        f"{'numbers/s':>10}  unique  gap-free"
    )
    rows = []
    try:
        for processes in (int(p) for p in args.processes.split(",")):
            for row in _run(processes, args.count, args.repeat, args.database_url):
                rows.append(row)
                _print_row(row)
        _summary(rows)
    finally:
        connection.close()
        if created and not args.keep_db:
            _drop_database(args.database_url)
    broken = [
        r for r in rows if not r["unique"] or (GAP_FREE[r["implementation"]] and not r["gap_free"])
    ]
    if broken:
        raise SystemExit("duplicate or missing numbers")


if __name__ == "__main__":
    main()
