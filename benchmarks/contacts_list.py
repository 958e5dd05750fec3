"""Contact list and search at a million contacts: the staff list's selector against the
naive way (OFFSET pagination with COUNT(*) and icontains on every field), same run.

    .venv/bin/python benchmarks/contacts_list.py                         # 1M, SQLite in a temp dir
    .venv/bin/python benchmarks/contacts_list.py --scale 100000          # quick
    .venv/bin/python benchmarks/contacts_list.py --database-url postgres://root:root@127.0.0.1:5432/bench_contacts_list

PostgreSQL: the database is created and dropped by the run (unless --keep-db). The
contacts are written with one INSERT ... SELECT over a generated series (generate_series
on PostgreSQL, a recursive CTE on SQLite): 10 % companies, each followed by 9 persons.
Each case is timed as the median of --repeat runs (warm cache); figures are milliseconds
per list page (the count and the page query together), plus the whole view through the
test client (session, permissions, filter selects, template).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks")]

FIRST = [
    "Kari",
    "Ola",
    "Ingrid",
    "Lars",
    "Sanne",
    "Daan",
    "Emma",
    "Jan",
    "Sofie",
    "Bram",
    "Nora",
    "Henrik",
    "Liv",
    "Anders",
    "Femke",
    "Ruben",
    "Marit",
    "Erik",
    "Lotte",
    "Joris",
]
SURNAMES = [
    "Nordmann",
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Berg",
    "Haugen",
    "Dijkstra",
    "Mulder",
    "Bos",
    "Lie",
    "Dahl",
    "Meijer",
    "Vos",
    "Strand",
    "Sæther",
    "Næss",
]
WORDS = [
    "Fjord",
    "Nordlys",
    "Tulip",
    "Polder",
    "Vest",
    "Delta",
    "Fjell",
    "Havn",
    "Molen",
    "Kyst",
    "Dijk",
    "Skog",
    "Brug",
    "Elv",
    "Gracht",
    "Bre",
    "Zee",
    "Vik",
    "Duin",
    "Foss",
]
CITIES = [
    "Oslo",
    "Bergen",
    "Trondheim",
    "Stavanger",
    "Tromsø",
    "Drammen",
    "Kristiansand",
    "Fredrikstad",
    "Amsterdam",
    "Rotterdam",
    "Utrecht",
    "Den Haag",
    "Eindhoven",
    "Groningen",
    "Tilburg",
    "Almere",
    "Breda",
    "Nijmegen",
    "Ålesund",
    "Bodø",
]
TERRITORIES = [f"T{i:02d}" for i in range(1, 11)]
SALESPEOPLE = [f"SP{i:02d}" for i in range(1, 21)]


def _case(expr: str, values: list[str]) -> str:
    """SQL choosing values[expr % len(values)] (portable: no arrays on SQLite)."""
    whens = " ".join(
        f"WHEN {i} THEN '{v.replace(chr(39), chr(39) * 2)}'" for i, v in enumerate(values)
    )
    return f"(CASE ({expr}) % {len(values)} {whens} END)"


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "crm_site.settings"
    os.environ["DEBUG"] = "true"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()


def _pg_admin(database_url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql)


def _build(n: int, batch: int) -> float:
    """Insert n contacts with SQL; returns seconds taken."""
    from django.db import connection, transaction
    from tqdm import tqdm

    from contacts.models import Contact
    from contacts.searchkeys import fold
    from marketing_setup.models import Salesperson, Territory

    Territory.objects.bulk_create(Territory(code=c, description=c) for c in TERRITORIES)
    Salesperson.objects.bulk_create(Salesperson(code=c, name=c) for c in SALESPEOPLE)
    pg = connection.vendor == "postgresql"

    def pad(expr: str, width: int) -> str:
        return f"lpad(({expr})::text, {width}, '0')" if pg else f"printf('%0{width}d', {expr})"

    is_company = "(n % 10 = 1)"
    person_name = f"{_case('n * 7', FIRST)} || ' ' || {_case('n * 13 + n / 20', SURNAMES)}"
    company_name = (
        f"{_case('n / 10', WORDS)} || ' ' || {_case('n / 200', WORDS)} || ' AS ' || (n / 10)"
    )
    name = f"(CASE WHEN {is_company} THEN {company_name} ELSE {person_name} END)"
    # The search keys as contacts/searchkeys.py makes them (every word folds on its own).
    person_key = (
        f"{_case('n * 7', [fold(w) for w in FIRST])} || ' ' || "
        f"{_case('n * 13 + n / 20', [fold(w) for w in SURNAMES])}"
    )
    company_key = (
        f"{_case('n / 10', [fold(w) for w in WORDS])} || ' ' || "
        f"{_case('n / 200', [fold(w) for w in WORDS])} || ' as ' || (n / 10)"
    )
    phone_digits = pad("(n * 7919) % 100000000", 8)
    now = "now()" if pg else "datetime('now')"
    values = {
        "id": "n",
        "no": f"'CT' || {pad('n', 7)}",
        "type": f"(CASE WHEN {is_company} THEN 'company' ELSE 'person' END)",
        "name": name,
        "search_name": f"upper({name})",
        "company_id": f"(CASE WHEN {is_company} THEN NULL ELSE n - ((n - 1) % 10) END)",
        "first_name": f"(CASE WHEN {is_company} THEN '' ELSE {_case('n * 7', FIRST)} END)",
        "surname": f"(CASE WHEN {is_company} THEN '' ELSE "
        f"{_case('n * 13 + n / 20', SURNAMES)} END)",
        "address": "'Gate ' || (n % 200)",
        "post_code": pad("1000 + (n / 10) % 9000", 4),
        "city": _case("n / 10", CITIES),
        "country": _case("n / 10", ["NO", "NO", "NL", "NO", "NL", "DE"]),
        "phone_no": f"'+47 ' || {phone_digits}",
        "phone_key": f"ltrim({phone_digits}, '0')",
        "name_key": f"(CASE WHEN {is_company} THEN {company_key} ELSE {person_key} END)",
        "email_domain": "'example.com'",
        "email": f"lower({_case('n * 7', FIRST)}) || '.' || n || '@example.com'",
        "territory_id": _case("n / 10", TERRITORIES),
        "salesperson_id": _case("n / 10", SALESPEOPLE),
        "created_at": now,
        "updated_at": now,
    }
    columns, exprs = [], []
    for field in Contact._meta.concrete_fields:
        columns.append(connection.ops.quote_name(field.column))
        if field.column in values:
            exprs.append(values[field.column])
        elif field.null:
            exprs.append("NULL")
        elif field.get_internal_type() == "BooleanField":
            exprs.append("false" if pg else "0")
        elif field.get_internal_type() in ("DateTimeField",):
            exprs.append(now)
        elif "Integer" in field.get_internal_type():
            exprs.append("0")
        else:
            exprs.append("''")
    table = connection.ops.quote_name(Contact._meta.db_table)
    started = time.perf_counter()
    with tqdm(
        total=n, desc="contacts", unit="row", file=sys.stderr, disable=not sys.stderr.isatty()
    ) as bar:
        for low in range(1, n + 1, batch):
            high = min(n, low + batch - 1)
            if pg:
                source = f"FROM generate_series({low}::bigint, {high}::bigint) AS g(n)"
                sql = (
                    f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(exprs)} {source}"
                )
            else:
                sql = (
                    f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"WITH RECURSIVE g(n) AS (SELECT {low} UNION ALL SELECT n + 1 FROM g "
                    f"WHERE n < {high}) SELECT {', '.join(exprs)} FROM g"
                )
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
            bar.update(high - low + 1)
    with connection.cursor() as cursor:
        if pg:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{Contact._meta.db_table}', 'id'), {n})"
            )
            cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _naive_page(params: dict, page_no: int):
    """OFFSET pagination with COUNT(*) over icontains on each searched field."""
    from django.core.paginator import Paginator
    from django.db.models import Q

    from contacts.models import Contact

    qs = Contact.objects.select_related("company", "salesperson", "territory")
    text = params.get("q")
    if text:
        qs = qs.filter(
            Q(no__icontains=text)
            | Q(name__icontains=text)
            | Q(city__icontains=text)
            | Q(phone_no__icontains=text)
            | Q(email__icontains=text)
            | Q(post_code__icontains=text)
        )
    for key in ("territory", "salesperson"):
        if params.get(key):
            qs = qs.filter(**{f"{key}_id": params[key]})
    page = Paginator(qs.order_by("no"), 50).get_page(page_no)
    return page.paginator.count, list(page.object_list)


def _ours(params: dict, after: str | None):
    from contacts import selectors

    params = dict(params)
    sort = params.pop("sort", None)
    page = selectors.contact_list(params=params, after=after, sort=sort)
    return page.total, page.contacts


TIMES: dict[str, list[float]] = {}


def _time(fn, repeat: int, label: str = "") -> tuple[float, int, object]:
    from django.db import connection, reset_queries

    result = fn()  # warm up
    times = []
    for _ in range(repeat):
        reset_queries()
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    if label:
        TIMES[label] = times
    return statistics.median(times), len(connection.queries), result


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _plans(params: dict, after: str | None) -> str:
    """Scan types PostgreSQL chose for the page query (to spot full-table scans)."""
    import re

    from contacts import selectors
    from listing import keyset

    params = dict(params)
    sort = keyset.parse_sort(params.pop("sort", None), selectors.SORTS, "no")
    option = keyset._option(sort, selectors.SORTS)
    qs = selectors.contact_filter(params=params).select_related(
        "company", "salesperson", "territory"
    )
    order = keyset._order(
        option.field, "no", descending=sort.startswith("-"), nullable=option.nullable
    )
    if after:
        from contacts.models import Contact

        value = Contact.objects.filter(no=after).values_list(option.field, flat=True).first()
        part = keyset._beyond(
            option.field,
            "no",
            value,
            after,
            descending=sort.startswith("-"),
            nullable=option.nullable,
        )[0]
        qs = qs.filter(part)
    plan = qs.order_by(*order)[:51].explain()
    kinds = re.findall(
        r"((?:Parallel )?(?:Seq|Index Only|Index|Bitmap Index|Bitmap Heap) Scan)"
        r"(?: using (\w+))? on (\w+)",
        plan,
    )
    shown = []
    for kind, index, table in kinds:
        if table.startswith("contact") and "pkey" not in (index or table):
            shown.append(f"{kind}{' ' + index if index else ''}")
    return "; ".join(dict.fromkeys(shown))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1_000_000, help="number of contacts")
    parser.add_argument("--database-url", help="PostgreSQL URL (a database this run creates)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--keep-db", action="store_true", help="don't drop the database")
    parser.add_argument(
        "--reuse-db", action="store_true", help="use the contacts a --keep-db run left"
    )
    parser.add_argument("--no-naive", action="store_true", help="skip the naive comparison")
    args = parser.parse_args()

    tmp = None
    if args.database_url:
        url = args.database_url
        name = urlsplit(url).path.lstrip("/")
        if not args.reuse_db:
            _pg_admin(url, f'DROP DATABASE IF EXISTS "{name}"')
            _pg_admin(url, f'CREATE DATABASE "{name}"')
    else:
        tmp = str(Path(tempfile.gettempdir()) / "bench-contacts-list")
        if not args.reuse_db:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
        Path(tmp).mkdir(exist_ok=True)
        url = f"sqlite:///{tmp}/bench.sqlite3"
    _setup_django(url)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from contacts.models import Contact
    from contacts.selectors import COUNT_CAP

    try:
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if args.reuse_db and Contact.objects.exists():
            args.scale = Contact.objects.count()
            print(f"{connection.vendor}: reusing {args.scale:,} contacts")
        else:
            seconds = _build(args.scale, args.batch)
            n = Contact.objects.count()
            print(
                f"{connection.vendor}: {n:,} contacts written in {seconds:.1f} s "
                f"({n / seconds:,.0f} rows/s)"
            )

        late_no = f"CT{int(args.scale * 0.6):07d}"
        sample = Contact.objects.get(no=f"CT{args.scale // 2 + 3:07d}")
        digits = sample.phone_no[4:]
        spaced_phone = " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))
        cases = [
            ("first page", {}, None, 1),
            ("later page (60 %)", {}, late_no, int(args.scale * 0.6) // 50),
            ("search name prefix", {"q": sample.name.split()[0][:4].lower()}, None, 1),
            ("search no. prefix", {"q": sample.no[:7]}, None, 1),
            ("search city", {"q": "tromsø"}, None, 1),
            ("search phone", {"q": sample.phone_no[:9]}, None, 1),
            ("search phone, spaced", {"q": spaced_phone}, None, 1),
            ("search phone, 0047", {"q": "0047 " + sample.phone_no[4:]}, None, 1),
            ("search folded name", {"q": "saether"}, None, 1),
            ("search e-mail domain", {"q": "example"}, None, 1),
            ("sort by name", {"sort": "name"}, None, 1),
            ("sort by name, later", {"sort": "name"}, late_no, int(args.scale * 0.6) // 50),
            ("sort by city desc", {"sort": "-city"}, late_no, int(args.scale * 0.6) // 50),
            ("sort salesperson", {"sort": "salesperson"}, late_no, int(args.scale * 0.6) // 50),
            ("search e-mail", {"q": sample.email.split("@")[0]}, None, 1),
            ("search rare text", {"q": "zzq"}, None, 1),
            ("filter territory", {"territory": "T03"}, None, 1),
            ("territory, later page", {"territory": "T03"}, late_no, 40),
        ]
        print(
            f"{'case':<24}{'query':<22}{'ours ms':>9}{'p95':>7}{'min':>7}{'naive ms':>10}"
            f"{'ratio':>8}{'rows':>9}  queries  plan (ours)"
        )
        for label, params, after, naive_page_no in cases:
            ours_ms, ours_q, (total, _rows) = _time(
                partial(_ours, params, after), args.repeat, label
            )
            if args.no_naive:
                naive_ms, ratio = float("nan"), float("nan")
            else:
                naive_ms, _q, _r = _time(
                    partial(_naive_page, params, naive_page_no), max(1, args.repeat // 2)
                )
                ratio = naive_ms / ours_ms if ours_ms else float("inf")
            plan = _plans(params, after) if connection.vendor == "postgresql" else ""
            shown = " ".join(f"{k}={v}" for k, v in params.items()) + (
                f" after={after}" if after else ""
            )
            p95, low = _p95(TIMES[label]), min(TIMES[label])
            print(
                f"{label:<24}{shown[:21]:<22}{ours_ms:>9.1f}{p95:>7.1f}{low:>7.1f}"
                f"{naive_ms:>10.1f}{ratio:>7.0f}x"
                f"{(str(total) + ('+' if total >= COUNT_CAP else '')):>9}  {ours_q:>7}  {plan}"
            )

        # The whole page through the test client (middleware, session, template).
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from crm_site.roles import STAFF

        staff, _created = get_user_model().objects.get_or_create(username="bench")
        staff.groups.add(Group.objects.get(name=STAFF))
        client = Client()
        client.force_login(staff)
        for label, query in (
            ("view: first page", {}),
            ("view: search name", {"q": sample.name.split()[0][:4]}),
            ("view: territory + next", {"territory": "T03", "after": late_no}),
            ("view: phone search", {"q": spaced_phone}),
            ("view: sort by name, later", {"sort": "name", "after": late_no}),
        ):
            try:
                ms, q, response = _time(
                    partial(client.get, "/contacts/", query), args.repeat, label
                )
            except Exception as error:  # another app's half-written URLconf, say
                print(f"{label:<46} failed: {type(error).__name__}: {error}")
                continue
            print(
                f"{label:<46}{ms:>9.1f} ms median, {_p95(TIMES[label]):.1f} ms p95, "
                f"{min(TIMES[label]):.1f} ms min  {q} queries (HTTP {response.status_code})"
            )
        every = [t for times in TIMES.values() for t in times]
        print(f"all cases together: p95 {_p95(every):.1f} ms over {len(every)} timings")
    finally:
        connection.close()
        if args.database_url and not args.keep_db:
            _pg_admin(args.database_url, f'DROP DATABASE IF EXISTS "{name}"')
        if tmp and not args.keep_db:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
