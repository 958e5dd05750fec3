"""The contact import page: upload, column mapping, preview, errors, confirm (issue 9)."""

from __future__ import annotations

import io
import os
import stat

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts import import_views
from contacts.models import Contact
from tests.factories import SalespersonFactory, TerritoryFactory

pytestmark = pytest.mark.django_db

IMPORT_CSV = (
    "type,no,name,company_no,first_name,surname,city,territory_code,email\n"
    "company,C700,Nordlys AS,,,,Tromsø,VEST,post@nordlys.no\n"
    "person,P700,,C700,Ola,Nordmann,,,\n"
)
BAD_CSV = (
    "type,no,name,company_no,first_name,surname,city,territory_code,email\n"
    "company,C700,Nordlys AS,,,,Tromsø,NOPE,post@nordlys.no\n"
    "person,P700,,C700,Ola,Nordmann,,,not-an-address\n"
    "company,C701,Good AS,,,,Bodø,,\n"
    "company,C702,Bad AS,,,,Bodø,NOPE,\n"
)


@pytest.fixture
def acme(db):
    return Contact.objects.create(
        no="C100",
        name="Acme Shipping AS",
        type=Contact.Type.COMPANY,
        city="Bergen",
        salesperson=SalespersonFactory(code="JO"),
        territory=TerritoryFactory(code="VEST"),
    )


@pytest.fixture(autouse=True)
def upload_root(tmp_path, settings):
    settings.IMPORT_UPLOAD_ROOT = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def upload(client, data: str | bytes, name: str = "contacts.csv", **extra):
    if isinstance(data, str):
        data = data.encode("utf-8")
    file = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(reverse("contacts:import"), {"file": file, **extra})


def confirm(client, token: str, follow: bool = False, **extra):
    return client.post(
        reverse("contacts:import"), {"step": "confirm", "token": token, **extra}, follow=follow
    )


def test_preview_writes_nothing_then_confirm_imports(staff_client, acme, upload_root):
    preview = upload(staff_client, IMPORT_CSV)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Rows in the file: 2" in html and "2 rows will be imported." in html
    assert "Nordlys AS" in html and 'id="confirm-import"' in html
    assert not Contact.objects.filter(no__in=["C700", "P700"]).exists()
    # The upload waits in a private directory of its own.
    (directory,) = upload_root.iterdir()
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700

    token = preview.context["token"]
    response = confirm(staff_client, token)
    assert response.status_code == 302
    ola = Contact.objects.get(no="P700")
    assert (ola.company.no, ola.city, ola.territory_id) == ("C700", "Tromsø", "VEST")
    page = staff_client.get(response["Location"]).content.decode()
    assert "1 companies and 1 persons created" in page
    assert f'href="{reverse("duplicates:list")}"' in page
    assert list(upload_root.iterdir()) == []  # the file is gone
    again = confirm(staff_client, token, follow=True)
    assert "The uploaded file has expired" in again.content.decode()


def test_errors_grouped_by_column_label_and_the_good_rows_imported(staff_client, acme):
    response = upload(staff_client, BAD_CSV)
    html = response.content.decode()
    assert [(e["line"], e["field"]) for e in response.context["errors"]] == [
        (2, "Territory"),
        (3, "Company no."),  # its company is on a bad line
        (3, "E-mail"),
        (5, "Territory"),
    ]
    summary = {(s["column"], s["reason"]): s["count"] for s in response.context["summary"]}
    assert summary[("Territory", "Unknown territory code")] == 2
    assert 'id="confirm-import"' not in html and 'id="import-good"' in html
    assert "Import the 1 good row" in html
    assert not Contact.objects.filter(no__in=["C700", "P700", "C701"]).exists()
    # a forged confirm does not import
    confirm(staff_client, "forged", skip_bad_rows="1")
    assert not Contact.objects.filter(no="C701").exists()
    # the error file has every error, with line numbers
    token = response.context["token"]
    errors = staff_client.get(reverse("contacts:import"), {"step": "errors", "token": token})
    lines = errors.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Line,Column,Error" and len(lines) == 5
    assert lines[1].startswith("2,Territory,")
    # "Import the N good rows" without uploading again
    confirm(staff_client, token, skip_bad_rows="1")
    assert list(
        Contact.objects.filter(no__in=["C700", "P700", "C701", "C702"]).values_list("no", flat=True)
    ) == ["C701"]


