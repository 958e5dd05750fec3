"""Contact import of CSV and XLSX files as a user runs it (`manage.py import_contacts
FILE`): time and peak memory (RSS) against a plain `bulk_create` of the same rows, in the
same run (issue 9, 15.4).

    nice -n 10 .venv/bin/python benchmarks/importing.py                    # 100k rows, SQLite
    nice -n 10 .venv/bin/python benchmarks/importing.py --rows 20000       # quick
    nice -n 10 .venv/bin/python benchmarks/importing.py --rows 1000000 --repeat 1 \\
        --database-url postgres://root:root@127.0.0.1:5432/imbench

The sample file (../shared/data/sample-contacts.csv: companies, each followed by its
persons) is repeated with renumbered copies up to --rows rows and written, streamed, once
as CSV and once as XLSX the way Excel saves one (shared-strings table, numbers as
numbers; XML written straight into the zip, write_xlsx). The database is migrated and given the
reference data (languages, territories, salespeople, the contact series) once, as a
template; every measurement gets a fresh copy of it (SQLite: a copy of the file;
PostgreSQL: CREATE DATABASE ... TEMPLATE) and runs in a process of its own, timed from
outside (Python and Django start-up included, for both), its peak RSS taken from
os.wait4's rusage of that one process, with its CPU time (user + sys) and, on a local
PostgreSQL, the server's CPU time for that database (its backends' /proc/PID/schedstat,
sampled): on a shared box the wall time also holds the time spent waiting for a core,
so the CPU ratio is the one to decide on (the goal is stated for the time):

- plain: the CSV read with csv.DictReader and written with bulk_create in one
  transaction, per 1,000 rows their companies then their persons (the persons' company
  ids from a dict of the companies written), no checks and no rules;
- csv / xlsx: `manage.py import_contacts FILE --no-progress` (DEBUG off): the reader,
  column mapping, two streamed passes, checks, names, inheritance, defaults, search
  keys, the change log, the duplicate index of the new companies, the bulk writes and
  ANALYZE of the filled tables after the commit.

The result is checked (contacts and change-log rows counted). Goals (issue 9, 15.4):
time <= 2x the plain insert, peak RSS <= 500 MB at 1M rows. Each measurement is
repeated --repeat times (rounds alternate the modes); min and median are printed, with
the load average (the box may be shared).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks")]

GOAL_RATIO = 2.0
GOAL_MB_AT_1M = 500
PLAIN_BATCH = 1000


def _bench_contacts():
    """benchmarks/contacts.py (its sample path, reference data, Django set-up)."""
    spec = importlib.util.spec_from_file_location(
        "bench_contacts", ROOT / "benchmarks" / "contacts.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def scaled_rows(n: int) -> Iterator[dict[str, str]]:
    """The sample rows repeated up to n rows (streamed); copy k gets numbers prefixed
    "Kk-" (persons keep following their company)."""
    with _bench_contacts().SAMPLE.open(encoding="utf-8-sig") as handle:
        base = list(csv.DictReader(handle))
    done = 0
    copy = 0
    while done < n:
        prefix = f"K{copy}-" if copy else ""
        for row in base:
            if done >= n:
                return
            new = dict(row)
            new["no"] = prefix + row["no"]
            new["company_no"] = prefix + row["company_no"] if row["company_no"] else ""
            yield new
            done += 1
        copy += 1


def write_files(n: int, folder: Path, *, xlsx: bool = True) -> tuple[Path, Path]:
    """The rows as CSV and (unless not `xlsx`) XLSX, streamed (neither file is held)."""
    rows = scaled_rows(n)
    first = next(rows)
    header = list(first)
    csv_path = folder / "contacts.csv"
    xlsx_path = folder / "contacts.xlsx"
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        for row in itertools.chain([first], rows):
            writer.writerow(row)
    if xlsx:
        with csv_path.open(encoding="utf-8", newline="") as handle:
            write_xlsx(xlsx_path, csv.reader(handle))
    return csv_path, xlsx_path


_XLSX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml'
    '.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/'
    'sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<workbookPr/><sheets><sheet name="Contacts" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>",
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>",
    "xl/styles.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    "</cellXfs></styleSheet>",
}


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def write_xlsx(path: Path, rows, *, shared: bool = True) -> None:
    """A workbook as Excel saves one, written as XML into the zip (openpyxl per cell took
    ~20 min for 1M rows): texts in the shared-strings table (`shared`; else inline
    strings), digit-only values without a leading zero as numbers, a dimension."""
    import zipfile
    from xml.sax.saxutils import escape

    strings: dict[str, int] = {}
    count = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in _XLSX_PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
                b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData>"
            )
            columns: list[str] = []
            out: list[str] = []
            for number, values in enumerate(rows, start=1):
                while len(columns) < len(values):
                    columns.append(_letters(len(columns)))
                out.append(f'<row r="{number}">')
                for letters, value in zip(columns, values, strict=False):
                    if not value:
                        continue
                    ref = f"{letters}{number}"
                    if value.isdigit() and value[0] != "0" and len(value) < 16:
                        out.append(f'<c r="{ref}"><v>{value}</v></c>')
                    elif shared:
                        index = strings.setdefault(value, len(strings))
                        count += 1
                        out.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
                    else:
                        out.append(
                            f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
                        )
                out.append("</row>")
                if len(out) > 20000:
                    sheet.write("".join(out).encode())
                    out = []
            sheet.write("".join(out).encode())
            sheet.write(b"</sheetData></worksheet>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as table:
            table.write(
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns='
                f'"http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}"'
                f' uniqueCount="{len(strings)}">'.encode()
            )
            out = []
            for value in strings:
                space = ' xml:space="preserve"' if value != value.strip() else ""
                out.append(f"<si><t{space}>{escape(value)}</t></si>")
                if len(out) > 20000:
                    table.write("".join(out).encode())
                    out = []
            table.write("".join(out).encode())
            table.write(b"</sst>")


# --- child processes ---------------------------------------------------------------------


def _child_env(database_url: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "false"}
    env.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    env["DJANGO_SETTINGS_MODULE"] = "crm_site.settings"
    return env


def child_setup(csv_path: Path) -> None:
    """Migrate the template database and give it the file's reference data."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    columns = ("language_code", "territory_code", "salesperson_code")
    seen: set[tuple[str, str]] = set()
    with csv_path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            seen.update((c, row[c]) for c in columns)
    _bench_contacts()._reference_data(
        [{c: (value if c == column else "") for c in columns} for column, value in seen]
    )


