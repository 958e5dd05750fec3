"""The change log on the write paths: who, what (old → new) and why, single and bulk."""

from __future__ import annotations

import sys

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse

from contacts.importing import import_contacts
from contacts.models import Contact
from contacts.services import (
    company_bulk_update,
    contact_create,
    contact_delete,
    contact_update,
    person_follow_company,
)
from history import context as history
from history.models import Action, Cause, Change, Event, Source
from history.signals import changes_recorded

pytestmark = pytest.mark.django_db


def _changes(obj, **filters):
    return Change.objects.filter(
        content_type__model=obj._meta.model_name, object_id=str(obj.pk), **filters
    ).order_by("id")


def test_form_edit_logs_who_old_new_and_the_page(staff_client, firm):
    response = staff_client.post(
        reverse("contacts:edit", args=[firm.no]),
        {"name": "Fjord AS", "address": "Gate 1", "city": "Bergen"},
    )
    assert response.status_code == 302
    change = _changes(firm, field="city").get()
    assert (change.old, change.new, change.action) == ("Oslo", "Bergen", Action.UPDATE)
    assert change.object_repr == firm.no
    event = change.event
    assert event.user.username == "staff"
    assert (event.source, event.cause) == (Source.PAGE, Cause.EDIT)
    # Fields the form sent unchanged are not logged.
    assert not _changes(firm, field="name").exists()


def test_admin_edit_is_logged_as_the_administration(admin_client, firm):
    url = reverse("admin:contacts_contact_change", args=[firm.pk])
    data = {"no": firm.no, "type": "company", "name": "Fjord AS", "address": "Gate 1"}
    response = admin_client.post(url, {**data, "city": "Tromsø"})
    assert response.status_code == 302, response.content[:500]
    event = _changes(firm, field="city").get().event
    assert (event.source, event.user.username) == (Source.ADMIN, "crmadmin")
    # The admin's History button shows the change log.
    history_page = admin_client.get(reverse("admin:contacts_contact_history", args=[firm.pk]))
    assert "Tromsø" in history_page.content.decode()


def test_a_company_change_reaches_its_persons_with_the_company_as_cause(firm):
    with history.operation(Cause.EDIT):
        contact_update(contact=firm, data={"city": "Bergen", "address": "Bryggen 1"})
    persons = [p.pk for p in Contact.objects.filter(company=firm)]
    rows = list(
        Change.objects.for_objects(ContentType.objects.get_for_model(Contact).pk, persons)
        .filter(field="city")
        .per_object(object_ids=persons)
    )
    assert sorted(int(r.object_id) for r in rows) == sorted(persons)
    assert {(r.old, r.new, r.via_id, r.via_repr) for r in rows} == {
        ("Oslo", "Bergen", str(firm.pk), firm.no)
    }
    company_change = _changes(firm, field="city").get()
    assert {r.event_id for r in rows} == {company_change.event_id}  # one operation
    assert company_change.via_id == ""


def test_bulk_update_logs_each_person_following_its_own_company(numbered):
    a = contact_create(data={"type": "company", "name": "A AS", "city": "Oslo"})
    b = contact_create(data={"type": "company", "name": "B AS", "city": "Oslo"})
    pa = contact_create(data={"type": "person", "name": "Anne A", "company": a})
    pb = contact_create(data={"type": "person", "name": "Bent B", "company": b})
    typed = contact_create(data={"type": "person", "name": "Own City", "company": b})
    contact_update(contact=typed, data={"city": "Moss"})
    with history.operation(Cause.BULK_ACTION, label="Move to Bergen") as op:
        company_bulk_update(
            companies=Contact.objects.filter(pk__in=[a.pk, b.pk]), values={"city": "Bergen"}
        )
    event = op.event
    assert (event.cause, event.label) == (Cause.BULK_ACTION, "Move to Bergen")
    rows = {r.object_id: r for r in Change.objects.filter(event=event, field="city")}
    assert rows[str(pa.pk)].via_repr == a.no and rows[str(pb.pk)].via_repr == b.no
    assert rows[str(a.pk)].via_id == "" and rows[str(a.pk)].old == "Oslo"
    assert str(typed.pk) not in rows  # its city was typed by hand: unchanged, not logged


def test_queryset_update_logs_only_rows_that_change(firm):
    with history.operation(Cause.EDIT) as op:
        updated = Contact.objects.filter(company=firm).update(phone_no="22 33 44 55")
        again = Contact.objects.filter(company=firm).update(phone_no="22 33 44 55")
    assert updated == again == 3
    assert Change.objects.filter(event=op.event, field="phone_no").count() == 3
    row = Change.objects.filter(event=op.event).first()
    assert (row.old, row.new) == ("", "22 33 44 55")


