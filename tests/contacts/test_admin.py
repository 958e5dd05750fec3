"""Contact admin: changelist, search, add through the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contacts.models import Contact
from contacts.services import contact_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def superclient(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return client


def test_changelist_and_search(superclient, setup_with_series):
    contact_create(data={"type": "company", "name": "Fjord Data AS", "city": "Bergen"})
    url = reverse("admin:contacts_contact_changelist")
    assert superclient.get(url).status_code == 200
    response = superclient.get(url, {"q": "fjord"})
    assert b"Fjord Data AS" in response.content


def test_add_page_draws_number_and_applies_rules(superclient, full_setup):
    url = reverse("admin:contacts_contact_add")
    assert superclient.get(url).status_code == 200
    response = superclient.post(
        url, {"type": "person", "first_name": "Kari", "surname": "Nordmann", "no": ""}
    )
    assert response.status_code == 302, response.content[:3000]
    kari = Contact.objects.get()
    assert (kari.no, kari.name, kari.language_id) == ("CT000001", "Kari Nordmann", "NOR")


def test_add_page_shows_number_error(superclient, setup):
    response = superclient.post(
        reverse("admin:contacts_contact_add"), {"type": "company", "name": "X AS", "no": ""}
    )
    assert response.status_code == 200
    assert b"Contact Nos. must have a value in Marketing Setup" in response.content
    assert not Contact.objects.exists()


def test_admin_delete_of_company_takes_its_persons(superclient, setup_with_series):
    firm = contact_create(data={"type": "company", "name": "Fjord Data AS"})
    contact_create(data={"type": "person", "name": "Kari Nordmann", "company": firm})
    url = reverse("admin:contacts_contact_delete", args=(firm.pk,))
    response = superclient.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Contact.objects.exists()


def test_admin_type_change_is_checked(superclient, full_setup):
    firm = contact_create(data={"type": "company", "name": "Fjord Data AS"})
    contact_create(data={"type": "person", "name": "Kari Nordmann", "company": firm})
    url = reverse("admin:contacts_contact_change", args=(firm.pk,))
    response = superclient.post(url, {"no": firm.no, "type": "person", "name": firm.name})
    assert response.status_code == 200
    assert b"related people" in response.content
    firm.refresh_from_db()
    assert firm.type == "company"


def test_allocated_number_cannot_be_changed_in_the_admin(superclient, setup_with_series):
    """An allocated number is read-only on the change page (it is the card's address and
    other apps show it); blanking it would leave a contact without a number."""
    firm = contact_create(data={"type": "company", "name": "Fjord Data AS"})
    url = reverse("admin:contacts_contact_change", args=(firm.pk,))
    for typed in ("", "OTHER1"):
        response = superclient.post(url, {"no": typed, "type": "company", "name": "Fjord AS"})
        assert response.status_code == 302
        firm.refresh_from_db()
        assert (firm.no, firm.name) == ("CT000001", "Fjord AS")


@pytest.mark.parametrize("company", ["abc", "99999999999999999999999", "-1", "1.5", "²"])
def test_add_page_with_a_bad_company_id_shows_an_error(superclient, full_setup, company):
    """A company id that is not a number, or no contact's (too large for the column
    too), is a form error on the add page, not a server error (13.14)."""
    superclient.raise_request_exception = False
    response = superclient.post(
        reverse("admin:contacts_contact_add"),
        {"type": "person", "first_name": "Kari", "surname": "Nordmann", "company": company},
    )
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not Contact.objects.exists()
