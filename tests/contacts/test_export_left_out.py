"""Exports leave privacy blocked contacts out (issue 11.5) and say so: the list tells
how many of its contacts an export leaves out, the download carries the count (header)
and the next page says it, export_contacts prints it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from contacts.exporting import LEFT_OUT_HEADER
from contacts.models import Contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts(db):
    for no, blocked, country in (
        ("C1", False, "NO"),
        ("C2", True, "NO"),
        ("C3", True, "NO"),
        ("C4", True, "NL"),
    ):
        Contact.objects.create(
            no=no, name=f"Firm {no}", type="company", privacy_blocked=blocked, country=country
        )


def _rows(response) -> list[str]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return [line.split(",")[1] for line in text.splitlines()[1:]]


def test_the_list_says_how_many_an_export_leaves_out(staff_client, contacts):
    html = staff_client.get(reverse("contacts:list"), {"country": "NO"}).content.decode()
    assert "2 of these contacts are privacy blocked: exports leave them out." in html
    html = staff_client.get(reverse("contacts:list"), {"country": "NL"}).content.decode()
    assert "1 of these contacts is privacy blocked: exports leave it out." in html
    Contact.objects.update(privacy_blocked=False)
    html = staff_client.get(reverse("contacts:list")).content.decode()
    assert 'id="export-left-out"' not in html


def test_the_list_says_it_in_norwegian(staff_client, contacts):
    html = staff_client.get(
        reverse("contacts:list"), {"country": "NO"}, HTTP_ACCEPT_LANGUAGE="nb"
    ).content.decode()
    assert "2 av disse kontaktene er personvernsperret" in html


def test_list_export_leaves_them_out_and_says_how_many(staff_client, contacts):
    response = staff_client.get(reverse("contacts:export"), {"country": "NO", "format": "csv"})
    assert _rows(response) == ["C1"]
    assert response[LEFT_OUT_HEADER] == "2"
    # The next page the user sees carries the message.
    html = staff_client.get(reverse("contacts:list")).content.decode()
    assert "2 privacy blocked contacts were left out of the export." in html


def test_no_message_when_nothing_was_left_out(staff_client, contacts):
    response = staff_client.get(reverse("contacts:export"), {"country": "NO", "type": "person"})
    assert response[LEFT_OUT_HEADER] == "0"
    assert (
        "left out of the export" not in staff_client.get(reverse("contacts:list")).content.decode()
    )


def test_bulk_export_says_how_many_it_left_out(staff_client, contacts):
    response = staff_client.post(
        reverse("contacts:bulk"),
        {"action": "export", "selected": ["C1", "C4"], "export_format": "csv"},
    )
    assert _rows(response) == ["C1"]
    assert response[LEFT_OUT_HEADER] == "1"
    html = staff_client.get(reverse("contacts:list")).content.decode()
    assert "1 privacy blocked contact was left out of the export." in html


def test_command_prints_how_many_it_left_out(tmp_path, contacts):
    out = StringIO()
    call_command("export_contacts", str(tmp_path / "all.csv"), stdout=out)
    assert "Exported 1 contacts" in out.getvalue()
    assert "3 privacy blocked contacts were left out of the export." in out.getvalue()
    out, err = StringIO(), StringIO()
    call_command("export_contacts", "-", "--country", "NL", stdout=out, stderr=err)
    assert "left out" not in out.getvalue()  # the CSV itself stays clean
    assert "1 privacy blocked contact was left out of the export." in err.getvalue()
