"""Issue 11 in a real browser, in Norwegian: the History section of a card (filter by
field), an administrator undoing a merge from its record, and anonymising a person."""

import re

import pytest
from playwright.sync_api import expect

from contacts.models import Contact
from contacts.services import contact_create, contact_update
from duplicates import services as duplicates
from history import context as history
from history.models import Cause
from marketing_setup.models import MarketingSetup
from numbering.models import NoSeries, NoSeriesLine
from tests.duplicates.factories import cannon_pair
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nb-NO"}


def _numbered_setup():
    setup = MarketingSetup.get()
    series = NoSeries.objects.create(code="CONT", description="Contacts", manual_nos=True)
    NoSeriesLine.objects.create(series=series, line_no=10000, starting_no="CT000001")
    setup.contact_nos = series
    setup.save()


def test_history_section_filters_by_field(page, live_server, login, staff_user):
    _numbered_setup()
    company = contact_create(data={"type": "company", "name": "Fjord AS", "city": "Oslo"})
    with history.operation(Cause.EDIT):
        contact_update(contact=Contact.objects.get(pk=company.pk), data={"city": "Bergen"})
    with history.operation(Cause.EDIT):
        contact_update(contact=Contact.objects.get(pk=company.pk), data={"phone_no": "55 55 55 55"})
    login(staff_user)
    page.goto(f"{live_server.url}/contacts/{company.no}/")
    section = page.locator("#history")
    expect(section.locator("h2")).to_have_text("Historikk")
    expect(section.locator(".history-changes li").first).to_contain_text("55 55 55 55")
    section.locator("#id_history_field").select_option("city")  # submits on change
    page.wait_for_url(re.compile(r"history_field=city"))
    expect(page.locator("#history")).to_contain_text("Bergen")
    expect(page.locator("#history")).not_to_contain_text("55 55 55 55")


def test_administrator_undoes_a_merge_from_its_record(page, live_server, login, admin_user):
    MarketingSetup.get()
    kept, other = cannon_pair()
    person = PersonFactory(company=other, first_name="Kari", surname="Nordmann")
    record = duplicates.contacts_merge(keep=kept, merge=other, field_choices={"address": "merge"})
    login(admin_user)
    page.goto(f"{live_server.url}/duplicates/merges/{record.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Angre sammenslåing").click()
    page.wait_for_url(re.compile(rf"/contacts/{other.no}/$"))
    expect(page.locator(".messages")).to_contain_text("Sammenslåingen ble angret")
    expect(page.locator("main")).to_contain_text("Kirkeveien 20")
    person.refresh_from_db()
    assert person.company_id == other.pk
    assert Contact.objects.get(pk=kept.pk).address == "Storgata 1"


def test_administrator_anonymises_a_person(page, live_server, login, admin_user):
    MarketingSetup.get()
    kept, _other = cannon_pair()
    person = PersonFactory(
        company=kept, first_name="Kari", surname="Nordmann", email="kari@cannon.no"
    )
    login(admin_user)
    page.goto(f"{live_server.url}/contacts/{person.no}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Anonymiser").click()
    page.wait_for_url(re.compile(rf"/contacts/{person.no}/$"))
    expect(page.locator(".messages")).to_contain_text("ble anonymisert")
    expect(page.locator("main")).not_to_contain_text("kari@cannon.no")
    person.refresh_from_db()
    assert (person.first_name, person.email) == ("", "")
