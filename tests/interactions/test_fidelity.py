"""Business Central fidelity (issue 14, items 4 and 5): the correspondence type of a
logged interaction, and the required description (service, page, command, API)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from interactions import services
from interactions.models import InteractionLogEntry
from tests.api.conftest import token_client
from tests.factories import CompanyFactory
from tests.interactions.factories import InteractionTemplateFactory, setup_with

pytestmark = pytest.mark.django_db

MESSAGE = "You must fill in the Description field."


# --- 14.4 correspondence type --------------------------------------------------------


@pytest.mark.parametrize(
    ("preferred", "email", "fax_no", "expected"),
    [
        ("email", "", "", ""),  # e-mail preferred, no address: blank
        ("email", "post@fjord.no", "", "email"),
        ("fax", "", "", ""),  # fax preferred, no fax number: blank
        ("fax", "", "+47 22 00 00 00", "fax"),
        ("hard_copy", "", "", "hard_copy"),
    ],
)
def test_document_logged_with_blank_type_when_the_channel_is_missing(
    preferred, email, fax_no, expected
):
    contact = CompanyFactory(correspondence_type=preferred, email=email, fax_no=fax_no)
    setup_with(sales_invoices=InteractionTemplateFactory(code="S_INVOICE", correspondence_type=""))
    entry = services.document_log(
        document_type="sales_invoice", document_no="I1", contact_no=contact.no
    )
    assert entry.correspondence_type == expected


def test_template_forcing_email_for_a_contact_without_address_is_blank():
    contact = CompanyFactory(correspondence_type="hard_copy", email="")
    template = InteractionTemplateFactory(
        correspondence_type="email", ignore_contact_corres_type=True
    )
    entry = services.interaction_log(contact=contact, template=template)
    assert entry.correspondence_type == ""


# --- 14.5 description required -------------------------------------------------------


def test_service_refuses_an_empty_description_without_template_description(company):
    template = InteractionTemplateFactory(code="BLANK", description="")
    with pytest.raises(ValidationError) as exc:
        services.interaction_log(contact=company, template=template, description="  ")
    assert exc.value.message_dict["description"] == [MESSAGE]
    assert not InteractionLogEntry.objects.exists()
    # the template's description fills in
    described = InteractionTemplateFactory(code="DESC", description="Meeting")
    assert services.interaction_log(contact=company, template=described).description == "Meeting"
    # a given description needs no template description
    entry = services.interaction_log(contact=company, template=template, description="Visit")
    assert entry.description == "Visit"


def test_phone_call_page_refuses_an_empty_description(staff_client, person):
    setup_with(outgoing_calls=InteractionTemplateFactory(code="OUTGOING", description=""))
    url = reverse("interactions:log_phone_call", args=[person.no])
    response = staff_client.post(url, {"template": "OUTGOING", "description": ""})
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not InteractionLogEntry.objects.exists()


def test_command_refuses_an_empty_description(company):
    setup_with(sales_invoices=InteractionTemplateFactory(code="S_INVOICE", description=""))
    with pytest.raises(CommandError, match=MESSAGE):
        call_command(
            "log_document", "sales_invoice", "I1", "--contact", company.no, stdout=StringIO()
        )
    assert not InteractionLogEntry.objects.exists()
    call_command(
        "log_document",
        "sales_invoice",
        "I1",
        "--contact",
        company.no,
        "--description",
        "Invoice I1",
        stdout=StringIO(),
    )
    assert InteractionLogEntry.objects.get().description == "Invoice I1"


def test_api_refuses_an_empty_description(staff_user, company):
    setup_with(sales_invoices=InteractionTemplateFactory(code="S_INVOICE", description=""))
    api = token_client(staff_user)
    body = {"document_type": "sales_invoice", "document_no": "I1", "contact_no": company.no}
    response = api.post("/api/v1/interactions/documents/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == [
        {"code": "invalid", "detail": MESSAGE, "attr": "description"}
    ]
    assert not InteractionLogEntry.objects.exists()
    response = api.post(
        "/api/v1/interactions/documents/", {**body, "description": "Invoice"}, format="json"
    )
    assert response.status_code == 201
