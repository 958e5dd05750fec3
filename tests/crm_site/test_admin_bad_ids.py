"""Every add page of the admin, posted with ids that are no ids (not a number, a
fraction, too large for the column, a superscript digit) in every relation and number
field: a form error, never a server error (13.14: the contact add page's company was a
500). New admin pages are picked up from the admin's registry."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import models
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db

BAD = ["abc", "1.5", "9" * 23, "-9" + "9" * 22, "²"]


@pytest.fixture
def superclient(client, django_user_model, setup):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    client.raise_request_exception = False
    return client


def _add_pages():
    for model in admin.site._registry:
        try:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        except NoReverseMatch:
            continue
        fields = [
            field.name
            for field in model._meta.get_fields()
            if getattr(field, "concrete", False)
            and not field.auto_created
            and isinstance(field, (models.ForeignKey, models.IntegerField, models.DecimalField))
        ]
        if fields:
            yield url, fields


def test_bad_ids_on_every_admin_add_page_are_form_errors(superclient):
    wrong, tried = [], 0
    for url, fields in _add_pages():
        for bad in BAD:
            tried += 1
            code = superclient.post(url, {field: bad for field in fields}).status_code
            if code not in (200, 403):
                wrong.append((url, bad, code))
    assert tried > 20
    assert wrong == [], "\n".join(map(str, wrong))
