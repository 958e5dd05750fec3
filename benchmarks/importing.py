"""Contact import of CSV and XLSX files: time and peak memory (RSS) of `import_contacts`
against a plain `bulk_create` of the same rows, in the same run (issue 9, 15.4).

    .venv/bin/python benchmarks/importing.py                       # 100k rows, SQLite
    .venv/bin/python benchmarks/importing.py --rows 20000          # quick
    .venv/bin/python benchmarks/importing.py --database-url postgres://root:root@127.0.0.1:5432/bench_importing

The sample file (../shared/data/sample-contacts.csv) is repeated with renumbered copies up
to --rows rows and written once as CSV and once as XLSX (openpyxl write-only). Each
measurement runs in a process of its own on a freshly migrated, empty database, so its
peak RSS (ru_maxrss, Django and the process included) is its own:

- plain: the CSV read with csv.DictReader into dicts and written with bulk_create
  (batches of 1,000, companies then persons), no checks and no rules;
- csv / xlsx: `import_contacts(path)`: the reader, column mapping, checks, numbering,
  names, inheritance, defaults, search keys, the change log and the bulk writes.

Goals (issue 15.4): time <= 2x the plain insert, peak RSS <= 500 MB at 1M rows.
Each measurement is repeated --repeat times; min and median are printed.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks")]


def _bench_contacts():
    """benchmarks/contacts.py (its scaled sample rows, reference data, plain insert)."""
    spec = importlib.util.spec_from_file_location(
        "bench_contacts", ROOT / "benchmarks" / "contacts.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not module.SAMPLE.exists():  # a worktree further down: look up the folders
        for parent in ROOT.parents:
            if (parent / "shared" / "data" / "sample-contacts.csv").exists():
                module.SAMPLE = parent / "shared" / "data" / "sample-contacts.csv"
                break
    return module


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _write_files(rows: list[dict], folder: Path) -> tuple[Path, Path]:
    from openpyxl import Workbook

    header = list(rows[0])
    csv_path = folder / "contacts.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append([row[c] for c in header])
    xlsx_path = folder / "contacts.xlsx"
    book.save(xlsx_path)
    return csv_path, xlsx_path


def child(mode: str, path: Path, database_url: str) -> None:
    bench = _bench_contacts()
    bench._setup_django(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from contacts.models import Contact

    codes = None
    if mode == "plain":
        with path.with_suffix(".csv").open(encoding="utf-8") as handle:
            codes = list(csv.DictReader(handle))
        bench._reference_data(codes)
    else:
        # Reference data and the series from a streamed pass (nothing kept).
        columns = ("language_code", "territory_code", "salesperson_code")
        seen: set[tuple[str, str]] = set()
        with path.with_suffix(".csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                seen.update((c, row[c]) for c in columns)
        bench._reference_data(
            [{c: (value if c == column else "") for c in columns} for column, value in seen]
        )
    base = _peak_mb()
    start = time.perf_counter()
    if mode == "plain":
        bench._plain_bulk_insert(codes)
        rows = len(codes)
    else:
        from contacts.importing import import_contacts

        result = import_contacts(path)
        assert result.ok, result.errors[:5]
        rows = result.rows
    seconds = time.perf_counter() - start
    assert Contact.objects.count() == rows
    print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb(), "base_mb": base, "rows": rows}))


def _fresh_database(url: str | None, tmp: Path, n: int) -> str:
    if url:
        bench = _bench_contacts()
        name = urlsplit(url).path.lstrip("/") + f"_{n}"
        bench._pg_admin(url, f'DROP DATABASE IF EXISTS "{name}"')
        bench._pg_admin(url, f'CREATE DATABASE "{name}"')
        return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    return f"sqlite:///{tmp}/bench-{n}.sqlite3"


def _drop(url: str, fresh: str) -> None:
    if fresh.startswith("postgres"):
        name = urlsplit(fresh).path.lstrip("/")
        _bench_contacts()._pg_admin(url, f'DROP DATABASE IF EXISTS "{name}"')
    else:
        Path(fresh.removeprefix("sqlite:///")).unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", help="PostgreSQL URL (databases this run creates)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--modes", default="plain,csv,xlsx")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.file), args.database_url)
        return

    tmp = Path(tempfile.mkdtemp(prefix="bench-importing-"))
    rows = _bench_contacts()._scaled_rows(args.rows)
    csv_path, xlsx_path = _write_files(rows, tmp)
    del rows
    sizes = {"csv": csv_path.stat().st_size, "xlsx": xlsx_path.stat().st_size}
    print(
        f"{args.rows:,} rows: CSV {sizes['csv'] / 1e6:.1f} MB, XLSX {sizes['xlsx'] / 1e6:.1f} MB; "
        f"database {'PostgreSQL' if args.database_url else 'SQLite (file)'}"
    )
    figures: dict[str, list[dict]] = {}
    count = 0
    modes = args.modes.split(",")
    for _round in range(args.repeat):
        for mode in modes:
            count += 1
            fresh = _fresh_database(args.database_url, tmp, count)
            path = xlsx_path if mode == "xlsx" else csv_path
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    mode,
                    "--file",
                    str(path),
                    "--database-url",
                    fresh,
                ],
                capture_output=True,
                text=True,
                env={**os.environ},
                check=False,
            )
            _drop(args.database_url or "", fresh)
            if out.returncode:
                print(f"{mode}: failed\n{out.stderr[-2000:]}")
                continue
            figure = json.loads(out.stdout.strip().splitlines()[-1])
            figures.setdefault(mode, []).append(figure)
            print(
                f"  {mode:5} {figure['seconds']:7.1f} s  peak RSS {figure['peak_mb']:6.0f} MB "
                f"(after set-up {figure['base_mb']:.0f} MB)"
            )
    if "plain" not in figures:
        return
    plain = min(f["seconds"] for f in figures["plain"])
    plain_med = statistics.median(f["seconds"] for f in figures["plain"])
    for mode in ("csv", "xlsx"):
        if mode not in figures:
            continue
        times = [f["seconds"] for f in figures[mode]]
        print(
            f"{mode}: min {min(times):.1f} s, median {statistics.median(times):.1f} s; "
            f"ratio to plain bulk_create: min {min(times) / plain:.2f}x, "
            f"median {statistics.median(times) / plain_med:.2f}x; "
            f"peak RSS {max(f['peak_mb'] for f in figures[mode]):.0f} MB "
            f"(plain {max(f['peak_mb'] for f in figures['plain']):.0f} MB)"
        )
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