def test_skipping_bad_rows_from_the_start(staff_client, acme):
    preview = upload(staff_client, BAD_CSV, skip_bad_rows="on")
    assert "1 row will be imported." in preview.content.decode()
    confirm(staff_client, preview.context["token"])
    assert Contact.objects.filter(no="C701").exists()


def test_windows_1252_semicolon_file(staff_client, acme):
    text = "type;no;name;city\r\ncompany;C800;Bodø Fisk AS;Bodø\r\n"
    preview = upload(staff_client, text.encode("cp1252"))
    confirm(staff_client, preview.context["token"])
    assert Contact.objects.get(no="C800").city == "Bodø"


def test_xlsx_upload(staff_client, acme):
    book = openpyxl.Workbook()
    book.active.append(["Type", "Nr", "Navn", "Postnummer", "Poststed", "Telefon"])
    book.active.append(["firma", "C900", "Tromsø Is AS", 9008, "Tromsø", "+47 77 11 22 33"])
    data = io.BytesIO()
    book.save(data)
    preview = upload(staff_client, data.getvalue(), name="kontakter.xlsx")
    assert preview.context["result"].errors == []
    confirm(staff_client, preview.context["token"])
    saved = Contact.objects.get(no="C900")
    assert (saved.post_code, saved.phone_no, saved.type) == ("9008", "+47 77 11 22 33", "company")


