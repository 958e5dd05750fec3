"""Browser (nb): a large contact file goes to the background (issue 9.7, 10.2): the
preview of its first rows, "Importer i bakgrunnen", the job's page with its progress,
a real worker process finishing it (htmx polling, no reload), and the links to the
imported contacts and the duplicate search of the new companies; axe-core on the page."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from contacts.models import Contact
from jobs.models import Job
from marketing_setup.models import MarketingSetup
from tests.factories import NoSeriesFactory, NoSeriesLineFactory
from tests.jobs.conftest import Workers, database_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _file(companies: int) -> bytes:
    lines = ["Type;Nr;Firmanavn;Firmanr.;Fornavn;Etternavn;Poststed"]
    for n in range(1, companies + 1):
        lines.append(f"firma;K{n};Fjordfisk {n} AS;;;;Bodø")
        lines.append(f"person;;;K{n};Åse;Ødegård {n};")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def test_a_large_file_is_imported_in_the_background_and_found_finished(
    page, live_server, login, staff_user, tmp_path, settings
):
    settings.IMPORT_BACKGROUND_ROWS = 50
    series = NoSeriesFactory(code="CONT", manual_nos=True)
    NoSeriesLineFactory(series=series, starting_no="CT000001")
    setup = MarketingSetup.get()
    setup.contact_nos = series
    setup.save()
    path = tmp_path / "kontakter.csv"
    path.write_bytes(_file(250))
    page.context.add_cookies([{"name": "django_language", "value": "nb", "url": live_server.url}])
    login(staff_user)
    page.goto(f"{live_server.url}/contacts/import/")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Forhåndsvis").click()
    expect(page.locator("#import-counts")).to_contain_text("Filen har mer enn 50 rader")
    expect(page.locator("#import-background")).to_contain_text("kjøres i bakgrunnen")
    page.get_by_role("button", name="Importer i bakgrunnen").click()

    job = Job.objects.get()
    page.wait_for_url(f"{live_server.url}/jobs/{job.pk}/")
    expect(page.locator("h1")).to_contain_text("Importer kontakter fra kontakter.csv")
    expect(page.locator("#job-state")).to_have_text("I kø")
    workers = Workers(database_url())
    try:
        workers.start()
        expect(page.locator("#job-state")).to_have_text("Fullført", timeout=90_000)
    finally:
        workers.close()
    expect(page.locator("#job-result")).to_contain_text(
        "250 firmaer og 250 personer opprettet, 0 rader med feil hoppet over."
    )
    expect(page.locator("progress.job-progress")).to_have_attribute("value", "500")
    links = page.locator("#job-links")
    expect(
        links.get_by_role("link", name="Finn dubletter av de importerte firmaene")
    ).to_be_visible()
    expect(links.get_by_role("link", name="Se de mulige dublettene")).to_be_visible()
    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []
    assert Contact.objects.count() == 500

    links.get_by_role("link", name="Se de importerte kontaktene").click()
    expect(page.locator("main")).to_contain_text("Kontakt K1")
