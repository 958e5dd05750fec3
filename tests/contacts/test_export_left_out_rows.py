"""Interaction and opportunity exports leave out the rows of privacy blocked contacts
(issue 11.5) and say so as the contact export does: the list's note beside the export
links, the download's X-Privacy-Blocked-Left-Out header and the next page's warning, the
command's line."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from contacts.exporting import LEFT_OUT_HEADER
from contacts.models import Contact
from interactions.models import InteractionLogEntry
from opportunities.models import Opportunity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The commands write in the site's language (a page in nb before must not leak)."""
    with translation.override("en"):
        yield


@pytest.fixture
def rows(db):
    open_firm = Contact.objects.create(no="C1", name="Fjord AS", type="company")
    blocked = Contact.objects.create(
        no="C2", name="Polder BV", type="company", privacy_blocked=True
    )
    blocked_too = Contact.objects.create(
        no="C3", name="Hidden AB", type="company", privacy_blocked=True
    )
    for n, contact in enumerate((open_firm, blocked, blocked_too, None), start=1):
        InteractionLogEntry.objects.create(
            contact=contact,
            contact_no=contact.no if contact else "",
            date=datetime.date(2026, 11, n),
            description=f"Call {n}",
        )
        Opportunity.objects.create(no=f"OP{n}", description=f"Deal {n}", contact=contact)


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_interaction_export_leaves_blocked_contacts_entries_out(staff_client, rows):
    html = staff_client.get(reverse("interactions:list")).content.decode()
    assert "2 of these entries belong to privacy blocked contacts: exports leave them out." in html
    response = staff_client.get(reverse("interactions:export"), {"format": "csv"})
    text = _csv(response)
    assert "Call 1" in text and "Call 4" in text  # an entry without a contact stays
    assert "Call 2" not in text and "Call 3" not in text
    assert response[LEFT_OUT_HEADER] == "2"
    html = staff_client.get(reverse("interactions:list")).content.decode()
    assert (
        "2 interaction log entries of privacy blocked contacts were left out of the export." in html
    )


def test_interaction_list_of_an_open_contact_says_nothing(staff_client, rows):
    html = staff_client.get(reverse("interactions:list"), {"contact": "C1"}).content.decode()
    assert 'id="export-left-out"' not in html
    response = staff_client.get(reverse("interactions:export"), {"contact": "C1"})
    assert response[LEFT_OUT_HEADER] == "0"


def test_interaction_note_in_norwegian(staff_client, rows):
    html = staff_client.get(
        reverse("interactions:list"), {"contact": "C2"}, HTTP_ACCEPT_LANGUAGE="nb"
    ).content.decode()
    assert "1 av disse loggpostene tilhører en personvernsperret kontakt" in html


def test_export_interactions_command_says_how_many_it_left_out(rows, tmp_path):
    out = StringIO()
    call_command("export_interactions", str(tmp_path / "i.csv"), stdout=out)
    assert "Exported 2 interaction log entries" in out.getvalue()
    assert "2 interaction log entries of privacy blocked contacts were left out" in (out.getvalue())
    text = (tmp_path / "i.csv").read_text(encoding="utf-8")
    assert "Call 2" not in text and "Call 1" in text
    out, err = StringIO(), StringIO()
    call_command("export_interactions", "-", "--contact", "C3", stdout=out, stderr=err)
    assert "Call 3" not in out.getvalue() and "left out" not in out.getvalue()
    assert "1 interaction log entry of a privacy blocked contact was left out" in err.getvalue()


def test_opportunity_export_leaves_blocked_contacts_opportunities_out(staff_client, rows):
    html = staff_client.get(reverse("opportunities:list")).content.decode()
    assert (
        "2 of these opportunities belong to privacy blocked contacts: exports leave them out."
        in html
    )
    response = staff_client.get(reverse("opportunities:export"), {"format": "csv"})
    numbers = [line.split(",")[0] for line in _csv(response).splitlines()[1:]]
    assert numbers == ["OP1", "OP4"]
    assert response[LEFT_OUT_HEADER] == "2"
    html = staff_client.get(reverse("opportunities:list")).content.decode()
    assert "2 opportunities of privacy blocked contacts were left out of the export." in html


def test_export_opportunities_command_says_how_many_it_left_out(rows, tmp_path):
    out = StringIO()
    call_command("export_opportunities", str(tmp_path / "o.csv"), "--contact", "C2", stdout=out)
    assert "Exported 0 opportunities" in out.getvalue()
    assert "1 opportunity of a privacy blocked contact was left out of the export." in (
        out.getvalue()
    )
    out = StringIO()
    call_command("export_opportunities", str(tmp_path / "o.csv"), "--contact", "C1", stdout=out)
    assert "left out" not in out.getvalue()
