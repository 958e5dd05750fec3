"""Pages and the REST API under load: gunicorn with production settings on PostgreSQL
filled with a million contacts, driven on 127.0.0.1 by wrk with a bounded load.

    .venv/bin/python benchmarks/http.py   # 1M contacts, 20 s per endpoint, 2 runs
    .venv/bin/python benchmarks/http.py --scale 100000 --duration 5 --runs 1 --creates 500   # quick

It builds the database `bench_api` (dropped at the end unless --keep-db), starts
gunicorn (2 sync workers, DEBUG off, the production settings of crm_site.settings plus
one trivial view: benchmarks/http_site.py), and for each endpoint runs wrk (8
connections, --duration seconds) once per run: p50/p95/p99 latency and requests/s, and
requests/s against the trivial view measured in the same run. It also prints each
page's query count and server-side time in-process (the profile to read before
optimising), and times creating --creates contacts through the API (one keep-alive
connection) against contacts.services.contact_create in a loop (benchmarks/api.py).

wrk comes from Debian (`apt-get install wrk`; installed by this script when missing).
Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks")]

from benchmarks import contacts_list  # noqa: E402  (the 1M generator)

HOST = "127.0.0.1"
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %d %d %.6f %.3f %.3f %.3f\\n", summary.requests, errors,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def _env(database_url: str, port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "benchmarks.http_site",
        "DEBUG": "false",
        "ALLOWED_HOSTS": f"{HOST},localhost,testserver",
        # Plain HTTP on the loopback: no redirect to HTTPS, cookies without Secure.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        # The load comes from one IP and one user: rates must not cut it short.
        "API_THROTTLE_USER": "10000000/min",
        "API_THROTTLE_IP": "10000000/min",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("PYTHONPATH", None)
    env["PYTHONPATH"] = str(ROOT)
    return env


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def _wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: apt-get install wrk", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


def _prepare(args) -> dict:
    """Database, users, a company with 15 persons, duplicate pairs; returns the targets."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    from api.services import api_token_create
    from contacts import services
    from contacts.models import Contact
    from crm_site.roles import STAFF
    from marketing_setup.models import MarketingSetup
    from numbering.models import NoSeries, NoSeriesLine

    call_command("migrate", verbosity=0)
    if not (args.reuse_db and Contact.objects.exists()):
        seconds = contacts_list._build(args.scale, 100_000)
        print(f"{Contact.objects.count():,} contacts written in {seconds:.0f} s")
        with connection.cursor() as cursor:
            # Duplicate pairs between neighbouring companies (the list's worst case is
            # its size, not which pairs): up to 100k, scores spread over 60-99.
            from duplicates.models import ContactDuplicate

            # Other columns (added by the duplicates app over time) take their defaults.
            extra = {
                f.column: f.get_default()
                for f in ContactDuplicate._meta.concrete_fields
                if f.has_default()
                and not f.primary_key
                and f.column
                not in (
                    "no_of_matching_strings",
                    "score",
                    "reasons",
                    "separate_contacts",
                    "created_at",
                )
            }
            columns = "".join(f", {c}" for c in extra)
            cursor.execute(
                "INSERT INTO duplicates_contactduplicate (contact_id, duplicate_id, "
                f"no_of_matching_strings, score, reasons, separate_contacts, created_at{columns}) "
                "SELECT n, n + 10, 2, 60 + (n * 7) %% 40, '[]', false, now()"
                + ", %s" * len(extra)
                + " FROM generate_series(1, %s, 10) AS g(n) WHERE n + 10 <= %s",
                [*extra.values(), min(args.scale, 1_000_000), args.scale],
            )
            cursor.execute("ANALYZE duplicates_contactduplicate")
        series, _ = NoSeries.objects.get_or_create(
            code="CONT", defaults={"description": "Contacts", "manual_nos": True}
        )
        NoSeriesLine.objects.get_or_create(
            series=series, line_no=10000, defaults={"starting_no": "CX0000001"}
        )
        setup = MarketingSetup.get()
        setup.contact_nos = series
        setup.save()
    company = Contact.objects.get(no=f"CT{11:07d}")
    for i in range(15 - company.persons.count()):
        services.contact_create(
            data={"type": "person", "company": company, "name": f"Extra Person {i}"}
        )
    user, created = get_user_model().objects.get_or_create(username="bench-staff")
    if created:
        user.set_password("bench-Passw0rd-1")
        user.save()
        user.groups.add(Group.objects.get(name=STAFF))
    key = api_token_create(user=user, name="bench").key
    sample = Contact.objects.get(no=f"CT{args.scale // 2 + 3:07d}")
    return {
        "company": company.no,
        "name_word": sample.name.split()[0].lower(),
        "phone": sample.phone_no[:9],
        "key": key,
        "sample": sample.no,
    }


