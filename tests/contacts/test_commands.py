"""manage.py import_contacts / export_contacts."""

from __future__ import annotations

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contacts.importing import HEADER
from contacts.models import Contact

pytestmark = pytest.mark.django_db


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in HEADER})
    return path


GOOD = [
    {"type": "company", "no": "C1", "name": "Fjord Data AS", "city": "Bergen"},
    {"type": "person", "no": "P1", "company_no": "C1", "name": "Kari Nordmann"},
]


def test_import_command(setup_with_series, tmp_path):
    path = write_csv(tmp_path / "in.csv", GOOD)
    out = StringIO()
    call_command("import_contacts", str(path), "--no-progress", stdout=out, stderr=StringIO())
    assert "Imported 1 companies and 1 persons" in out.getvalue()
    assert Contact.objects.get(no="P1").city == "Bergen"


def test_import_command_bad_rows_fail_and_write_nothing(setup_with_series, tmp_path):
    path = write_csv(tmp_path / "in.csv", [*GOOD, {"type": "company", "name": "X", "email": "bad"}])
    err = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_contacts", str(path), "--no-progress", stdout=StringIO(), stderr=err)
    assert "nothing was imported" in str(excinfo.value)
    assert "Line 4, email:" in err.getvalue()
    assert Contact.objects.count() == 0


def test_import_command_skip_bad_rows(setup_with_series, tmp_path):
    path = write_csv(tmp_path / "in.csv", [*GOOD, {"type": "company", "name": "X", "email": "bad"}])
    out = StringIO()
    call_command(
        "import_contacts",
        str(path),
        "--skip-bad-rows",
        "--no-progress",
        stdout=out,
        stderr=StringIO(),
    )
    assert "(1 bad rows skipped)" in out.getvalue()
    assert Contact.objects.count() == 2


def test_import_command_dry_run(setup_with_series, tmp_path):
    path = write_csv(tmp_path / "in.csv", GOOD)
    out = StringIO()
    call_command("import_contacts", str(path), "--dry-run", "--no-progress", stdout=out)
    assert "Nothing was written" in out.getvalue()
    assert Contact.objects.count() == 0


def test_import_command_missing_file(setup_with_series):
    with pytest.raises(CommandError):
        call_command("import_contacts", "/nonexistent.csv")


def test_export_command_round_trip(setup_with_series, tmp_path):
    write_csv(tmp_path / "in.csv", GOOD)
    call_command("import_contacts", str(tmp_path / "in.csv"), "--no-progress", stdout=StringIO())
    out = StringIO()
    call_command("export_contacts", str(tmp_path / "out.csv"), "--no-progress", stdout=out)
    assert "Exported 2 contacts" in out.getvalue()
    with (tmp_path / "out.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["no"] for r in rows] == ["C1", "P1"]
    assert rows[1]["company_no"] == "C1" and rows[1]["city"] == "Bergen"


def test_export_command_to_stdout(setup_with_series, tmp_path):
    write_csv(tmp_path / "in.csv", GOOD)
    call_command("import_contacts", str(tmp_path / "in.csv"), "--no-progress", stdout=StringIO())
    out = StringIO()
    call_command("export_contacts", "-", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == ",".join(HEADER)
    assert [line.split(",")[1] for line in lines[1:]] == ["C1", "P1"]
