"""Roles are Django groups; this table says what each may do, per app and model.

    ROLE_PERMISSIONS = {"numbering": {ADMINISTRATORS: ALL, STAFF: ("view",)}, ...}

A role's value is either the actions for every model of the app, or a dict of
model name -> actions with "*" for the models not named:

    {STAFF: {"*": ALL, "interactiontemplatesetup": ("view",)}}

The table lives in the site, not in the apps, so no app imports upwards to learn the
role names. Members of CRM administrators get `is_staff`, so the Django admin opens
for them. `sync_role_permissions` runs after every `migrate`, so a new app's
permissions reach the groups without a hand-written data migration per app; an app
missing from the table grants nothing.
"""

from __future__ import annotations

from django.apps import apps as global_apps

ADMINISTRATORS = "CRM administrators"
STAFF = "Back-office staff"
ROLES = (ADMINISTRATORS, STAFF)
ALL = ("add", "change", "delete", "view")

ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...] | dict[str, tuple[str, ...]]]] = {
    # The change log is read-only for everyone (written by the services only);
    # administrators undo merges, restore deleted records and anonymise persons from it.
    "history": {ADMINISTRATORS: ("view", "revert", "anonymise"), STAFF: ("view",)},
    "numbering": {ADMINISTRATORS: ALL, STAFF: ("view",)},
    # Staff start jobs and see their own; "manage": see and cancel everyone's.
    "jobs": {ADMINISTRATORS: (*ALL, "manage"), STAFF: ("add", "view")},
    # User Setup (users and their salespeople) is the administrators' page.
    "marketing_setup": {ADMINISTRATORS: ALL, STAFF: {"*": ("view",), "usersetup": ()}},
    "contacts": {ADMINISTRATORS: ALL, STAFF: ALL},
    # Staff find, review and merge duplicates; how search strings are built (the search
    # string setup) and the merge records themselves (the audit of a merge: changing
    # or deleting one) are administrators'.
    "duplicates": {
        ADMINISTRATORS: ALL,
        STAFF: {
            "*": ALL,
            "duplicatesearchstringsetup": ("view",),
            "contactmerge": ("add", "view"),
        },
    },
    "relations": {ADMINISTRATORS: ALL, STAFF: ALL},
    # Staff log, read and correct interactions; deleting a logged interaction, the
    # templates and their setup are administrators'.
    "interactions": {
        ADMINISTRATORS: ALL,
        STAFF: {
            "*": ALL,
            "interactionlogentry": ("add", "change", "view"),
            "interactiongroup": ("view",),
            "interactiontemplate": ("view",),
            "interactiontemplatesetup": ("view",),
        },
    },
    "opportunities": {ADMINISTRATORS: ALL, STAFF: ALL},
    # Everyone with a role may have API tokens of their own (the page shows only one's
    # own; the admin, every user's).
    "api": {ADMINISTRATORS: ALL, STAFF: {"apitoken": ("add", "delete", "view")}},
}


def sync_role_permissions(*, app_configs=None, using: str = "default") -> None:
    """Create the role groups and grant each the permissions the table declares."""
    from django.contrib.auth.models import Group, Permission

    groups = {name: Group.objects.using(using).get_or_create(name=name)[0] for name in ROLES}
    for app_config in app_configs or global_apps.get_app_configs():
        declared = ROLE_PERMISSIONS.get(app_config.label)
        if not declared:
            continue
        app_perms = Permission.objects.using(using).filter(content_type__app_label=app_config.label)
        for role, declaration in declared.items():
            codenames = {
                f"{action}_{model._meta.model_name}"
                for model in app_config.get_models()
                for action in _actions_for(declaration, model._meta.model_name)
            }
            group = groups[role]
            # Exactly what is declared: a permission taken out of the declaration is revoked.
            group.permissions.remove(*app_perms.exclude(codename__in=codenames))
            group.permissions.add(*app_perms.filter(codename__in=codenames))


def _actions_for(declaration, model_name: str) -> tuple[str, ...]:
    if isinstance(declaration, dict):
        return tuple(declaration.get(model_name, declaration.get("*", ())))
    return tuple(declaration)


def grant_roles_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate receiver (once per app, after its permissions exist): grant them."""
    sync_role_permissions(app_configs=[sender], using=using)


def make_administrators_staff(sender, instance, action, pk_set, model, **kwargs) -> None:
    """m2m_changed receiver on User.groups: CRM administrators may open the Django admin."""
    from django.contrib.auth.models import Group

    if action != "post_add" or not pk_set or model is not Group:
        return
    is_admin_group = Group.objects.filter(pk__in=pk_set, name=ADMINISTRATORS).exists()
    if is_admin_group and not instance.is_staff:
        instance.is_staff = True
        instance.save(update_fields=["is_staff"])
