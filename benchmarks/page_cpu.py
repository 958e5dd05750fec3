"""CPU time per page request in-process: the pages of benchmarks/http.py through Django's
test client (the whole middleware stack, production settings, no network, no gunicorn),
on the database a `benchmarks/http.py --keep-db` run left (1M contacts).

    .venv/bin/python benchmarks/page_cpu.py --database-url postgres://root:root@127.0.0.1:5432/bench_api
    .venv/bin/python benchmarks/page_cpu.py --only list --profile "contact list"   # + cProfile

CPU is this process's user+sys time (resource.getrusage: the view, templates, the
database driver's side), the figure that decides the pages' throughput on a shared box;
PostgreSQL's own time is not in it (the wall time beside it is, and varies with the load).
Each round requests every page once in turn (--rounds rounds, after --warmup), so the
pages see the same load; min and median per page, queries per request, and the ratio to
the trivial view (the same middleware, a few bytes) of the same rounds.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks")]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _targets(scale: int) -> dict:
    from contacts.models import Contact

    sample = Contact.objects.get(no=f"CT{scale // 2 + 3:07d}")
    return {
        "company": f"CT{11:07d}",
        "name_word": sample.name.split()[0].lower(),
        "phone": sample.phone_no[:9],
    }


def _endpoints(targets: dict) -> list[tuple[str, str]]:
    phone = targets["phone"].replace("+", "%2B").replace(" ", "+")
    return [
        ("trivial view", "/bench/trivial/"),
        ("contact list", "/contacts/"),
        ("list, name search", f"/contacts/?q={targets['name_word']}"),
        ("list, phone search", f"/contacts/?q={phone}"),
        ("company card, 15 persons", f"/contacts/{targets['company']}/"),
        ("duplicates list", "/duplicates/"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://root:root@127.0.0.1:5432/bench_api")
    parser.add_argument("--scale", type=int, default=1_000_000, help="contacts in the database")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--language", default="en", help="Accept-Language of the requests")
    parser.add_argument("--only", help="comma-separated endpoint labels (substring match)")
    parser.add_argument(
        "--profile",
        help="an endpoint label: print its queries and cProfile (CPU time, one request)",
    )
    parser.add_argument("--profile-lines", type=int, default=45)
    parser.add_argument("--sql-width", type=int, default=160, help="characters of each query shown")
    args = parser.parse_args()

    os.environ.update(
        {
            "DATABASE_URL": args.database_url,
            "DJANGO_SETTINGS_MODULE": "benchmarks.http_site",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "ERROR",
        }
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_ACCEPT_LANGUAGE=args.language)
    client.force_login(get_user_model().objects.get(username="bench-staff"))
    endpoints = _endpoints(_targets(args.scale))
    if args.only:
        wanted = [w.strip() for w in args.only.split(",")]
        endpoints = [
            e for e in endpoints if e[0] == "trivial view" or any(w in e[0] for w in wanted)
        ]
    cpu: dict[str, list[float]] = {label: [] for label, _path in endpoints}
    wall: dict[str, list[float]] = {label: [] for label, _path in endpoints}
    info: dict[str, tuple[int, int, int]] = {}
    load_start = " ".join(f"{v:.1f}" for v in os.getloadavg())
    for round_no in range(args.warmup + args.rounds):
        for label, path in endpoints:
            with CaptureQueriesContext(connection) as queries:
                started_cpu, started = _cpu(), time.perf_counter()
                response = client.get(path)
                spent_cpu, spent = _cpu() - started_cpu, time.perf_counter() - started
            if round_no >= args.warmup:
                cpu[label].append(spent_cpu * 1000)
                wall[label].append(spent * 1000)
            info[label] = (len(queries), len(response.content), response.status_code)
    load_end = " ".join(f"{v:.1f}" for v in os.getloadavg())
    print(
        f"{Path(__file__).name}: {args.rounds} rounds (after {args.warmup} warm-up), "
        f"Accept-Language {args.language}; load average {load_start} -> {load_end}"
    )
    print(
        f"{'page':<28}{'CPU ms min/med':>16}{'x trivial':>11}{'wall ms min/med':>17}"
        f"{'queries':>9}{'bytes':>9}"
    )
    trivial = statistics.median(cpu["trivial view"])
    for label, _path in endpoints:
        queries, size, status = info[label]
        c, w = cpu[label], wall[label]
        print(
            f"{label:<28}{f'{min(c):.1f}/{statistics.median(c):.1f}':>16}"
            f"{statistics.median(c) / trivial:>11.1f}"
            f"{f'{min(w):.1f}/{statistics.median(w):.1f}':>17}{queries:>9}{size:>9}"
            + ("" if status == 200 else f"  HTTP {status}")
        )
    if args.profile:
        import cProfile
        import pstats

        path = next(p for label, p in endpoints if args.profile in label)
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        for query in queries:
            print(f"{float(query['time']) * 1000:8.1f} ms  {query['sql'][: args.sql_width]}")
        # CPU time, not wall time: on a shared box a wall-clock profile charges other
        # processes' time to whatever function was running when the core was taken away.
        profiler = cProfile.Profile(time.process_time)
        profiler.runcall(client.get, path)
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.profile_lines)
        stats.sort_stats("tottime").print_stats(args.profile_lines)


if __name__ == "__main__":
    main()
