"""Two-way field sync between a contact and its customer/vendor/bank account (7.4)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact
from relations import services
from relations.models import Customer, Vendor
from relations.selectors import contact_for_entity
from tests.factories import CompanyFactory, PersonFactory, SalespersonFactory
from tests.relations.factories import setup_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked():
    """A company contact that is a customer."""
    setup_sync()
    company = CompanyFactory(
        name="Fjord AS", address="Kaia 1", post_code="5003", city="Bergen", phone_no="111"
    )
    customer = services.contact_create_customer(contact=company)
    return company, customer


def test_contact_save_updates_customer(linked):
    company, customer = linked
    company.name = "Fjord Fisk AS"
    company.address = "Bryggen 2"
    company.phone_no = "222"
    company.save()
    customer.refresh_from_db()
    assert (customer.name, customer.address, customer.phone_no) == (
        "Fjord Fisk AS",
        "Bryggen 2",
        "222",
    )


def test_customer_save_updates_contact(linked):
    company, customer = linked
    customer.address = "Strandkaien 3"
    customer.city = "Stavanger"
    customer.email = "post@fjord.no"
    customer.save()
    company.refresh_from_db()
    assert (company.address, company.city, company.email) == (
        "Strandkaien 3",
        "Stavanger",
        "post@fjord.no",
    )


def test_customer_update_service_reaches_the_contacts_persons(linked):
    company, customer = linked
    # A person who still shares the company's phone follows it; one who typed their own
    # number keeps it (contacts' propagation rule, 2.5).
    follower = PersonFactory(company=company, phone_no="111")
    own = PersonFactory(company=company, phone_no="999")
    services.entity_update(entity=customer, data={"phone_no": "333"})
    follower.refresh_from_db()
    own.refresh_from_db()
    assert Contact.objects.get(pk=company.pk).phone_no == "333"
    assert follower.phone_no == "333"
    assert own.phone_no == "999"


def test_salesperson_syncs_to_customer_but_not_to_vendor_purchaser(linked):
    company, customer = linked
    vendor = services.contact_create_vendor(contact=company)
    buyer = SalespersonFactory(code="BUY")
    Vendor.objects.filter(pk=vendor.pk).update(purchaser=buyer)
    company.salesperson = SalespersonFactory(code="SELL")
    company.save()
    customer.refresh_from_db()
    vendor.refresh_from_db()
    assert customer.salesperson_id == "SELL"
    assert vendor.purchaser_id == "BUY"


def test_customer_change_reaches_the_contacts_vendor_too(linked):
    company, customer = linked
    vendor = services.contact_create_vendor(contact=company)
    customer.name = "New Name AS"
    customer.save()
    vendor.refresh_from_db()
    assert vendor.name == "New Name AS"
    assert Contact.objects.get(pk=company.pk).name == "New Name AS"


def test_person_edit_does_not_touch_the_company_customer(linked):
    company, customer = linked
    person = PersonFactory(company=company, phone_no="111")
    person.phone_no = "555"
    person.email = "me@example.com"
    person.save()
    customer.refresh_from_db()
    assert customer.phone_no == "111"
    assert customer.email == ""


def _relations_queries(context) -> list[str]:
    """The captured queries that touch this app's tables (other apps' signals vary)."""
    return [q["sql"] for q in context.captured_queries if "relations_" in q["sql"]]


def test_saving_unrelated_field_of_contact_does_not_look_for_relations(linked):
    company, _customer = linked
    company.correspondence_type = "email"
    with CaptureQueriesContext(connection) as context:
        company.save(update_fields=["correspondence_type"])
    assert _relations_queries(context) == []


def test_contact_save_is_bounded_no_loop(linked):
    company, customer = linked
    company.city = "Trondheim"
    with CaptureQueriesContext(connection) as context:
        company.save()
    # find the links, load the customer, read its stored values for the change log,
    # update it; no bounce back to the contact
    assert len(_relations_queries(context)) == 4
    customer.refresh_from_db()
    assert customer.city == "Trondheim"


def test_customer_save_is_bounded_no_loop(linked):
    _company, customer = linked
    customer.city = "Tromsø"
    with CaptureQueriesContext(connection) as context:
        customer.save()
    # the change log's read of the stored values, the customer's UPDATE, find its
    # contact, then the contact's other links (none)
    assert len(_relations_queries(context)) == 4
    contact_updates = [
        q["sql"]
        for q in context.captured_queries
        if q["sql"].startswith('UPDATE "contacts_contact" SET "no" =')
    ]
    assert len(contact_updates) == 1  # the contact's own row, once
    assert contact_for_entity("customer", customer.no).city == "Tromsø"


def test_unchanged_save_writes_nothing_on_the_other_side(linked):
    company, customer = linked
    before = Customer.objects.get(pk=customer.pk).updated_at
    company.save()
    assert Customer.objects.get(pk=customer.pk).updated_at == before


def test_unlinked_customer_save_touches_no_contact():
    setup_sync(customers=False)
    customer = services.customer_create(data={"name": "Alone"})
    customer.name = "Still alone"
    customer.save()
    assert Contact.objects.count() == 0


def test_bulk_update_path_syncs_explicitly(linked):
    company, customer = linked
    other = CompanyFactory()
    Contact.objects.filter(pk__in=[company.pk, other.pk]).update(city="Bodø")
    assert services.contacts_to_entities_sync_bulk([company.pk, other.pk]) == 1
    customer.refresh_from_db()
    assert customer.city == "Bodø"
