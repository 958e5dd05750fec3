"""Admin smoke tests: lists, search, add pages, and adds routed through the service."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relations.models import ContactBusinessRelation, Customer
from relations.selectors import contact_for_entity
from tests.relations.factories import CustomerFactory, setup_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", ["customer", "vendor", "bankaccount", "contactbusinessrelation"])
def test_changelist_search_and_add_pages(superuser_client, model):
    assert superuser_client.get(reverse(f"admin:relations_{model}_changelist")).status_code == 200
    url = reverse(f"admin:relations_{model}_changelist")
    assert superuser_client.get(url, {"q": "x"}).status_code == 200
    assert superuser_client.get(reverse(f"admin:relations_{model}_add")).status_code == 200


def test_admin_add_customer_goes_through_service(superuser_client):
    setup_sync()
    response = superuser_client.post(
        reverse("admin:relations_customer_add"), {"no": "", "name": "Admin AS"}
    )
    assert response.status_code == 302
    customer = Customer.objects.get()
    assert customer.no == "C00010"
    assert contact_for_entity("customer", customer.no).name == "Admin AS"


def test_admin_add_without_series_shows_error(superuser_client):
    response = superuser_client.post(
        reverse("admin:relations_customer_add"), {"no": "", "name": "Admin AS"}
    )
    assert response.status_code == 200
    assert "Number series CUST does not exist" in response.content.decode()
    assert not Customer.objects.exists()


def test_admin_number_is_read_only_on_change(superuser_client):
    customer = CustomerFactory(no="C1")
    response = superuser_client.get(reverse("admin:relations_customer_change", args=[customer.pk]))
    assert 'name="no"' not in response.content.decode()


def test_admin_link_syncs_contact_to_entity(superuser_client):
    from tests.factories import CompanyFactory

    setup_sync()
    company = CompanyFactory(name="Linked AS", city="Oslo")
    CustomerFactory(no="C1", name="Old", city="Bergen")
    response = superuser_client.post(
        reverse("admin:relations_contactbusinessrelation_add"),
        {"contact": company.pk, "business_relation": "CUST", "link_to": "customer", "no": "C1"},
    )
    assert response.status_code == 302
    customer = Customer.objects.get(no="C1")
    assert (customer.name, customer.city) == ("Linked AS", "Oslo")


def test_admin_refuses_setup_code_without_link(superuser_client):
    from tests.factories import CompanyFactory

    setup_sync()
    company = CompanyFactory()
    response = superuser_client.post(
        reverse("admin:relations_contactbusinessrelation_add"),
        {"contact": company.pk, "business_relation": "CUST", "link_to": "", "no": ""},
    )
    assert response.status_code == 200
    assert "is used when a contact is linked with a customer" in response.content.decode()


def test_admin_refuses_a_link_to_a_customer_that_does_not_exist(superuser_client):
    from tests.factories import CompanyFactory

    setup_sync()
    company = CompanyFactory()
    response = superuser_client.post(
        reverse("admin:relations_contactbusinessrelation_add"),
        {"contact": company.pk, "business_relation": "CUST", "link_to": "customer", "no": "NOPE"},
    )
    assert response.status_code == 200
    assert "Customer NOPE does not exist." in response.content.decode()
    assert not ContactBusinessRelation.objects.exists()
