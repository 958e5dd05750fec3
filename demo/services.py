"""Loading the demo data of every app (each app's own `<app>.demo.load(stdout)`)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TextIO

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from crm_site.roles import ADMINISTRATORS, STAFF
from history import context as history
from history.models import Cause

# username, password, superuser, role
DEMO_USERS: tuple[tuple[str, str, bool, str], ...] = (
    ("admin", "admin", True, ADMINISTRATORS),
    ("staff", "staff", False, STAFF),
)


def demo_loaders() -> list[tuple[str, Callable[[TextIO], None]]]:
    """(app label, load function) of every installed app with a `demo` module, in
    INSTALLED_APPS order (lowest layer first)."""
    loaders = []
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.demo"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:  # the module exists but imports something missing
                raise
            continue
        load = getattr(module, "load", None)
        if callable(load):
            loaders.append((app_config.label, load))
    return loaders


def demo_users_ensure() -> list[str]:
    """Create the demo users if missing and put them in their role; returns the new ones."""
    user_model = get_user_model()
    created_names = []
    for username, password, superuser, role in DEMO_USERS:
        user = user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).first()
        if user is None:
            create = (
                user_model.objects.create_superuser if superuser else user_model.objects.create_user
            )
            user = create(username, f"{username}@example.com", password)
            created_names.append(username)
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return created_names


@transaction.atomic
def demo_load(*, stdout: TextIO, with_users: bool = True) -> None:
    """Run every app's demo loader in one transaction, then (with_users) make sure the demo
    users exist."""
    with history.operation(Cause.DEMO):
        for label, load in demo_loaders():
            stdout.write(f"[{label}]\n")
            load(stdout)
    if with_users:
        demo_users_ensure()
