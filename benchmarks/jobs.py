"""Background jobs: what running long work as a job costs against running it inline,
and what the Jobs page's live progress costs per poll.

    .venv/bin/python benchmarks/jobs.py                      # 20,000 companies, SQLite file
    .venv/bin/python benchmarks/jobs.py --companies 5000     # quick
    .venv/bin/python benchmarks/jobs.py --database-url postgres://root:root@127.0.0.1:5432/bench_jobs

1. Rebuilding every company's duplicate search strings: the service the command calls
   inline (`search_strings_rebuild`, one transaction) against the same work as the
   `rebuild_search_strings` job (committed batches, progress, heartbeat thread, cancel
   checks), run by a real `manage.py db_worker --batch` process: the job's own run time
   (started → finished) and the wall time from the click to the end (worker start-up
   included, which a running worker does not pay).
2. A status poll of a running job's page (what htmx asks every 2 s): time and queries
   per poll, against the home page of the same stack, in-process.
PostgreSQL: the database is created and dropped by the run (unless --keep-db).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks")]


def _pg_admin(database_url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql)


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "crm_site.settings"
    os.environ["DEBUG"] = "true"
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log
    settings.ALLOWED_HOSTS = ["testserver"]


def _companies(count: int) -> None:
    import random

    from contacts.models import Contact

    rng = random.Random(7)
    cities = ["Oslo", "Bergen", "Trondheim", "Utrecht", "Gent", "Aarhus", "Malmö", "Linz"]
    words = ["Fjord", "Berg", "Nord", "Vest", "Bouw", "Handel", "Data", "Møbler", "Regnskap"]
    Contact.objects.bulk_create(
        [
            Contact(
                no=f"BJ{n:07d}",
                type=Contact.Type.COMPANY,
                name=f"{rng.choice(words)} {rng.choice(words)} {n} AS",
                search_name=f"BENCH {n}",
                address=f"Gate {rng.randint(1, 200)}",
                post_code=f"{rng.randint(1000, 9999)}",
                city=rng.choice(cities),
                phone_no=f"+47 {rng.randint(20000000, 99999999)}",
                email=f"post@firma{n}.no",
            )
            for n in range(count)
        ],
        batch_size=2000,
    )


def _rebuild(database_url: str, companies: int) -> None:
    from django.contrib.auth import get_user_model

    from duplicates import services
    from duplicates.tasks import rebuild_search_strings
    from jobs.models import Job

    start = time.perf_counter()
    done = services.search_strings_rebuild()
    inline = time.perf_counter() - start
    assert done == companies, done

    user = get_user_model().objects.get(username="admin")
    clicked = time.perf_counter()
    job = rebuild_search_strings.start(user=user)
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "false", "SECRET_KEY": "bench"}
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "db_worker", "--batch", "--no-reload",
         "--no-startup-delay"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip
    wall = time.perf_counter() - clicked
    job = Job.objects.get(pk=job.pk)
    assert job.state == Job.State.SUCCEEDED, (job.state, job.errors)
    run = (job.finished_at - job.started_at).total_seconds()
    print(f"Rebuild search strings, {companies} companies")
    print(f"  inline service (the command):        {inline:7.2f} s")
    print(f"  as a job, run time in the worker:     {run:7.2f} s  ratio {run / inline:.2f}")
    print(f"  as a job, click to end (worker boot): {wall:7.2f} s  ratio {wall / inline:.2f}")


def _polls(rounds: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from jobs.models import Job
    from tests.jobs.kinds import hold

    user = get_user_model().objects.get(username="admin")
    job = hold.start(user=user, seconds=0, steps=1000)
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, heartbeat_at=timezone.now(), progress_done=420
    )
    client = Client()
    client.force_login(user)

    def measure(url: str, headers: dict) -> tuple[float, int]:
        client.get(url, headers=headers)  # warm
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url, headers=headers)
        start = time.perf_counter()
        for _ in range(rounds):
            assert client.get(url, headers=headers).status_code == 200
        return (time.perf_counter() - start) / rounds * 1000, len(queries)

    poll, poll_q = measure(f"/jobs/{job.pk}/", {"HX-Request": "true"})
    listing, list_q = measure("/jobs/", {"HX-Request": "true"})
    home, home_q = measure("/", {})
    print(f"Live progress, {rounds} requests each (in-process)")
    for label, ms, n in (
        ("job status poll (htmx)", poll, poll_q),
        ("jobs list poll (htmx)", listing, list_q),
    ):
        print(f"  {label:24} {ms:6.2f} ms, {n:2} queries  ratio to home {ms / home:.2f}")
    print(f"  {'home page (comparison)':24} {home:6.2f} ms, {home_q:2} queries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=20_000)
    parser.add_argument("--polls", type=int, default=200)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    tmp = None
    url = args.database_url
    if not url:
        tmp = tempfile.mkdtemp(prefix="bench-jobs-")
        url = f"sqlite:///{tmp}/bench.sqlite3"
    elif url.startswith("postgres"):
        name = urlsplit(url).path.lstrip("/")
        _pg_admin(url, f'DROP DATABASE IF EXISTS "{name}"')
        _pg_admin(url, f'CREATE DATABASE "{name}"')
    try:
        _setup_django(url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        import io
        import warnings

        warnings.filterwarnings("ignore", message="No directory at")
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
        from contacts.models import Contact

        _companies(args.companies - Contact.objects.filter(type="company").count())
        _rebuild(url, args.companies)
        _polls(args.polls)
    finally:
        from django.db import connections

        connections.close_all()
        if tmp:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
        elif url.startswith("postgres") and not args.keep_db:
            _pg_admin(url, f'DROP DATABASE IF EXISTS "{urlsplit(url).path.lstrip("/")}"')


if __name__ == "__main__":
    main()
