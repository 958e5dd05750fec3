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