BAD_FILES = {
    "binary": (bytes(range(256)) * 20, "NUL character"),
    "empty": (b"", "file is empty."),
    "header only": (b"type,name\r\n", "The file has a header but no rows."),
    "a million columns": (b",".join([b"c"] * 1_000_000) + b"\ncompany\n", "1,000,000 columns"),
    "a 200,000-character field": (
        b"type,name\ncompany," + b"x" * 200_000 + b"\n",
        "longer than 131,072 characters",
    ),
    "NUL bytes": (b"type,name\ncompany,Fjord\x00AS\n", "Line 2"),
    "an unbalanced quote": (
        b'type,no,name\ncompany,C1,"Fjord AS\ncompany,C2,Berg AS\ncompany,C3,Sjo AS\n',
        "Line 2",
    ),
    "a damaged workbook": (b"PK\x03\x04 not a zip", "not an Excel workbook"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_get_a_message_and_write_nothing(staff_client, acme, upload_root, case):
    data, expected = BAD_FILES[case]
    response = upload(staff_client, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html
    assert 'id="import-preview"' not in html
    assert Contact.objects.count() == 1
    assert not upload_root.exists() or list(upload_root.iterdir()) == []


def test_cr_only_line_ends_and_quoted_line_breaks(staff_client, acme):
    text = 'type,no,name,address\rcompany,C801,Fjord AS,"Bryggen 1\rBak"\rcompany,C802,Berg AS,\r'
    preview = upload(staff_client, text)
    assert preview.context["result"].rows == 2
    confirm(staff_client, preview.context["token"])
    assert Contact.objects.get(no="C801").address == "Bryggen 1\rBak"
    assert Contact.objects.filter(no="C802").exists()


def test_mapping_shown_and_changed_before_the_preview(staff_client, acme):
    text = (
        "Type;Nr;Firmanavn;Postnummer;E-post;Farge;Sted\nfirma;C810;Nordlys AS;9008;;rød;Tromsø\n"
    )
    preview = upload(staff_client, text)
    rows = {m["header"]: m["field"] for m in preview.context["mapping_rows"]}
    assert rows == {
        "Type": "type",
        "Nr": "no",
        "Firmanavn": "name",
        "Postnummer": "post_code",
        "E-post": "email",
        "Farge": "",
        "Sted": "city",
    }
    assert preview.context["ignored"] == ["Farge"]
    assert 'id="import-ignored"' in preview.content.decode()
    # the user puts "Sted" into County instead of City
    token = preview.context["token"]
    data = {f"col_{m['index']}": m["field"] for m in preview.context["mapping_rows"]}
    data["col_6"] = "county"
    remapped = staff_client.post(
        reverse("contacts:import"), {"step": "remap", "token": token, **data}
    )
    assert remapped.context["mapping_rows"][6]["field"] == "county"
    confirm(staff_client, token)
    saved = Contact.objects.get(no="C810")
    assert (saved.city, saved.county, saved.post_code) == ("", "Tromsø", "9008")


def test_token_belongs_to_the_session(client, staff_user, admin_user, acme):
    client.force_login(staff_user)
    token = upload(client, IMPORT_CSV).context["token"]
    client.force_login(admin_user)
    confirm(client, token)
    assert not Contact.objects.filter(no="C700").exists()


def test_upload_limit_is_a_setting(staff_client, acme, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    response = upload(staff_client, IMPORT_CSV + "company,C1,X\n" * 10)
    assert "The file is larger than 100" in response.content.decode()


def test_abandoned_uploads_are_removed(staff_client, acme, upload_root):
    upload_root.mkdir(mode=0o700, parents=True, exist_ok=True)
    old = upload_root / "import-old"
    old.mkdir()
    (old / "upload.csv").write_text("type\n")
    os.utime(old, (0, 0))
    upload(staff_client, IMPORT_CSV)
    assert not old.exists()
    assert len(list(upload_root.iterdir())) == 1


def test_norwegian_page_shows_labels_in_norwegian(staff_client, acme):
    staff_client.cookies["django_language"] = "nb"
    response = upload(staff_client, BAD_CSV, HTTP_ACCEPT_LANGUAGE="nb")
    assert response.context["summary"][0]["column"] == "Distrikt"


def test_session_dir_cannot_point_elsewhere(staff_client, acme, tmp_path):
    preview = upload(staff_client, IMPORT_CSV)
    session = staff_client.session
    pending = session[import_views.IMPORT_SESSION_KEY]
    pending["dir"] = "../../etc"
    session[import_views.IMPORT_SESSION_KEY] = pending
    session.save()
    response = confirm(staff_client, preview.context["token"], follow=True)
    assert "The uploaded file has expired" in response.content.decode()


MISSING_CSV = (
    "type,no,name,salesperson_code,territory_code,country_region_code\n"
    "company,C1,Nordlys AS,XY,NORD,NO\n"
    "company,C2,Berg AS,XY,VEST,NORGE\n"
    "company,C3,Sjø AS,ZZ,,\n"
)


def test_missing_codes_listed_once_then_created_or_mapped(staff_client, acme):
    preview = upload(staff_client, MISSING_CSV)
    missing = {(m["label"], m["code"]): m["rows"] for m in preview.context["missing"]}
    assert missing == {
        ("Country/region", "NORGE"): 1,
        ("Salesperson", "XY"): 2,
        ("Salesperson", "ZZ"): 1,
        ("Territory", "NORD"): 1,
    }
    assert 'id="import-missing"' in preview.content.decode()
    token = preview.context["token"]
    mapping = {f"col_{m['index']}": m["field"] for m in preview.context["mapping_rows"]}
    choices = {
        "code:salesperson_code:XY": "__create__",
        "code:salesperson_code:ZZ": "JO",  # an existing salesperson
        "code:territory_code:NORD": "__create__",
        "code:country_region_code:NORGE": "NO",
    }
    checked = staff_client.post(
        reverse("contacts:import"), {"step": "remap", "token": token, **mapping, **choices}
    )
    assert checked.context["result"].errors == []
    from marketing_setup.models import Salesperson, Territory

    assert not Salesperson.objects.filter(code="XY").exists()  # nothing created yet
    page = confirm(staff_client, token, follow=True).content.decode()
    assert "Codes created: Salesperson XY, Territory NORD" in page
    assert Salesperson.objects.get(code="XY").name == "XY"
    assert Territory.objects.filter(code="NORD").exists()
    assert Contact.objects.get(no="C3").salesperson_id == "JO"
    assert Contact.objects.get(no="C2").country == "NO"
