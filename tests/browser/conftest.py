"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium).

Run them in their own pytest process (`-m browser`): Playwright's sync API keeps an
asyncio loop in the main thread, so Django's async-safety check must be off here.
"""

import os
import shutil

import pytest


def pytest_configure(config):
    """Switch Django's async-safety check off only for a browser run (`-m browser`),
    so the unit runs, which import this conftest too, keep the check."""
    markexpr = config.getoption("markexpr", default="") or ""
    if "browser" in markexpr and "not browser" not in markexpr:
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Use the system Chromium; never a Playwright-downloaded browser."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture
def login(page, live_server):
    """Log a user in through the real login form; returns a function(user, password)."""
    from tests.conftest import PASSWORD

    def _login(user, password: str = PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.get_username())
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return _login