def _session_cookie(port: int) -> str:
    """Sign in through the login form like a browser; returns the Cookie header."""
    import http.client
    import re
    from http.cookies import SimpleCookie

    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    body = response.read().decode()
    cookies = SimpleCookie(response.getheader("Set-Cookie", ""))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = f"username=bench-staff&password=bench-Passw0rd-1&csrfmiddlewaretoken={token}"
    conn.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken'].value}",
            "Referer": f"http://{HOST}:{port}/accounts/login/",
        },
    )
    response = conn.getresponse()
    response.read()
    session = SimpleCookie(response.getheader("Set-Cookie", ""))["sessionid"].value
    return f"sessionid={session}; csrftoken={cookies['csrftoken'].value}"


def _endpoints(targets: dict, cookie: str) -> list[tuple[str, str, dict]]:
    page = {"Cookie": cookie, "Accept-Language": "en"}
    api = {"Authorization": f"Token {targets['key']}", "Accept-Language": "en"}
    return [
        ("trivial view", "/bench/trivial/", page),
        ("contact list", "/contacts/", page),
        ("list, name search", f"/contacts/?q={targets['name_word']}", page),
        (
            "list, phone search",
            f"/contacts/?q={targets['phone'].replace('+', '%2B').replace(' ', '+')}",
            page,
        ),
        ("company card, 15 persons", f"/contacts/{targets['company']}/", page),
        ("duplicates list", "/duplicates/", page),
        ("API list", "/api/v1/contacts/", api),
        ("API name search", f"/api/v1/contacts/?q={targets['name_word']}", api),
        ("API card", f"/api/v1/contacts/{targets['company']}/", api),
    ]


def _run_wrk(wrk: str, script: str, url: str, headers: dict, args) -> dict:
    command = [wrk, "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "30s"]
    command += ["-s", script]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=args.duration + 60
    )
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT")), None)
    if line is None:
        raise RuntimeError(out.stdout + out.stderr)
    requests, errors, seconds, p50, p95, p99 = line.split()[1:]
    return {
        "rps": int(requests) / float(seconds),
        "errors": int(errors),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
    }


def _profile(endpoints, targets) -> None:
    """Per page, in-process: queries and server time (no network), then one request under
    cProfile: the share of the time spent rendering templates and how many reverse()
    and gettext() calls the page makes. The first thing to read before optimising."""
    import cProfile
    import pstats

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-staff"))
    print(
        f"\n{'profile (in-process)':<28}{'queries':>8}{'ms (median of 5)':>18}{'bytes':>9}"
        f"{'templates':>10}{'reverse()':>10}{'gettext()':>10}"
    )
    for label, path, headers in endpoints:
        extra = {}
        if "Authorization" in headers:
            extra["HTTP_AUTHORIZATION"] = headers["Authorization"]
        times = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path, **extra)
                times.append((time.perf_counter() - started) * 1000)
        query_count = len(queries)  # before the next request resets the query log
        profiler = cProfile.Profile()
        profiler.runcall(client.get, path, **extra)
        stats = pstats.Stats(profiler).stats  # {(file, line, name): (cc, nc, tt, ct, callers)}

        def calls(file_end: str, name: str, stats=stats) -> tuple[int, float]:
            found = [v for k, v in stats.items() if k[0].endswith(file_end) and k[2] == name]
            return sum(v[0] for v in found), sum(v[3] for v in found)

        total = calls("django/test/client.py", "request")[1] or 1.0
        rendering = calls("django/template/backends/django.py", "render")[1]
        reverses = calls("django/urls/base.py", "reverse")[0]
        gettexts = calls("django/utils/translation/trans_real.py", "gettext")[0]
        print(
            f"{label:<28}{query_count:>8}{statistics.median(times):>18.1f}"
            f"{len(response.content):>9}{rendering / total:>10.0%}{reverses:>10}{gettexts:>10}"
            f"  HTTP {response.status_code}"
        )


