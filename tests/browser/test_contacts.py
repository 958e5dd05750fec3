"""Browser: create a company and a person, see inheritance and propagation on the cards."""

import re

import pytest
from playwright.sync_api import expect

from marketing_setup.models import MarketingSetup
from tests.factories import (
    NoSeriesFactory,
    NoSeriesLineFactory,
    SalespersonFactory,
    TerritoryFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reference_data(db):
    series = NoSeriesFactory(code="CONT", manual_nos=True)
    NoSeriesLineFactory(series=series, starting_no="CT000001")
    setup = MarketingSetup.get()
    setup.contact_nos = series
    setup.save()
    SalespersonFactory(code="JO", name="Jo Salg")
    TerritoryFactory(code="VEST", description="Vestlandet")


def field(page, name):
    return page.locator(f"#field-{name}")


def test_company_person_inheritance_and_propagation(
    page, live_server, login, admin_user, reference_data
):
    login(admin_user)

    # Create a company from the contact list.
    page.goto(f"{live_server.url}/contacts/")
    page.click("text=New company")
    page.fill("#id_name", "Fjordlys AS")
    page.fill("#id_address", "Bryggen 1")
    page.fill("#id_post_code", "5003")
    page.fill("#id_city", "Bergen")
    page.select_option("#id_country", "NO")
    page.fill("#id_phone_no", "55 11 22 33")
    page.fill("#id_email", "post@fjordlys.no")
    page.select_option("#id_salesperson", "JO")
    page.select_option("#id_territory", "VEST")
    page.click("button[type=submit].primary")
    expect(page.locator("h1")).to_contain_text("Fjordlys AS")
    company_url = page.url
    expect(page.locator(".messages")).to_contain_text("CT000001 was created")

    # Create a person from the company card: the company is pre-filled.
    page.locator("#persons").get_by_role("link", name="New person").click()
    expect(page.locator("main")).to_contain_text("Fjordlys AS")
    page.fill("#id_first_name", "Kari")
    page.fill("#id_surname", "Nordmann")
    page.fill("#id_job_title", "Innkjøper")
    page.click("button[type=submit].primary")
    expect(page.locator("h1")).to_contain_text("Kari Nordmann")
    person_url = page.url

    # The person shows the inherited values with "inherited" badges.
    for name, value in (("city", "Bergen"), ("phone_no", "55 11 22 33"), ("territory", "VEST")):
        expect(field(page, name)).to_contain_text(value)
        expect(field(page, name).locator(".badge.inherited")).to_be_visible()
    expect(page.locator("#company-link")).to_have_text("Fjordlys AS")

    # Override the person's e-mail by hand.
    page.click("text=Edit")
    page.fill("#id_email", "kari@home.no")
    page.click("button[type=submit].primary")
    expect(field(page, "email")).to_contain_text("kari@home.no")
    expect(field(page, "email").locator(".badge.overridden")).to_be_visible()

    # Change the company's address, phone and e-mail on its edit page.
    page.goto(company_url)
    expect(page.locator("#persons")).to_contain_text("Kari Nordmann")
    page.click("text=Edit")
    page.fill("#id_address", "Strandkaien 2")
    page.fill("#id_phone_no", "55 99 99 99")
    page.fill("#id_email", "firma@fjordlys.no")
    page.click("button[type=submit].primary")
    expect(field(page, "address")).to_contain_text("Strandkaien 2")

    # The person followed the address and phone, and kept the overridden e-mail.
    page.goto(person_url)
    expect(field(page, "address")).to_contain_text("Strandkaien 2")
    expect(field(page, "address").locator(".badge.inherited")).to_be_visible()
    expect(field(page, "phone_no")).to_contain_text("55 99 99 99")
    expect(field(page, "email")).to_contain_text("kari@home.no")
    expect(field(page, "email").locator(".badge.overridden")).to_be_visible()

    # "Follow company" on the e-mail makes it follow again.
    field(page, "email").get_by_role("button", name="Follow company").click()
    expect(page.locator(".messages")).to_contain_text("follow the company again")
    expect(field(page, "email")).to_contain_text("firma@fjordlys.no")
    expect(field(page, "email").locator(".badge.inherited")).to_be_visible()
    expect(page.locator("#inheritance")).to_contain_text("All inheritable fields follow")
    assert re.search(r"/contacts/CT\d+/$", person_url)


def test_live_search_updates_the_table(page, live_server, login, admin_user, reference_data):
    from contacts.models import Contact

    Contact.objects.create(no="C1", name="Fjordlys AS", city="Bergen")
    Contact.objects.create(no="C2", name="Nordlys AS", city="Tromsø")
    login(admin_user)
    page.goto(f"{live_server.url}/contacts/")
    expect(page.locator("#contact-list tbody tr")).to_have_count(2)
    page.locator("#id_q").press_sequentially("trom")
    expect(page.locator("#contact-list tbody tr")).to_have_count(1)
    expect(page.locator("#contact-list")).to_contain_text("Nordlys AS")
    expect(page).to_have_url(re.compile(r"q=trom"))
