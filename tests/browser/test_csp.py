"""Browser: the Content-Security-Policy blocks nothing the pages need (13.11). Chromium
reports every script, style or image the policy refuses (a `securitypolicyviolation`
event); pages of each kind, ours, the admin's and the API docs, are opened in nb and
none may report one. The cover sheet's print button (a handler in app.js, not inline)
still prints."""

from __future__ import annotations

import pytest

from tests.crm_site.test_security import objects  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(
    e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber
  );
});
"""


@pytest.fixture
def superuser(django_user_model):
    from tests.conftest import PASSWORD

    return django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)


def test_no_page_breaks_the_policy(page, live_server, login, superuser, objects):  # noqa: F811
    page.add_init_script(RECORD_VIOLATIONS)
    page.context.add_cookies([{"name": "django_language", "value": "nb", "url": live_server.url}])
    login(superuser)
    contact, person = objects["contact"], objects["person"]
    urls = [
        "/",
        "/contacts/?q=sec",
        f"/contacts/{contact.no}/",
        f"/contacts/{contact.no}/edit/",
        f"/interactions/contact/{person.no}/cover-sheet/",
        f"/duplicates/{objects['pair'].pk}/merge/",
        "/duplicates/",
        "/relations/",
        f"/relations/customers/{objects['customer'].no}/",
        "/numbering/",
        "/setup/marketing/",
        f"/history/contacts.contact/{contact.pk}/",
        "/api/docs/",
        "/admin/",
        "/admin/contacts/contact/add/",
        f"/admin/contacts/contact/{contact.pk}/change/",
        f"/admin/contacts/contact/{contact.pk}/history/",
    ]
    violations = {}
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        found = page.evaluate("window.__csp")
        if found:
            violations[url] = found
    assert violations == {}
    # The API docs page really drew Swagger UI from our own files.
    page.goto(live_server.url + "/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)
