"""After a person is anonymised no stored row anywhere holds its old name, e-mail or
phone number (11.5): the contact, its change log (old/new values, a deleted contact's
values), copies other rows keep (interaction entries), the record of a merge into it
(the merged contact's values kept for the undo) and webhook deliveries already stored
(their payloads carry the changed fields), and the customers, vendors and bank accounts
the relations sync filled from the person (their fields, their "Contact" name, their
change log). Every text column of every table is searched, so a new place that copies
personal data is caught here."""

from __future__ import annotations

import pytest
from django.db import connection

from api import webhooks
from api.models import Webhook
from contacts.models import Contact
from contacts.privacy import person_anonymise
from contacts.services import contact_create, contact_update
from duplicates.models import ContactMerge
from duplicates.services import contacts_merge
from history import context as history
from history.models import Cause, Event
from interactions.services import interaction_log
from relations.models import BankAccount, Customer, Vendor
from relations.services import bank_account_create, contact_create_customer, vendor_create
from tests.interactions.factories import InteractionTemplateFactory
from tests.relations.factories import setup_sync

pytestmark = pytest.mark.django_db

# ASCII and unlike anything else in a test database, so a hit is this person's data
# (JSON columns may store letters beyond ASCII as \\u escapes).
OLD_VALUES = ("Qzwyxvik", "qzwyxvik.jorunn@example.test", "41579368")


def _holding(values=OLD_VALUES) -> dict[str, set[str]]:
    """{value: {"table.column", ...}}: where each value is stored, in any table."""
    found: dict[str, set[str]] = {v: set() for v in values}
    introspection = connection.introspection
    with connection.cursor() as cursor:
        for table in introspection.table_names(cursor):
            columns = [c.name for c in introspection.get_table_description(cursor, table)]
            for column in columns:
                text = f"LOWER(CAST({connection.ops.quote_name(column)} AS TEXT))"
                for value in values:
                    cursor.execute(
                        f"SELECT 1 FROM {connection.ops.quote_name(table)} "
                        f"WHERE {text} LIKE %s LIMIT 1",
                        [f"%{value.lower()}%"],
                    )
                    if cursor.fetchone():
                        found[value].add(f"{table}.{column}")
    return found


@pytest.fixture
def person(firm):
    hook = Webhook.objects.create(name="Listener", url="http://127.0.0.1:9/hook", events=[])
    hook.events = [e for e in webhooks.WebhookEvent.values]
    hook.save()
    with history.operation(Cause.EDIT):
        person = contact_create(
            data={
                "type": "person",
                "name": "Jorunn Qzwyxvik",
                "company": firm,
                "email": "qzwyxvik.jorunn@example.test",
                "phone_no": "+47 41579368",
            }
        )
    with history.operation(Cause.EDIT):
        contact_update(contact=person, data={"job_title": "Qzwyxvik's assistant"})
    with history.operation(Cause.EDIT):
        twin = contact_create(
            data={
                "type": "person",
                "name": "J. Qzwyxvik",
                "company": firm,
                "mobile_phone_no": "41579368",
                "email": "qzwyxvik.jorunn@example.test",
            }
        )
    interaction_log(contact=twin, template=InteractionTemplateFactory(code="CALL"))
    contacts_merge(keep=Contact.objects.get(pk=person.pk), merge=twin)
    for event in Event.objects.all():
        webhooks.deliveries_create(event_id=event.pk)
    return Contact.objects.get(pk=person.pk)


def test_no_stored_row_holds_the_old_values_after_anonymise(person):
    before = _holding()
    # The values are really spread around first (else this test could not fail).
    tables = {place.split(".")[0] for places in before.values() for place in places}
    assert {
        "contacts_contact",
        "history_change",
        "duplicates_contactmerge",
        "api_webhookdelivery",
        "interactions_interactionlogentry",
    } <= tables
    person_anonymise(person=person)
    assert _holding() == {value: set() for value in OLD_VALUES}


@pytest.fixture
def linked_person(numbered):
    """A person without a company linked as customer, vendor and bank account (the sync
    copies its name, address, phone and e-mail to them, and the vendor and the bank
    account name it in "Contact" as their primary contact)."""
    setup_sync()
    with history.operation(Cause.EDIT):
        person = contact_create(data={"type": "person", "name": "Jorunn Q", "city": "Oslo"})
    with history.operation(Cause.EDIT):
        contact_create_customer(contact=person)
        vendor_create(data={"name": "Supplies", "primary_contact": person})
        bank_account_create(data={"name": "Savings", "primary_contact": person})
    with history.operation(Cause.EDIT):
        contact_update(
            contact=Contact.objects.get(pk=person.pk),
            data={
                "name": "Jorunn Qzwyxvik",
                "email": "qzwyxvik.jorunn@example.test",
                "phone_no": "+47 41579368",
                "address": "Qzwyxvikveien 2",
            },
        )
    return Contact.objects.get(pk=person.pk)


def test_anonymise_reaches_the_customer_vendor_and_bank_account_of_the_person(linked_person):
    before = _holding()
    tables = {place.split(".")[0] for places in before.values() for place in places}
    assert {
        "contacts_contact",
        "history_change",
        "relations_customer",
        "relations_vendor",
        "relations_bankaccount",
    } <= tables
    events = Event.objects.count()
    person_anonymise(person=linked_person)
    assert _holding() == {value: set() for value in OLD_VALUES}
    assert Event.objects.count() == events + 1  # one history entry
    for model in (Customer, Vendor, BankAccount):
        entity = model.objects.get()
        assert (entity.name, entity.email, entity.city, entity.contact) == ("", "", "", "")
        assert entity.primary_contact_id in (None, linked_person.pk)  # the rows stay


def test_the_merge_record_keeps_what_is_not_personal(person):
    record = ContactMerge.objects.get()
    company = record.merged_values["company_id"]
    person_anonymise(person=person)
    record.refresh_from_db()
    assert record.merged_values["company_id"] == company
    assert record.merged_values["name"] == "" and record.kept_values["email"] == ""