def test_null_and_boolean_values_round_trip(numbered, setup):
    from history.values import decode

    with history.operation(Cause.EDIT) as op:
        type(setup).objects.filter(pk=setup.pk).update(inherit_address=False)
        setup.refresh_from_db()
        setup.inherit_address = True
        setup.save()
    rows = list(Change.objects.filter(event=op.event, field="inherit_address").order_by("id"))
    field = type(setup)._meta.get_field("inherit_address")
    assert [(decode(field, r.old), decode(field, r.new)) for r in rows] == [
        (True, False),
        (False, True),
    ]


def test_import_is_one_event_with_one_row_per_contact(numbered):
    rows = [
        {"type": "company", "no": "K1", "name": "Kai AS", "city": "Oslo"},
        {"type": "person", "no": "K2", "name": "Kari Kai", "company_no": "K1"},
        {"type": "company", "no": "K3", "name": "Berg AS"},
    ]
    with history.actor(user=None, source=Source.COMMAND, label="import_contacts"):
        result = import_contacts(rows, label="kunder.csv")
    assert result.written
    event = Event.objects.get(cause=Cause.IMPORT)
    assert (event.label, event.source) == ("kunder.csv", Source.COMMAND)
    created = Change.objects.filter(event=event)
    assert created.count() == 3
    assert set(created.values_list("action", flat=True)) == {Action.CREATE}
    assert set(created.values_list("object_repr", flat=True)) == {"K1", "K2", "K3"}


def test_delete_keeps_the_values_of_the_contact_and_what_went_with_it(firm):
    persons = list(Contact.objects.filter(company=firm).values_list("pk", flat=True))
    firm_pk = firm.pk
    contact_delete(contact=firm)
    deleted = Change.objects.filter(action=Action.DELETE)
    assert set(deleted.values_list("object_id", flat=True)) == {
        str(firm_pk),
        *map(str, persons),
    }
    assert len({r.event_id for r in deleted}) == 1
    assert deleted.first().event.cause == Cause.DELETE
    from history.values import loads

    company_row = deleted.get(object_id=str(firm_pk))
    assert loads(company_row.old)["city"] == "Oslo"
    assert loads(company_row.old)["no"] == firm.no


def test_follow_company_is_its_own_cause(firm):
    person = Contact.objects.filter(company=firm).first()
    contact_update(contact=person, data={"city": "Moss"})
    person_follow_company(person=Contact.objects.get(pk=person.pk), fields=["city"])
    change = _changes(person, field="city").last()
    assert (change.old, change.new) == ("Moss", "Oslo")
    assert change.event.cause == Cause.FOLLOW_COMPANY
    assert change.event.cause_repr == firm.no


def test_nothing_is_logged_when_disabled(firm):
    before = Change.objects.count()
    with history.disabled():
        contact_update(contact=firm, data={"city": "Bergen"})
        Contact.objects.filter(company=firm).update(phone_no="1")
    assert Change.objects.count() == before


def test_a_rolled_back_change_leaves_no_history(firm):
    before = Change.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        contact_update(contact=firm, data={"city": "Bergen"})
        raise RuntimeError
    assert Change.objects.count() == before
    contact_update(contact=Contact.objects.get(pk=firm.pk), data={"city": "Hamar"})
    assert _changes(firm, field="city").get().new == "Hamar"  # a new, valid event


def test_changes_recorded_is_sent_once_on_commit(firm, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, event, changes, **kwargs):
        received.append((event.cause, sorted({c.field for c in changes})))

    changes_recorded.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True), history.operation(Cause.EDIT):
            contact_update(contact=firm, data={"city": "Bergen"})
    finally:
        changes_recorded.disconnect(receiver)
    assert received == [(Cause.EDIT, ["city"])]


def test_commands_are_named_with_the_os_user(numbered, monkeypatch):
    from django.db import connection

    monkeypatch.setattr(sys, "argv", ["manage.py", "load_demo"])
    # The fixtures' changes opened this transaction's event (a command has its own).
    monkeypatch.setattr(connection, "_history_root_frame", None)
    with transaction.atomic():
        company = contact_create(data={"type": "company", "name": "Cmd AS"})
    event = _changes(company).get().event
    assert event.source == Source.COMMAND
    assert "manage.py load_demo" in event.actor


def test_api_calls_are_logged_as_the_api_with_the_client(client, staff_user, firm):
    from api.services import api_token_create
    from interactions.models import InteractionLogEntry
    from tests.interactions.factories import setup_with

    setup_with(sales_invoices="S_INVOICE")
    key = api_token_create(user=staff_user, name="ERP").key
    response = client.post(
        "/interactions/api/documents/",
        {"document_type": "sales_invoice", "document_no": "103001", "contact_no": firm.no},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 201, response.content
    entry = InteractionLogEntry.objects.get()
    event = _changes(entry).get().event
    assert (event.source, event.user, event.actor) == (Source.API, staff_user, "ERP (staff)")
