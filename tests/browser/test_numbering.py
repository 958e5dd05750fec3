"""The number series page in a real browser: menu entry, next numbers, nothing consumed."""

import pytest

from numbering.models import NoSeriesLine
from tests.numbering.factories import make_series

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_sees_next_numbers_from_the_menu(login, live_server, staff_user):
    make_series("CONT", {"starting_no": "CT0001", "last_no_used": "CT0009"}, description="Contacts")
    make_series(
        "OPP", {"starting_no": "OP1", "ending_no": "OP5", "last_no_used": "OP5", "open": False}
    )
    page = login(staff_user)
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Number series"
    ).click()
    row = page.locator("#series-CONT")
    assert row.locator("td").nth(9).inner_text().strip() == "CT0010"
    assert "You cannot assign numbers greater than OP5" in page.locator("#series-OPP").inner_text()
    assert page.get_by_role("link", name="Edit number series").count() == 0
    assert NoSeriesLine.objects.get(series_id="CONT").last_no_used == "CT0009"


def test_administrator_switches_a_line_to_gaps_allowed_in_norwegian(login, live_server, admin_user):
    """Item 14.11 in nb: the admin's implementation field switches a line to Sequence;
    the series page then says gaps are allowed and the numbering goes on."""
    from django.db import transaction

    from numbering import services

    make_series(
        "CONT", {"starting_no": "CT0001", "last_no_used": "CT0009"}, description="Kontakter"
    )
    page = login(admin_user)
    page.context.add_cookies([{"name": "django_language", "value": "nb", "url": live_server.url}])
    page.goto(f"{live_server.url}/admin/numbering/noseries/CONT/change/")
    page.select_option("#id_lines-0-implementation", label="Sekvens (hull tillatt)")
    page.get_by_role("button", name="Lagre", exact=True).click()
    page.goto(f"{live_server.url}/numbering/")
    row = page.locator("#series-CONT")
    assert "Hull tillatt" in row.inner_text()
    assert row.locator("td").nth(9).inner_text().strip() == "CT0010"
    line = NoSeriesLine.objects.get(series_id="CONT")
    assert line.implementation == "sequence" and line.sequence_name
    services.clear_caches()
    with transaction.atomic():
        assert services.series_next_number("CONT") == "CT0010"
    page.reload()
    assert page.locator("#series-CONT td").nth(6).inner_text().strip() == "CT0010"


def test_new_contact_draws_from_a_chosen_related_series_in_norwegian(
    login, live_server, staff_user
):
    """Item 14.10 in nb: with a series related to Contact Nos., the new-company page
    offers both; the contact gets the next number of the one chosen."""
    from marketing_setup.models import MarketingSetup
    from numbering.models import NoSeriesRelationship

    cont = make_series("CONT", {"starting_no": "CT0001"}, description="Kontakter")
    vip = make_series("CONT-VIP", {"starting_no": "VIP001"}, description="Nøkkelkunder")
    NoSeriesRelationship.objects.create(series=cont, related_series=vip)
    setup = MarketingSetup.get()
    setup.contact_nos = cont
    setup.save()

    page = login(staff_user)
    page.context.add_cookies([{"name": "django_language", "value": "nb", "url": live_server.url}])
    page.goto(f"{live_server.url}/contacts/new/?type=company")
    series = page.get_by_label("Nummerserie")
    assert series.input_value() == "CONT"
    series.select_option(label="CONT-VIP – Nøkkelkunder")
    page.fill("#id_name", "Fjord Nøkkel AS")
    page.get_by_role("button", name="Lagre", exact=True).click()
    page.wait_for_url(f"{live_server.url}/contacts/VIP001/")
    assert "Fjord Nøkkel AS" in page.locator("h1").inner_text()
