"""Autosearch warning after an edit, then a merge, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from contacts.models import Contact
from marketing_setup.models import MarketingSetup
from tests.factories import CompanyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_autosearch_warning_and_merge(page, live_server, login, staff_user):
    MarketingSetup.get()
    original = CompanyFactory(
        name="Cannon Group AS",
        address="Storgata 1",
        post_code="0155",
        city="Oslo",
        phone_no="22 33 44 55",
        vat_registration_no="NO 912 345 678 MVA",
    )
    edited = CompanyFactory(
        name="Anvil Works AS",
        address="Kirkeveien 20",
        post_code="0368",
        city="Oslo",
        phone_no="+47 22 33 44 55",
        vat_registration_no="912345678",
    )
    login(staff_user)

    # Renaming the second company on the staff page makes it a likely duplicate.
    page.goto(f"{live_server.url}/contacts/{edited.no}/edit/")
    page.fill("#id_name", "Cannon Group A/S")
    page.locator("form button[type=submit].primary, form button[type=submit]").last.click()
    page.wait_for_url(re.compile(rf"/contacts/{edited.no}/$"))

    warning = page.locator(".duplicates-warning")
    expect(warning).to_contain_text("Possible duplicates found")
    expect(warning).to_contain_text(original.no)
    expect(warning).to_contain_text("same VAT registration no.")

    # Merge the original into the card's company, taking the original's address.
    warning.get_by_role("link", name="Merge").click()
    expect(page.locator("h1")).to_have_text("Merge contacts")
    page.check("input[name=field_address][value=merge]")
    page.check("input[name=confirm]")
    page.get_by_role("button", name="Merge").click()

    page.wait_for_url(re.compile(rf"/contacts/{edited.no}/$"))
    expect(page.locator("main")).to_contain_text("Storgata 1")
    expect(page.locator(".messages")).to_contain_text(f"{original.no} was merged into {edited.no}")
    expect(page.locator(".duplicates-warning")).to_have_count(0)
    assert not Contact.objects.filter(pk=original.pk).exists()
    # The merged number still leads to the kept contact, with a note (11.4).
    page.goto(f"{live_server.url}/contacts/{original.no}/")
    page.wait_for_url(re.compile(rf"/contacts/{edited.no}/$"))
    expect(page.locator(".messages")).to_contain_text(f"{original.no} was merged into")
