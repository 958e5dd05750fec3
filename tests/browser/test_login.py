import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_shows_and_logs_in(page, live_server, login, admin_user):
    page.goto(f"{live_server.url}/contacts/")
    # Not logged in: sent to the login page.
    expect(page.locator("h1")).to_have_text("Log in")
    login(admin_user)
    expect(page.locator("h1")).to_contain_text("Welcome")


def test_language_switcher_on_login_page(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.select_option("#language-select", "nb")
    expect(page.locator("h1")).to_have_text("Logg inn")
