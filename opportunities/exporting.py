"""Exporting opportunities (the list page's filters; `export_opportunities`).

A report, not an import format: headings and choice values in the user's language, the
cells written spreadsheet-safe through `listing.exporting` (CSV or XLSX).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext

from contacts.exporting import PrivacyLeftOut
from listing import exporting
from listing.exporting import ExportError, dialect_for
from opportunities import selectors
from opportunities.models import Opportunity

__all__ = ["ExportError", "dialect_for"]  # for the views


#: Opportunities of privacy blocked contacts are left out of exports, which say how many
#: (11.5).
PRIVACY = PrivacyLeftOut(
    "contact",
    ngettext_lazy(
        "%(count)s opportunity of a privacy blocked contact was left out of the export.",
        "%(count)s opportunities of privacy blocked contacts were left out of the export.",
        "n",  # the number; %(count)s is it written with thousands separators
    ),
    ngettext_lazy(
        "%(count)s of these opportunities belongs to a privacy blocked contact: exports leave "
        "it out.",
        "%(count)s of these opportunities belong to privacy blocked contacts: exports leave "
        "them out.",
        "n",  # the number; %(count)s is it written with thousands separators
    ),
    _(
        "More than %(count)s of these opportunities belong to privacy blocked contacts: "
        "exports leave them out."
    ),
)


def opportunity_export_columns() -> list[exporting.Column]:
    column = exporting.model_column
    model = Opportunity
    return [
        column(model, "no"),
        column(model, "description"),
        column(model, "contact__no", _("Contact no.")),
        column(model, "contact__name", _("Contact name")),
        column(model, "contact_company__no", _("Contact company no.")),
        column(model, "salesperson", _("Salesperson")),
        column(model, "sales_cycle", _("Sales cycle")),
        column(model, "current_stage__stage", _("Stage")),
        column(model, "current_stage__description", _("Stage description")),
        column(model, "status"),
        column(model, "priority"),
        column(model, "creation_date"),
        column(model, "estimated_closing_date"),
        column(model, "date_closed"),
        column(model, "estimated_value"),
        column(model, "chances_of_success_pct"),
    ]


def opportunity_export_queryset(params: Mapping[str, Any] | None = None) -> QuerySet:
    """The list's opportunities (its filters applied), by number."""
    return selectors.opportunity_filter(params=params or {}).order_by("no")


def opportunity_export_stem() -> str:
    return pgettext("file name", "opportunities")


def opportunities_export(
    target: IO | str | Path,
    *,
    dialect: exporting.Dialect = exporting.CSV,
    queryset: QuerySet | None = None,
    bom: bool = False,
    progress: exporting.ProgressFn | None = None,
) -> int:
    """Write the opportunities (all, or `queryset`) to a file or path; returns the rows."""
    queryset = queryset if queryset is not None else opportunity_export_queryset()
    return exporting.write_columns_export(
        target,
        PRIVACY.kept(queryset),
        opportunity_export_columns(),
        dialect,
        title=str(_("Opportunities")),
        bom=bom,
        progress=progress,
    )


def opportunities_export_response(request, queryset: QuerySet, dialect: exporting.Dialect):
    """The download of the opportunities (those of privacy blocked contacts left out,
    their count in the header and the next page's warning)."""
    response = exporting.columns_export_response(
        PRIVACY.kept(queryset),
        opportunity_export_columns(),
        dialect,
        stem=opportunity_export_stem(),
        title=str(_("Opportunities")),
    )
    return PRIVACY.download(request, response, queryset)
