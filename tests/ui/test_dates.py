"""Dates in every language: date inputs carry ISO values, text shows the user's format."""

from __future__ import annotations

import datetime
import importlib
import re

import pytest
from django import forms
from django.apps import apps
from django.utils import formats, translation

from tests.factories import CompanyFactory

DAY = datetime.date(2026, 12, 21)


def _project_forms() -> list[type[forms.BaseForm]]:
    """Every form class defined in our apps' forms modules."""
    found = []
    for config in apps.get_app_configs():
        if not config.path.startswith(str(__import__("django").conf.settings.BASE_DIR)):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "nb", "nl"])
def test_every_date_input_carries_an_iso_value(language):
    checked = 0
    for form_class in _project_forms():
        for name, field in form_class.base_fields.items():
            widget = field.widget
            if getattr(widget, "input_type", "") != "date":
                continue
            with translation.override(language):
                html = widget.render(name, DAY)
            assert 'value="2026-12-21"' in html, (form_class.__name__, name, html)
            checked += 1
    # opportunities: creation and closing date; interactions: the two filter dates
    assert checked >= 4


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "nb", "en"])
def test_editing_an_opportunity_keeps_both_dates(language, admin_client, setup):
    from opportunities.services import opportunity_create
    from tests.opportunities.factories import setup_opportunities

    setup_opportunities()  # an opportunity needs a sales cycle (the setup's default)

    company = CompanyFactory()
    opportunity = opportunity_create(
        data={
            "description": "Nye vinduer",
            "contact": company,
            "creation_date": datetime.date(2026, 12, 1),
            "estimated_closing_date": DAY,
        }
    )
    admin_client.cookies["django_language"] = language
    page = admin_client.get(f"/opportunities/{opportunity.no}/edit/", HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    assert re.search(r'name="creation_date" value="2026-12-01"', html)
    assert re.search(r'name="estimated_closing_date" value="2026-12-21"', html)
    # The browser posts what the inputs hold: ISO dates.
    data = {
        "description": "Nye vinduer",
        "contact": company.no,
        "status": opportunity.status,
        "priority": opportunity.priority,
        "creation_date": "2026-12-01",
        "estimated_value": "1000",
        "chances_of_success_pct": "0",
        "estimated_closing_date": "2026-12-21",
    }
    response = admin_client.post(f"/opportunities/{opportunity.no}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    opportunity.refresh_from_db()
    assert opportunity.creation_date == datetime.date(2026, 12, 1)
    assert opportunity.estimated_closing_date == DAY
    # Shown as text in the user's format.
    card = admin_client.get(f"/opportunities/{opportunity.no}/").content.decode()
    with translation.override(language):
        assert formats.date_format(DAY) in card


def test_english_dates_are_day_first():
    with translation.override("en"):
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == "21/12/2026"
        assert formats.date_format(DAY) == "21 Dec 2026"
        field = forms.DateField()
        assert field.clean("01/12/2026") == datetime.date(2026, 12, 1)
        assert field.clean("2026-12-01") == datetime.date(2026, 12, 1)
