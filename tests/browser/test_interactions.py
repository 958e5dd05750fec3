"""Logging a phone call from the contact card, as a back-office user does it."""

import pytest

from tests.factories import CompanyFactory, PersonFactory
from tests.interactions.factories import InteractionTemplateFactory, setup_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_a_phone_call_from_the_contact_card(page, live_server, login, staff_user):
    company = CompanyFactory(no="CT200", name="Bergen Kontor AS")
    person = PersonFactory(no="CT201", first_name="Ingrid", surname="Berg", company=company)
    setup_with(
        outgoing_calls=InteractionTemplateFactory(
            code="OUTGOING", description="Outgoing telephone call", unit_duration_min=15
        )
    )
    login(staff_user)

    page.goto(f"{live_server.url}/contacts/{person.no}/")
    panel = page.locator("#interactions-panel")
    assert "No interactions yet." in panel.inner_text()
    panel.get_by_role("link", name="Log phone call").click()

    page.get_by_label("Subject").fill("Asked about the spring catalogue")
    page.get_by_label("Attempt failed").check()
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(f"{live_server.url}/contacts/{person.no}/")
    assert "The phone call was logged." in page.locator(".messages").inner_text()
    panel_text = page.locator("#interactions-panel").inner_text()
    assert "Outgoing telephone call" in panel_text
    assert "1 interaction" in panel_text

    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Interactions"
    ).click()
    rows = page.locator("#interaction-entries tbody tr")
    assert rows.count() == 1
    row_text = rows.first.inner_text()
    assert "CT201" in row_text
    assert "Asked about the spring catalogue" in row_text
    assert "Attempt failed" in row_text
