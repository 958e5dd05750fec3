"""The API tokens page and admin, the schema and the self-hosted Swagger UI."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from api.models import ApiToken

pytestmark = pytest.mark.django_db


def test_tokens_page_creates_shows_once_and_revokes(staff_client, staff_user):
    response = staff_client.post("/api/tokens/", {"name": "Webshop"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    key = re.search(rb'id="new-token-key">([^<]+)<', response.content).group(1).decode()
    token = ApiToken.objects.get(user=staff_user)
    assert token.name == "Webshop"
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/contacts/").status_code == 200
    page = staff_client.get("/api/tokens/")
    assert key.encode() not in page.content  # shown only once
    assert token.prefix.encode() in page.content
    response = staff_client.post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert api.get("/api/v1/contacts/").status_code == 401


def test_tokens_page_in_norwegian_and_dutch(staff_client):
    assert (
        "API-nøkler".encode() in staff_client.get("/api/tokens/", HTTP_ACCEPT_LANGUAGE="nb").content
    )
    assert b"API-tokens" in staff_client.get("/api/tokens/", HTTP_ACCEPT_LANGUAGE="nl").content


def test_nobody_revokes_another_users_token(staff_client, admin_user):
    from api.services import api_token_create

    other = api_token_create(user=admin_user, name="admin's").token
    assert staff_client.post(f"/api/tokens/{other.pk}/revoke/").status_code == 404
    other.refresh_from_db()
    assert other.is_active


def test_admin_creates_a_token_for_a_user_and_revokes_it(admin_client, staff_user):
    response = admin_client.post(
        "/admin/api/apitoken/add/", {"user": staff_user.pk, "name": "Import script"}, follow=True
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=staff_user)
    message = next(str(m) for m in response.context["messages"])
    key = re.search(r"key is (\S+)\. Copy", message).group(1)
    assert key.startswith(token.prefix)
    assert token.digest not in response.content.decode()
    admin_client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert not token.is_active


def test_schema_describes_every_field_and_the_error_shape(staff_api):
    response = staff_api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    contact = schema["components"]["schemas"]["Contact"]["properties"]
    missing = [name for name, prop in contact.items() if not prop.get("description")]
    assert missing == []
    assert "enum" in str(schema["components"]["schemas"]["ContactTypeEnum"])
    create = schema["paths"]["/api/v1/contacts/"]["post"]["responses"]
    assert {"201", "400", "401", "403", "415", "429"} <= set(create)
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_schema_needs_a_sign_in(client):
    assert client.get("/api/schema/").status_code == 401


def test_docs_are_served_from_our_static_files(staff_client):
    response = staff_client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/swagger-ui/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # no inline script: the initialiser is a separate file
    script = staff_client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert b"SwaggerUIBundle" in script.content


def test_docs_send_strangers_to_the_login(client):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
