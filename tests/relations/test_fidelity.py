"""Business Central fidelity (issue 14, items 2 and 3): the primary contact of a
customer/vendor links it to the person's company, and the business-relation summary
judges a link by its code."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts.services import contact_update
from relations import services
from relations.models import BusinessRelationSummary, ContactBusinessRelation, Customer, Vendor
from relations.selectors import contact_for_entity
from tests.api.conftest import token_client
from tests.factories import BusinessRelationFactory, CompanyFactory, PersonFactory
from tests.relations.factories import CustomerFactory, VendorFactory, setup_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def company_with_person():
    setup_sync()
    company = CompanyFactory(no="CT100", name="Fjord Fisk AS")
    person = PersonFactory(no="CT101", company=company, first_name="Kari", surname="Nordmann")
    return company, person


@pytest.mark.parametrize("model", [Customer, Vendor])
def test_primary_contact_links_an_unlinked_entity_to_the_persons_company(
    company_with_person, model
):
    company, person = company_with_person
    entity = (CustomerFactory if model is Customer else VendorFactory)(no="E1", name="Fjord")
    assert contact_for_entity(model.LINK_TO, "E1") is None

    services.entity_update(entity=entity, data={"primary_contact": person})

    assert contact_for_entity(model.LINK_TO, "E1") == company
    relation = ContactBusinessRelation.objects.get(link_to=model.LINK_TO, no="E1")
    assert relation.business_relation_id == {"customer": "CUST", "vendor": "VEND"}[model.LINK_TO]
    entity = model.objects.get(no="E1")
    assert (entity.primary_contact, entity.contact) == (person, "Kari Nordmann")


def test_a_person_whose_company_has_another_customer_is_refused_naming_it(company_with_person):
    company, person = company_with_person
    services.contact_link_entity(
        contact=company, link_to="customer", no=CustomerFactory(no="C1").no
    )
    other = CustomerFactory(no="C2", name="Other")

    with pytest.raises(ValidationError) as exc:
        services.entity_update(entity=other, data={"primary_contact": person})

    assert exc.value.message_dict["primary_contact"] == [
        "Contact CT100 already has a contact business relation with Customer C1."
    ]
    other.refresh_from_db()
    assert other.primary_contact_id is None
    assert not ContactBusinessRelation.objects.filter(no="C2").exists()


def test_contact_name_follows_the_primary_person_and_is_cleared_with_it(company_with_person):
    _company, person = company_with_person
    customer = CustomerFactory(no="C1")
    services.entity_update(entity=customer, data={"primary_contact": person})

    contact_update(contact=person, data={"first_name": "Kari", "surname": "Berg"})
    assert Customer.objects.get(no="C1").contact == "Kari Berg"

    person.delete()
    customer = Customer.objects.get(no="C1")
    assert (customer.primary_contact_id, customer.contact) == (None, "")


def test_removing_the_primary_contact_clears_the_contact_name(company_with_person):
    _company, person = company_with_person
    customer = CustomerFactory(no="C1")
    services.entity_update(entity=customer, data={"primary_contact": person})
    services.entity_update(entity=customer, data={"primary_contact": None})
    customer = Customer.objects.get(no="C1")
    assert (customer.primary_contact_id, customer.contact) == (None, "")


def test_new_customer_with_a_primary_contact_is_linked_to_its_company(company_with_person):
    company, person = company_with_person
    customer = services.customer_create(data={"name": "Fjord", "primary_contact": person})
    assert contact_for_entity("customer", customer.no) == company
    assert Customer.objects.get(pk=customer.pk).contact == "Kari Nordmann"
    # no second company contact was made for the customer
    assert ContactBusinessRelation.objects.filter(link_to="customer").count() == 1


def test_edit_page_links_and_refuses(admin_client, company_with_person):
    company, person = company_with_person
    CustomerFactory(no="C1")
    CustomerFactory(no="C2")
    url = reverse("relations:customer_edit", args=["C1"])
    response = admin_client.post(url, {"name": "One", "primary_contact": person.no})
    assert response.status_code == 302
    assert contact_for_entity("customer", "C1") == company

    response = admin_client.post(
        reverse("relations:customer_edit", args=["C2"]),
        {"name": "Two", "primary_contact": person.no},
    )
    assert response.status_code == 200
    assert (
        "Contact CT100 already has a contact business relation with Customer C1."
        in response.content.decode()
    )


def test_api_links_and_refuses(admin_user, company_with_person):
    company, _person = company_with_person
    CustomerFactory(no="C1")
    CustomerFactory(no="C2")
    api = token_client(admin_user)
    response = api.patch("/api/v1/customers/C1/", {"primary_contact": "CT101"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["contact"] == "Kari Nordmann"
    assert contact_for_entity("customer", "C1") == company

    response = api.patch("/api/v1/customers/C2/", {"primary_contact": "CT101"}, format="json")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["attr"] == "primary_contact"
    assert "Customer C1" in error["detail"]


# --- 14.3 the summary uses the code ---------------------------------------------------


def test_link_under_another_code_shows_as_other():
    setup_sync()
    company = CompanyFactory()
    customer = CustomerFactory(no="C1")
    ContactBusinessRelation.objects.create(
        contact=company,
        business_relation=BusinessRelationFactory(code="PARTNER"),
        link_to="customer",
        no=customer.no,
    )
    assert services.contact_business_relation_summary(company) == BusinessRelationSummary.OTHER
    person = PersonFactory(company=company)
    assert services.contact_business_relation_summary(person) == BusinessRelationSummary.OTHER


def test_summary_by_setup_code_customer_then_multiple():
    setup_sync()
    company = CompanyFactory()
    services.contact_link_entity(contact=company, link_to="customer", no=CustomerFactory().no)
    assert services.contact_business_relation_summary(company) == BusinessRelationSummary.CUSTOMER
    services.contact_link_entity(contact=company, link_to="vendor", no=VendorFactory().no)
    assert services.contact_business_relation_summary(company) == BusinessRelationSummary.MULTIPLE


def test_card_shows_other_for_a_link_under_another_code(admin_client):
    setup_sync()
    company = CompanyFactory(no="CT555")
    ContactBusinessRelation.objects.create(
        contact=company,
        business_relation=BusinessRelationFactory(code="PARTNER"),
        link_to="customer",
        no=CustomerFactory(no="C1").no,
    )
    body = admin_client.get(reverse("contacts:detail", args=["CT555"])).content.decode()
    assert 'data-testid="business-relation-summary">Other<' in body
