"""CPU time and peak RSS of just reading an XLSX workbook's rows, per reader (issue 9:
which XLSX reader the import uses, README "Why these libraries").

    .venv/bin/python benchmarks/xlsx_reading.py FILE.xlsx [READER ...]

Readers: `ours` (tabular.reading.open_table, i.e. tabular/xlsx.py), `openpyxl`
(read-only, values_only: what the import used before; with lxml installed openpyxl
parses with it), `calamine` (python-calamine: CalamineWorkbook iter_rows) and
`fastexcel` (read_excel(...).load_sheet(0)), each in a process of its own (its peak
RSS from os.wait4); the ones not installed are skipped. Write a workbook the way
Excel saves one with benchmarks/importing.py (--keep-files) or write_xlsx.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]


def read(reader: str, path: str) -> int:
    rows = 0
    if reader == "ours":
        sys.path.insert(0, str(ROOT))
        os.chdir(ROOT)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_site.settings")
        os.environ.setdefault("DEBUG", "true")
        import django

        django.setup()
        from tabular.reading import open_table

        with open_table(path) as table:
            for _line, _values in table.rows():
                rows += 1
    elif reader == "openpyxl":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for _values in book.worksheets[0].iter_rows(values_only=True):
            rows += 1
    elif reader == "calamine":
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(path)
        for _values in book.get_sheet_by_index(0).iter_rows():
            rows += 1
    elif reader == "fastexcel":
        import fastexcel

        sheet = fastexcel.read_excel(path).load_sheet(0, header_row=None)
        rows = sheet.height
    return rows


def main() -> None:
    if sys.argv[1] == "--child":
        started = time.process_time()
        rows = read(sys.argv[2], sys.argv[3])
        print(rows, time.process_time() - started)
        return
    path, readers = sys.argv[1], sys.argv[2:] or ["ours", "openpyxl", "calamine", "fastexcel"]
    print(f"{path}: {Path(path).stat().st_size / 1e6:.1f} MB; load {os.getloadavg()[0]:.2f}")
    for reader in readers:
        process = subprocess.Popen(
            [sys.executable, __file__, "--child", reader, path],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        out, err = process.stdout.read().decode(), process.stderr.read().decode()
        if status:
            print(f"  {reader:9} not measured: {err.strip().splitlines()[-1:]}")
            continue
        rows, cpu = out.split()
        print(
            f"  {reader:9} {float(cpu):7.2f} s CPU reading {int(rows):,} rows; "
            f"peak RSS {usage.ru_maxrss / 1024:5.0f} MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
