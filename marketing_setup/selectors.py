"""Reads for the setup pages."""

from __future__ import annotations

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

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


#: Rows shown per table on the read-only reference-data page.
REFERENCE_ROWS = 200
_HIDDEN_COLUMNS = {"id", "created_at", "updated_at"}


def reference_data_tables(user, *, rows: int = REFERENCE_ROWS) -> list[dict]:
    """The reference data this user may view, read-only: per table its label, the first
    columns (headers), the first `rows` rows as shown values and how many more there are.
    Two queries per table at most, whatever the data."""
    tables = []
    for app_label, model_name in REFERENCE_MODELS:
        if not user.has_perm(f"{app_label}.view_{model_name}"):
            continue
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.name not in _HIDDEN_COLUMNS and not f.auto_created
        ][:5]
        objects = list(model._base_manager.order_by("pk")[: rows + 1])
        more = 0
        if len(objects) > rows:
            more = model._base_manager.count() - rows
            objects = objects[:rows]
        columns = [str(f.verbose_name).capitalize() for f in fields]
        tables.append(
            {
                "id": f"{app_label}-{model_name}",
                "label": str(model._meta.verbose_name_plural).capitalize(),
                "columns": columns,
                # (column, shown value) per cell: the column names the cell at 390 px.
                "rows": [
                    [(c, _shown(obj, f)) for c, f in zip(columns, fields, strict=True)]
                    for obj in objects
                ],
                "more": more,
            }
        )
    return tables


def _shown(obj, field) -> str:
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    value = getattr(obj, field.attname)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return "" if value is None else str(value)
