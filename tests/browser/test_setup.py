"""The Marketing Setup page in a real browser: edit, save, reload; invalid Search Hit %."""

import re

import pytest
from playwright.sync_api import expect

from marketing_setup.models import MarketingSetup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_edits_and_saves_marketing_setup(page, live_server, login, admin_user):
    login(admin_user)
    page.click("nav.mainnav >> text=Marketing Setup")
    expect(page.locator("h1")).to_have_text("Marketing Setup")
    expect(page.locator("legend").first).to_have_text("Inheritance")

    page.fill("#id_search_hit_pct", "72")
    page.uncheck("#id_inherit_territory")
    page.click("form.setup-form button[type=submit]")

    expect(page.locator(".messages")).to_contain_text("Marketing Setup saved.")
    page.reload()
    expect(page.locator("#id_search_hit_pct")).to_have_value("72")
    expect(page.locator("#id_inherit_territory")).not_to_be_checked()
    expect(page.locator("#id_inherit_address")).to_be_checked()
    stored = MarketingSetup.objects.get()
    assert (stored.search_hit_pct, stored.inherit_territory) == (72, False)


def test_unticking_maintain_also_unticks_autosearch(page, live_server, login, admin_user):
    login(admin_user)
    page.goto(f"{live_server.url}/setup/marketing/")
    page.uncheck("#id_maintain_search_strings")
    expect(page.locator("#id_autosearch_for_duplicates")).to_be_checked()
    page.click("form.setup-form button[type=submit]")

    expect(page.locator(".messages")).to_contain_text("Autosearch for duplicates was switched off")
    expect(page.locator("#id_maintain_search_strings")).not_to_be_checked()
    expect(page.locator("#id_autosearch_for_duplicates")).not_to_be_checked()


def test_invalid_search_hit_pct_shows_error(page, live_server, login, admin_user):
    login(admin_user)
    page.goto(f"{live_server.url}/setup/marketing/")
    page.fill("#id_search_hit_pct", "101")
    page.click("form.setup-form button[type=submit]")

    expect(page.locator("#search_hit_pct-errors")).to_have_text(
        "Search Hit % must be between 1 and 100."
    )
    page.goto(f"{live_server.url}/setup/marketing/")
    expect(page.locator("#id_search_hit_pct")).to_have_value("60")


def test_switching_maintain_on_offers_to_generate_search_strings(
    page, live_server, login, admin_user
):
    setup = MarketingSetup.get()
    setup.maintain_search_strings = setup.autosearch_for_duplicates = False
    setup.save()
    login(admin_user)
    page.goto(f"{live_server.url}/setup/marketing/")
    page.check("#id_maintain_search_strings")
    page.click("form.setup-form button[type=submit]")

    expect(page.locator(".messages")).to_contain_text("generate the duplicate search strings")
    page.click(".messages button:has-text('Generate duplicate search strings')")
    # The rebuild is long work: it is queued as a job and the page follows it.
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    from duplicates.tasks import rebuild_search_strings
    from jobs.models import Job

    job = Job.objects.get(kind=rebuild_search_strings.module_path)
    assert job.started_by == admin_user
    expect(page.locator("main")).to_contain_text(str(job.label))
