"""Link with existing (7.5) and the batch job creating contacts from entities (7.3)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from contacts.models import Contact
from relations import services
from relations.models import ContactBusinessRelation, Customer
from relations.selectors import contact_for_entity
from tests.factories import CompanyFactory
from tests.relations.factories import CustomerFactory, setup_sync

pytestmark = pytest.mark.django_db


def test_link_with_contact_as_master_overwrites_the_customer():
    setup_sync()
    company = CompanyFactory(name="Contact Name AS", city="Oslo")
    customer = CustomerFactory(no="C1", name="Old Customer AS", city="Bergen")
    services.contact_link_entity(contact=company, link_to="customer", no="C1")
    customer.refresh_from_db()
    assert (customer.name, customer.city) == ("Contact Name AS", "Oslo")
    assert contact_for_entity("customer", "C1") == company


def test_link_with_customer_as_master_overwrites_the_contact():
    setup_sync()
    company = CompanyFactory(name="Contact Name AS", city="Oslo")
    CustomerFactory(no="C1", name="Customer AS", city="Bergen")
    services.contact_link_entity(
        contact=company, link_to="customer", no="C1", master=services.Master.ENTITY
    )
    company.refresh_from_db()
    assert (company.name, company.city) == ("Customer AS", "Bergen")


def test_link_refuses_unknown_and_already_linked_entities():
    setup_sync()
    first = CompanyFactory(no="CT1")
    second = CompanyFactory(no="CT2")
    CustomerFactory(no="C1")
    with pytest.raises(ValidationError) as exc:
        services.contact_link_entity(contact=first, link_to="customer", no="NOPE")
    assert exc.value.messages == ["Customer NOPE does not exist."]
    services.contact_link_entity(contact=first, link_to="customer", no="C1")
    with pytest.raises(ValidationError) as exc:
        services.contact_link_entity(contact=second, link_to="customer", no="C1")
    assert exc.value.messages == [
        "Customer C1 already has a contact business relation with contact CT1."
    ]


def test_link_page(admin_client):
    setup_sync()
    company = CompanyFactory()
    CustomerFactory(no="C1")
    response = admin_client.post(
        reverse("relations:link_from_contact", args=[company.no, "customer"]),
        {"no": "C1", "master": "contact"},
        follow=True,
    )
    assert "The contact is now linked with Customer C1." in response.content.decode()
    assert contact_for_entity("customer", "C1") == company


def test_batch_creates_contacts_for_unlinked_customers_only():
    setup_sync(customers=False)
    services.customer_create(data={"name": "Imported 1"})
    services.customer_create(data={"name": "Imported 2"})
    setup_sync()
    linked = services.customer_create(data={"name": "Already linked"})
    out = StringIO()
    call_command("create_contacts_from_entities", "customer", stdout=out)
    assert "Dry run: 2 Customer records have no contact." in out.getvalue()
    assert Contact.objects.count() == 1
    call_command("create_contacts_from_entities", "customer", "--commit", stdout=out)
    assert "Created 2 contacts" in out.getvalue()
    assert ContactBusinessRelation.objects.filter(link_to="customer").count() == 3
    for customer in Customer.objects.exclude(pk=linked.pk):
        assert contact_for_entity("customer", customer.no).name == customer.name


def test_batch_without_code_is_a_command_error():
    setup_sync(vendors=False)
    with pytest.raises(CommandError, match=r"Bus\. Rel\. Code for Vendors must have a value"):
        call_command("create_contacts_from_entities", "vendor", "--commit", stdout=StringIO())


def test_batch_makes_the_contact_name_a_person_and_primary_contact():
    setup_sync(customers=False)
    customer = services.customer_create(data={"name": "Imported AS", "contact": "Kari Nordmann"})
    setup_sync()

    call_command("create_contacts_from_entities", "customer", "--commit", stdout=StringIO())

    company = contact_for_entity("customer", customer.no)
    customer.refresh_from_db()
    assert customer.primary_contact is not None
    assert customer.primary_contact.name == "Kari Nordmann"
    assert customer.primary_contact.company == company


@pytest.mark.parametrize("link_to", ["", "contact", "Customer"])
def test_create_as_and_link_refuse_what_is_no_entity_kind(link_to):
    """Found by the fuzz suite: link_to "" (the "(none)" choice) was a KeyError, a 500 at
    POST /api/v1/contacts/…/create-entity/."""
    setup_sync()
    company = CompanyFactory(name="Fjell AS")
    CustomerFactory(no="C1")
    with pytest.raises(ValidationError) as create:
        services.contact_create_entity(contact=company, link_to=link_to)
    with pytest.raises(ValidationError) as link:
        services.contact_link_entity(contact=company, link_to=link_to, no="C1")
    for error in (create.value, link.value):
        assert list(error.error_dict) == ["link_to"]
    assert not ContactBusinessRelation.objects.exclude(link_to="").exists()
