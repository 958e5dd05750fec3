"""Undo of a merge from its record, and merged numbers that keep resolving (11.4)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from contacts.models import Contact
from contacts.services import contact_update
from duplicates import services
from duplicates.models import ContactMerge, ContactSearchString
from history import context as history
from history.models import Cause, Event
from interactions.models import InteractionLogEntry
from interactions.services import interaction_log
from tests.duplicates.factories import cannon_pair
from tests.factories import PersonFactory
from tests.interactions.factories import InteractionTemplateFactory, setup_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(setup, admin_user):
    """Cannon Group A/S (with a person and an interaction) merged into Cannon Group AS,
    taking its address."""
    kept, other = cannon_pair()
    person = PersonFactory(company=other, first_name="Kari", surname="Nordmann")
    entry = interaction_log(contact=other, template=InteractionTemplateFactory(code="CALL"))
    record = services.contacts_merge(
        keep=kept, merge=other, field_choices={"address": "merge"}, user=admin_user
    )
    return record, kept, other, person, entry


def test_a_merge_is_one_event_naming_its_record(merged):
    record = merged[0]
    event = services.merge_event(record)
    assert event.cause == Cause.MERGE
    assert event.cause_id == str(record.pk)


def test_undo_brings_the_merged_contact_back_with_everything(merged, admin_user):
    record, kept, other, person, entry = merged
    restored = services.merge_undo(record=record, user=admin_user)
    assert (restored.pk, restored.no, restored.name) == (other.pk, other.no, "Cannon Group A/S")
    person.refresh_from_db()
    entry.refresh_from_db()
    kept.refresh_from_db()
    assert person.company_id == other.pk
    assert (entry.contact_id, entry.contact_no) == (other.pk, other.no)
    assert kept.address == "Storgata 1"  # the value it took goes back
    assert Contact.objects.filter(name_key__startswith="cannon").count() == 2  # search keys
    assert ContactSearchString.objects.filter(contact=restored).exists()
    record.refresh_from_db()
    assert record.undone_at is not None and record.undone_by == admin_user
    undo = Event.objects.get(cause=Cause.MERGE_UNDO)
    assert services.merge_event(record).reverted_by == undo
    with pytest.raises(ValidationError, match="undone already"):
        services.merge_undo(record=record)


def test_undo_is_refused_naming_a_moved_interaction_edited_since(merged):
    record, kept, other, person, entry = merged
    with history.operation(Cause.EDIT):
        InteractionLogEntry.objects.filter(pk=entry.pk).update(description="Changed later")
    with pytest.raises(ValidationError) as caught:
        services.merge_undo(record=record)
    message = " ".join(caught.value.messages)
    assert "cannot be undone" in message and "Description" in message
    assert not Contact.objects.filter(pk=other.pk).exists()  # nothing changed
    person.refresh_from_db()
    assert person.company_id == kept.pk


def test_undo_is_refused_when_the_kept_contact_changed_the_same_field(merged):
    record, kept, _other, *_rest = merged
    with history.operation(Cause.EDIT):
        contact_update(contact=Contact.objects.get(pk=kept.pk), data={"address": "Ny gate 3"})
    conflicts = services.merge_undo_check(record=record)
    assert any("Address" in c for c in conflicts)
    with pytest.raises(ValidationError):
        services.merge_undo(record=record)
    assert Contact.objects.get(pk=kept.pk).address == "Ny gate 3"


def test_another_field_changed_on_the_kept_contact_does_not_stop_the_undo(merged):
    record, kept, _other, *_rest = merged
    with history.operation(Cause.EDIT):
        contact_update(contact=Contact.objects.get(pk=kept.pk), data={"phone_no": "99 99 99 99"})
    services.merge_undo(record=record)
    kept.refresh_from_db()
    assert (kept.address, kept.phone_no) == ("Storgata 1", "99 99 99 99")


def test_undo_is_refused_when_the_number_is_in_use_again(merged):
    from tests.factories import CompanyFactory

    record, _kept, other, *_rest = merged
    CompanyFactory(no=other.no, name="Someone else")
    with pytest.raises(ValidationError, match=other.no):
        services.merge_undo(record=record)


def test_merge_record_page_offers_the_undo_to_administrators_only(merged, admin_client, client):
    record = merged[0]
    url = reverse("duplicates:merge_record", args=[record.pk])
    html = admin_client.get(url).content.decode()
    assert "Undo merge" in html and "Kirkeveien 20" in html
    response = admin_client.post(reverse("duplicates:merge_undo", args=[record.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("contacts:detail", args=[merged[2].no])
    assert "The merge was undone" in response.content.decode()


def test_staff_see_the_merge_record_but_cannot_undo(merged, staff_client):
    record = merged[0]
    html = staff_client.get(reverse("duplicates:merge_record", args=[record.pk])).content.decode()
    assert "Undo merge" not in html
    assert staff_client.post(reverse("duplicates:merge_undo", args=[record.pk])).status_code == 403
    assert ContactMerge.objects.get(pk=record.pk).undone_at is None


def test_refused_undo_shows_the_conflicts_on_the_record(merged, admin_client):
    record, kept, *_rest = merged
    with history.operation(Cause.EDIT):
        contact_update(contact=Contact.objects.get(pk=kept.pk), data={"address": "Ny gate 3"})
    url = reverse("duplicates:merge_record", args=[record.pk])
    assert "cannot be undone" in admin_client.get(url).content.decode()
    response = admin_client.post(reverse("duplicates:merge_undo", args=[record.pk]), follow=True)
    assert "Address" in response.content.decode()
    assert not Contact.objects.filter(no=merged[2].no).exists()


def test_kept_contact_history_links_the_merge_record(merged, staff_client):
    record, kept, *_rest = merged
    html = staff_client.get(reverse("contacts:detail", args=[kept.no])).content.decode()
    assert f'href="{reverse("duplicates:merge_record", args=[record.pk])}"' in html


def test_merged_number_card_redirects_to_the_kept_contact_with_a_note(merged, staff_client):
    _record, kept, other, *_rest = merged
    response = staff_client.get(reverse("contacts:detail", args=[other.no]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("contacts:detail", args=[kept.no])
    assert f"Contact {other.no} was merged into {kept.no}" in response.content.decode()


def test_merged_numbers_follow_later_merges(setup):
    from tests.factories import CompanyFactory

    a, b, c = (CompanyFactory(name=n) for n in ("A AS", "B AS", "C AS"))
    services.contacts_merge(keep=b, merge=a)
    services.contacts_merge(keep=c, merge=b)
    assert services.merged_contacts_resolve([a.no, b.no, "NOPE"]) == {a.no: c, b.no: c}


def test_log_document_accepts_a_merged_number(merged):
    _record, kept, other, *_rest = merged
    setup_with(sales_invoices="S_INVOICE")
    out = StringIO()
    call_command("log_document", "sales_invoice", "INV-1", "--contact", other.no, stdout=out)
    assert kept.no in out.getvalue()
    assert InteractionLogEntry.objects.filter(document_no="INV-1", contact=kept).exists()


def test_import_accepts_a_merged_company_number(merged, tmp_path):
    from contacts.importing import HEADER

    _record, kept, other, *_rest = merged
    row = dict.fromkeys(HEADER, "")
    row.update({"type": "person", "no": "P900001", "name": "Ola Nordmann", "company_no": other.no})
    path = tmp_path / "persons.csv"
    path.write_text(
        ",".join(HEADER) + "\n" + ",".join(row[c] for c in HEADER) + "\n",
        encoding="utf-8",
    )
    call_command("import_contacts", str(path), stdout=StringIO(), stderr=StringIO())
    assert Contact.objects.get(name="Ola Nordmann").company_id == kept.pk


def test_the_document_api_accepts_a_merged_number(merged, staff_user):
    from tests.api.conftest import token_client

    _record, kept, other, *_rest = merged
    setup_with(sales_invoices="S_INVOICE")
    body = {
        "document_type": "sales_invoice",
        "document_no": "INV-2",
        "contact_no": other.no,
        "description": "Invoice",
    }
    response = token_client(staff_user).post("/api/v1/interactions/documents/", body, format="json")
    assert response.status_code == 201, response.content
    assert InteractionLogEntry.objects.filter(document_no="INV-2", contact=kept).exists()


def test_undo_forgets_the_decision_the_merge_taught(merged, admin_user):
    from duplicates.models import ContactDuplicate, PairDecision

    record, kept, other, _person, _entry = merged
    pair = {"contact_no": min(kept, other, key=lambda c: c.pk).no}
    assert PairDecision.objects.filter(same=True, source="merge", **pair).count() == 1
    restored = services.merge_undo(record=record, user=admin_user)
    assert not PairDecision.objects.filter(source="merge").exists()
    # The two are a suggested pair again (the undo indexes both again).
    pairs = ContactDuplicate.objects.involving(restored).filter(separate_contacts=False)
    assert {(p.contact_id, p.duplicate_id) for p in pairs} == {
        tuple(sorted((kept.pk, restored.pk)))
    }
