"""Contact exports (issue 9 item 8): CSV, CSV for Excel in nb/nl and XLSX from the list
(its filters), the bulk selection and export_contacts; the import reads an exported file
back to the same contacts."""

from __future__ import annotations

import csv
import io
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contacts import selectors
from contacts.exporting import HEADER, contacts_export
from contacts.importing import HEADER as IMPORT_HEADER
from contacts.importing import import_contacts
from contacts.models import Contact
from listing import exporting
from marketing_setup.models import Language, Salesperson, Territory
from tests.factories import SalespersonFactory, TerritoryFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path("/work/shared/data/sample-contacts.csv")
if not SAMPLE.exists():  # the repository copy, when the shared folder is not there
    SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "sample-contacts.csv"
FIELDS = list(selectors.EXPORT_COLUMNS.values())


def stored() -> list[tuple]:
    return sorted(Contact.objects.values_list(*FIELDS))


@pytest.fixture
def sample_rows(db):
    """The first 300 rows of the sample file, with every code they use created."""
    with SAMPLE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:300]
    for model, column in ((Language, "language_code"), (Territory, "territory_code")):
        model.objects.bulk_create(
            [model(code=c, description=c) for c in sorted({r[column] for r in rows} - {""})]
        )
    Salesperson.objects.bulk_create(
        [Salesperson(code=c, name=c) for c in sorted({r["salesperson_code"] for r in rows} - {""})]
    )
    return rows


HOSTILE_ROWS = [
    {
        "type": "company",
        "no": "C1",
        "name": "=cmd|' /C calc'!A0",
        "address": "+1+1",
        "address_2": "-2+3",
        "city": "@SUM(A1)",
        "county": "'=already quoted",
        "phone_no": "+47 22 33 44 55",
        "mobile_phone_no": "-",
        "country_region_code": "NO",
    },
    {
        "type": "person",
        "no": "P1",
        "company_no": "C1",
        "first_name": "@Kari",
        "surname": 'Nordmann; "Jr."',
        "job_title": "=1+1",
        "mobile_phone_no": "+31 6 1234 5678",
    },
]


def test_export_header_is_the_import_header():
    assert HEADER == IMPORT_HEADER


@pytest.mark.parametrize("dialect", [exporting.CSV, exporting.CSV_EXCEL], ids=["comma", "semi"])
def test_sample_file_round_trip(setup_with_series, sample_rows, dialect):
    assert import_contacts(sample_rows).errors == []
    before = stored()
    out = io.StringIO()
    assert contacts_export(out, dialect=dialect, bom=True) == 300
    Contact.objects.all().delete()
    result = import_contacts(io.StringIO(out.getvalue()))
    assert result.errors == []
    assert stored() == before


def test_formula_like_values_round_trip_through_page_and_command(
    staff_client, setup_with_series, tmp_path
):
    assert import_contacts(HOSTILE_ROWS).errors == []
    before = stored()
    files = {
        "page csv": b"".join(
            staff_client.get(reverse("contacts:export"), {"format": "csv"}).streaming_content
        ),
        "page csv-excel": b"".join(
            staff_client.get(reverse("contacts:export"), {"format": "csv-excel"}).streaming_content
        ),
    }
    call_command("export_contacts", str(tmp_path / "a.csv"), stdout=StringIO())
    call_command("export_contacts", str(tmp_path / "b.csv"), "--delimiter", ";", stdout=StringIO())
    files["command csv"] = (tmp_path / "a.csv").read_bytes()
    files["command csv-excel"] = (tmp_path / "b.csv").read_bytes()
    assert b"'+47 22 33 44 55" in files["page csv"]
    for label, data in files.items():
        Contact.objects.all().delete()
        result = import_contacts(io.BytesIO(data))
        assert result.errors == [], label
        assert stored() == before, label


def test_sample_file_round_trip_through_xlsx(setup_with_series, sample_rows, tmp_path):
    assert import_contacts(sample_rows).errors == []
    before = stored()
    assert contacts_export(tmp_path / "out.xlsx", dialect=exporting.XLSX) == 300
    Contact.objects.all().delete()
    result = import_contacts(tmp_path / "out.xlsx")
    assert result.errors == []
    assert stored() == before


def test_formula_like_values_round_trip_through_xlsx_page_and_command(
    staff_client, setup_with_series, tmp_path
):
    assert import_contacts(HOSTILE_ROWS).errors == []
    before = stored()
    page = staff_client.get(reverse("contacts:export"), {"format": "xlsx"})
    (tmp_path / "page.xlsx").write_bytes(b"".join(page.streaming_content))
    call_command("export_contacts", str(tmp_path / "command.xlsx"), stdout=StringIO())
    sheet = load_workbook(tmp_path / "page.xlsx").active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row}
    assert cells["+47 22 33 44 55"].data_type == "s"  # exactly as stored, as text
    assert cells["=cmd|' /C calc'!A0"].quotePrefix
    for name in ("page.xlsx", "command.xlsx"):
        Contact.objects.all().delete()
        result = import_contacts(tmp_path / name)
        assert result.errors == [], name
        assert stored() == before, name


