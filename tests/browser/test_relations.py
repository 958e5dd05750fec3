"""Browser: turn a company contact into a customer from its card."""

import pytest
from playwright.sync_api import expect

from relations.models import Customer
from tests.factories import CompanyFactory
from tests.relations.factories import setup_sync

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_customer_from_contact_card(page, live_server, login, admin_user):
    setup_sync()
    company = CompanyFactory(
        no="CT000100",
        name="Nordlys Handel AS",
        address="Storgata 12",
        post_code="9008",
        city="Tromsø",
        country="NO",
        phone_no="77 60 00 00",
    )
    login(admin_user)

    page.goto(f"{live_server.url}/contacts/{company.no}/")
    panel = page.locator("#panel-relations")
    expect(panel.get_by_test_id("business-relation-summary")).to_have_text("None")
    panel.get_by_role("button", name="Create as customer").click()

    customer = Customer.objects.get()
    expect(page.locator(".messages")).to_contain_text(
        f"The customer {customer.no} has been created."
    )
    panel = page.locator("#panel-relations")
    expect(panel.get_by_test_id("business-relation-summary")).to_have_text("Customer")
    expect(panel.get_by_role("button", name="Create as customer")).to_have_count(0)

    panel.get_by_role("link", name=f"{customer.no} Nordlys Handel AS").click()
    expect(page.locator("h1")).to_contain_text("Nordlys Handel AS")
    expect(page.locator('[data-field="address"]')).to_have_text("Storgata 12")
    expect(page.locator('[data-field="city"]')).to_have_text("Tromsø")
    expect(page.locator('[data-field="phone_no"]')).to_have_text("77 60 00 00")
    expect(page.get_by_role("link", name=f"{company.no} Nordlys Handel AS")).to_be_visible()
