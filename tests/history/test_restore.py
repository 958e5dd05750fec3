"""Deleted records are logged with their values and restored by an administrator with
their numbers, unless the number was given again (11.3)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts.models import Contact
from contacts.services import contact_create, contact_delete, contacts_bulk_delete
from history import values
from history.models import Action, Cause, Change, Event
from history.revert import restore_check, restore_deleted
from interactions.services import interaction_log
from tests.interactions.factories import InteractionTemplateFactory

pytestmark = pytest.mark.django_db


def _deletion(contact) -> Change:
    """(A deleted instance has no pk any more: tests pass the pk kept before.)"""
    pk = contact if isinstance(contact, int) else contact.pk
    return Change.objects.get(
        action=Action.DELETE, object_id=str(pk), content_type__model="contact"
    )


def test_a_deleted_company_is_logged_with_its_values_and_its_persons(firm):
    persons = list(Contact.objects.filter(company=firm))
    firm_pk = firm.pk
    contact_delete(contact=firm)
    deletion = _deletion(firm_pk)
    stored = values.loads(deletion.old)
    assert (stored["no"], stored["name"], stored["city"]) == (firm.no, "Fjord AS", "Oslo")
    assert deletion.event.cause == Cause.DELETE
    # What the delete rules removed with it is in the same event, with values.
    for person in persons:
        assert _deletion(person.pk).event_id == deletion.event_id


def test_restore_brings_the_company_back_with_its_persons_and_numbers(firm):
    persons = {p.pk: (p.no, p.name) for p in Contact.objects.filter(company=firm)}
    firm_pk = firm.pk
    contact_delete(contact=firm)
    result = restore_deleted(_deletion(firm_pk))
    restored = Contact.objects.get(pk=firm_pk)
    assert (restored.no, restored.name, restored.city) == (firm.no, "Fjord AS", "Oslo")
    again = {p.pk: (p.no, p.name) for p in Contact.objects.filter(company=restored)}
    assert again == persons
    assert restored.name_key  # search keys come back with the values
    assert result.event.cause == Cause.RESTORE
    assert Event.objects.get(pk=_deletion(firm_pk).event_id).reverted_by == result.event
    with pytest.raises(ValidationError, match="undone already"):
        restore_deleted(_deletion(firm_pk))


def test_restoring_a_person_moves_its_interactions_back(firm):
    person = Contact.objects.filter(company=firm).first()
    entry = interaction_log(contact=person, template=InteractionTemplateFactory(code="CALL"))
    person_pk = person.pk
    contact_delete(contact=person)
    entry.refresh_from_db()
    assert entry.contact_id == firm.pk  # the delete rule moved it to the company
    restore_deleted(_deletion(person_pk))
    entry.refresh_from_db()
    assert entry.contact_id == person_pk


def test_restore_is_refused_when_the_number_was_given_again(firm):
    person = Contact.objects.filter(company=firm).first()
    person_pk = person.pk
    contact_delete(contact=person)
    other = contact_create(data={"type": "person", "name": "Ny Person", "no": person.no})
    conflicts = restore_check(_deletion(person_pk))
    assert conflicts == [
        f"Contact {person.no} cannot be restored with its number: {person.no} has been "
        f"given to {other} since."
    ]
    with pytest.raises(ValidationError):
        restore_deleted(_deletion(person_pk))
    assert not Contact.objects.filter(pk=person_pk).exists()


def test_one_contact_of_a_bulk_delete_is_restored_alone(firm):
    first, second = list(Contact.objects.filter(company=firm).order_by("no"))[:2]
    ids = [first.pk, second.pk]
    contacts_bulk_delete(contacts=Contact.objects.filter(pk__in=ids))
    restore_deleted(_deletion(ids[0]))
    assert Contact.objects.filter(pk=ids[0]).exists()
    assert not Contact.objects.filter(pk=ids[1]).exists()
    restore_deleted(_deletion(ids[1]))
    assert Contact.objects.filter(pk=ids[1]).exists()


def test_administrator_restores_from_the_deleted_records_page(firm, admin_client):
    firm_pk = firm.pk
    contact_delete(contact=firm)
    listing = admin_client.get(reverse("history:deleted")).content.decode()
    history_url = reverse("history:object", args=["contacts.contact", firm_pk])
    assert history_url in listing and "Fjord AS" in listing
    page = admin_client.get(history_url).content.decode()
    restore_url = reverse("history:restore", args=[_deletion(firm_pk).pk])
    assert restore_url in page
    response = admin_client.post(restore_url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("contacts:detail", args=[firm.no])
    assert "was restored" in response.content.decode()
    assert "Fjord AS" not in admin_client.get(reverse("history:deleted")).content.decode()


def test_the_page_says_why_a_restore_is_refused(firm, admin_client):
    person = Contact.objects.filter(company=firm).first()
    person_pk = person.pk
    contact_delete(contact=person)
    contact_create(data={"type": "person", "name": "Ny Person", "no": person.no})
    page = admin_client.get(reverse("history:object", args=["contacts.contact", person_pk]))
    assert "has been given to" in page.content.decode()
    response = admin_client.post(
        reverse("history:restore", args=[_deletion(person_pk).pk]), follow=True
    )
    assert "has been given to" in response.content.decode()
    assert not Contact.objects.filter(pk=person_pk).exists()


def test_staff_cannot_restore(firm, staff_client):
    firm_pk = firm.pk
    contact_delete(contact=firm)
    assert staff_client.get(reverse("history:deleted")).status_code == 403
    response = staff_client.post(reverse("history:restore", args=[_deletion(firm_pk).pk]))
    assert response.status_code == 403
    assert not Contact.objects.filter(pk=firm_pk).exists()