def child_plain(csv_path: Path) -> None:
    """The plain insert: bulk_create of the same rows, streamed in batches."""
    from django.db import transaction

    from contacts.models import Contact

    plain = _bench_contacts()._plain
    companies: dict[str, int] = {}

    def flush(batch: list[dict]) -> None:
        made = [(r, plain(r)) for r in batch if r["type"] == "company"]
        Contact.objects.bulk_create([c for _r, c in made])
        companies.update((r["no"], c.pk) for r, c in made)
        persons = []
        for r in batch:
            if r["type"] == "person":
                contact = plain(r)
                contact.company_id = companies.get(r["company_no"])
                persons.append(contact)
        Contact.objects.bulk_create(persons)

    with transaction.atomic(), csv_path.open(encoding="utf-8") as handle:
        batch: list[dict] = []
        for row in csv.DictReader(handle):
            batch.append(row)
            if len(batch) >= PLAIN_BATCH:
                flush(batch)
                batch = []
        flush(batch)


def _run_child(mode: str, path: Path, database_url: str) -> None:
    os.environ.update(_child_env(database_url))
    import django

    django.setup()
    {"setup": child_setup, "plain": child_plain}[mode](path)


# --- databases ---------------------------------------------------------------------------


class Databases:
    """A migrated template and fresh copies of it (SQLite files or PostgreSQL databases)."""

    def __init__(self, url: str | None, tmp: Path, prefix: str = "imbench"):
        self.url = url
        self.tmp = tmp
        self.count = 0
        self.prefix = (urlsplit(url).path.lstrip("/") or prefix) if url else prefix
        self.template = self._url(f"{self.prefix}_tpl")

    def _url(self, name: str) -> str:
        if self.url:
            return urlunsplit(urlsplit(self.url)._replace(path=f"/{name}"))
        return f"sqlite:///{self.tmp}/{name}.sqlite3"

    def _admin(self, sql: str) -> None:
        _bench_contacts()._pg_admin(self.url, sql)

    def create_template(self, csv_path: Path) -> None:
        if self.url:
            self._admin(f'DROP DATABASE IF EXISTS "{self.prefix}_tpl"')
            self._admin(f'CREATE DATABASE "{self.prefix}_tpl"')
        run_measured(
            [sys.executable, __file__, "--child", "setup", "--file", str(csv_path)],
            self.template,
            check=True,
        )

    def fresh(self) -> str:
        self.count += 1
        name = f"{self.prefix}_{self.count}"
        if self.url:
            self._admin(f'DROP DATABASE IF EXISTS "{name}"')
            self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.prefix}_tpl"')
        else:
            shutil.copy(self.template.removeprefix("sqlite:///"), self._path(name))
        return self._url(name)

    def _path(self, name: str) -> str:
        return str(self.tmp / f"{name}.sqlite3")

    def drop(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        if self.url:
            self._admin(f'DROP DATABASE IF EXISTS "{name}"')
        else:
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)

    def drop_all(self) -> None:
        if self.url:
            self.drop(self.template)

    def count_rows(self, url: str, table: str) -> int:
        if url.startswith("postgres"):
            import psycopg

            with psycopg.connect(url) as conn:
                return conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


