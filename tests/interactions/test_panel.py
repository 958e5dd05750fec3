from decimal import Decimal

import pytest
from django.test import RequestFactory

from contacts.panels import card_panels
from interactions import services
from interactions.selectors import contact_panel_context
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_panel_is_registered_for_users_who_may_view(staff_user, company):
    keys = [p["key"] for p in card_panels.for_request(_request(staff_user), company)]
    assert "interactions" in keys


def test_panel_is_hidden_without_permission(django_user_model, company):
    nobody = django_user_model.objects.create_user("nobody")
    keys = [p["key"] for p in card_panels.for_request(_request(nobody), company)]
    assert "interactions" not in keys


def test_company_panel_includes_persons_and_skips_canceled_in_totals(
    staff_user, company, person, outgoing
):
    services.interaction_log(contact=company, template=outgoing)
    services.interaction_log(contact=person, template=outgoing)
    canceled = services.interaction_log(contact=person, template=outgoing)
    canceled.canceled = True
    canceled.save()
    other = PersonFactory(no="CT999")
    services.interaction_log(contact=other, template=outgoing)

    company_ctx = contact_panel_context(_request(staff_user), company)
    person_ctx = contact_panel_context(_request(staff_user), person)

    assert len(company_ctx["interaction_entries"]) == 3
    assert company_ctx["interaction_totals"] == {
        "count": 2,
        "cost": Decimal("2"),
        "duration": Decimal("30"),
    }
    assert len(person_ctx["interaction_entries"]) == 2
    assert person_ctx["interaction_totals"]["count"] == 1
    assert company_ctx["can_log_interactions"] is True


def test_panel_template_renders_entries_and_buttons(staff_user, person, outgoing):
    from django.template.loader import render_to_string

    services.interaction_log(contact=person, template=outgoing, description="Called about chairs")
    request = _request(staff_user)
    html = render_to_string(
        "interactions/_contact_panel.html",
        {**contact_panel_context(request, person), "contact": person, "request": request},
    )
    assert "Called about chairs" in html
    assert "Log phone call" in html
    assert "/interactions/contact/CT101/phone-call/" in html
    assert "1 interaction," in html


@pytest.mark.parametrize("made", [0, 1, 9, 10, 11, 13])
def test_panel_totals_are_those_of_every_counted_entry(staff_user, company, outgoing, made):
    # Up to the panel's size the totals are summed from the rows read, above it by a
    # query: the same figures either way (canceled and postponed entries do not count).
    from interactions.models import InteractionLogEntry
    from interactions.selectors import PANEL_SIZE, entry_totals

    for i in range(made):
        entry = services.interaction_log(contact=company, template=outgoing)
        entry.cost, entry.duration_min = Decimal(f"{i}.25"), Decimal(i)
        entry.canceled, entry.postponed = i % 4 == 1, i % 4 == 2
        entry.save()
    context = contact_panel_context(_request(staff_user), company)
    expected = entry_totals(InteractionLogEntry.objects.for_contact(company))
    assert context["interaction_totals"] == expected
    assert expected["count"] == sum(1 for i in range(made) if i % 4 not in (1, 2))
    assert len(context["interaction_entries"]) == min(made, PANEL_SIZE)


def test_the_rendered_panel_reads_its_entries_in_one_query(staff_user, company, person, outgoing):
    """The panel reads only the fields it shows and sums (no joins): rendering its rows
    must not load a deferred field or a related row per entry."""
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    for contact in (company, person, person):
        services.interaction_log(contact=contact, template=outgoing, description="Chairs")
    request = _request(staff_user)
    staff_user.has_perm("interactions.add_interactionlogentry")  # its permissions read first
    with CaptureQueriesContext(connection) as queries:
        html = render_to_string(
            "interactions/_contact_panel.html",
            {**contact_panel_context(request, company), "contact": company, "request": request},
        )
    assert len(queries.captured_queries) == 1
    assert html.count("Chairs") == 3
    assert f"{person.no} {person.name}" in html and outgoing.code in html
