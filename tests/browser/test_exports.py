"""Browser (nb): the contact list's export links and the bulk "export selected" download
spreadsheet-safe files named with the date, in the user's language (the links sit in the
htmx-boosted table and must still download, not be swapped in)."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from contacts.models import Contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_export_links_and_bulk_export_in_nb(page, live_server, login, staff_user):
    Contact.objects.create(no="C1", name="=cmd|' /C calc'!A0", phone_no="+47 22 33 44 55")
    Contact.objects.create(no="C2", name="Fjord Maling AS", city="Bergen")
    login(staff_user)
    page.context.add_cookies([{"name": "django_language", "value": "nb", "url": live_server.url}])
    today = datetime.date.today().isoformat()
    page.goto(f"{live_server.url}/contacts/")

    with page.expect_download() as info:
        page.get_by_role("link", name="XLSX").click()
    download = info.value
    assert download.suggested_filename == f"kontakter-{today}.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    first = {cell.column_letter: cell for cell in sheet[2]}
    assert (first["C"].value, first["C"].data_type) == ("=cmd|' /C calc'!A0", "s")
    assert first["O"].value == "+47 22 33 44 55" and first["O"].quotePrefix

    page.check("input[name=selected][value=C1]")
    page.locator("#bulk-form summary").click()
    page.select_option("#id_bulk_export_format", "csv-excel")
    with page.expect_download() as info:
        page.locator("button[name=action][value=export]").click()
    download = info.value
    assert download.suggested_filename == f"kontakter-{today}.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("type;no;name;") and len(lines) == 2
    assert ";'=cmd|' /C calc'!A0;" in lines[1] and ";'+47 22 33 44 55;" in lines[1]
