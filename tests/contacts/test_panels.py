"""Contact card panels: a panel whose context function fails is left out, not fatal."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from contacts.panels import card_panels, register_card_panel
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

FAILING = "test-failing-panel"
WORKING = "test-working-panel"


def _fail(request, contact):
    raise RuntimeError("panel exploded")


def _fail_in_the_database(request, contact):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_for_panels")
    return {}


@pytest.fixture
def panels():
    """Register test panels; remove them afterwards (the registry is process-wide)."""
    added = []

    def add(key, context, template_name="contacts/no_such_panel.html"):
        register_card_panel(key, template_name, context, order=1)
        added.append(key)

    yield add
    for key in added:
        card_panels.panels.pop(key, None)


@pytest.fixture
def request_for(staff_user):
    request = RequestFactory().get("/")
    request.user = staff_user
    return request


def test_a_failing_panel_is_logged_and_left_out(panels, request_for, caplog):
    panels(FAILING, _fail)
    panels(WORKING, lambda request, contact: {"greeting": "hello"})
    company = CompanyFactory()

    with caplog.at_level(logging.ERROR, logger="contacts.panels"):
        shown = card_panels.for_request(request_for, company)

    keys = [p["key"] for p in shown]
    assert FAILING not in keys
    assert WORKING in keys
    assert any(FAILING in r.getMessage() and r.exc_info for r in caplog.records)


def test_a_failing_panel_is_raised_when_debug_is_on(panels, request_for, settings):
    settings.DEBUG = True
    panels(FAILING, _fail)
    with pytest.raises(RuntimeError, match="panel exploded"):
        card_panels.for_request(request_for, CompanyFactory())


@pytest.mark.parametrize("context", [_fail, _fail_in_the_database])
def test_the_card_still_renders_with_a_failing_panel(panels, staff_client, context):
    # A database error too: the request's transaction stays usable (PostgreSQL).
    panels(FAILING, context)
    company = CompanyFactory(name="Fjord Møbler AS")

    response = staff_client.get(reverse("contacts:detail", kwargs={"no": company.no}))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Fjord Møbler AS" in html
    assert 'id="interactions-panel"' in html  # the other panels are still there


# Transactional (its flush empties the data migrations' rows): with the process tests,
# one at a time after the in-process ones (tests/conftest.py, scripts/suite.sh).
@pytest.mark.processes
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("context", [_fail, _fail_in_the_database])
def test_the_card_reads_in_autocommit_and_survives_a_failing_panel(
    panels, client, django_user_model, context
):
    """The card runs outside the request's transaction (non_atomic_requests): no
    BEGIN, no savepoint per panel, and a panel's failed query spares the others."""
    from django.contrib.auth.models import Group
    from django.test.utils import CaptureQueriesContext

    from crm_site.roles import STAFF
    from tests.conftest import PASSWORD

    user = django_user_model.objects.create_user("reader", "reader@example.com", PASSWORD)
    user.groups.add(Group.objects.get(name=STAFF))
    client.force_login(user)
    panels(FAILING, context)
    company = CompanyFactory(name="Fjord Møbler AS")
    url = reverse("contacts:detail", kwargs={"no": company.no})
    client.get(url)  # the first visit writes the session's recent contacts

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Fjord Møbler AS" in html
    assert 'id="interactions-panel"' in html
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    assert not {"BEGIN", "SAVEPOINT", "RELEASE", "COMMIT"} & set(statements), statements
