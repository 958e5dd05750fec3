"""Browser (nb): import a Norwegian Excel CSV (semicolons, Windows-1252): the column mapping,
a missing salesperson created in the preview, the import, the message (issue 9)."""

import pytest
from playwright.sync_api import expect

from contacts.models import Contact
from marketing_setup.models import MarketingSetup, Salesperson
from tests.factories import NoSeriesFactory, NoSeriesLineFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILE = (
    "Type;Nr;Firmanavn;Postnummer;Poststed;Selger;Farge\r\n"
    "firma;K100;Bodø Fisk AS;8006;Bodø;NY;blå\r\n"
    "person;K101;Åse Ødegård;;;NY;\r\n"
).encode("cp1252")


def test_norwegian_file_with_a_missing_salesperson(page, live_server, login, admin_user, tmp_path):
    series = NoSeriesFactory(code="CONT", manual_nos=True)
    NoSeriesLineFactory(series=series, starting_no="CT000001")
    setup = MarketingSetup.get()
    setup.contact_nos = series
    setup.save()
    path = tmp_path / "kontakter.csv"
    path.write_bytes(FILE)
    page.context.add_cookies([{"name": "django_language", "value": "nb", "url": live_server.url}])
    login(admin_user)
    page.goto(f"{live_server.url}/contacts/import/")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Forhåndsvis").click()
    expect(page.locator("#import-ignored")).to_contain_text("Farge")
    expect(page.locator("#import-missing")).to_contain_text("NY")
    page.select_option("#import-missing select", "__create__")
    page.click("#apply-codes")
    expect(page.locator("#import-counts")).to_contain_text("2 rader blir importert")
    page.click("#confirm-import")
    expect(page.locator(".messages")).to_contain_text("Koder opprettet: Selger NY")
    assert Salesperson.objects.filter(code="NY").exists()
    assert Contact.objects.get(no="K101").name == "Åse Ødegård"


UPDATE_FILE = (
    "Type;Nr;Firmanavn;Postnummer;Poststed\r\nfirma;K200;;9008;Tromsø\r\nfirma;K201;Ny AS;;Alta\r\n"
).encode("cp1252")


def test_norwegian_update_row_shown_changed_per_row_and_imported(
    page, live_server, login, admin_user, tmp_path
):
    from contacts.services import contact_create

    series = NoSeriesFactory(code="CONT", manual_nos=True)
    NoSeriesLineFactory(series=series, starting_no="CT000001")
    setup = MarketingSetup.get()
    setup.contact_nos = series
    setup.save()
    contact_create(data={"type": "company", "no": "K200", "name": "Bodø Fisk AS", "city": "Bodø"})
    path = tmp_path / "oppdatering.csv"
    path.write_bytes(UPDATE_FILE)
    page.context.add_cookies([{"name": "django_language", "value": "nb", "url": live_server.url}])
    login(admin_user)
    page.goto(f"{live_server.url}/contacts/import/")
    page.set_input_files("#id_file", str(path))
    page.get_by_label("Oppdater kontakter der nummeret finnes").check()
    page.get_by_role("button", name="Forhåndsvis").click()
    decisions = page.locator("#import-decisions")
    expect(decisions).to_contain_text("samme nummer")
    expect(decisions).to_contain_text("Bodø → Tromsø")
    expect(page.locator("#import-actions")).to_contain_text("1 å opprette, 1 å oppdatere")
    # A row's choice sends the form at once (data-autosubmit) and the counts follow.
    page.select_option("#action-2", "skip")
    expect(page.locator("#import-actions")).to_contain_text("1 å hoppe over")
    page.select_option("#action-2", "update")
    expect(page.locator("#import-actions")).to_contain_text("1 å oppdatere, 0 å hoppe over")
    page.click("#confirm-import")
    expect(page.locator(".messages")).to_contain_text("Oppdaterte 1 firmaer")
    company = Contact.objects.get(no="K200")
    assert (company.name, company.city, company.post_code) == ("Bodø Fisk AS", "Tromsø", "9008")
    assert Contact.objects.get(name="Ny AS").city == "Alta"
