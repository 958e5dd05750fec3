"""Shared fixtures: users in each role, logged-in clients, the setup row."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from hypothesis import HealthCheck, settings

from crm_site.roles import ADMINISTRATORS, STAFF
from marketing_setup.models import MarketingSetup

PASSWORD = "pw-Secret-123"

# Property-based tests run the same bounded examples on every run and machine (fixed
# seed, no example database), so CI time is predictable and a failure reproduces.
settings.register_profile(
    "crm",
    derandomize=True,
    database=None,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("crm")

# Tests that start real OS processes (workers, gunicorn, manage.py, concurrent users) or a
# live server. scripts/suite.sh runs them one at a time, after the in-process tests that
# it spreads over the cores with pytest-xdist: side by side they compete for the CPU with
# the processes they time and wait for, and each xdist worker would migrate their file
# databases again.
PROCESS_FIXTURES = {"workers", "live_server"}
PROCESS_MODULES = {  # modules, or single tests by node id
    "tests/crm_site/test_concurrent_users.py",
    "tests/crm_site/test_database_down.py",
    "tests/crm_site/test_deploy_check.py",
    "tests/crm_site/test_settings_env.py",
    "tests/crm_site/test_vanished_rows.py",
    "tests/duplicates/test_merge_race.py",
    "tests/numbering/test_concurrency.py",
    "tests/relations/test_concurrency.py",
    "tests/scripts/test_audit.py",
    "tests/api/test_webhooks.py::test_a_real_worker_retries_with_back_off",
}


def pytest_collection_modifyitems(config, items):
    root = config.rootpath
    for item in items:
        module = item.path.relative_to(root).as_posix() if item.path.is_relative_to(root) else ""
        named = module in PROCESS_MODULES or item.nodeid in PROCESS_MODULES
        if named or PROCESS_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.processes)


def _user_in(django_user_model, username: str, group: str | None):
    user = django_user_model.objects.create_user(username, f"{username}@example.com", PASSWORD)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def admin_user(django_user_model):
    """A member of CRM administrators (not a superuser: permissions come from the role)."""
    return _user_in(django_user_model, "crmadmin", ADMINISTRATORS)


@pytest.fixture
def staff_user(django_user_model):
    """A member of Back-office staff."""
    return _user_in(django_user_model, "staff", STAFF)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def setup(db):
    """The Marketing Setup row with its initial values."""
    return MarketingSetup.get()


@pytest.fixture(autouse=True)
def _state_of_a_fresh_database(request):
    """Each test starts from what `migrate` makes, whatever ran before it in the process.

    A transactional test (live server, real processes: all browser tests) empties every
    table when it ends (flush). post_migrate puts the roles back, but not the rows of data
    migrations: the 16 default duplicate search-string lines were gone for the next test
    (test_duplicate_setup after test_contacts found no search strings). Process caches
    keyed by row ids (number blocks, the learned duplicate model) are forgotten too, as
    ids are reused after a flush on SQLite. The language is the default again."""
    from duplicates.services import learning
    from numbering import services as numbering_services

    numbering_services.clear_caches()
    learning.model_clear_cache()
    # A request's LocaleMiddleware leaves its language active in the thread: a test
    # calling a service after another test's nb page got Norwegian messages.
    from django.utils import translation

    translation.deactivate()
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        from duplicates.services.index import setup_create_default_lines

        setup_create_default_lines()
    yield
    numbering_services.clear_caches()
    learning.model_clear_cache()
