"""Export contacts: `manage.py export_contacts FILE.csv|FILE.xlsx [filters]`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from contacts.exporting import CONTACTS, contact_export_queryset, contacts_export
from contacts.forms import ContactFilterForm
from listing.commands import ExportCommand, form_filters

# the list filter form's field: the command's option
FILTERS = {
    "q": "search",
    "type": "type",
    "company": "company",
    "salesperson": "salesperson",
    "territory": "territory",
    "country": "country",
}


class Command(ExportCommand):
    help = (
        "Export contacts with the import header (companies first), so that import_contacts "
        "reads them back. The format follows the file name: .csv or .xlsx. Cells that a "
        "spreadsheet could run as a formula are written as text."
    )
    success_message = _("Exported %(count)d contacts to %(file)s.")

    def add_filters(self, parser):
        parser.add_argument("--search", help="Only contacts the list's search finds.")
        parser.add_argument("--type", choices=["company", "person"], help="Only this type.")
        parser.add_argument("--company", help="Only this company (no.) and its persons.")
        parser.add_argument("--salesperson", help="Only this salesperson's contacts (code).")
        parser.add_argument("--territory", help="Only this territory (code).")
        parser.add_argument("--country", help="Only this country/region (ISO code).")

    def queryset(self, options):
        data = {field: options[opt] for field, opt in FILTERS.items() if options.get(opt)}
        if "country" in data:
            data["country"] = data["country"].upper()
        params = form_filters(ContactFilterForm(data), FILTERS) if data else {}
        return contact_export_queryset(params=params)

    def export(self, target, **kwargs):
        return contacts_export(target, **kwargs)

    privacy = CONTACTS
