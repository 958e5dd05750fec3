"""The contact list's toolbar, empty filter form and bulk actions are built once per
language, setup version and permissions ({% setup_cached %}): what each user sees is
what a fresh render shows them."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from marketing_setup import versioning
from marketing_setup.models import Salesperson

pytestmark = pytest.mark.django_db


def _page(client, **params) -> str:
    response = client.get(reverse("contacts:list"), params)
    assert response.status_code == 200
    # The CSRF token is masked afresh on every request.
    return re.sub(r'(name="csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", response.text)


def test_a_cached_page_is_the_page_a_fresh_render_writes(staff_client, codes):
    versioning.clear()
    built = _page(staff_client)
    assert _page(staff_client) == built  # served from the cache
    versioning.clear()
    assert _page(staff_client) == built
    assert "New company" in built and "Bulk actions on the selected contacts" in built


def test_each_user_sees_the_buttons_of_their_own_permissions(
    client, staff_user, django_user_model, codes
):
    reader = django_user_model.objects.create_user("reader", "r@example.com", "x")
    reader.user_permissions.add(Permission.objects.get(codename="view_contact"))
    versioning.clear()
    client.force_login(staff_user)
    assert "New company" in _page(client)
    assert 'value="delete"' in _page(client)
    client.force_login(reader)
    page = _page(client)
    assert "New company" not in page
    assert "Bulk actions" not in page
    client.force_login(staff_user)
    assert "New company" in _page(client)


def test_a_new_salesperson_is_offered_on_the_next_page(staff_client, codes):
    versioning.clear()
    assert "Zoë Zander" not in _page(staff_client)
    Salesperson.objects.create(code="ZZ", name="Zoë Zander")
    page = _page(staff_client)
    # In the filter and in the bulk assignment.
    assert page.count('<option value="ZZ">ZZ – Zoë Zander</option>') == 2


def test_each_language_gets_its_own_labels(staff_client, codes):
    versioning.clear()
    english = _page(staff_client)
    staff_client.cookies.load({"django_language": "nb"})
    norwegian = _page(staff_client)
    staff_client.cookies.load({"django_language": "nl"})
    dutch = _page(staff_client)
    assert "New company" in english
    assert "Nytt firma" in norwegian and "New company" not in norwegian
    assert "Nieuw bedrijf" in dutch and "Nytt firma" not in dutch


def test_a_search_shows_what_was_typed_not_the_empty_form(staff_client, codes):
    versioning.clear()
    _page(staff_client)  # the empty form cached
    page = _page(staff_client, q="Cannon & Co", salesperson="PS")
    assert 'value="Cannon &amp; Co"' in page
    assert '<option value="PS" selected>' in page
    assert 'value="Cannon' not in _page(staff_client)


def test_a_cached_page_builds_neither_form(staff_client, codes, monkeypatch):
    """The filter and bulk forms are drawn only inside the cached blocks: once cached,
    the page constructs neither (their fields' copies were a tenth of its time)."""
    from contacts import views

    built = []
    for name in ("ContactFilterForm", "ContactBulkForm"):
        form_class = getattr(views, name)
        monkeypatch.setattr(
            views,
            name,
            lambda *a, form_class=form_class, **k: built.append(form_class) or form_class(*a, **k),
        )
    versioning.clear()
    first = _page(staff_client)
    assert len(built) == 2
    built.clear()
    assert _page(staff_client) == first
    # Paging and sorting the unfiltered list (and empty filter fields) show the empty
    # form too: from the cache as well, once that sort's block is there.
    for params in ({"after": "CT0000001", "sort": "name"}, {"q": "", "type": "", "last": "1"}):
        _page(staff_client, **params)
        built.clear()
        _page(staff_client, **params)
        assert built == []
    # A search binds the filter form (its values are the request's): built every time.
    assert "errorlist" in _page(staff_client, salesperson="NO-SUCH")
    assert len(built) == 1
