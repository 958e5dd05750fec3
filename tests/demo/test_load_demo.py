"""manage.py load_demo: every app's demo loader, the demo users, idempotent."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from crm_site.roles import ADMINISTRATORS, STAFF
from demo.services import demo_loaders
from marketing_setup.models import MarketingSetup, Salesperson, SalutationFormula
from numbering.models import NoSeries

pytestmark = pytest.mark.django_db


def snapshot():
    """Row counts of every model, to compare two runs."""
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_load_demo_twice_gives_the_same_data():
    out = StringIO()
    call_command("load_demo", "--with-demo-users", stdout=out)
    first = snapshot()
    call_command("load_demo", "--with-demo-users", stdout=StringIO())
    assert snapshot() == first
    assert "Demo data loaded." in out.getvalue()
    assert "admin / admin" in out.getvalue()
    assert "staff / staff" in out.getvalue()


def test_load_demo_creates_setup_reference_data_and_series():
    call_command("load_demo", "--with-demo-users", stdout=StringIO())
    setup = MarketingSetup.get()
    assert setup.contact_nos_id == "CONT"
    assert setup.default_sales_cycle_id == "NEW"
    assert Salesperson.objects.filter(code__in=["JC", "IH", "NRU", "KAN"]).count() == 4
    assert SalutationFormula.objects.exists()
    assert NoSeries.objects.filter(code__in=["CONT", "OPP"]).count() == 2


def test_load_demo_creates_users_in_their_roles():
    call_command("load_demo", "--with-demo-users", stdout=StringIO())
    user_model = get_user_model()
    admin = user_model.objects.get(username="admin")
    staff = user_model.objects.get(username="staff")
    assert admin.is_superuser and admin.check_password("admin")
    assert list(admin.groups.values_list("name", flat=True)) == [ADMINISTRATORS]
    assert not staff.is_superuser and staff.check_password("staff")
    assert list(staff.groups.values_list("name", flat=True)) == [STAFF]


def test_load_demo_keeps_existing_users(django_user_model):
    django_user_model.objects.create_user("admin", password="changed-Secret-1")
    call_command("load_demo", "--with-demo-users", stdout=StringIO())
    admin = django_user_model.objects.get(username="admin")
    assert admin.check_password("changed-Secret-1")
    assert admin.groups.filter(name=ADMINISTRATORS).exists()


def test_loaders_run_in_installed_apps_order():
    labels = [label for label, _load in demo_loaders()]
    order = [config.label for config in apps.get_app_configs()]
    assert labels == sorted(labels, key=order.index)
    assert labels.index("numbering") < labels.index("marketing_setup")


def fake_import(missing: str):
    """import_module where marketing_setup.demo exists but imports the module `missing`."""
    import importlib

    real = importlib.import_module

    def _import(name, *args, **kwargs):
        if name == "marketing_setup.demo":
            raise ModuleNotFoundError(f"No module named {missing!r}", name=missing)
        return real(name, *args, **kwargs)

    return _import


def test_app_without_demo_module_is_skipped(monkeypatch):
    monkeypatch.setattr(
        "demo.services.importlib.import_module", fake_import("marketing_setup.demo")
    )
    labels = [label for label, _load in demo_loaders()]
    assert "marketing_setup" not in labels
    assert "numbering" in labels


def test_broken_import_inside_a_demo_module_is_not_hidden(monkeypatch):
    monkeypatch.setattr("demo.services.importlib.import_module", fake_import("no_such_package"))
    with pytest.raises(ModuleNotFoundError, match="no_such_package"):
        demo_loaders()


def test_load_demo_without_debug_or_flag_creates_no_logins(django_user_model):
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert MarketingSetup.get().contact_nos_id == "CONT"
    assert not django_user_model.objects.filter(username__in=["admin", "staff"]).exists()
    assert "admin / admin" in out.getvalue()
    assert "--with-demo-users" in out.getvalue()
    assert "Log in as" not in out.getvalue()


def test_load_demo_with_debug_creates_the_logins(settings, django_user_model):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    assert django_user_model.objects.filter(username__in=["admin", "staff"]).count() == 2