class ServerCPU(threading.Thread):
    """CPU time a local PostgreSQL server spends for one database: its client backends'
    run time (/proc/PID/schedstat), sampled every 0.2 s while the measured process runs
    (the last 0.2 s of a backend that ends may be missed). Autovacuum is not counted."""

    def __init__(self, database_url: str):
        super().__init__(daemon=True)
        self.url = database_url
        self.name_ = urlsplit(database_url).path.lstrip("/")
        self.seen: dict[int, float] = {}
        self.done = threading.Event()

    def run(self) -> None:
        import psycopg

        admin = urlunsplit(urlsplit(self.url)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            while True:
                pids = conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s "
                    "AND backend_type IN ('client backend', 'parallel worker')",
                    [self.name_],
                ).fetchall()
                for (pid,) in pids:
                    try:
                        with open(f"/proc/{pid}/schedstat", encoding="ascii") as handle:
                            self.seen[pid] = int(handle.read().split()[0]) / 1e9
                    except (OSError, ValueError, IndexError):
                        pass
                if self.done.wait(0.2):
                    return

    def stop(self) -> float:
        self.done.set()
        self.join()
        return sum(self.seen.values())


def run_measured(command: list[str], database_url: str, *, check: bool = False) -> dict:
    """Run `command` with the database and DEBUG off; its wall time, CPU time (user + sys),
    peak RSS (MB) and, on PostgreSQL, the server's CPU time for its database."""
    server = ServerCPU(database_url) if database_url.startswith("postgres") else None
    if server:
        server.start()
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            command, cwd=ROOT, env=_child_env(database_url), stdout=out, stderr=err
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if check and process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "server_cpu": server.stop() if server else 0.0,
        "peak_mb": usage.ru_maxrss / 1024,
        "returncode": process.returncode,
        "stdout": stdout,
        "stderr": stderr,
    }


