"""Interaction log entry export (issue 9 item 8): the list's filters, CSV/XLSX, commands."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contacts.models import Contact
from interactions.models import InteractionLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(db):
    firm = Contact.objects.create(no="C1", name="Fjord AS", type="company")
    other = Contact.objects.create(no="C2", name="Polder BV", type="company")
    made = []
    for contact, day, cost in ((firm, 1, "12.50"), (firm, 5, "3"), (other, 3, "1000.25")):
        made.append(
            InteractionLogEntry.objects.create(
                contact=contact,
                contact_no=contact.no,
                contact_name=contact.name,
                date=datetime.date(2026, 11, day),
                description=f"Call {day}",
                cost=Decimal(cost),
                information_flow="outbound",
                canceled=day == 5,
            )
        )
    return made


def test_page_export_applies_the_filters(staff_client, entries):
    response = staff_client.get(
        reverse("interactions:export"),
        {"contact": "C1", "date_to": "2026-11-02", "format": "xlsx"},
    )
    today = timezone.localdate().isoformat()
    assert f'filename="interactions-{today}.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Entry No.", "Date", "Time of interaction")
    assert len(rows) == 2
    entry = dict(zip(rows[0], rows[1], strict=True))
    assert entry["Contact no."] == "C1" and entry["Description"] == "Call 1"
    assert entry["Date"] == datetime.datetime(2026, 11, 1)  # a date cell
    assert entry["Cost (LCY)"] == 12.5  # a number cell
    assert entry["Information flow"] == "Outbound"  # the choice's label
    assert entry["Canceled"] is False


def test_semicolon_csv_in_norwegian(client, staff_user, entries):
    client.force_login(staff_user)
    response = client.get(
        reverse("interactions:export"), {"format": "csv-excel"}, HTTP_ACCEPT_LANGUAGE="nb"
    )
    assert "samhandlinger-" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    assert header[:2] == ["Løpenr.", "Dato"]
    costs = [line.split(";")[header.index("Kostnad (NOK)")] for line in lines[1:]]
    assert costs == ["12,50", "3,00", "1000,25"]  # decimal commas, oldest entry first


def test_list_page_links_the_export_with_its_filters(staff_client, entries):
    html = staff_client.get(reverse("interactions:list"), {"contact": "C2"}).content.decode()
    assert "/interactions/export/?contact=C2&amp;format=xlsx" in html


def test_command_with_filters(entries, tmp_path):
    out = StringIO()
    call_command(
        "export_interactions",
        str(tmp_path / "i.csv"),
        "--contact",
        "C1",
        "--from",
        "2026-11-02",
        stdout=out,
    )
    assert "Exported 1 interaction log entries" in out.getvalue()
    text = (tmp_path / "i.csv").read_text(encoding="utf-8")
    assert "Call 5" in text and "Call 1" not in text
    with pytest.raises(CommandError, match="--from"):
        call_command("export_interactions", str(tmp_path / "x.csv"), "--from", "yesterday")
