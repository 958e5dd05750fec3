"""Error pages (issue 8.6): 403, 404, 500 and a failed CSRF check are translated pages
inside the site's layout (menu, language switch) that say nothing about DEBUG or the
error's details; staff see the Marketing Setup, the reference data and the Interaction
Template Setup read-only instead of a 403, administrators change them."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from interactions.models import InteractionTemplateSetup
from marketing_setup.models import MarketingSetup
from tests.factories import SalespersonFactory

pytestmark = pytest.mark.django_db

TEXTS = {
    # language: (404 heading, 403 heading, 500 heading, CSRF heading, read-only note)
    "nb": (
        "Fant ikke siden",
        "Du har ikke tilgang til denne siden",
        "Noe gikk galt hos oss",
        "Skjemaet kunne ikke sendes",
        "Du kan se dette oppsettet; CRM-administratorer endrer det.",
    ),
    "nl": (
        "Pagina niet gevonden",
        "U mag deze pagina niet openen",
        "Er ging bij ons iets mis",
        "Het formulier kon niet worden verzonden",
        "U kunt deze instellingen bekijken; CRM-beheerders wijzigen ze.",
    ),
}


def _in_layout(body: str) -> None:
    assert 'id="mainnav"' in body  # the menu
    assert 'id="language-select"' in body  # the language switch
    assert "DEBUG" not in body and "Traceback" not in body


@pytest.mark.parametrize("language", ["nb", "nl"])
def test_404_is_translated_inside_the_layout(staff_client, language):
    response = staff_client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    body = response.content.decode()
    assert TEXTS[language][0] in body
    assert f'<html lang="{language}">' in body
    _in_layout(body)


def test_404_of_a_missing_record(staff_client):
    response = staff_client.get(reverse("contacts:detail", args=["NOPE1"]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("language", ["nb", "nl"])
def test_403_is_translated_inside_the_layout(staff_client, language):
    response = staff_client.get(reverse("numbering:list"), HTTP_ACCEPT_LANGUAGE=language)
    if response.status_code != 403:  # staff may read the number series: take another page
        response = staff_client.post(
            reverse("marketing_setup:setup"), {}, HTTP_ACCEPT_LANGUAGE=language
        )
    assert response.status_code == 403
    body = response.content.decode()
    assert TEXTS[language][1] in body
    _in_layout(body)


@pytest.mark.urls("tests.crm_site.error_urls")
@pytest.mark.parametrize("language", ["nb", "nl"])
def test_500_is_translated_inside_the_layout_without_details(staff_user, language):
    client = Client(raise_request_exception=False)
    client.force_login(staff_user)
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 500
    body = response.content.decode()
    assert TEXTS[language][2] in body
    assert "secret detail" not in body and "RuntimeError" not in body
    _in_layout(body)


@pytest.mark.urls("tests.crm_site.error_urls")
def test_500_falls_back_to_a_plain_page_when_the_layout_fails(staff_user, monkeypatch):
    from crm_site import errors

    def broken(*args, **kwargs):
        raise RuntimeError("the database is gone")

    monkeypatch.setattr(errors, "render", broken)
    client = Client(raise_request_exception=False)
    client.force_login(staff_user)
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 500
    body = response.content.decode()
    assert TEXTS["nl"][2] in body
    assert "database is gone" not in body


@pytest.mark.parametrize("language", ["nb", "nl"])
def test_a_failed_csrf_check_explains_itself_inside_the_layout(staff_user, language):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    response = client.post(
        reverse("contacts:bulk"), {"action": "export"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert TEXTS[language][3] in body
    assert "cookie not set" not in body  # the reason is for the log, not the page
    _in_layout(body)


# --- Read-only setup for staff -------------------------------------------------------------


def _disabled_inputs(body: str) -> int:
    return len(re.findall(r"<(?:input|select|textarea)[^>]* disabled", body))


@pytest.mark.parametrize("language", ["nb", "nl"])
def test_staff_see_the_marketing_setup_read_only(staff_client, setup, language):
    response = staff_client.get(reverse("marketing_setup:setup"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    body = response.content.decode()
    assert TEXTS[language][4] in body
    assert _disabled_inputs(body) > 10
    assert 'type="submit" class="primary"' not in body  # no Save
    before = MarketingSetup.get().search_hit_pct
    response = staff_client.post(reverse("marketing_setup:setup"), {"search_hit_pct": "99"})
    assert response.status_code == 403
    assert MarketingSetup.get().search_hit_pct == before


def test_administrators_still_edit_the_marketing_setup(admin_client, setup):
    body = admin_client.get(reverse("marketing_setup:setup")).content.decode()
    assert 'id="read-only-note"' not in body
    assert 'type="submit" class="primary"' in body
    assert _disabled_inputs(body) == 0


def test_staff_see_the_menu_item_and_the_reference_data_read_only(staff_client, setup):
    SalespersonFactory(code="KARI", name="Kari Nordmann")
    home = staff_client.get("/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert f'href="{reverse("marketing_setup:setup")}"' in home
    response = staff_client.get(
        reverse("marketing_setup:reference_data"), HTTP_ACCEPT_LANGUAGE="nb"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "KARI" in body and "Kari Nordmann" in body
    assert "/admin/" not in body.split('id="main"')[1]  # no links into the admin
    assert "Du kan se referansedataene; CRM-administratorer endrer dem." in body


def test_reference_data_queries_do_not_grow_with_the_data(staff_client, setup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert staff_client.get(reverse("marketing_setup:reference_data")).status_code == 200
        return len(ctx.captured_queries)

    SalespersonFactory.create_batch(2)
    count()  # the first request also reads the user's permissions (kept for the next)
    few = count()
    SalespersonFactory.create_batch(20)
    assert count() == few


@pytest.mark.parametrize("language", ["nb", "nl"])
def test_staff_see_the_interaction_template_setup_read_only(staff_client, setup, language):
    url = reverse("interactions:template_setup")
    response = staff_client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    body = response.content.decode()
    assert TEXTS[language][4] in body
    assert _disabled_inputs(body) > 3
    assert 'type="submit" class="primary"' not in body
    assert staff_client.post(url, {}).status_code == 403
    assert InteractionTemplateSetup.get().pk  # unchanged, still there
    listing = staff_client.get(reverse("interactions:list")).content.decode()
    assert f'href="{url}"' in listing


def test_administrators_edit_the_interaction_template_setup(admin_client, setup):
    body = admin_client.get(reverse("interactions:template_setup")).content.decode()
    assert 'type="submit" class="primary"' in body
    assert _disabled_inputs(body) == 0


@pytest.mark.urls("tests.crm_site.error_urls")
def test_debug_500_page_hides_database_url_passwords(staff_user, settings):
    settings.DEBUG = True
    settings.REPORTS_DB = "postgres://crm:topsecret-1@db.example:5432/crm"
    client = Client(raise_request_exception=False)
    client.force_login(staff_user)
    response = client.get(
        "/boom/",
        DATABASE_URL="postgres://crm:topsecret-2@db.example:5432/crm",
        OTHER="see mysql://u:topsecret-3@h/db",
    )
    page = response.content.decode()
    assert response.status_code == 500
    assert "boom: a secret detail" in page  # the technical page indeed
    assert "db.example" in page
    assert "topsecret" not in page