def import_command(path: Path, *extra: str) -> list[str]:
    return [sys.executable, "manage.py", "import_contacts", str(path), "--no-progress", *extra]


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--database-url",
        help="PostgreSQL URL whose database name is the prefix of the databases this run "
        "creates and drops (e.g. .../imbench); SQLite files in a temporary folder otherwise",
    )
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--modes", default="plain,csv,xlsx")
    parser.add_argument("--keep-files", help="write the files into this folder and keep them")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _run_child(args.child, Path(args.file), os.environ["DATABASE_URL"])
        return

    tmp = Path(tempfile.mkdtemp(prefix="imbench-"))
    folder = Path(args.keep_files) if args.keep_files else tmp
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = folder / "contacts.csv", folder / "contacts.xlsx"
    started = time.perf_counter()
    modes = args.modes.split(",")
    xlsx = "xlsx" in modes
    if not (args.keep_files and csv_path.exists() and (xlsx_path.exists() or not xlsx)):
        csv_path, xlsx_path = write_files(args.rows, folder, xlsx=xlsx)
    with csv_path.open("rb") as handle:
        rows = sum(1 for _ in handle) - 1
    if rows != args.rows:
        raise SystemExit(f"{csv_path} has {rows:,} rows, not {args.rows:,}")
    databases = Databases(args.database_url, tmp)
    databases.create_template(csv_path)
    print(
        f"{args.rows:,} rows: CSV {csv_path.stat().st_size / 1e6:.1f} MB, "
        f"XLSX {xlsx_path.stat().st_size / 1e6 if xlsx else 0:.1f} MB; "
        f"database {'PostgreSQL' if args.database_url else 'SQLite (file)'}; "
        f"files and template {time.perf_counter() - started:.0f} s; {load()}",
        flush=True,
    )
    figures: dict[str, list[dict]] = {}
    try:
        for _round in range(args.repeat):
            for mode in modes:
                url = databases.fresh()
                if mode == "plain":
                    command = [
                        sys.executable,
                        __file__,
                        "--child",
                        "plain",
                        "--file",
                        str(csv_path),
                    ]
                else:
                    command = import_command(xlsx_path if mode == "xlsx" else csv_path)
                figure = run_measured(command, url)
                contacts = databases.count_rows(url, "contacts_contact")
                logged = databases.count_rows(url, "history_change")
                databases.drop(url)
                if figure["returncode"] or contacts != args.rows:
                    print(
                        f"  {mode}: failed ({contacts:,} contacts)\n"
                        f"{figure['stdout'][-1000:]}{figure['stderr'][-3000:]}"
                    )
                    continue
                figures.setdefault(mode, []).append(figure)
                print(
                    f"  {mode:5} {figure['seconds']:7.1f} s  CPU {figure['cpu']:7.1f} s"
                    + (f" + server {figure['server_cpu']:6.1f} s" if args.database_url else "")
                    + f" = {figure['cpu'] + figure['server_cpu']:7.1f} s"
                    f"  peak RSS {figure['peak_mb']:6.0f} MB"
                    f"  ({contacts:,} contacts, {logged:,} change-log rows; {load()})",
                    flush=True,
                )
    finally:
        databases.drop_all()
        shutil.rmtree(tmp, ignore_errors=True)
    summarise(figures, args.rows)


def summarise(figures: dict[str, list[dict]], rows: int) -> None:
    if "plain" not in figures:
        return

    def cpu(figure: dict) -> float:  # this process and, on PostgreSQL, the server
        return figure["cpu"] + figure["server_cpu"]

    plain = [f["seconds"] for f in figures["plain"]]
    plain_cpu = [cpu(f) for f in figures["plain"]]
    print(
        f"plain: min {min(plain):.1f} s, median {statistics.median(plain):.1f} s; CPU "
        f"(with the server's) min {min(plain_cpu):.1f} s, median "
        f"{statistics.median(plain_cpu):.1f} s; "
        f"peak RSS {max(f['peak_mb'] for f in figures['plain']):.0f} MB"
    )
    for mode in ("csv", "xlsx"):
        if mode not in figures:
            continue
        times = [f["seconds"] for f in figures[mode]]
        cpus = [cpu(f) for f in figures[mode]]
        peak = max(f["peak_mb"] for f in figures[mode])
        ratio_min = min(times) / min(plain)
        ratio_med = statistics.median(times) / statistics.median(plain)
        memory_goal = (
            f"goal <= {GOAL_MB_AT_1M} MB at 1M rows: {'met' if peak <= GOAL_MB_AT_1M else 'MISSED'}"
            if rows >= 1_000_000
            else f"the goal is for 1M rows ({GOAL_MB_AT_1M} MB)"
        )
        print(
            f"{mode}: min {min(times):.1f} s, median {statistics.median(times):.1f} s; "
            f"ratio to plain bulk_create: min {ratio_min:.2f}x, median {ratio_med:.2f}x "
            f"(goal <= {GOAL_RATIO:.0f}x: {'met' if ratio_med <= GOAL_RATIO else 'MISSED'}); "
            f"CPU min {min(cpus):.1f} s, median {statistics.median(cpus):.1f} s, "
            f"{statistics.median(cpus) / statistics.median(plain_cpu):.2f}x the plain insert's; "
            f"peak RSS {peak:.0f} MB ({memory_goal})"
        )


if __name__ == "__main__":
    main()
