"""Export interaction log entries: `manage.py export_interactions FILE.csv|FILE.xlsx`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from interactions.exporting import PRIVACY, entries_export, entry_export_queryset
from interactions.forms import EntryFilterForm
from listing.commands import ExportCommand, form_filters

# the list filter form's field: the command's option
FILTERS = {
    "contact": "contact",
    "template": "template",
    "group": "group",
    "document_type": "document-type",
    "date_from": "from",
    "date_to": "to",
}


class Command(ExportCommand):
    help = (
        "Export interaction log entries (the interaction list's filters) to a .csv or .xlsx "
        "file, headings in the site's language. Cells that a spreadsheet could run as a "
        "formula are written as text."
    )
    success_message = _("Exported %(count)d interaction log entries to %(file)s.")

    privacy = PRIVACY

    def add_filters(self, parser):
        parser.add_argument(
            "--contact", help="Only this contact (no.; a company with its persons)."
        )
        parser.add_argument("--template", help="Only this interaction template (code).")
        parser.add_argument("--group", help="Only this interaction group (code).")
        parser.add_argument("--document-type", help="Only this document type.")
        parser.add_argument("--from", help="From this date (YYYY-MM-DD).")
        parser.add_argument("--to", help="Up to this date (YYYY-MM-DD).")

    def queryset(self, options):
        data = {
            field: options[opt.replace("-", "_")]
            for field, opt in FILTERS.items()
            if options.get(opt.replace("-", "_"))
        }
        if not data:
            return entry_export_queryset()
        form = EntryFilterForm(data)
        form_filters(form, FILTERS)
        return entry_export_queryset(form.filters())

    def export(self, target, **kwargs):
        return entries_export(target, **kwargs)
