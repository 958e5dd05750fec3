"""Opportunity export (issue 9 item 8): the list's filters, CSV/XLSX, the command."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from contacts.models import Contact
from opportunities.models import Opportunity
from tests.factories import SalespersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def opportunities(db):
    firm = Contact.objects.create(no="C1", name="Fjord AS", type="company")
    kari = Contact.objects.create(no="P1", surname="Nordmann", type="person", company=firm)
    other = Contact.objects.create(no="C2", name="Polder BV", type="company")
    jo = SalespersonFactory(code="JO")
    Opportunity.objects.create(
        no="OP1",
        description="Vans",
        contact=kari,
        contact_company=firm,
        salesperson=jo,
        estimated_value=Decimal("640000"),
        estimated_closing_date=datetime.date(2027, 1, 31),
    )
    Opportunity.objects.create(no="OP2", description="Desks", contact=other, status="won")
    Opportunity.objects.create(no="OP3", description="Chairs", contact=firm, salesperson=jo)


def test_page_export_applies_the_filters(staff_client, opportunities):
    response = staff_client.get(
        reverse("opportunities:export"), {"contact": "C1", "salesperson": "JO", "format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["OP1", "OP3"]  # a company's no. finds its persons'
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Contact no."] == "P1" and first["Contact company no."] == "C1"
    assert first["Estimated value"] == 640000 and first["Status"] == "Not started"
    assert first["Estimated closing date"] == datetime.datetime(2027, 1, 31)


def test_dutch_semicolon_csv(client, staff_user, opportunities):
    client.force_login(staff_user)
    response = client.get(
        reverse("opportunities:export"),
        {"status": "won", "format": "csv-excel"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert "verkoopkansen-" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].startswith("OP2;Desks;C2;Polder BV;")
    assert "Gewonnen" in lines[1].split(";")


def test_list_page_links_the_export(staff_client, opportunities):
    html = staff_client.get(reverse("opportunities:list"), {"status": "won"}).content.decode()
    assert "/opportunities/export/?status=won&amp;format=csv-excel" in html


def test_command(opportunities, tmp_path):
    out = StringIO()
    call_command("export_opportunities", str(tmp_path / "o.xlsx"), "--status", "won", stdout=out)
    assert "Exported 1 opportunities" in out.getvalue()
    sheet = load_workbook(tmp_path / "o.xlsx").active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["OP2"]
    with pytest.raises(CommandError, match="--salesperson"):
        call_command("export_opportunities", str(tmp_path / "x.csv"), "--salesperson", "NOPE")
