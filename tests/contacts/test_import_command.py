"""manage.py import_contacts with the files people have (issue 9 items 1, 2, 5; 13.8)."""

from __future__ import annotations

from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from contacts.models import Contact
from tests.contacts.test_import_page import BAD_FILES

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_contacts", *map(str, args), "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_are_refused_with_the_pages_message(setup_with_series, tmp_path, case):
    data, expected = BAD_FILES[case]
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError) as excinfo:
        run(path)
    assert expected in str(excinfo.value) and "Nothing was imported" in str(excinfo.value)
    assert "Traceback" not in str(excinfo.value)
    assert Contact.objects.count() == 0


def test_xlsx_by_extension_with_norwegian_headers(setup_with_series, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Type", "Nr.", "Navn", "Org.nr.", "Postnummer", "E-postadresse", "Farge"])
    sheet.append(["Firma", "C1", "Fjord Data AS", "NO 967 234 788 MVA", "5003", "", "blå"])
    sheet.append(["person", "P1", "Kari Nordmann", "", "", "kari@fjord.no", ""])
    book.save(tmp_path / "kontakter.xlsx")
    out, err = run(tmp_path / "kontakter.xlsx")
    assert "Imported 1 companies and 1 persons" in out
    assert "Columns not imported (no field of that name): Farge" in err
    company = Contact.objects.get(no="C1")
    assert (company.vat_registration_no, company.post_code) == ("NO 967 234 788 MVA", "5003")
    assert Contact.objects.get(no="P1").email == "kari@fjord.no"


def test_dutch_windows_1252_semicolons(setup_with_series, tmp_path):
    text = (
        "Soort;Nummer;Bedrijfsnaam;KvK;Postcode;Plaats\r\n"
        "bedrijf;C2;Fietsen Vos BV;;1012 AB;Zaandam\r\n"
        "persoon;P2;Joëlle de Vos;;;\r\n"
    )
    path = tmp_path / "contacten.csv"
    path.write_bytes(text.encode("cp1252"))
    run(path)
    assert Contact.objects.get(no="P2").name == "Joëlle de Vos"
    assert Contact.objects.get(no="C2").post_code == "1012 AB"


def test_map_option(setup_with_series, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("kind,id,what,town\ncompany,C3,Berg AS,Bodø\n", encoding="utf-8")
    run(path, "--map", "kind=type", "--map", "id=no", "--map", "what=name", "--map", "town=county")
    assert (Contact.objects.get(no="C3").county, Contact.objects.get(no="C3").city) == ("Bodø", "")


@pytest.mark.parametrize("value", ["town", "town=colour"])
def test_map_option_refuses_what_it_cannot_read(setup_with_series, tmp_path, value):
    path = tmp_path / "in.csv"
    path.write_text("type,name,town\ncompany,Berg AS,Bodø\n", encoding="utf-8")
    with pytest.raises(CommandError):
        run(path, "--map", value)
    assert Contact.objects.count() == 0


def test_unknown_file_type(setup_with_series, tmp_path):
    path = tmp_path / "in.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError, match="cannot be read"):
        run(path)


def test_missing_codes_listed_with_counts_and_created_on_request(setup_with_series, tmp_path):
    from marketing_setup.models import Language, Salesperson

    path = tmp_path / "in.csv"
    path.write_text(
        "type,no,name,salesperson_code,language_code\n"
        "company,C1,Nordlys AS,XY,NOR\ncompany,C2,Berg AS,XY,\n",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_contacts", str(path), "--no-progress", stdout=StringIO(), stderr=err)
    text = err.getvalue()
    assert "Salesperson XY: 2 rows (use --create-missing-codes to create it)" in text
    assert "Salesperson – Unknown salesperson code: 2 (lines 2, 3)" in text
    assert not Salesperson.objects.exists()
    out, err_text = run(path, "--create-missing-codes")
    assert "Imported 2 companies" in out
    assert "Salesperson XY: 2 rows (created)" in err_text
    assert Language.objects.filter(code="NOR").exists()
    assert Contact.objects.get(no="C2").salesperson_id == "XY"
