"""Staff pages for customers/vendors/bank accounts, the card panel and "create as..."."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from contacts.models import Contact
from relations import services
from relations.models import ContactBusinessRelation, Customer, Vendor
from relations.selectors import contact_for_entity
from tests.factories import BusinessRelationFactory, CompanyFactory, PersonFactory
from tests.relations.factories import CustomerFactory, setup_sync

pytestmark = pytest.mark.django_db


def test_list_shows_customers_and_tabs(admin_client):
    CustomerFactory(no="C1", name="Alpha AS")
    response = admin_client.get(reverse("relations:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Alpha AS" in body
    assert "?tab=vendors" in body


def test_list_search_and_vendor_tab(admin_client):
    CustomerFactory(no="C1", name="Alpha AS")
    CustomerFactory(no="C2", name="Beta AS")
    response = admin_client.get(reverse("relations:list"), {"q": "beta"})
    assert "Beta AS" in response.content.decode()
    assert "Alpha AS" not in response.content.decode()
    response = admin_client.get(reverse("relations:list"), {"tab": "vendors"})
    assert response.status_code == 200
    assert "Alpha AS" not in response.content.decode()


def test_list_queries_do_not_grow_with_rows(admin_client, django_assert_max_num_queries):
    for i in range(30):
        CustomerFactory(no=f"C{i:03d}")
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("relations:list"))
    assert response.status_code == 200


def test_pages_need_permission(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(user)
    assert client.get(reverse("relations:list")).status_code == 403
    assert client.get(reverse("relations:customer_create")).status_code == 403
    company = CompanyFactory()
    url = reverse("relations:create_from_contact", args=[company.no, "customer"])
    assert client.post(url).status_code == 403


def test_view_only_user_cannot_create(client, django_user_model):
    user = django_user_model.objects.create_user("viewer", password="x")
    user.user_permissions.add(Permission.objects.get(codename="view_customer"))
    client.force_login(user)
    assert client.get(reverse("relations:list")).status_code == 200
    assert client.get(reverse("relations:customer_create")).status_code == 403


def test_staff_creates_customer_with_linked_contact(staff_client):
    setup_sync()
    response = staff_client.post(
        reverse("relations:customer_create"),
        {"no": "", "name": "Nordlys AS", "city": "Tromsø", "country": "NO"},
    )
    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("relations:customer_detail", args=[customer.no])
    contact = contact_for_entity("customer", customer.no)
    assert (contact.name, contact.city) == ("Nordlys AS", "Tromsø")
    page = staff_client.get(response["Location"]).content.decode()
    assert "has been created" in page
    assert reverse("contacts:detail", args=[contact.no]) in page


def test_create_page_shows_missing_series_error(admin_client):
    response = admin_client.post(reverse("relations:customer_create"), {"name": "X"})
    assert response.status_code == 200
    assert "Number series CUST does not exist" in response.content.decode()
    assert not Customer.objects.exists()


def test_edit_page_syncs_contact(admin_client):
    setup_sync()
    customer = services.customer_create(data={"name": "Old AS"})
    response = admin_client.post(
        reverse("relations:customer_edit", args=[customer.no]),
        {"name": "New AS", "address": "Gata 1"},
    )
    assert response.status_code == 302
    contact = contact_for_entity("customer", customer.no)
    assert (contact.name, contact.address) == ("New AS", "Gata 1")


def test_delete_page_keeps_contact(admin_client):
    setup_sync()
    customer = services.customer_create(data={"name": "Gone AS"})
    contact = contact_for_entity("customer", customer.no)
    response = admin_client.post(reverse("relations:customer_delete", args=[customer.no]))
    assert response.status_code == 302
    assert not Customer.objects.exists()
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_create_as_customer_from_contact_card(admin_client):
    setup_sync()
    company = CompanyFactory(name="Kort AS", city="Bodø")
    response = admin_client.post(
        reverse("relations:create_from_contact", args=[company.no, "customer"]), follow=True
    )
    customer = Customer.objects.get()
    assert customer.city == "Bodø"
    body = response.content.decode()
    assert f"The customer {customer.no} has been created." in body
    assert customer.get_absolute_url() in body  # the panel links the new customer


def test_create_as_without_code_shows_error_on_card(admin_client):
    setup_sync(vendors=False)
    company = CompanyFactory()
    response = admin_client.post(
        reverse("relations:create_from_contact", args=[company.no, "vendor"]), follow=True
    )
    assert "Bus. Rel. Code for Vendors must have a value in Marketing Setup." in (
        response.content.decode()
    )
    assert not Vendor.objects.exists()


def test_card_panel_offers_create_buttons_until_linked(admin_client):
    setup_sync(banks=False)
    company = CompanyFactory()
    url = reverse("contacts:detail", args=[company.no])
    body = admin_client.get(url).content.decode()
    assert "Create as customer" in body
    assert "Create as vendor" in body
    assert "Bus. Rel. Code for Bank Accounts must have a value in Marketing Setup." in body
    services.contact_create_customer(contact=company)
    body = admin_client.get(url).content.decode()
    assert "Create as customer" not in body
    assert "Create as vendor" in body


def test_card_panel_of_person_shows_company_customer(admin_client):
    setup_sync()
    company = CompanyFactory()
    customer = services.contact_create_customer(contact=company)
    person = PersonFactory(company=company)
    body = admin_client.get(reverse("contacts:detail", args=[person.no])).content.decode()
    assert customer.get_absolute_url() in body
    assert "via company" in body


def test_add_and_remove_plain_relation(admin_client):
    setup_sync()
    company = CompanyFactory()
    prospect = BusinessRelationFactory(code="PROSPECT")
    admin_client.post(
        reverse("relations:business_relation_add", args=[company.no]),
        {"business_relation": "PROSPECT"},
    )
    relation = ContactBusinessRelation.objects.get(contact=company, business_relation=prospect)
    admin_client.post(reverse("relations:business_relation_delete", args=[relation.pk]))
    assert not ContactBusinessRelation.objects.exists()


def test_add_setup_code_as_plain_relation_is_refused_on_page(admin_client):
    setup_sync()
    company = CompanyFactory()
    response = admin_client.post(
        reverse("relations:business_relation_add", args=[company.no]),
        {"business_relation": "CUST"},
        follow=True,
    )
    assert "is used when a contact is linked with a customer" in response.content.decode()
    assert not ContactBusinessRelation.objects.exists()


def test_detail_shows_fields(admin_client):
    CustomerFactory(no="C7", name="Vis AS", city="Molde", country="NO")
    body = admin_client.get(reverse("relations:customer_detail", args=["C7"])).content.decode()
    assert "Molde" in body
    assert "Norway" in body


def test_edit_page_refuses_a_primary_contact_of_another_company(admin_client):
    setup_sync()
    customer = services.customer_create(data={"name": "Alpha AS"})
    company = contact_for_entity("customer", customer.no)
    own = PersonFactory(no="CT800", company=company)
    stranger = PersonFactory(no="CT900", company=CompanyFactory(no="CT901"))
    url = reverse("relations:customer_edit", args=[customer.no])

    response = admin_client.post(url, {"name": "Alpha AS", "primary_contact": stranger.no})

    assert response.status_code == 200
    assert (
        f"Contact CT900 is not {company.no} {company.name} or one of its persons."
        in response.content.decode()
    )
    customer.refresh_from_db()
    assert customer.primary_contact_id is None

    response = admin_client.post(url, {"name": "Alpha AS", "primary_contact": own.no})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.primary_contact == own


def test_a_phone_number_with_letters_is_refused_as_on_the_contact(admin_client):
    setup_sync()
    customer = services.customer_create(data={"name": "Alpha AS", "phone_no": "22 33 44 55"})
    url = reverse("relations:customer_edit", args=[customer.no])

    response = admin_client.post(
        url, {"name": "Alpha AS", "phone_no": "call me", "fax_no": "fax 1", "mobile_phone_no": "x"}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "call me must not contain letters." in body
    assert "fax 1 must not contain letters." in body
    assert contact_for_entity("customer", customer.no).phone_no == "22 33 44 55"
    assert Customer.objects.get(pk=customer.pk).phone_no == "22 33 44 55"
