"""Brute-force protection in the browser (nb): after the failed sign-ins the login page
itself says, in Norwegian, that the user name is locked out for now."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nb-NO"}


def test_a_locked_out_user_name_is_told_so_on_the_login_page(
    page, live_server, staff_user, settings
):
    settings.AXES_FAILURE_LIMIT = 2
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(2):
        page.fill("#id_username", staff_user.get_username())
        page.fill("#id_password", "wrong")
        page.click("button[type=submit]")
    expect(page.locator("#lockout")).to_contain_text("For mange mislykkede innlogginger")
    expect(page.locator("h1")).to_have_text("Logg inn")
    expect(page.locator("#id_password")).to_be_visible()
