"""Contacts core: import speed and company → person propagation, each against the naive
way in the same run; `--part list` also runs benchmarks/contacts_list.py (the staff list).

    .venv/bin/python benchmarks/contacts.py              # 100k import + 10k persons, SQLite
    .venv/bin/python benchmarks/contacts.py --rows 20000 --persons 2000      # quick
    .venv/bin/python benchmarks/contacts.py --database-url postgres://root:root@127.0.0.1:5432/bench_contacts_core

Import: the sample file (/work/shared/data/sample-contacts.csv) repeated with renumbered
copies up to --rows rows, through contacts.importing.import_contacts (checks, numbering,
names, inheritance, defaults, bulk writes) against a plain bulk_create of the same rows
(no checks, no rules). Propagation: one company with --persons persons; the company's
address changes by one save (the set-based push) against saving each person in a loop.
History: both again with the change log switched off (history.context.disabled()) in
the same run, --rounds rounds each, taking turns (which goes first alternates), each
round timed for its wall time, the CPU time of this process (time.process_time) and, on
a local PostgreSQL, of the server process serving the connection (/proc/PID/schedstat),
with its statements counted (on SQLite each round ends with a WAL checkpoint, so that
it pays for writing its own pages into the database file, not for the rounds before
it); min and median of each, and the load average. The figure
to decide on (goal <= 1.3x) is the ratio of the CPU time (this process + the server's):
on a shared box the wall time also holds the time spent waiting for a core. The
propagation's statement count is shown for a tenth of the persons too (constant).
PostgreSQL: the database is created and dropped by the run (unless --keep-db).

    .venv/bin/python benchmarks/contacts.py --part import --no-naive --rounds 5
    .venv/bin/python benchmarks/contacts.py --part propagate --no-naive --rounds 5
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks")]
# Beside the checkout (/work/main → /work/shared), also from a worktree (/work/wt/x).
SAMPLE = next(
    (
        parent / "shared" / "data" / "sample-contacts.csv"
        for parent in Path(__file__).resolve().parents
        if (parent / "shared" / "data" / "sample-contacts.csv").exists()
    ),
    ROOT.parent / "shared" / "data" / "sample-contacts.csv",
)


def _server_cpu() -> float:
    """CPU seconds the database server has spent for this connection so far: on a local
    PostgreSQL, the backend process's run time (/proc/PID/schedstat, nanoseconds); 0 on
    SQLite (its work is this process's) or when the server is not on this machine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid  # libpq's, no round trip
    try:
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as handle:
            return int(handle.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


class Rounds:
    """Timed rounds of two ways of doing the same work (with and without history): wall
    time, this process's CPU time, the database server's CPU time and statements each."""

    FIGURES = ("wall", "cpu", "server", "statements")

    def __init__(self) -> None:
        self.rounds: dict[bool, list[dict[str, float]]] = {True: [], False: []}

    @contextmanager
    def measure(self, logged: bool):
        """Time one round of `logged` (True: with history); statements are counted with
        an execute wrapper (as cheap either way; transaction control included)."""
        from django.db import connection

        count = [0]

        def counting(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        server = _server_cpu()
        with connection.execute_wrapper(counting):
            start, start_cpu = time.perf_counter(), time.process_time()
            yield
            if connection.vendor == "sqlite":
                # Each round copies its own pages from the WAL into the database file:
                # else the automatic checkpoint (at 1,000 pages) falls on whichever
                # round crosses that line, paying for the rounds before it.
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
                count[0] -= 1
            cpu, wall = time.process_time() - start_cpu, time.perf_counter() - start
        self.rounds[logged].append(
            {"wall": wall, "cpu": cpu, "server": _server_cpu() - server, "statements": count[0]}
        )

    def figures(self, logged: bool, figure: str) -> list[float]:
        if figure == "total":
            return [r["cpu"] + r["server"] for r in self.rounds[logged]]
        return [r[figure] for r in self.rounds[logged]]

    def ratio(self, figure: str) -> tuple[float, float]:
        """(min, median) with history over without."""
        with_, without = self.figures(True, figure), self.figures(False, figure)
        return (
            min(with_) / min(without),
            statistics.median(with_) / statistics.median(without),
        )

    def report(self, what: str, *, unit: str = "ms", load_before: float) -> None:
        """Lines: each figure's min/median with and without, and its ratio."""
        from django.db import connection

        scale = 1000 if unit == "ms" else 1
        fmt = "{:,.0f}" if unit == "ms" else "{:,.2f}"
        n = len(self.rounds[True])
        vendor = connection.vendor
        labels = [("wall", "wall time"), ("cpu", "CPU time of this process")]
        if vendor == "postgresql":
            labels += [("server", "CPU time of the server process"), ("total", "CPU time, both")]
        print(f"{vendor} {what}, with and without history ({n} rounds each, taking turns):")
        for figure, label in labels:
            with_, without = self.figures(True, figure), self.figures(False, figure)
            lo, med = self.ratio(figure)
            print(
                f"  {label}: with min {fmt.format(min(with_) * scale)} / median "
                f"{fmt.format(statistics.median(with_) * scale)} {unit}, without min "
                f"{fmt.format(min(without) * scale)} / median "
                f"{fmt.format(statistics.median(without) * scale)} {unit}; ratio "
                f"{lo:.2f}x (min) {med:.2f}x (median)"
            )
        decide = "total" if vendor == "postgresql" else "cpu"
        lo, med = self.ratio(decide)
        counts = {logged: sorted(set(self.figures(logged, "statements"))) for logged in (1, 0)}
        print(
            f"  => history costs {lo:.2f}x (min) {med:.2f}x (median) of the CPU time "
            f"(goal <= 1.3x: {'met' if max(lo, med) <= 1.3 else 'NOT met'}); statements "
            f"{'/'.join(map(str, counts[1]))} with history, "
            f"{'/'.join(map(str, counts[0]))} without; load {load_before:.1f} -> "
            f"{os.getloadavg()[0]:.1f}",
            flush=True,
        )


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "crm_site.settings"
    os.environ["DEBUG"] = "true"
    import django

    django.setup()
    from django.conf import settings

    # DEBUG true gives the development settings; the query log it switches on (on SQLite
    # it even re-quotes every parameter of every statement) is not part of production.
    settings.DEBUG = False


def _pg_admin(database_url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql)


def _scaled_rows(n: int) -> list[dict[str, str]]:
    """The sample rows repeated up to n rows; copy k gets numbers prefixed "Kk-"."""
    with SAMPLE.open(encoding="utf-8-sig") as handle:
        base = list(csv.DictReader(handle))
    rows: list[dict[str, str]] = []
    copy = 0
    while len(rows) < n:
        prefix = f"K{copy}-" if copy else ""
        for row in base:
            if len(rows) >= n:
                break
            new = dict(row)
            new["no"] = prefix + row["no"]
            new["company_no"] = prefix + row["company_no"] if row["company_no"] else ""
            rows.append(new)
        copy += 1
    return rows


def _reference_data(rows) -> None:
    from marketing_setup.models import Language, MarketingSetup, Salesperson, Territory
    from numbering.models import NoSeries, NoSeriesLine

    for model, column in ((Language, "language_code"), (Territory, "territory_code")):
        model.objects.bulk_create(
            [model(code=c, description=c) for c in sorted({r[column] for r in rows} - {""})],
            ignore_conflicts=True,
        )
    Salesperson.objects.bulk_create(
        [Salesperson(code=c, name=c) for c in sorted({r["salesperson_code"] for r in rows} - {""})],
        ignore_conflicts=True,
    )
    series, _ = NoSeries.objects.get_or_create(
        code="CONT", defaults={"description": "Contacts", "manual_nos": True}
    )
    NoSeriesLine.objects.get_or_create(
        series=series, line_no=10000, defaults={"starting_no": "CT0000001"}
    )
    setup = MarketingSetup.get()
    setup.contact_nos = series
    setup.save()


def _wipe(*, history_too: bool = False) -> None:
    """Empty the contact table and the other apps' tables that point at it (and the
    change log, so that every timed round writes into a log of the same size)."""
    from django.db import connection, transaction

    from contacts.models import Contact

    tables = {
        rel.related_model._meta.db_table
        for rel in Contact._meta.related_objects
        if rel.related_model is not Contact
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f'DELETE FROM "{table}"')
        cursor.execute("DELETE FROM contacts_contact WHERE company_id IS NOT NULL")
        cursor.execute("DELETE FROM contacts_contact")
        if history_too:
            for table in ("history_changeobject", "history_change", "history_event"):
                cursor.execute(f'DELETE FROM "{table}"')


def _plain_bulk_insert(rows) -> float:
    """The naive baseline: the same rows straight into bulk_create, no checks, no rules."""
    from django.db import transaction

    from contacts.models import Contact

    start = time.perf_counter()
    with transaction.atomic():
        companies = {}
        objs = []
        for row in rows:
            if row["type"] == "company":
                contact = _plain(row)
                companies[row["no"]] = contact
                objs.append(contact)
        Contact.objects.bulk_create(objs, batch_size=1000)
        persons = []
        for row in rows:
            if row["type"] == "person":
                contact = _plain(row)
                company = companies.get(row["company_no"])
                contact.company_id = company.pk if company else None
                persons.append(contact)
        Contact.objects.bulk_create(persons, batch_size=1000)
    return time.perf_counter() - start


def _plain(row):
    from contacts.models import Contact

    return Contact(
        type=row["type"],
        no=row["no"],
        name=row["name"],
        search_name=row["name"].upper(),
        first_name=row["first_name"],
        middle_name=row["middle_name"],
        surname=row["surname"],
        job_title=row["job_title"],
        address=row["address"],
        address_2=row["address_2"],
        post_code=row["post_code"],
        city=row["city"],
        county=row["county"],
        country=row["country_region_code"],
        phone_no=row["phone_no"],
        mobile_phone_no=row["mobile_phone_no"],
        email=row["email"],
        fax_no=row["fax_no"],
        language_id=row["language_code"] or None,
        territory_id=row["territory_code"] or None,
        salesperson_id=row["salesperson_code"] or None,
        vat_registration_no=row["vat_registration_no"],
    )


def _vacuum() -> None:
    """PostgreSQL: clear the dead rows the last round left (not timed), so every round
    starts alike and autovacuum does not run into one of them."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def bench_import(n: int, *, naive_too: bool = True, rounds: int = 5) -> None:
    from django.db import connection

    from contacts.importing import import_contacts
    from contacts.models import Contact
    from history import context as history

    rows = _scaled_rows(n)
    _reference_data(rows)
    load = os.getloadavg()[0]
    measured = Rounds()

    def run(logged: bool) -> None:
        _wipe(history_too=True)
        _vacuum()
        with measured.measure(logged):
            if logged:
                result = import_contacts(rows)
            else:
                with history.disabled():
                    result = import_contacts(rows)
        assert result.ok, result.errors[:5]
        assert Contact.objects.count() == len(rows)
        run.result = result

    if naive_too:
        _wipe(history_too=True)
        naive = _plain_bulk_insert(rows)
    # A first import warms the caches (and is the naive comparison's).
    run(True)
    ours = measured.rounds[True][0]["wall"]
    if naive_too:
        result = run.result
        print(
            f"{connection.vendor} import of {len(rows):,} rows "
            f"({result.companies_created:,} companies, {result.persons_created:,} persons): "
            f"import_contacts {ours:.1f} s ({len(rows) / ours:,.0f} rows/s); "
            f"plain bulk_create {naive:.1f} s; ratio {ours / naive:.1f}x the plain insert",
            flush=True,
        )
    measured = Rounds()
    # The change log's share: the same import with logging switched off, taking turns
    # (the first of each pair alternates).
    for turn in range(rounds):
        for logged in (True, False) if turn % 2 == 0 else (False, True):
            run(logged)
    measured.report(f"import of {len(rows):,} rows", unit="s", load_before=load)
    _wipe(history_too=True)


def _contact_indexes() -> list[tuple[str, str]]:
    """(name, definition) of the indexes of the contact table and of its place rows
    (contacts/places.py: the city and post code the list sorts and searches by)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
            "('contacts_contact', 'contacts_contactplace') ORDER BY tablename, indexname"
        )
        return cursor.fetchall()


def _explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return [row[0] for row in cursor.fetchall()]


def print_index_report(company_id: int) -> None:
    """The contact table's indexes and, for each, a query of ours that the planner
    answers from it (EXPLAIN on the filled table). Indexes no query names are listed."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE contacts_contact")
    indexes = _contact_indexes()
    print(
        f"contacts_contact and contacts_contactplace have {len(indexes)} indexes on PostgreSQL:",
        flush=True,
    )
    for name, definition in indexes:
        print(f"  {name}: {definition.split(' USING ', 1)[1]}")
    # The queries the staff list, the card, the search and the deletes run (shapes of
    # contacts/selectors.py, contacts/services.py and Django's PROTECT/CASCADE checks).
    queries = {
        "list by no. (keyset)": "SELECT id FROM contacts_contact WHERE no > 'PP0005000' "
        "ORDER BY no LIMIT 50",
        "card by no.": "SELECT id FROM contacts_contact WHERE no = 'PP0005000'",
        "search no. prefix": "SELECT id FROM contacts_contact WHERE no LIKE 'PP00050%'",
        "search name prefix": "SELECT id FROM contacts_contact WHERE search_name LIKE 'FIRMA 5%'",
        "search post code prefix (place)": "SELECT contact_id FROM contacts_contactplace "
        "WHERE post_code LIKE '50%'",
        "search city key prefix (place)": "SELECT contact_id FROM contacts_contactplace "
        "WHERE city_key >= 'berg' AND city_key < 'berh'",
        "search e-mail prefix": "SELECT id FROM contacts_contact WHERE UPPER(email) LIKE 'P55@%'",
        "search name key": "SELECT id FROM contacts_contact WHERE name_key >= 'firma 5' "
        "AND name_key < 'firma 6' ORDER BY name_key, no LIMIT 50",
        "name contains (trigram)": "SELECT id FROM contacts_contact WHERE name_key LIKE '%rma 50%'",
        "phone key": "SELECT id FROM contacts_contact WHERE phone_key >= '5550' "
        "AND phone_key < '5551'",
        "mobile key": "SELECT id FROM contacts_contact WHERE mobile_key >= '5550' "
        "AND mobile_key < '5551'",
        "e-mail domain": "SELECT id FROM contacts_contact WHERE email_domain >= 'firma5' "
        "AND email_domain < 'firma6'",
        "company's persons": f"SELECT id FROM contacts_contact WHERE company_id = {company_id} "
        "ORDER BY no LIMIT 50",
        "filter type": "SELECT id FROM contacts_contact WHERE type = 'company' "
        "ORDER BY no LIMIT 50",
        "filter salesperson": "SELECT id FROM contacts_contact WHERE salesperson_id = 'B5' "
        "ORDER BY no LIMIT 50",
        "filter territory": "SELECT id FROM contacts_contact WHERE territory_id = 'T5' "
        "ORDER BY no LIMIT 50",
        "filter country": "SELECT id FROM contacts_contact WHERE country = 'DK' "
        "ORDER BY no LIMIT 50",
        "sort city (place)": "SELECT c.id FROM contacts_contact c JOIN contacts_contactplace p "
        "ON p.contact_id = c.id ORDER BY p.city_key, p.no LIMIT 50",
        "delete language (PROTECT)": "SELECT id FROM contacts_contact WHERE language_id = 'L5'",
        "delete salutation (PROTECT)": "SELECT id FROM contacts_contact WHERE salutation_id = 'S5'",
        "blocked ones the list's export leaves out": "SELECT count(*) FROM (SELECT 1 FROM "
        "contacts_contact WHERE privacy_blocked LIMIT 1001) s",
    }
    used: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # which index serves it, at any size
        try:
            for label, sql in queries.items():
                plan = "\n".join(_explain(sql))
                names = [n for n, _d in indexes if f" {n} " in f" {plan} ".replace("\n", " ")]
                scans = [
                    line.strip().removeprefix("->  ").split("  (cost")[0]
                    for line in plan.splitlines()
                    if " using " in line.lower() or " on " in line
                ]
                print(f"  EXPLAIN {label}: {' / '.join(scans)}")
                for name in names:
                    used.setdefault(name, []).append(label)
        finally:
            cursor.execute("RESET enable_seqscan")
    unused = [n for n, _d in indexes if n not in used and not n.endswith(("_pkey", "_key"))]
    print(f"  indexes no measured query uses: {', '.join(unused) or 'none'}")


def _filler_companies(n: int) -> None:
    """n other companies with varied values in the searched columns, so the plans in
    the index report are those of mixed data (they take no part in the propagation)."""
    from contacts.models import Contact

    Contact.objects.bulk_create(
        [
            Contact(
                type="company",
                no=f"F{i:07d}",
                name=f"Firma {i}",
                search_name=f"FIRMA {i}",
                name_key=f"firma {i}",
                post_code=f"{1000 + i % 9000:04d}",
                city=("Bergen", "Oslo", "Molde", "Tromsø")[i % 4],
                country=("NO", "DK", "NL")[i % 3],
                email=f"p{i}@firma{i % 97}.no",
                email_domain=f"firma{i % 97}.no",
                phone_key=f"555{i}",
                mobile_key=f"444{i}",
            )
            for i in range(n)
        ],
        batch_size=1000,
    )


# The indexes migration contacts 0009 dropped (the index set before issue 15.5), to
# time the persons' UPDATE with them again in the same run.
OLD_INDEXES = (
    'CREATE INDEX old_1 ON contacts_contact ("search_name")',
    'CREATE INDEX old_2 ON contacts_contact ("post_code")',
    'CREATE INDEX old_3 ON contacts_contact ("email")',
    'CREATE INDEX old_4 ON contacts_contact ("vat_registration_no")',
    'CREATE INDEX old_5 ON contacts_contact (UPPER("city"))',
    'CREATE INDEX old_6 ON contacts_contact (UPPER("email"))',
    'CREATE INDEX old_7 ON contacts_contact ("company_id")',
    'CREATE INDEX old_8 ON contacts_contact ("salesperson_id")',
    'CREATE INDEX old_9 ON contacts_contact ("salesperson_id" varchar_pattern_ops)',
    'CREATE INDEX old_10 ON contacts_contact ("territory_id")',
    'CREATE INDEX old_11 ON contacts_contact ("territory_id" varchar_pattern_ops)',
    'CREATE INDEX old_12 ON contacts_contact ("language_id" varchar_pattern_ops)',
    'CREATE INDEX old_13 ON contacts_contact ("salutation_id" varchar_pattern_ops)',
    'CREATE INDEX old_14 ON contacts_contact ("no" varchar_pattern_ops)',
)


def _time_person_update(company_id: int, rounds: int) -> list[float]:
    """The persons' UPDATE of a company's address change alone (what the indexes cost)."""
    from django.db import connection, transaction

    times = []
    for turn in range(rounds * 2):
        # The persons are in Bergen: every turn changes the city (an indexed column, so
        # never a HOT update; a street alone would be one, see contacts 0013).
        city = ("Oslo", "Bergen")[turn % 2]
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE contacts_contact SET address = %s, city = %s, updated_at = now() "
                "WHERE company_id = %s AND type = 'person'",
                [f"Gate {turn}", city, company_id],
            )
        times.append(time.perf_counter() - start)
    return sorted(times)


def bench_index_cost(company_id: int, persons: int, rounds: int = 3) -> None:
    """The persons' UPDATE with today's indexes against the index set before 15.5."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    now = _time_person_update(company_id, rounds)
    with connection.cursor() as cursor:
        for sql in OLD_INDEXES:
            cursor.execute(sql)
        count = len(_contact_indexes())
    try:
        before = _time_person_update(company_id, rounds)
    finally:
        with connection.cursor() as cursor:
            for number in range(1, len(OLD_INDEXES) + 1):
                cursor.execute(f"DROP INDEX IF EXISTS old_{number}")
    mid = len(now) // 2
    print(
        f"postgresql UPDATE of {persons:,} persons' address: {len(_contact_indexes())} "
        f"indexes min {now[0] * 1000:.0f} / median {now[mid] * 1000:.0f} ms; the {count} "
        f"indexes before min {before[0] * 1000:.0f} / median {before[mid] * 1000:.0f} ms; "
        f"ratio {before[mid] / now[mid]:.2f}x (median)",
        flush=True,
    )


def bench_propagation(
    persons: int, *, naive_too: bool = True, rounds: int = 5, explain: bool = False
) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from contacts.models import Contact
    from contacts.services import contact_create

    _reference_data(_scaled_rows(10))  # the contact series, also for --part propagate
    with transaction.atomic():
        company = contact_create(
            data={
                "type": "company",
                "no": "PROPAG1",
                "name": "Propagation AS",
                "address": "Gate 1",
                "city": "Oslo",
            }
        )
        people = [
            Contact(
                type="person",
                no=f"PP{i:07d}",
                name=f"Person {i}",
                search_name=f"PERSON {i}",
                company=company,
                address="Gate 1",
                city="Oslo",
            )
            for i in range(persons)
        ]
        Contact.objects.bulk_create(people, batch_size=1000)
        if connection.vendor == "postgresql":
            _filler_companies(persons)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE contacts_contact")
        print_index_report(company.pk)

    start = time.perf_counter()
    with transaction.atomic():
        company.address = "Ny gate 2"
        company.city = "Bergen"
        company.save()
    ours = time.perf_counter() - start
    # Once more, counting the queries (the log slows the run a little, so not timed).
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        company.address = "Gate 1"
        company.city = "Oslo"
        company.save()
    queries = len(ctx.captured_queries)
    company.address, company.city = "Ny gate 2", "Bergen"
    company.save()
    moved = Contact.objects.filter(company=company, city="Bergen").count()
    assert moved == persons, moved
    bench_index_cost(company.pk, persons)
    company.refresh_from_db()
    with connection.cursor() as cursor:  # the persons follow the company again
        cursor.execute(
            "UPDATE contacts_contact SET address = %s, city = %s WHERE company_id = %s",
            [company.address, company.city, company.pk],
        )

    start = time.perf_counter()
    with transaction.atomic():
        if naive_too:
            for person in Contact.objects.filter(company=company).iterator(chunk_size=2000):
                person.address = "Tredje gate 3"
                person.city = "Trondheim"
                person.save()
        else:  # the persons must follow the company for the rounds below
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE contacts_contact SET address = %s, city = %s WHERE company_id = %s",
                    ["Tredje gate 3", "Trondheim", company.pk],
                )
        Contact.objects.filter(pk=company.pk).update(address="Tredje gate 3", city="Trondheim")
    naive = time.perf_counter() - start
    if naive_too:
        print(
            f"{connection.vendor} propagation to {persons:,} persons: one company save "
            f"{ours * 1000:.0f} ms ({queries} queries); saving each person in a loop "
            f"{naive:.1f} s; ratio {naive / ours:,.0f}x"
        )
    company.refresh_from_db()
    _history_overhead(company, persons, rounds=rounds, explain=explain)
    _against_city_indexes(company, persons, rounds=rounds)
    _wipe()


# The contact table's indexes on the city and post code before contacts 0014 moved the
# list's city sort and search and its post code search to the place rows.
CITY_INDEXES = (
    "CREATE INDEX before_0014_1 ON contacts_contact (city, no)",
    "CREATE INDEX before_0014_2 ON contacts_contact (UPPER(city) text_pattern_ops)",
    "CREATE INDEX before_0014_3 ON contacts_contact (post_code varchar_pattern_ops)",
)


def _against_city_indexes(company, persons: int, *, rounds: int = 5) -> None:
    """PostgreSQL: the company's move (address and city, with history) as it is, against
    the same save with the three city/post code indexes of the contact table back (taking
    turns; the indexes are made and dropped between the saves, not timed)."""
    import statistics

    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        return

    def save(city: str) -> float:
        start = time.perf_counter()
        with transaction.atomic():
            company.address = f"{city} gate"
            company.city = city
            company.save()
        return time.perf_counter() - start

    now, before = [], []
    for i in range(rounds):
        now.append(save(f"Place{i}a"))
        with connection.cursor() as cursor:
            for sql in CITY_INDEXES:
                cursor.execute(sql)
        try:
            before.append(save(f"Place{i}b"))
        finally:
            with connection.cursor() as cursor:
                for number in range(1, len(CITY_INDEXES) + 1):
                    cursor.execute(f"DROP INDEX before_0014_{number}")
    print(
        f"postgresql propagation of address and city to {persons:,} persons ({rounds} rounds, "
        f"with history, taking turns): place rows min {min(now) * 1000:.0f} / median "
        f"{statistics.median(now) * 1000:.0f} ms; with the city and post code indexes on the "
        f"contact table (before contacts 0014) min {min(before) * 1000:.0f} / median "
        f"{statistics.median(before) * 1000:.0f} ms; ratio {min(before) / min(now):.2f}x (min) "
        f"{statistics.median(before) / statistics.median(now):.2f}x (median); load "
        f"{os.getloadavg()[0]:.1f}",
        flush=True,
    )


def _statements(ctx) -> list[tuple[float, str]]:
    """(seconds, SQL) of the captured statements, transaction control left out."""
    return [
        (float(q["time"]), q["sql"])
        for q in ctx.captured_queries
        if not q["sql"].startswith(("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT"))
    ]


def _explain_statements(statements: list[tuple[float, str]]) -> None:
    """PostgreSQL's own timing of each statement (EXPLAIN (ANALYZE, WAL), in one
    transaction that is rolled back), so the figures do not depend on Python or the
    box's load on the client side; the WAL records say what was written (a HOT update
    of 10,000 rows: about 10,000; one that writes 21 indexes: about 220,000)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for _seconds, sql in statements:
            if sql.startswith("DECLARE"):
                sql = sql.split(" CURSOR FOR ", 1)[1]
            cursor.execute("EXPLAIN (ANALYZE, WAL, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0][0]
            triggers = sum(t.get("Time", 0.0) for t in plan.get("Triggers", []))
            wal = plan["Plan"].get("WAL Records", 0)
            print(
                f"    {plan['Execution Time']:8.1f} ms in PostgreSQL "
                f"({plan['Plan'].get('Actual Rows', 0):,} rows, {wal:,} WAL records"
                f"{f', triggers {triggers:.1f} ms' if triggers else ''}): {sql[:110]}"
            )
        transaction.set_rollback(True)


def _history_overhead(company, persons: int, *, rounds: int = 5, explain: bool = False) -> None:
    """The same company save with and without the change log (`rounds` each, taking
    turns; wall, CPU and statements of each), the statements of each with their times,
    and the statement count of a company with a tenth of the persons (constant)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from contacts.models import Contact
    from contacts.services import contact_create
    from history import context as history

    def save(measured: Rounds, target, city: str, logged: bool) -> None:
        with measured.measure(logged), transaction.atomic():
            target.address = f"{city} gate"
            target.city = city
            if logged:
                target.save()
            else:
                with history.disabled():
                    target.save()

    def statements(logged: bool) -> list[tuple[float, str]]:
        with CaptureQueriesContext(connection) as ctx:
            try:
                with transaction.atomic():
                    company.address, company.city = "Telling gate", "Telling"
                    if logged:
                        company.save()
                    else:
                        with history.disabled():
                            company.save()
                    raise _RollBack
            except _RollBack:
                pass
        company.refresh_from_db()
        return _statements(ctx)

    def save_street(street: str) -> float:
        start = time.perf_counter()
        with transaction.atomic():
            company.address = street
            company.save()
        return time.perf_counter() - start

    load = os.getloadavg()[0]
    warm = Rounds()
    save(warm, company, "Warm", True)  # the first saves after the set-up read cold pages
    save(warm, company, "Warm2", False)
    measured = Rounds()
    street = []
    for i in range(rounds):
        for logged in (True, False) if i % 2 == 0 else (False, True):
            save(measured, company, f"By{i}{'ab'[logged]}", logged)
        street.append(save_street(f"Gate {i}"))
    moved = Contact.objects.filter(company=company, city=company.city).count()
    assert moved == persons, moved
    for label, flag in (("with history", True), ("without history", False)):
        listed = statements(flag)
        print(f"  {label}: {len(listed)} statements (time as the client saw it):")
        for seconds, sql in listed:
            if seconds >= 0.002:
                print(f"    {seconds * 1000:8.1f} ms  {sql[:120]}")
        if explain and connection.vendor == "postgresql":
            _explain_statements(listed)
    measured.report(f"propagation to {persons:,} persons", load_before=load)
    # The statements of the same save for a tenth of the persons, counted the same way.
    small_persons = max(persons // 10, 1)
    with transaction.atomic():
        small = contact_create(
            data={"type": "company", "no": "PROPAG2", "name": "Small AS", "city": "Oslo"}
        )
        Contact.objects.bulk_create(
            [
                Contact(type="person", no=f"PS{i:07d}", name=f"P {i}", company=small, city="Oslo")
                for i in range(small_persons)
            ],
            batch_size=1000,
        )
    small_rounds = Rounds()
    for logged in (True, False):
        save(small_rounds, small, f"Liten{logged}", logged)
    counts = {
        logged: (
            measured.figures(logged, "statements")[-1],
            small_rounds.figures(logged, "statements")[0],
        )
        for logged in (True, False)
    }
    print(
        f"  statements of the save: {counts[True][0]} for {persons:,} persons, "
        f"{counts[True][1]} for {small_persons:,} with history; {counts[False][0]} and "
        f"{counts[False][1]} without "
        f"({'constant' if counts[True][0] == counts[True][1] else 'NOT constant'})"
    )
    # A column no index holds: on PostgreSQL a HOT update (contacts 0013, fillfactor).
    print(
        f"{connection.vendor} propagation of the street address alone to {persons:,} persons "
        f"({rounds} rounds, with history): min {min(street) * 1000:.0f} / median "
        f"{statistics.median(street) * 1000:.0f} ms; load {os.getloadavg()[0]:.1f}",
        flush=True,
    )


class _RollBack(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", "--scale", type=int, default=100_000, dest="rows")
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--database-url", help="PostgreSQL URL (a database this run creates)")
    parser.add_argument(
        "--part",
        choices=["all", "import", "propagate", "list"],
        default="all",
        help="'all' runs import and propagate; 'list' runs benchmarks/contacts_list.py",
    )
    parser.add_argument("--list-scale", type=int, default=1_000_000)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds with and without history (min, median)"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="PostgreSQL: EXPLAIN ANALYZE of each statement of the propagation",
    )
    parser.add_argument(
        "--no-naive",
        action="store_true",
        help="skip the naive baselines (plain bulk_create, per-person saves): history only",
    )
    args = parser.parse_args()

    if args.part == "list":
        script = ROOT / "benchmarks" / "contacts_list.py"
        if not script.exists():
            print("benchmarks/contacts_list.py is not there; nothing to run.")
            return
        command = [sys.executable, str(script), "--scale", str(args.list_scale)]
        if args.database_url:
            command += ["--database-url", args.database_url]
        raise SystemExit(subprocess.call(command))

    tmp = None
    if args.database_url:
        url = args.database_url
        name = urlsplit(url).path.lstrip("/")
        _pg_admin(url, f'DROP DATABASE IF EXISTS "{name}"')
        _pg_admin(url, f'CREATE DATABASE "{name}"')
    else:
        tmp = tempfile.mkdtemp(prefix="bench-contacts-core-")
        url = f"sqlite:///{tmp}/bench.sqlite3"
    _setup_django(url)

    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        if args.part in ("all", "import"):
            bench_import(args.rows, naive_too=not args.no_naive, rounds=args.rounds)
        if args.part in ("all", "propagate"):
            bench_propagation(
                args.persons, naive_too=not args.no_naive, rounds=args.rounds, explain=args.explain
            )
    finally:
        connection.close()
        if args.database_url and not args.keep_db:
            _pg_admin(args.database_url, f'DROP DATABASE IF EXISTS "{name}"')
        if tmp and not args.keep_db:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
