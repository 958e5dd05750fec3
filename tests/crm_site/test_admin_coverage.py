"""The Django admin covers every model of our apps, and its pages render."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.crm_site.test_security import objects  # noqa: F401  (fixture)
from tests.numbering.factories import make_series

pytestmark = pytest.mark.django_db

OUR_APPS = (
    "numbering",
    "jobs",
    "marketing_setup",
    "contacts",
    "duplicates",
    "relations",
    "interactions",
    "opportunities",
)
MODELS = [model for label in OUR_APPS for model in apps.get_app_config(label).get_models()]


def _inline_models() -> set:
    return {
        inline.model
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_model_is_in_the_admin(model):
    """Registered, or edited inline on its parent's page (e.g. sales cycle stages)."""
    assert admin.site.is_registered(model) or model in _inline_models()


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw-x-123456")
    client.force_login(user)
    return client


@pytest.fixture
def rows(objects, setup):  # noqa: F811
    """Some rows in most tables, so changelists and change pages render real data."""
    make_series("SECT", {"starting_no": "S001", "ending_no": "S999", "warning_no": "S900"})
    return objects


REGISTERED = [model for model in MODELS if admin.site.is_registered(model)]


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_admin_pages_render_for_a_superuser(superuser_client, rows, model):
    info = (model._meta.app_label, model._meta.model_name)
    changelist = superuser_client.get(reverse("admin:{}_{}_changelist".format(*info)))
    # A singleton's changelist may send the user straight to its one row.
    assert changelist.status_code in (200, 302)
    search = superuser_client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "a"})
    assert search.status_code in (200, 302)

    add = superuser_client.get(reverse("admin:{}_{}_add".format(*info)))
    model_admin = admin.site._registry[model]
    request = add.wsgi_request
    if model_admin.has_add_permission(request):
        assert add.status_code == 200
    else:
        # Singletons that already exist, read-only logs: refused, never a crash.
        assert add.status_code in (302, 403)

    first = model._default_manager.first()
    if first is not None:
        change = superuser_client.get(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
        assert change.status_code == 200
