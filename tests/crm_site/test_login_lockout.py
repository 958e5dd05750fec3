"""Brute-force protection (django-axes): a user name is locked out from one IP after
AXES_FAILURE_LIMIT failed sign-ins, with a translated message in the login page's
layout, until the cool-off has passed; other IPs and other users are not affected."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "pw-Secret-123"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()  # the API's throttle counters live in the cache
    yield
    cache.clear()


@pytest.fixture
def kari(django_user_model, staff_user):
    staff_user.set_password(PASSWORD)
    staff_user.save()
    return staff_user


def _login(client, username, password, ip="127.0.0.1", lang="en"):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE=lang,
    )


def _fail(client, username, times, ip="127.0.0.1"):
    return [_login(client, username, "wrong", ip=ip).status_code for _ in range(times)]


def test_the_user_name_is_locked_out_from_that_ip_with_a_translated_page(client, kari):
    limit = settings.AXES_FAILURE_LIMIT
    assert _fail(client, kari.username, limit - 1) == [200] * (limit - 1)
    # The limit-th failure locks: the answer is already the lockout page.
    response = _login(client, kari.username, "wrong", lang="nb")
    assert response.status_code == 429
    # Even the right password is refused now, without being checked.
    response = _login(client, kari.username, PASSWORD, lang="nb")
    assert response.status_code == 429
    text = response.content.decode()
    assert "For mange mislykkede innlogginger for dette brukernavnet" in text
    assert 'id="lockout"' in text
    assert '<html lang="nb">' in text and "Logg inn" in text  # the login page's layout
    assert 'name="password"' in text
    assert int(response["Retry-After"]) == int(settings.AXES_COOLOFF_TIME.total_seconds())
    assert "_auth_user_id" not in client.session

    dutch = _login(client, kari.username, PASSWORD, lang="nl")
    assert "Te veel mislukte aanmeldingen voor deze gebruikersnaam" in dutch.content.decode()


def test_another_ip_and_another_user_are_not_locked_out(client, kari, admin_user):
    _fail(client, kari.username, settings.AXES_FAILURE_LIMIT)
    assert _login(client, kari.username, PASSWORD).status_code == 429
    elsewhere = _login(client, kari.username, PASSWORD, ip="10.0.0.7")
    assert elsewhere.status_code == 302  # signed in
    client.logout()
    admin_user.set_password(PASSWORD)
    admin_user.save()
    assert _login(client, admin_user.username, PASSWORD).status_code == 302


def test_after_the_cool_off_the_user_may_sign_in_again(client, kari):
    _fail(client, kari.username, settings.AXES_FAILURE_LIMIT)
    assert _login(client, kari.username, PASSWORD).status_code == 429
    past = timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=past)
    assert _login(client, kari.username, PASSWORD).status_code == 302


def test_a_successful_sign_in_resets_the_count(client, kari):
    limit = settings.AXES_FAILURE_LIMIT
    _fail(client, kari.username, limit - 1)
    assert _login(client, kari.username, PASSWORD).status_code == 302
    client.logout()
    assert _fail(client, kari.username, limit - 1) == [200] * (limit - 1)
    assert _login(client, kari.username, PASSWORD).status_code == 302


def test_the_admin_login_is_protected_too(client, kari):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/?next=/admin/", {"username": kari.username, "password": "wrong"})
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": kari.username, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 429
    assert "Te veel mislukte aanmeldingen" in response.content.decode()


def test_a_locked_out_user_is_refused_by_api_basic_too_never_a_500(client, kari, settings):
    """Basic (when switched on) signs in through the same backends: a user name locked
    out from this IP on the login page is refused there too. (The API's own failures
    are counted by its failed sign-in throttle, which does not roll back with the
    request: tests/api/test_auth.py.)"""
    settings.API_BASIC_AUTH = True
    _fail(client, kari.username, settings.AXES_FAILURE_LIMIT)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Basic " + _basic(kari.username, PASSWORD))
    response = api.get("/api/v1/contacts/", HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 401
    assert response.json()["type"] == "client_error"
    elsewhere = APIClient(REMOTE_ADDR="10.0.0.8")
    elsewhere.credentials(HTTP_AUTHORIZATION="Basic " + _basic(kari.username, PASSWORD))
    assert elsewhere.get("/api/v1/contacts/").status_code == 200


def test_api_failure_throttle_answers_in_the_request_language(kari, settings):
    settings.API_AUTH_FAILURE_LIMIT = 2
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token wrongwrongwrong")
    codes = [api.get("/api/v1/contacts/").status_code for _ in range(2)]
    response = api.get("/api/v1/contacts/", HTTP_ACCEPT_LANGUAGE="nl")
    assert codes == [401, 401]
    assert response.status_code == 429
    body = response.json()
    assert body["type"] == "client_error"
    assert body["errors"][0]["code"] == "throttled"
    assert "Te veel" in body["errors"][0]["detail"], body
    assert int(response["Retry-After"]) == settings.API_AUTH_FAILURE_WINDOW


def _basic(username: str, password: str) -> str:
    import base64

    return base64.b64encode(f"{username}:{password}".encode()).decode()


def test_a_forged_x_forwarded_for_does_not_escape_the_lockouts(client, kari, settings):
    """Without trusted proxies the client's own X-Forwarded-For is ignored: by the
    login lockout and by the API's failed sign-in throttle alike."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": kari.username, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    response = client.post(
        LOGIN,
        {"username": kari.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    assert response.status_code == 429

    settings.API_AUTH_FAILURE_LIMIT = 3
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token wrongwrongwrong")
    statuses = [
        api.get("/api/v1/contacts/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(4)
    ]
    assert statuses == [401, 401, 401, 429]


def test_behind_a_trusted_proxy_the_proxy_s_view_counts(client, kari, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": kari.username, "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    locked = client.post(
        LOGIN,
        {"username": kari.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert locked.status_code == 429
    other = client.post(
        LOGIN,
        {"username": kari.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.6",
    )
    assert other.status_code == 302
