"""Authentication, throttling, permissions and bad input: 401/403/415/429 and 400s in
the one documented error shape."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import api_token_create, api_token_revoke
from contacts.models import Contact
from tests.api.conftest import token_client
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/api/v1/contacts/"


def _codes(response) -> set[tuple]:
    return {(e["attr"], e["code"]) for e in response.json()["errors"]}


def test_anonymous_is_401_in_the_error_shape(client):
    response = client.get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert response.json() == {
        "type": "client_error",
        "errors": [
            {
                "code": "not_authenticated",
                "detail": "Authentication credentials were not provided.",
                "attr": None,
            }
        ],
    }


def test_a_token_is_stored_hashed_and_records_its_last_use(staff_user):
    created = api_token_create(user=staff_user, name="ERP sync")
    token = ApiToken.objects.get()
    assert created.key not in (token.digest, token.prefix)
    assert created.key.startswith(token.prefix)
    assert token.last_used_at is None
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {created.key}")
    assert client.get(URL).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {created.key}")
    assert client.get(URL).status_code == 200


def test_a_revoked_or_wrong_token_is_401(staff_user):
    created = api_token_create(user=staff_user, name="old")
    api_token_revoke(token=created.token)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {created.key}")
    response = client.get(URL)
    assert response.status_code == 401
    assert _codes(response) == {(None, "authentication_failed")}
    client.credentials(HTTP_AUTHORIZATION="Token " + "x" * 43)
    assert client.get(URL).status_code == 401


def test_failed_attempts_are_throttled_per_ip_before_any_check(staff_user, settings):
    settings.API_AUTH_FAILURE_LIMIT = 3
    good = api_token_create(user=staff_user, name="good").key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token wrongwrongwrong")
    assert [client.get(URL).status_code for _ in range(4)] == [401, 401, 401, 429]
    client.credentials(HTTP_AUTHORIZATION=f"Token {good}")
    response = client.get(URL)  # even the right key waits: the IP is locked out
    assert response.status_code == 429
    assert _codes(response) == {(None, "throttled")}
    assert int(response["Retry-After"]) > 0
    other_ip = APIClient(REMOTE_ADDR="10.0.0.9")
    other_ip.credentials(HTTP_AUTHORIZATION=f"Token {good}")
    assert other_ip.get(URL).status_code == 200


def test_requests_are_throttled_per_user_and_per_ip(staff_user, admin_user, monkeypatch):
    from api.throttling import IPRateThrottle, UserRateThrottle

    rates = {**UserRateThrottle.THROTTLE_RATES, "user": "3/min", "ip": "5/min"}
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", rates)
    monkeypatch.setattr(IPRateThrottle, "THROTTLE_RATES", rates)
    staff, admin = token_client(staff_user), token_client(admin_user)
    assert [staff.get(URL).status_code for _ in range(4)] == [200, 200, 200, 429]
    # Another user from the same machine: its own 3, then the IP's 5 in all are used.
    assert [admin.get(URL).status_code for _ in range(3)] == [200, 429, 429]
    response = admin.get(URL)
    assert _codes(response) == {(None, "throttled")}


def test_basic_is_off_by_default(staff_user):
    basic = base64.b64encode(f"staff:{PASSWORD}".encode()).decode()
    response = Client().get(URL, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 401


@pytest.fixture
def basic_on(settings):
    settings.API_BASIC_AUTH = True


def test_basic_when_switched_on_is_throttled_by_user_name(staff_user, basic_on, settings):
    settings.API_AUTH_FAILURE_LIMIT = 2
    good = base64.b64encode(f"staff:{PASSWORD}".encode()).decode()
    bad = base64.b64encode(b"staff:wrong").decode()
    assert Client().get(URL, HTTP_AUTHORIZATION=f"Basic {good}").status_code == 200
    codes = [
        Client(REMOTE_ADDR=f"10.0.0.{i}").get(URL, HTTP_AUTHORIZATION=f"Basic {bad}").status_code
        for i in range(3)
    ]
    assert codes == [401, 401, 429]  # from three IPs: the user name is locked


def test_basic_from_a_browser_needs_csrf(staff_user, basic_on, setup):
    """A cross-site form post carrying cached Basic credentials: refused (it was a 201)."""
    good = base64.b64encode(f"staff:{PASSWORD}".encode()).decode()
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        URL,
        json.dumps({"name": "Cross-site AS"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {good}",
        HTTP_ORIGIN="https://evil.example.com",
    )
    assert response.status_code == 403
    response = client.post(
        URL, {"name": "Cross-site AS"}, HTTP_AUTHORIZATION=f"Basic {good}"
    )  # form-encoded
    assert response.status_code in (403, 415)
    assert not Contact.objects.exists()


def test_session_needs_csrf_and_json(staff_user, setup):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    assert client.get(URL).status_code == 200
    response = client.post(URL, json.dumps({"name": "X"}), content_type="application/json")
    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_form_encoded_bodies_are_refused(staff_api, setup):
    response = staff_api.post(URL, {"name": "Form AS"}, format="multipart")
    assert response.status_code == 415
    assert _codes(response) == {(None, "unsupported_media_type")}
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000,
        '{"a":' * 50 + "1" + "}" * 50,
        "{not json",
        '{"name": NaN}',
        b'{"name": "\xff"}',
    ],
)
def test_unreadable_bodies_are_400(staff_api, setup, body):
    response = staff_api.generic("POST", URL, body, content_type="application/json")
    assert response.status_code == 400
    assert _codes(response) == {(None, "parse_error")}
    assert not Contact.objects.exists()


def test_a_huge_body_is_400(staff_api, setup, settings):
    settings.API_MAX_BODY_BYTES = 1000
    body = json.dumps({"name": "x" * 2000})
    response = staff_api.generic("POST", URL, body, content_type="application/json")
    assert response.status_code == 400
    assert "larger than 1000 bytes" in response.json()["errors"][0]["detail"]


def test_nul_characters_are_400(staff_api, numbered_setup):
    response = staff_api.post(URL, {"name": "A\x00B"}, format="json")
    assert response.status_code == 400
    assert _codes(response) == {("name", "null_characters")}
    assert staff_api.get(URL, {"q": "a\x00"}).status_code == 400
    assert staff_api.get(f"{URL}A%00B/").status_code in (400, 404)  # refused before any query
    assert not Contact.objects.exists()


def test_staff_cannot_change_the_setup_administrators_can(staff_api, admin_api, setup):
    assert staff_api.get("/api/v1/setup/").status_code == 200
    response = staff_api.patch(
        "/api/v1/setup/", {"autosearch_for_duplicates": False}, format="json"
    )
    assert response.status_code == 403
    assert _codes(response) == {(None, "permission_denied")}
    response = admin_api.patch(
        "/api/v1/setup/", {"autosearch_for_duplicates": False}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["autosearch_for_duplicates"] is False


def test_a_user_without_a_role_may_not_read(django_user_model):
    user = django_user_model.objects.create_user("norole", password=PASSWORD)
    client = APIClient()
    client.force_authenticate(user)
    assert client.get(URL).status_code == 403


def test_other_api_paths_are_a_json_404_or_401(staff_api, client):
    response = staff_api.get("/api/v1/contacts/not a number/")
    assert response.status_code == 404
    assert _codes(response) == {(None, "not_found")}
    assert staff_api.post("/api/v1/nothing-here/", {}, format="json").status_code == 404
    assert client.get("/api/v1/nothing-here/").status_code == 401
