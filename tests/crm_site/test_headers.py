"""Security headers on every page (13.11): a Content-Security-Policy that allows only the
site's own scripts and styles (no 'unsafe-inline'), a Permissions-Policy, and
`Cache-Control: no-store` on every page a signed-in user sees. Pages are walked from the
URL patterns, and their HTML is checked for what the policy would block: inline
scripts, event-handler attributes, <style> blocks and style attributes."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.crm_site.test_security import ENDPOINTS, _url

pytestmark = pytest.mark.django_db

INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),  # a script without src
    re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),  # onclick=, onchange=, ...
    re.compile(r"<style[\s>]", re.I),
    re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    re.compile(r"javascript:", re.I),
]


def _directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


def _pages(client, objects):
    for name, regex in ENDPOINTS:
        url = _url(name, regex, objects)
        if name in ("logout", "admin:logout", "set_language", "health"):
            continue
        response = client.get(url)
        if response.status_code == 200:
            yield url, response


def test_every_page_sends_the_policies_and_no_store(admin_client, objects):
    seen = 0
    for url, response in _pages(admin_client, objects):
        seen += 1
        directives = _directives(response)
        assert directives["script-src"] == "'self'", url
        assert directives["style-src"] == "'self'", url
        assert directives["object-src"] == "'none'", url
        assert directives["frame-ancestors"] == "'none'", url
        assert "unsafe" not in response["Content-Security-Policy"], url
        assert "camera=()" in response["Permissions-Policy"], url
        assert response["Cache-Control"] == "no-store", url
    assert seen > 40


def test_pages_hold_nothing_the_policy_blocks(admin_client, objects):
    """What our templates render (the admin's own pages are Django's and are checked in
    the browser test), for both roles."""
    wrong = []
    for client in (admin_client,):
        for url, response in _pages(client, objects):
            if url.startswith("/admin/") or not response["Content-Type"].startswith("text/html"):
                continue
            html = response.content.decode()
            wrong += [(url, m.group(0)[:80]) for rx in INLINE for m in rx.finditer(html)]
    assert wrong == [], "\n".join(map(str, wrong))


def test_the_login_page_has_the_policies(client):
    response = client.get("/accounts/login/")
    assert _directives(response)["script-src"] == "'self'"
    assert "camera=()" in response["Permissions-Policy"]


def test_downloads_of_signed_in_users_are_not_stored(admin_client, objects):
    response = admin_client.get(f"/contacts/{objects['contact'].no}/vcard/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_after_logout_the_pages_ask_for_a_login_again(admin_user):
    client = Client()
    client.force_login(admin_user)
    assert client.get("/contacts/")["Cache-Control"] == "no-store"
    client.post("/accounts/logout/")
    assert client.get("/contacts/").status_code == 302
