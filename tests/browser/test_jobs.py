"""Issue 10 in a real browser, in Norwegian: an administrator starts the rebuild of the
duplicate search strings from the duplicates page, lands on the job, and sees a real
worker process finish it (the page polls with htmx; no reload); axe-core on the job's
page and the Jobs list."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from duplicates.models import ContactDuplicate
from jobs.models import Job
from marketing_setup.models import MarketingSetup
from tests.duplicates.factories import cannon_pair
from tests.jobs.conftest import Workers, database_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nb-NO"}


def test_a_job_started_from_the_duplicates_page_finishes_in_a_worker(
    page, live_server, login, admin_user
):
    MarketingSetup.get()
    MarketingSetup.objects.update(maintain_search_strings=False, autosearch_for_duplicates=False)
    kept, _other = cannon_pair()
    MarketingSetup.objects.update(maintain_search_strings=True, autosearch_for_duplicates=True)
    login(admin_user)
    page.goto(f"{live_server.url}/duplicates/")
    page.get_by_role("button", name="Generer dublettsøkestrenger").click()
    job = Job.objects.get()
    page.wait_for_url(f"{live_server.url}/jobs/{job.pk}/")
    expect(page.locator(".messages")).to_contain_text(f"satt i kø som jobb {job.pk}")
    expect(page.locator("#job-state")).to_have_text("I kø")

    workers = Workers(database_url())
    try:
        workers.start()
        # The status polls every 2 s: the same page shows the end without a reload.
        expect(page.locator("#job-state")).to_have_text("Fullført", timeout=60_000)
    finally:
        workers.close()
    expect(page.locator("#job-result")).to_contain_text(
        "Søkestrenger bygget på nytt for 2 firmaer."
    )
    expect(page.locator("progress.job-progress")).to_have_attribute("value", "2")
    expect(page.locator("#job-cancel")).to_have_count(0)
    assert ContactDuplicate.objects.count() == 1
    axe = Axe()
    assert _serious(axe, page) == []

    # The menu leads to the list, which shows the finished job.
    page.locator("#mainnav").get_by_role("link", name="Jobber", exact=True).click()
    expect(page.locator(f"#job-{job.pk}")).to_contain_text("Fullført")
    expect(page.locator("main")).not_to_contain_text(kept.no)
    assert _serious(axe, page) == []


def _serious(axe, page) -> list[str]:
    violations = axe.run(page).response["violations"]
    return [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
