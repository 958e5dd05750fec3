"""Reads for the setup pages."""

from __future__ import annotations

from django.apps import apps
from django.urls import NoReverseMatch, reverse

# (app label, model name) of the reference data an administrator maintains in the admin.
REFERENCE_MODELS: tuple[tuple[str, str], ...] = (
    ("marketing_setup", "salesperson"),
    ("marketing_setup", "territory"),
    ("marketing_setup", "language"),
    ("marketing_setup", "businessrelation"),
    ("marketing_setup", "salescycle"),
    ("marketing_setup", "salutation"),
    ("marketing_setup", "salutationformula"),
    ("numbering", "noseries"),
    # The page action "Duplicate Search String Setup" (reference 1.1); looked up by label,
    # skipped when the duplicates app is not installed.
    ("duplicates", "duplicatesearchstringsetup"),
)


def reference_data_links(user) -> list[dict[str, str]]:
    """The admin changelists of the reference data this user may open: label and url."""
    if not user.is_active or not user.is_staff:  # the admin site admits staff only
        return []
    links = []
    for app_label, model_name in REFERENCE_MODELS:
        if not user.has_perm(f"{app_label}.view_{model_name}"):
            continue
        try:
            model = apps.get_model(app_label, model_name)
            url = reverse(f"admin:{app_label}_{model_name}_changelist")
        except (LookupError, NoReverseMatch):  # app not installed or model not in the admin
            continue
        links.append({"label": str(model._meta.verbose_name_plural).capitalize(), "url": url})
    return links
