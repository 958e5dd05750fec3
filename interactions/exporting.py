"""Exporting interaction log entries (the list page's filters; `export_interactions`).

A report, not an import format: headings and choice values in the user's language, the
cells written spreadsheet-safe through `listing.exporting` (CSV or XLSX).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext

from contacts.exporting import PrivacyLeftOut
from interactions import selectors
from interactions.models import InteractionLogEntry
from listing import exporting
from listing.exporting import ExportError, dialect_for

__all__ = ["ExportError", "dialect_for"]  # for the views


#: Entries of privacy blocked contacts are left out of exports, which say how many (11.5).
PRIVACY = PrivacyLeftOut(
    "contact",
    ngettext_lazy(
        "%(count)s interaction log entry of a privacy blocked contact was left out of the export.",
        "%(count)s interaction log entries of privacy blocked contacts were left out of the "
        "export.",
        "n",  # the number; %(count)s is it written with thousands separators
    ),
    ngettext_lazy(
        "%(count)s of these entries belongs to a privacy blocked contact: exports leave it out.",
        "%(count)s of these entries belong to privacy blocked contacts: exports leave them out.",
        "n",  # the number; %(count)s is it written with thousands separators
    ),
    _(
        "More than %(count)s of these entries belong to privacy blocked contacts: exports "
        "leave them out."
    ),
)


def entry_export_columns() -> list[exporting.Column]:
    column = exporting.model_column
    model = InteractionLogEntry
    return [
        column(model, "id", _("Entry No.")),
        column(model, "date"),
        column(model, "time"),
        column(model, "contact_no"),
        column(model, "contact_name"),
        column(model, "contact_company__no", _("Contact company no.")),
        column(model, "description"),
        column(model, "subject"),
        column(model, "interaction_template", _("Interaction template")),
        column(model, "interaction_group", _("Interaction group")),
        column(model, "information_flow"),
        column(model, "initiated_by"),
        column(model, "correspondence_type"),
        column(model, "evaluation"),
        column(model, "document_type"),
        column(model, "document_no"),
        column(model, "opportunity_no"),
        column(model, "cost"),
        column(model, "duration_min"),
        column(model, "salesperson", _("Salesperson")),
        column(model, "language", _("Interaction language")),
        column(model, f"user__{get_user_model().USERNAME_FIELD}", _("User")),
        column(model, "attempt_failed"),
        column(model, "canceled"),
        column(model, "postponed"),
        column(model, "delivery_status"),
    ]


def entry_export_queryset(filters: dict[str, Any] | None = None) -> QuerySet:
    """The list's entries (its filters applied), oldest first."""
    return selectors.entry_list(**(filters or {})).order_by("id")


def entry_export_stem() -> str:
    return pgettext("file name", "interactions")


def entries_export(
    target: IO | str | Path,
    *,
    dialect: exporting.Dialect = exporting.CSV,
    queryset: QuerySet | None = None,
    bom: bool = False,
    progress: exporting.ProgressFn | None = None,
) -> int:
    """Write the entries (all, or `queryset`) to a file or path; returns the rows."""
    queryset = queryset if queryset is not None else entry_export_queryset()
    return exporting.write_columns_export(
        target,
        PRIVACY.kept(queryset),
        entry_export_columns(),
        dialect,
        title=str(_("Interaction log entries")),
        bom=bom,
        progress=progress,
    )


def entries_export_response(request, queryset: QuerySet, dialect: exporting.Dialect):
    """The download of the entries (those of privacy blocked contacts left out, their
    count in the header and the next page's warning)."""
    response = exporting.columns_export_response(
        PRIVACY.kept(queryset),
        entry_export_columns(),
        dialect,
        stem=entry_export_stem(),
        title=str(_("Interaction log entries")),
    )
    return PRIVACY.download(request, response, queryset)