def test_list_export_applies_the_filters_and_names_the_file_with_the_date(staff_client):
    sp = SalespersonFactory(code="JO")
    firm = Contact.objects.create(no="C100", name="Acme AS", type="company", salesperson=sp)
    Contact.objects.create(no="P100", surname="Nordmann", type="person", company=firm)
    Contact.objects.create(no="C200", name="Other AS", type="company", city="Oslo")
    response = staff_client.get(reverse("contacts:export"), {"company": "C100", "format": "xlsx"})
    today = timezone.localdate().isoformat()
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f'filename="contacts-{today}.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert [r[1] for r in rows[1:]] == ["C100", "P100"]  # companies first
    semicolon = staff_client.get(
        reverse("contacts:export"), {"salesperson": "JO", "type": "company", "format": "csv-excel"}
    )
    text = b"".join(semicolon.streaming_content).decode("utf-8")
    assert text.startswith("\ufefftype;no;name;")
    assert [line.split(";")[1] for line in text.splitlines()[1:]] == ["C100"]
    assert f'filename="contacts-{today}.csv"' in semicolon["Content-Disposition"]


def test_file_name_is_in_the_users_language(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("contacts:export"), HTTP_ACCEPT_LANGUAGE="nb")
    assert "kontakter-" in response["Content-Disposition"]
    response = client.get(reverse("contacts:export"), HTTP_ACCEPT_LANGUAGE="nl")
    assert "contacten-" in response["Content-Disposition"]


def test_unknown_format_is_a_message_on_the_list(staff_client):
    response = staff_client.get(
        reverse("contacts:export"), {"format": "pdf", "type": "company"}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith("?type=company")
    assert "Unknown export format" in response.content.decode()


def test_list_offers_each_format_with_the_filters(staff_client):
    TerritoryFactory(code="VEST")
    html = staff_client.get(reverse("contacts:list"), {"territory": "VEST"}).content.decode()
    for fmt in ("csv", "csv-excel", "xlsx"):
        assert f"/contacts/export/?territory=VEST&amp;format={fmt}" in html
    assert 'name="export_format"' in html


def test_bulk_export_writes_only_the_selection(staff_client):
    for no in ("C1", "C2", "C3"):
        Contact.objects.create(no=no, name=f"Firm {no}", type="company")
    response = staff_client.post(
        reverse("contacts:bulk"),
        {"action": "export", "selected": ["C3", "C1"], "export_format": "xlsx"},
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["C1", "C3"]


def test_command_picks_the_format_from_the_extension_and_takes_filters(tmp_path):
    Contact.objects.create(no="C1", name="Fjord AS", type="company", country="NO")
    Contact.objects.create(no="C2", name="Polder BV", type="company", country="NL")
    out = StringIO()
    call_command(
        "export_contacts", str(tmp_path / "nl.xlsx"), "--country", "nl", "--no-progress", stdout=out
    )
    assert "Exported 1 contacts" in out.getvalue()
    sheet = load_workbook(tmp_path / "nl.xlsx").active
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["C2"]
    with pytest.raises(CommandError, match=r"end it in \.csv or \.xlsx"):
        call_command("export_contacts", str(tmp_path / "out.txt"), stdout=StringIO())
    with pytest.raises(CommandError, match="--salesperson"):
        call_command("export_contacts", str(tmp_path / "x.csv"), "--salesperson", "NOPE")
    assert not (tmp_path / "out.txt").exists() and not (tmp_path / "x.csv").exists()


def test_command_writes_a_bom_for_excel_only_when_asked(tmp_path):
    Contact.objects.create(no="C1", name="Ærlig Øl AS", type="company")
    call_command("export_contacts", str(tmp_path / "a.csv"), stdout=StringIO())
    call_command("export_contacts", str(tmp_path / "b.csv"), "--bom", stdout=StringIO())
    call_command("export_contacts", str(tmp_path / "c.csv"), "--delimiter", ";", stdout=StringIO())
    assert (tmp_path / "a.csv").read_bytes().startswith(b"type,no,")
    assert (tmp_path / "b.csv").read_bytes().startswith(b"\xef\xbb\xbftype,no,")
    assert (tmp_path / "c.csv").read_bytes().startswith(b"\xef\xbb\xbftype;no;")
