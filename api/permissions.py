"""Permissions from the same roles as the pages (crm_site/roles.py): Django model
permissions, with `view_` needed to read (DRF's DjangoModelPermissions lets anyone in).

A view may name the permissions of an action in `action_permissions`
(`{"merge": ("duplicates.add_contactmerge",)}`); otherwise the method decides:
GET → view, POST → add, PUT/PATCH → change, DELETE → delete of the view's model.
"""

from __future__ import annotations

from rest_framework import permissions


class RolePermissions(permissions.DjangoModelPermissions):
    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        action = getattr(view, "action", None)
        declared = getattr(view, "action_permissions", {})
        if action in declared:
            return request.user.has_perms(declared[action])
        return super().has_permission(request, view)
