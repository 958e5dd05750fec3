"""The two roles exist after migrate with the setup permissions they need."""

import pytest
from django.contrib.auth.models import Group

from crm_site.roles import ADMINISTRATORS, STAFF

pytestmark = pytest.mark.django_db

MODELS = (
    "marketingsetup",
    "salesperson",
    "territory",
    "language",
    "businessrelation",
    "salescycle",
    "salescyclestage",
    "salutation",
    "salutationformula",
)
# Administrators only (the User Setup page).
ADMIN_ONLY_MODELS = ("usersetup",)


def perms(group_name):
    group = Group.objects.get(name=group_name)
    return set(
        group.permissions.filter(content_type__app_label="marketing_setup").values_list(
            "codename", flat=True
        )
    )


def test_administrators_may_do_everything_with_setup_and_reference_data():
    expected = {
        f"{action}_{model}"
        for model in (*MODELS, *ADMIN_ONLY_MODELS)
        for action in ("add", "change", "delete", "view")
    }
    assert expected <= perms(ADMINISTRATORS)


def test_staff_may_only_view_setup_and_reference_data():
    assert perms(STAFF) == {f"view_{model}" for model in MODELS}


def test_role_membership_gives_permissions(admin_user, staff_user):
    assert admin_user.has_perm("marketing_setup.change_marketingsetup")
    assert not staff_user.has_perm("marketing_setup.change_marketingsetup")
    assert staff_user.has_perm("marketing_setup.view_salesperson")


def test_adding_a_user_to_administrators_opens_the_admin(django_user_model, client):
    user = django_user_model.objects.create_user("newadmin", password="pw-Secret-123")
    assert not user.is_staff
    user.groups.add(Group.objects.get(name=ADMINISTRATORS))
    user.refresh_from_db()
    assert user.is_staff
    client.force_login(user)
    assert client.get("/admin/marketing_setup/territory/").status_code == 200


def test_staff_membership_does_not_open_the_admin(staff_user):
    staff_user.refresh_from_db()
    assert not staff_user.is_staff


def test_per_model_declaration_and_revocation(monkeypatch):
    from django.apps import apps

    from crm_site import roles

    config = apps.get_app_config("marketing_setup")
    table = dict(roles.ROLE_PERMISSIONS)
    table["marketing_setup"] = {
        STAFF: {"*": ("view",), "territory": ("view", "change"), "usersetup": ()}
    }
    monkeypatch.setattr(roles, "ROLE_PERMISSIONS", table)
    roles.sync_role_permissions(app_configs=[config])
    assert perms(STAFF) == {f"view_{model}" for model in MODELS} | {"change_territory"}
    monkeypatch.undo()
    roles.sync_role_permissions(app_configs=[config])
    assert "change_territory" not in perms(STAFF)


def test_no_app_imports_the_site_or_an_app_above_it():
    """Dependencies point one way (README "Layout"): an app imports only apps below it,
    and none imports crm_site except for the role names."""
    import ast
    from pathlib import Path

    order = [
        "history",
        "listing",
        "numbering",
        "jobs",
        "marketing_setup",
        "contacts",
        "duplicates",
        "relations",
        "interactions",
        "opportunities",
        "demo",
        "api",
    ]
    # Apps on the same level do not import each other either (the setup names the
    # number series it uses, so it stands on numbering).
    level = {
        # The list helpers import only Django, so every app may use them, the
        # number links of numbering included.
        "listing": -2,
        # The change log is below everything: number series lines are logged too.
        "history": -1,
        "numbering": 0,
        "jobs": 0,
        "marketing_setup": 1,
        "contacts": 2,
        "duplicates": 3,
        "relations": 3,
        "interactions": 4,
        "opportunities": 4,
        "demo": 5,
        "api": 5,
    }
    root = Path(__file__).resolve().parents[2]
    wrong = []
    for app in order:
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names = [node.module]
                for name in names:
                    top = name.split(".")[0]
                    upward = top in level and top != app and level[top] >= level[app]
                    if upward or (top == "crm_site" and name != "crm_site.roles"):
                        wrong.append(f"{path.relative_to(root)} imports {name}")
    assert wrong == []
