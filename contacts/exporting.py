"""Exporting contacts (the list page, the bulk "export selected" and `export_contacts`).

The file has the import's header (contacts.selectors.EXPORT_COLUMNS, the same as
contacts.importing.HEADER) with companies first, then persons, each by number, so the
import reads it back to the same contacts. Cells are written through
`listing.exporting`: spreadsheet-safe (no value runs as a formula), CSV or XLSX.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy, pgettext

from contacts import selectors
from contacts.models import Contact
from listing import exporting
from listing.keyset import COUNT_CAP

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
    queryset = CONTACTS.kept(queryset)  # never exported (Privacy Blocked)
    for kind in (Contact.Type.COMPANY, Contact.Type.PERSON):
        rows = (
            queryset.filter(type=kind)
            .order_by("no")
            .values_list(*fields)
            .iterator(chunk_size=chunk_size)
        )
        for row in rows:
            yield ["" if value is None else value for value in row]


@dataclass(frozen=True)
class PrivacyLeftOut:
    """How an export leaves out the rows of privacy blocked contacts (11.5) and says how
    many: the rows it keeps, the count (the list's note, the download's `LEFT_OUT_HEADER`,
    the warning on the next page, the command's line) and the sentences. One per export:
    `CONTACTS` for contacts themselves; the interaction and opportunity exports have
    theirs, reaching the row's contact by `contact_path`."""

    contact_path: str  # the lookup from an exported row to its contact ("": the contact)
    message: Any  # ngettext_lazy(..., "n"): what the export left out
    note: Any  # ngettext_lazy(..., "n"): the list's note beside the export links
    note_capped: Any  # gettext_lazy with %(count)s: the note when more than the cap match

    @property
    def _blocked(self) -> str:
        return f"{self.contact_path}__privacy_blocked" if self.contact_path else "privacy_blocked"

    def kept(self, queryset: QuerySet) -> QuerySet:
        """The rows of `queryset` an export writes (rows without a contact too)."""
        return queryset.exclude(**{self._blocked: True})

    def count(self, queryset: QuerySet, *, cap: int | None = None) -> int:
        """How many rows of `queryset` an export leaves out (up to `cap` + 1 when given),
        counted through the partial index of blocked contacts."""
        blocked = queryset.filter(**{self._blocked: True}).order_by()
        return (blocked[: cap + 1] if cap is not None else blocked).count()

    def left_out_message(self, count: int) -> str:
        """What the user is told after an export left `count` rows out ("" for none)."""
        return self.message % {"n": count, "count": intcomma(count)} if count else ""

    def list_note(self, queryset: QuerySet) -> str:
        """The list's sentence beside its export links ("" when nothing is blocked)."""
        count = self.count(queryset, cap=COUNT_CAP)
        if count > COUNT_CAP:
            return self.note_capped % {"count": intcomma(COUNT_CAP)}
        return self.note % {"n": count, "count": intcomma(count)} if count else ""

    def download(self, request, response, queryset: QuerySet):
        """`response` (an export of `queryset`) with the count in `LEFT_OUT_HEADER`, and
        the warning for the next page when rows were left out."""
        count = self.count(queryset)
        if count:
            messages.warning(request, self.left_out_message(count))
        response[LEFT_OUT_HEADER] = str(count)
        return response


#: The response header of a download that names how many rows were left out.
LEFT_OUT_HEADER = "X-Privacy-Blocked-Left-Out"

CONTACTS = PrivacyLeftOut(
    "",
    ngettext_lazy(
        "%(count)s privacy blocked contact was left out of the export.",
        "%(count)s privacy blocked contacts were left out of the export.",
        "n",  # the number; %(count)s is it written with thousands separators
    ),
    ngettext_lazy(
        "%(count)s of these contacts is privacy blocked: exports leave it out.",
        "%(count)s of these contacts are privacy blocked: exports leave them out.",
        "n",  # the number; %(count)s is it written with thousands separators
    ),
    gettext_lazy(
        "More than %(count)s of these contacts are privacy blocked: exports leave them out."
    ),
)


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


def contacts_export_response(request, queryset: QuerySet[Contact], dialect: exporting.Dialect):
    """The download of the contacts in `dialect` (CSV streamed, XLSX from a temp file),
    saying how many privacy blocked contacts it leaves out (`PrivacyLeftOut.download`)."""
    response = exporting.export_response(
        HEADER,
        contact_export_rows(queryset),
        dialect,
        stem=contact_export_stem(),
        title=_("Contacts"),
    )
    return CONTACTS.download(request, response, queryset)
