"""Issue 14.1 in a real browser, in Norwegian: the method setting, what Search Hit % does
for it, and Autosearch off finding nothing on save."""

import pytest
from playwright.sync_api import expect

from duplicates.models import ContactDuplicate, ContactSearchString
from marketing_setup.models import MarketingSetup
from tests.duplicates.factories import cannon_pair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nb-NO"}


def test_method_explanation_and_autosearch_off_in_norwegian(page, live_server, login, admin_user):
    MarketingSetup.get()
    login(admin_user)
    page.goto(f"{live_server.url}/setup/marketing/")
    explanation = page.locator("#search-hit-pct-explanation")
    expect(explanation).to_contain_text("Lært metode: den laveste sannsynligheten")
    expect(page.locator("#duplicate-model")).to_contain_text("Lært dublettmodell")

    page.select_option("#id_duplicate_search_method", "reference")
    page.uncheck("#id_autosearch_for_duplicates")
    page.click("form.setup-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("metoden for dublettsøk er endret")
    expect(explanation).to_contain_text("Søkestrengmetoden: andelen av linjene")
    setup = MarketingSetup.objects.get()
    assert (setup.duplicate_search_method, setup.autosearch_for_duplicates) == ("reference", False)

    # Autosearch off: saving companies keeps their search strings and finds nothing.
    kept, other = cannon_pair()
    assert ContactSearchString.objects.filter(contact=other).exists()
    assert not ContactDuplicate.objects.exists()
    page.goto(f"{live_server.url}/duplicates/")
    expect(page.locator("main")).not_to_contain_text(kept.no)
