"""Exporting contacts (the list page, the bulk "export selected" and `export_contacts`).

The file has the import's header (contacts.selectors.EXPORT_COLUMNS, the same as
contacts.importing.HEADER) with companies first, then persons, each by number, so the
import reads it back to the same contacts. Cells are written through
`listing.exporting`: spreadsheet-safe (no value runs as a formula), CSV or XLSX.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from contacts import selectors
from contacts.models import Contact
from listing import exporting

HEADER = list(selectors.EXPORT_COLUMNS)


def contact_export_queryset(
    *, params: Mapping[str, Any] | None = None, nos: list[str] | None = None
) -> QuerySet[Contact]:
    """The contacts an export writes: the list's filters (`params`), or a selection."""
    qs = selectors.contact_filter(params=params or {})
    if nos is not None:
        qs = qs.filter(no__in=nos)
    return qs


def contact_export_rows(queryset: QuerySet[Contact], *, chunk_size: int = 2000) -> Iterator[list]:
    """Rows of EXPORT_COLUMNS values, companies first, then persons, each by number,
    streamed from the database in chunks."""
    fields = list(selectors.EXPORT_COLUMNS.values())
    queryset = queryset.filter(privacy_blocked=False)  # never exported (Privacy Blocked)
    for kind in (Contact.Type.COMPANY, Contact.Type.PERSON):
        rows = (
            queryset.filter(type=kind)
            .order_by("no")
            .values_list(*fields)
            .iterator(chunk_size=chunk_size)
        )
        for row in rows:
            yield ["" if value is None else value for value in row]


def contact_export_left_out(queryset: QuerySet[Contact]) -> int:
    """How many contacts of `queryset` an export leaves out (Privacy Blocked); one count
    over the partial index of blocked contacts."""
    return queryset.filter(privacy_blocked=True).order_by().count()


def contact_export_left_out_message(count: int) -> str:
    """What the user is told when an export left blocked contacts out ("" for none)."""
    if not count:
        return ""
    return ngettext(
        "%(count)s privacy blocked contact was left out of the export.",
        "%(count)s privacy blocked contacts were left out of the export.",
        count,
    ) % {"count": intcomma(count)}


#: The response header of a contacts download that names how many were left out.
LEFT_OUT_HEADER = "X-Privacy-Blocked-Left-Out"


def contact_export_stem() -> str:
    """The file name's first part, in the user's language."""
    return pgettext("file name", "contacts")


def contacts_export(
    target: IO | str | Path,
    *,
    dialect: exporting.Dialect = exporting.CSV,
    queryset: QuerySet[Contact] | None = None,
    bom: bool = False,
    progress: exporting.ProgressFn | None = None,
) -> int:
    """Write the contacts (all, or `queryset`) to a file or path; returns the rows."""
    queryset = queryset if queryset is not None else Contact.objects.all()
    total = queryset.count() if progress else 0
    return exporting.write_export(
        target,
        HEADER,
        contact_export_rows(queryset),
        dialect,
        title=_("Contacts"),
        bom=bom,
        progress=progress,
        total=total,
    )


def contacts_export_response(
    queryset: QuerySet[Contact], dialect: exporting.Dialect, *, left_out: int | None = None
):
    """The download of the contacts in `dialect` (CSV streamed, XLSX from a temp file).
    How many privacy blocked contacts it leaves out is in the `LEFT_OUT_HEADER` header
    (`left_out`: already counted by the caller)."""
    response = exporting.export_response(
        HEADER,
        contact_export_rows(queryset),
        dialect,
        stem=contact_export_stem(),
        title=_("Contacts"),
    )
    if left_out is None:
        left_out = contact_export_left_out(queryset)
    response[LEFT_OUT_HEADER] = str(left_out)
    return response
