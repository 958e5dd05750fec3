"""Exports: time and peak memory of the contact export (CSV, CSV for Excel, XLSX), each
against the naive way in the same run.

    .venv/bin/python benchmarks/exporting.py                      # 100k contacts, SQLite
    .venv/bin/python benchmarks/exporting.py --rows 20000         # quick
    .venv/bin/python benchmarks/exporting.py --database-url postgres://root:root@127.0.0.1:5432/bench_exporting

The contacts are the sample file (/work/shared/data/sample-contacts.csv) repeated up to
--rows rows, inserted with a plain bulk_create. Each measurement runs in its own process
(so its peak RSS is its own):

- ``csv``: contacts.exporting.contacts_export (spreadsheet-safe cells, companies first)
  against ``csv naive``: csv.writer straight over one values_list, no escaping;
- ``csv-excel``: the same with semicolons, decimal commas and the BOM;
- ``page csv``: the list page's streamed download (listing.exporting.export_response),
  consumed chunk by chunk as a client would;
- ``xlsx``: openpyxl write-only (rows streamed to a temporary file) against
  ``xlsx naive``: an ordinary openpyxl workbook (every cell held in memory, then saved).

Printed: seconds, rows/s, peak RSS (MB) of the process and above its start, and the
ratios against the naive ways. PostgreSQL: the database is created and dropped by the run
(unless --keep-db).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks")]
MEASURES = ("csv naive", "csv", "csv-excel", "page csv", "xlsx", "xlsx naive")


def _contacts_bench():
    """benchmarks/contacts.py (its sample scaling and plain insert are reused)."""
    spec = importlib.util.spec_from_file_location(
        "bench_contacts", ROOT / "benchmarks" / "contacts.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shared = Path("/work/shared/data/sample-contacts.csv")
    if not module.SAMPLE.exists() and shared.exists():  # a worktree beside the checkout
        module.SAMPLE = shared
    return module


def _rss_mb() -> float:
    """Peak RSS of this process (VmHWM: getrusage's ru_maxrss would keep the parent's peak
    across fork and exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def measure(kind: str, out_dir: Path) -> dict:
    """One measurement in this process: seconds, rows, peak RSS."""
    import csv

    from contacts import selectors
    from contacts.exporting import HEADER, contact_export_rows, contacts_export
    from contacts.models import Contact
    from listing import exporting

    start_rss = _rss_mb()
    path = out_dir / f"{kind.replace(' ', '-')}.{'xlsx' if kind.startswith('xlsx') else 'csv'}"
    start = time.perf_counter()
    if kind == "csv":
        rows = contacts_export(path, dialect=exporting.CSV)
    elif kind == "csv-excel":
        rows = contacts_export(path, dialect=exporting.CSV_EXCEL, bom=True)
    elif kind == "csv naive":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            fields = list(selectors.EXPORT_COLUMNS.values())
            values = Contact.objects.order_by("no").values_list(*fields).iterator(2000)
            rows = 0
            for rows, row in enumerate(values, start=1):  # noqa: B007 (the count)
                writer.writerow(row)
    elif kind == "page csv":
        response = exporting.export_response(
            HEADER, contact_export_rows(Contact.objects.all()), exporting.CSV, stem="contacts"
        )
        with path.open("wb") as handle:
            for chunk in response.streaming_content:
                handle.write(chunk)
        rows = Contact.objects.count()
    elif kind == "xlsx":
        rows = contacts_export(path, dialect=exporting.XLSX)
    elif kind == "xlsx naive":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(HEADER)
        rows = 0
        for row in contact_export_rows(Contact.objects.all()):
            sheet.append(row)
            rows += 1
        book.save(path)
    else:
        raise SystemExit(f"unknown measure {kind}")
    seconds = time.perf_counter() - start
    return {
        "kind": kind,
        "seconds": seconds,
        "rows": rows,
        "rss_mb": _rss_mb(),
        "rss_growth_mb": _rss_mb() - start_rss,
        "bytes": path.stat().st_size,
    }


def _child(kind: str, url: str, out_dir: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", kind, "--database-url", url, "--out", str(out_dir)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", help="PostgreSQL URL (a database this run creates)")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    bench = _contacts_bench()

    if args.measure:  # a child: one measurement, JSON on the last line
        bench._setup_django(args.database_url)
        print(json.dumps(measure(args.measure, Path(args.out))))
        return

    tmp = Path(tempfile.mkdtemp(prefix="bench-exporting-"))
    if args.database_url:
        url = args.database_url
        name = urlsplit(url).path.lstrip("/")
        bench._pg_admin(url, f'DROP DATABASE IF EXISTS "{name}"')
        bench._pg_admin(url, f'CREATE DATABASE "{name}"')
    else:
        url = f"sqlite:///{tmp}/bench.sqlite3"
    bench._setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        rows = bench._scaled_rows(args.rows)
        bench._reference_data(rows)
        bench._plain_bulk_insert(rows)
        vendor = connection.vendor
        connection.close()
        _child("csv naive", url, tmp)  # warms the database's cache for every measure
        results = {kind: _child(kind, url, tmp) for kind in MEASURES}
        for kind in MEASURES:
            r = results[kind]
            print(
                f"{vendor} {kind:>10}: {r['seconds']:6.1f} s ({args.rows / r['seconds']:>9,.0f} "
                f"rows/s), peak RSS {r['rss_mb']:5.0f} MB (+{r['rss_growth_mb']:.0f} MB), "
                f"file {r['bytes'] / 1e6:.1f} MB"
            )
        csv_ratio = results["csv"]["seconds"] / results["csv naive"]["seconds"]
        xlsx_time = results["xlsx"]["seconds"] / results["xlsx naive"]["seconds"]
        xlsx_memory = results["xlsx naive"]["rss_growth_mb"] / max(
            results["xlsx"]["rss_growth_mb"], 1
        )
        print(
            f"{vendor} ratios at {args.rows:,} contacts: safe CSV {csv_ratio:.2f}x the time of "
            f"the naive csv.writer; write-only XLSX {xlsx_time:.2f}x the time and 1/"
            f"{xlsx_memory:.0f} of the memory growth of an ordinary openpyxl workbook"
        )
    finally:
        connection.close()
        if args.database_url and not args.keep_db:
            bench._pg_admin(args.database_url, f'DROP DATABASE IF EXISTS "{name}"')
        if not args.keep_db:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
