import base64

import pytest
from django.test import Client

from interactions.models import InteractionLogEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/interactions/api/documents/"


def _post(client, data, **extra):
    return client.post(URL, data, content_type="application/json", **extra)


def test_logs_a_document(staff_client, company, system_setup):
    response = _post(
        staff_client,
        {"document_type": "sales_invoice", "document_no": "103001", "contact_no": company.no},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["logged"] is True
    assert body["entry"]["document_no"] == "103001"
    assert body["entry"]["contact_no"] == company.no
    assert body["entry"]["template"] == "S_INVOICE"
    assert InteractionLogEntry.objects.get().user.username == "staff"


def test_no_template_is_200_not_logged(staff_client, company):
    response = _post(
        staff_client,
        {"document_type": "sales_quote", "document_no": "Q1", "contact_no": company.no},
    )
    assert response.status_code == 200
    assert response.json()["logged"] is False
    assert "Sales quote" in response.json()["reason"]
    assert not InteractionLogEntry.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"document_type": "bogus", "document_no": "1", "contact_no": "CT100"}, "document_type"),
        ({"document_type": "sales_invoice", "contact_no": "CT100"}, "document_no"),
        (
            {
                "document_type": "sales_invoice",
                "document_no": "1",
                "contact_no": "CT100",
                "vendor_no": "2",
            },
            "non_field_errors",
        ),
        ({"document_type": "sales_invoice", "document_no": "1", "contact_no": "NO"}, "contact_no"),
        (
            {
                "document_type": "sales_invoice",
                "document_no": "1",
                "contact_no": "CT100",
                "date": "31.12.2026",
            },
            "date",
        ),
    ],
)
def test_bad_input_is_400_with_field_errors(staff_client, company, system_setup, data, field):
    response = _post(staff_client, data)
    assert response.status_code == 400
    assert field in response.json()
    assert not InteractionLogEntry.objects.exists()


def test_errors_follow_the_request_language(staff_client, company, system_setup):
    data = {"document_type": "sales_invoice", "document_no": "1", "contact_no": "CT100"}
    response = _post(staff_client, {**data, "date": "x"}, HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 400
    assert response.json()["date"] == ["Oppgi en gyldig dato."]


def test_anonymous_is_401(client, company, system_setup):
    response = _post(client, {"document_type": "sales_invoice", "document_no": "1"})
    assert response.status_code == 401
    assert not InteractionLogEntry.objects.exists()


def test_user_without_permission_is_403(django_user_model, client, company, system_setup):
    user = django_user_model.objects.create_user("viewer", password=PASSWORD)
    client.force_login(user)
    response = _post(
        client, {"document_type": "sales_invoice", "document_no": "1", "contact_no": "CT100"}
    )
    assert response.status_code == 403
    assert not InteractionLogEntry.objects.exists()


def test_basic_auth_is_off_by_default(staff_user, company, system_setup):
    token = base64.b64encode(f"staff:{PASSWORD}".encode()).decode()
    response = _post(
        Client(),
        {"document_type": "sales_invoice", "document_no": "1", "contact_no": "CT100"},
        HTTP_AUTHORIZATION=f"Basic {token}",
    )
    assert response.status_code == 401
    assert not InteractionLogEntry.objects.exists()


def test_a_token_works_on_the_old_and_the_new_url(staff_user, company, system_setup):
    from api.services import api_token_create

    key = api_token_create(user=staff_user, name="ERP").key
    data = {"document_type": "sales_invoice", "document_no": "1", "contact_no": "CT100"}
    for url in (URL, "/api/v1/interactions/documents/"):
        response = Client().post(
            url, data, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
        )
        assert response.status_code == 201
    assert InteractionLogEntry.objects.count() == 2


def test_a_form_encoded_body_is_refused(staff_client, company, system_setup):
    # A cross-site HTML form can send this with the browser's credentials; JSON it cannot.
    response = staff_client.post(
        URL, {"document_type": "sales_invoice", "document_no": "1", "contact_no": "CT100"}
    )
    assert response.status_code == 415
    assert not InteractionLogEntry.objects.exists()


def test_session_auth_needs_csrf(staff_user, company, system_setup):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    response = _post(
        client, {"document_type": "sales_invoice", "document_no": "1", "contact_no": "CT100"}
    )
    assert response.status_code == 403
    assert not InteractionLogEntry.objects.exists()


@pytest.mark.parametrize("body", ["[1, 2]", '"sales_invoice"', "5", "null", "true"])
def test_a_body_that_is_not_an_object_is_400(staff_client, company, system_setup, body):
    response = staff_client.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Send the document as a JSON object."]}
    assert not InteractionLogEntry.objects.exists()


def test_malformed_json_is_400_with_our_own_message(staff_client, company, system_setup):
    # Not DRF's "JSON parse error - Expecting property name..." (English from the parser).
    response = staff_client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The request body is not valid JSON."]}
    assert not InteractionLogEntry.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("document_no", {"a": 1}),
        ("document_no", ["103001"]),
        ("document_no", True),
        ("document_type", ["sales_invoice"]),
        ("contact_no", ["CT100"]),
        ("date", 20260101),
        ("date", ["2026-01-01"]),
        ("description", {"text": "x"}),
    ],
)
def test_a_value_of_the_wrong_type_is_400_on_that_field(
    staff_client, company, system_setup, field, value
):
    data = {"document_type": "sales_invoice", "document_no": "103001", "contact_no": "CT100"}
    response = _post(staff_client, {**data, field: value})
    assert response.status_code == 400
    assert response.json() == {field: ["Enter a text value."]}
    assert not InteractionLogEntry.objects.exists()


def test_numbers_may_be_sent_as_json_numbers_and_null_means_blank(
    staff_client, company, system_setup
):
    response = _post(
        staff_client,
        {
            "document_type": "sales_invoice",
            "document_no": 103001,
            "contact_no": "CT100",
            "date": None,
            "description": None,
        },
    )
    assert response.status_code == 201
    entry = InteractionLogEntry.objects.get()
    assert entry.document_no == "103001"
    assert entry.description == entry.interaction_template.description


@pytest.mark.parametrize("language", ["nb", "nl", "en"])
def test_the_api_date_is_iso_whatever_the_language(staff_client, company, system_setup, language):
    data = {"document_type": "sales_invoice", "document_no": "1", "contact_no": "CT100"}
    response = _post(staff_client, {**data, "date": "01.02.2026"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert "date" in response.json()
    response = _post(staff_client, {**data, "date": "2026-02-01"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 201
    assert response.json()["entry"]["date"] == "2026-02-01"


def test_unknown_contact_is_400_even_without_a_template(admin_client):
    from interactions.models import InteractionLogEntry

    response = admin_client.post(
        "/interactions/api/documents/",
        {"document_type": "sales_quote", "document_no": "Q1", "contact_no": "NOPE"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not InteractionLogEntry.objects.exists()
