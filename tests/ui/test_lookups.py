"""Lookups instead of typed numbers (issue 8.4): the company of a person on the new-person
and edit pages, "link with existing customer/vendor/bank account" and the merge target
offer matches as you type (htmx), the plain field still works (a no. or an exact name),
and a wrong choice gets a clear message with nothing written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contacts.models import Contact
from duplicates.models import ContactMerge
from relations.models import ContactBusinessRelation, Customer
from tests.factories import CompanyFactory, PersonFactory
from tests.relations.factories import setup_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def series(setup):
    return setup_sync()  # a contact number series (and the business-relation codes)


def _person_post(**extra):
    return {"first_name": "Kari", "surname": "Nordmann", **extra}


# --- The company of a person ------------------------------------------------------------


def test_new_person_page_offers_the_company_as_you_type(admin_client, setup):
    body = admin_client.get(reverse("contacts:create"), {"type": "person"}).content.decode()
    assert 'name="company"' in body
    assert 'hx-get="/contacts/lookup/?kind=company"' in body
    CompanyFactory(no="CT77", name="Fjordmøbler AS")
    lookup = admin_client.get(
        reverse("contacts:lookup"), {"kind": "company", "field": "company", "company": "fjordm"}
    )
    assert 'data-lookup-value="CT77"' in lookup.content.decode()


@pytest.mark.parametrize("typed", ["ct77", "Fjordmøbler AS"])
def test_new_person_takes_the_company_typed_as_no_or_name(admin_client, series, typed):
    company = CompanyFactory(no="CT77", name="Fjordmøbler AS", city="Bergen")
    response = admin_client.post(
        reverse("contacts:create") + "?type=person", _person_post(company=typed)
    )
    assert response.status_code == 302
    person = Contact.objects.get(name="Kari Nordmann")
    assert (person.company_id, person.city) == (company.pk, "Bergen")  # inherits


def test_a_wrong_company_is_explained_and_nothing_is_written(admin_client, series):
    CompanyFactory(name="Berg AS")
    CompanyFactory(name="Berg AS")
    for typed, message in [
        ("NOPE1", "There is no company with no. NOPE1."),
        ("Berg AS", "Several companies match “Berg AS”"),
    ]:
        response = admin_client.post(
            reverse("contacts:create") + "?type=person", _person_post(company=typed)
        )
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Contact.objects.filter(type="person").exists()


def test_edit_page_shows_and_changes_the_company_of_a_person(admin_client, series):
    old = CompanyFactory(no="CT1", name="Old AS")
    new = CompanyFactory(no="CT2", name="New AS")
    person = PersonFactory(company=old, first_name="Kari", surname="Nordmann")
    url = reverse("contacts:edit", args=[person.no])
    body = admin_client.get(url).content.decode()
    assert 'name="company" value="CT1"' in body
    response = admin_client.post(url, _person_post(company="CT2"))
    assert response.status_code == 302
    assert Contact.objects.get(pk=person.pk).company_id == new.pk


def test_new_person_under_a_company_has_no_company_field(admin_client, setup):
    company = CompanyFactory()
    body = admin_client.get(reverse("contacts:create_person", args=[company.no])).content
    assert b'name="company"' not in body


# --- Link with existing customer/vendor/bank account --------------------------------------


@pytest.fixture
def linkable(series):
    linked = Customer.objects.create(no="C1", name="Linked Fjord AS")
    ContactBusinessRelation.objects.create(
        contact=CompanyFactory(), business_relation_id="CUST", link_to="customer", no="C1"
    )
    free = Customer.objects.create(no="C2", name="Fjord Handel AS", city="Bergen")
    return {"linked": linked, "free": free, "company": CompanyFactory(name="Fjord Handel")}


def test_link_existing_offers_unlinked_customers_as_you_type(admin_client, linkable):
    company = linkable["company"]
    card = admin_client.get(reverse("contacts:detail", args=[company.no])).content.decode()
    assert 'hx-get="/relations/lookup/customer/"' in card
    body = admin_client.get(
        reverse("relations:lookup", args=["customer"]), {"field": "no", "no": "fjord"}
    ).content.decode()
    assert 'data-lookup-value="C2"' in body and "Bergen" in body
    assert 'data-lookup-value="C1"' not in body  # already linked to a contact
    assert admin_client.get(reverse("relations:lookup", args=["nothing"])).status_code == 404


@pytest.mark.parametrize("typed", ["c2", "Fjord Handel AS"])
def test_link_existing_takes_a_no_or_an_exact_name(admin_client, linkable, typed):
    company = linkable["company"]
    admin_client.post(
        reverse("relations:link_from_contact", args=[company.no, "customer"]), {"no": typed}
    )
    assert ContactBusinessRelation.objects.filter(contact=company, no="C2").exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Type the no. or the name of the customer to link"),
        ("C9", "Customer C9 does not exist."),
    ],
)
def test_link_existing_with_a_wrong_choice_says_why(admin_client, linkable, typed, message):
    company = linkable["company"]
    response = admin_client.post(
        reverse("relations:link_from_contact", args=[company.no, "customer"]),
        {"no": typed},
        follow=True,
    )
    assert message in response.content.decode()
    assert not ContactBusinessRelation.objects.filter(contact=company).exists()


# --- The merge target -------------------------------------------------------------------


def test_merge_into_a_contact_chosen_with_the_lookup(admin_client, setup):
    keep = CompanyFactory(no="CT10", name="Fjord AS")
    merge = CompanyFactory(no="CT11", name="Fjord A/S")
    PersonFactory(company=merge)
    url = reverse("duplicates:merge_with", args=[merge.no])
    card = admin_client.get(reverse("contacts:detail", args=[merge.no])).content.decode()
    assert url in card
    body = admin_client.get(url).content.decode()
    assert 'hx-get="/contacts/lookup/?kind=company"' in body
    body = admin_client.get(url, {"into": "ct10"}).content.decode()
    assert "Keep CT10 Fjord AS and merge CT11 Fjord A/S into it." in body
    assert "1 person" in body  # what moves
    response = admin_client.post(url, {"into": "CT10", "keep": "target", "confirm": "on"})
    assert response.status_code == 302, response.content.decode()
    assert not Contact.objects.filter(pk=merge.pk).exists()
    assert ContactMerge.objects.get().kept_contact_no == keep.no


def test_merge_keeps_this_contact_when_asked(admin_client, setup):
    this = CompanyFactory(no="CT10")
    other = CompanyFactory(no="CT11")
    url = reverse("duplicates:merge_with", args=[this.no])
    body = admin_client.get(url, {"into": "CT11", "keep": "this"}).content.decode()
    assert "Keep CT10" in body
    admin_client.post(url, {"into": "CT11", "keep": "this", "confirm": "on"})
    assert not Contact.objects.filter(pk=other.pk).exists()
    assert Contact.objects.filter(pk=this.pk).exists()


def test_a_wrong_merge_target_is_explained(admin_client, setup):
    company = CompanyFactory(no="CT10")
    person = PersonFactory(no="CT12", company=None)
    url = reverse("duplicates:merge_with", args=[company.no])
    for typed, message in [
        ("NOPE", "There is no contact with no. NOPE."),
        ("CT10", "Choose another contact: CT10 cannot be merged into itself."),
        ("CT12", "CT12 (person) and CT10 (company) are of different types"),
    ]:
        body = admin_client.get(url, {"into": typed}).content.decode()
        assert message in body, typed
        response = admin_client.post(url, {"into": typed, "confirm": "on"})
        assert response.status_code == 200
    assert Contact.objects.filter(pk__in=[company.pk, person.pk]).count() == 2