def _creates(port: int, targets: dict, count: int) -> None:
    """Creating contacts: through the API (HTTP, one connection) against the service in a
    loop, in-process, on the same database."""
    import http.client

    from django.db import transaction

    from contacts import services

    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Authorization": f"Token {targets['key']}", "Content-Type": "application/json"}
    started = time.perf_counter()
    failed = 0
    for i in range(count):
        body = json.dumps(
            {"name": f"API Bench {i} AS", "city": "Bergen", "phone_no": "55 00 00 00"}
        )
        conn.request("POST", "/api/v1/contacts/", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        failed += response.status != 201
    api_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(count):
        with transaction.atomic():  # one transaction per contact, as a request has
            services.contact_create(
                data={"name": f"Loop Bench {i} AS", "city": "Bergen", "phone_no": "55 00 00 00"}
            )
    loop_seconds = time.perf_counter() - started
    print(
        f"\ncreate {count:,} contacts: API {api_seconds:.1f} s ({count / api_seconds:.0f}/s, "
        f"{failed} failed), contact_create loop {loop_seconds:.1f} s "
        f"({count / loop_seconds:.0f}/s); API / loop time {api_seconds / loop_seconds:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument(
        "--database-url",
        default="postgres://root:root@127.0.0.1:5432/bench_api",
        help="the PostgreSQL database this run creates (and drops unless --keep-db)",
    )
    parser.add_argument("--port", type=int, default=8131, help="gunicorn's port on 127.0.0.1")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=int, default=20, help="seconds per endpoint")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--creates", type=int, default=10_000)
    parser.add_argument("--only", help="comma-separated endpoint labels (substring match)")
    parser.add_argument("--keep-db", action="store_true", help="don't drop the database")
    parser.add_argument(
        "--reuse-db", action="store_true", help="use (and keep) the database a --keep-db run left"
    )
    args = parser.parse_args()

    url = args.database_url
    name = urlsplit(url).path.lstrip("/")
    if not args.reuse_db:
        contacts_list._pg_admin(url, f'DROP DATABASE IF EXISTS "{name}"')
        contacts_list._pg_admin(url, f'CREATE DATABASE "{name}"')
    env = _env(url, args.port)
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    import django

    django.setup()
    wrk = _wrk()
    server = None
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(WRK_SCRIPT)
    try:
        targets = _prepare(args)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        from django.db import connection

        connection.close()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "crm_site.wsgi",
                "--bind",
                f"{HOST}:{args.port}",
                "--workers",
                str(args.workers),
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        for _ in range(100):
            try:
                cookie = _session_cookie(args.port)
                break
            except (OSError, KeyError, AttributeError):
                time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not answer")
        endpoints = _endpoints(targets, cookie)
        if args.only:
            wanted = [w.strip() for w in args.only.split(",")]
            endpoints = [
                e for e in endpoints if e[0] == "trivial view" or any(w in e[0] for w in wanted)
            ]
        results: dict[str, list[dict]] = {label: [] for label, _p, _h in endpoints}
        load_start = _load()
        for run in range(args.runs):
            for label, path, headers in endpoints:
                results[label].append(
                    _run_wrk(wrk, str(script), f"http://{HOST}:{args.port}{path}", headers, args)
                )
            print(f"run {run + 1}/{args.runs} done", file=sys.stderr)
        print(
            f"\nload average (1, 5, 15 min) at the start {load_start}, at the end "
            f"{_load()} (2 cores shared: compare the ratios, not the absolute figures)"
        )
        print(
            f"{Path(__file__).name}: {args.scale:,} contacts, PostgreSQL, gunicorn "
            f"{args.workers} workers, wrk {args.connections} connections x {args.duration} s, "
            f"{args.runs} runs (min / median of the runs)"
        )
        print(
            f"{'endpoint':<28}{'p50 ms':>14}{'p95 ms':>14}{'p99 ms':>14}{'req/s':>14}"
            f"{'x trivial':>12}{'errors':>8}"
        )

        def fmt(values, digits=1):
            return f"{min(values):.{digits}f}/{statistics.median(values):.{digits}f}"

        trivial = results["trivial view"]
        for label, runs in results.items():
            ratios = [r["rps"] / t["rps"] for r, t in zip(runs, trivial, strict=True)]
            print(
                f"{label:<28}{fmt([r['p50'] for r in runs]):>14}{fmt([r['p95'] for r in runs]):>14}"
                f"{fmt([r['p99'] for r in runs]):>14}{fmt([r['rps'] for r in runs], 0):>14}"
                f"{fmt(ratios, 2):>12}{sum(r['errors'] for r in runs):>8}"
            )
        _profile(endpoints, targets)
        if args.creates:
            _creates(args.port, targets, args.creates)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        script.unlink(missing_ok=True)
        from django.db import connection

        connection.close()
        if not (args.keep_db or args.reuse_db):
            contacts_list._pg_admin(url, f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
