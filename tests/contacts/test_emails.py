"""Several e-mail addresses in one field, separated by semicolons (issue 14, item 6)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts import emails, services
from contacts.models import Contact
from duplicates import normalise
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


def test_each_address_is_validated_and_the_list_normalised(setup_with_series):
    contact = services.contact_create(
        data={"type": "company", "name": "Fjord AS", "email": " post@fjord.no ;ola@fjord.no; "}
    )
    assert contact.email == "post@fjord.no; ola@fjord.no"
    assert contact.email_domain == "fjord.no"  # the first address's domain (search key)
    with pytest.raises(ValidationError) as exc:
        services.contact_create(
            data={"type": "company", "name": "Bad AS", "email": "post@fjord.no; not-an-address"}
        )
    assert exc.value.message_dict["email"] == [
        "“not-an-address” is not a valid e-mail address. Separate several addresses with "
        "semicolons."
    ]
    assert not Contact.objects.filter(name="Bad AS").exists()


def test_mailto_links_every_address():
    assert emails.mailto_href("post@fjord.no; ola@fjord.no") == (
        "mailto:post@fjord.no,ola@fjord.no"
    )
    assert emails.mailto_href("") == ""


def test_card_and_list_link_to_all_addresses(staff_client, setup_with_series):
    contact = services.contact_create(
        data={"type": "company", "name": "Fjord AS", "email": "post@fjord.no; ola@fjord.no"}
    )
    card = staff_client.get(reverse("contacts:detail", args=[contact.no])).content.decode()
    assert 'href="mailto:post@fjord.no,ola@fjord.no"' in card
    listing = staff_client.get(reverse("contacts:list")).content.decode()
    assert 'href="mailto:post@fjord.no,ola@fjord.no"' in listing


def test_edit_page_refuses_a_bad_address(staff_client, setup_with_series):
    contact = services.contact_create(data={"type": "company", "name": "Fjord AS"})
    response = staff_client.post(
        reverse("contacts:edit", args=[contact.no]),
        {"name": "Fjord AS", "email": "post@fjord.no; x@"},
    )
    assert response.status_code == 200
    assert "“x@” is not a valid e-mail address." in response.content.decode()


def test_api_accepts_a_list_and_refuses_a_bad_one(staff_user, setup_with_series):
    api = token_client(staff_user)
    body = {"type": "company", "name": "Fjord AS", "email": "a@fjord.no;b@fjord.no"}
    response = api.post("/api/v1/contacts/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["email"] == "a@fjord.no; b@fjord.no"
    response = api.post("/api/v1/contacts/", {**body, "email": "a@fjord.no;b"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "email"


def test_duplicate_engine_reads_every_address():
    addresses, domains = normalise.email_parts("post@fjord.no; ola@fjordfisk.no")
    assert addresses == ("post@fjord.no", "ola@fjordfisk.no")
    assert set(domains) == {"fjord.no", "fjordfisk.no"}
