"""Every add and change form of the Django admin, fuzzed as a superuser (who sees every
model's forms, inlines included): never a 500, and a form sent back with its errors
writes nothing (tests/fuzz/runner.py). The rows are those of the admin coverage test,
so every change form has an object.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.crm_site.test_admin_coverage import rows  # noqa: F401  (fixture)
from tests.crm_site.test_security import objects  # noqa: F401  (fixture)
from tests.fuzz.checks import WriteWatch
from tests.fuzz.html_forms import forms
from tests.fuzz.runner import fuzz_form
from tests.opportunities.factories import setup_opportunities

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

EXAMPLES = 3  # per form; the first is the untouched submission


def _form_pages() -> list[str]:
    pages = []
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.first()
        if first is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return pages


def test_every_admin_form_survives_hostile_values(client, django_user_model, rows):  # noqa: F811
    setup_opportunities()
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw-x-123456")
    client.force_login(user)
    client.raise_request_exception = False
    found, opened = [], 0
    for page in _form_pages():
        response = client.get(page)
        if response.status_code != 200:  # no add permission (singletons, read-only logs)
            continue
        opened += 1
        found += [
            form
            for form in forms(response.content.decode(), page)
            if form.method == "post" and form.action == page
        ]
    assert opened > 50
    assert len(found) == opened  # one add or change form on each page
    watch, failures = WriteWatch(), []
    for form in found:
        fuzz_form(client, form, watch, failures, examples=EXAMPLES)
    assert failures == [], "\n".join(failures)
