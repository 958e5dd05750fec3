"""Roles are Django groups. Each app says in its AppConfig what each role may do:

    role_permissions = {"CRM administrators": ALL, "Back-office staff": ("view",)}

`sync_role_permissions` runs after every `migrate`, so a new app's permissions reach
the groups without a hand-written data migration per app.
"""

from __future__ import annotations

from django.apps import apps as global_apps

ADMINISTRATORS = "CRM administrators"
STAFF = "Back-office staff"
ROLES = (ADMINISTRATORS, STAFF)
ALL = ("add", "change", "delete", "view")


def sync_role_permissions(*, app_configs=None, using: str = "default") -> None:
    """Create the role groups and grant each the permissions its apps declare."""
    from django.contrib.auth.models import Group, Permission

    groups = {name: Group.objects.using(using).get_or_create(name=name)[0] for name in ROLES}
    for app_config in app_configs or global_apps.get_app_configs():
        declared = getattr(app_config, "role_permissions", None)
        if not declared:
            continue
        for role, actions in declared.items():
            codenames = [
                f"{action}_{model._meta.model_name}"
                for model in app_config.get_models()
                for action in actions
            ]
            perms = Permission.objects.using(using).filter(
                content_type__app_label=app_config.label, codename__in=codenames
            )
            groups[role].permissions.add(*perms)


def grant_roles_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate receiver (once per app, after its permissions exist): grant them."""
    sync_role_permissions(app_configs=[sender], using=using)
