"""Every form of the staff pages, fuzzed as an administrator and as back-office staff.

The forms are found on the pages themselves (every URL of the project, walked as in
tests/crm_site/test_security.py, on a world where each kind of form shows: linked
business relations, a person that does not follow its company, a deleted contact to
restore). Each gets a few hostile examples (tests/fuzz/hostile.py) with a fixed seed:
never a 500, and a refused submission writes nothing (tests/fuzz/runner.py).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import resolve

from contacts import services as contact_services
from contacts.models import Contact
from tests.crm_site.test_security import ENDPOINTS, _url, objects  # noqa: F401  (fixture)
from tests.fuzz.checks import WriteWatch
from tests.fuzz.runner import discover, fuzz_form, guessed_form
from tests.opportunities.factories import setup_opportunities
from tests.relations.factories import setup_sync

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

#: POST-only views no page of this world shows a form for: fuzzed with guessed fields
#: (runner.GUESSED_FIELDS). A page form that disappears shows up here.
NO_PAGE_FORM = {
    "api_documents",  # JSON for scripts (its old URL); the API's own is tests/fuzz/test_api.py
    "duplicates:review_answer",  # shown once a search has questions: test_steps.py
    "duplicates:merge_undo",  # shown for a merge made through the service: test_steps.py
}
#: Examples per form and role: the first is the untouched submission.
EXAMPLES = {"administrator": 4, "staff": 3}


@pytest.fixture
def world(objects, settings, tmp_path):  # noqa: F811
    settings.IMPORT_UPLOAD_ROOT = str(tmp_path)
    setup_sync()
    setup_opportunities()
    # A person that differs from its company (the follow-company forms), a deleted
    # contact (the restore form on its history page).
    Contact.objects.filter(no="SEC-PE").update(city="Elsewhere")
    gone = contact_services.contact_create(data={"type": "company", "no": "FZ-GONE", "name": "X"})
    world = {**objects, "gone": f"/history/contacts.contact/{gone.pk}/"}
    contact_services.contact_delete(contact=gone)
    return world


def _pages(world) -> list[str]:
    pages = [
        _url(name, regex, world)
        for name, regex in ENDPOINTS
        if name and not name.startswith(("admin:", "api:")) and name != "health"
    ]
    return [*pages, "/contacts/SEC-PE/", "/contacts/SEC-PE/edit/", world["gone"]]


def _view(path: str) -> str:
    return resolve(urlsplit(path).path).view_name


def test_every_page_form_survives_hostile_values(client, world, admin_user, staff_user):
    """The forms an administrator sees, fuzzed as one and then as staff (who may be
    refused: a 403 must write nothing either)."""
    client.raise_request_exception = False
    client.force_login(admin_user)
    found, post_only = discover(client, _pages(world))
    covered = {_view(form.action) for form in found.values()}
    guessed = {_view(page): page for page in post_only if _view(page) not in covered}
    assert set(guessed) == set(NO_PAGE_FORM)
    found.update({page: guessed_form(page) for page in guessed.values()})
    assert len(found) > 40
    watch, failures = WriteWatch(), []
    for role, user in (("administrator", admin_user), ("staff", staff_user)):
        client.force_login(user)
        for form in found.values():
            fuzz_form(client, form, watch, failures, examples=EXAMPLES[role])
    assert failures == [], "\n".join(failures)
