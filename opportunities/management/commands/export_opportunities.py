"""Export opportunities: `manage.py export_opportunities FILE.csv|FILE.xlsx`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from listing.commands import ExportCommand, form_filters
from opportunities.exporting import PRIVACY, opportunities_export, opportunity_export_queryset
from opportunities.forms import OpportunityFilterForm
from opportunities.models import Opportunity

# the list filter form's field: the command's option
FILTERS = {"status": "status", "salesperson": "salesperson", "contact": "contact"}


class Command(ExportCommand):
    help = (
        "Export opportunities (the opportunity list's filters) to a .csv or .xlsx file, "
        "headings in the site's language. Cells that a spreadsheet could run as a formula "
        "are written as text."
    )
    success_message = _("Exported %(count)d opportunities to %(file)s.")

    privacy = PRIVACY

    def add_filters(self, parser):
        parser.add_argument("--status", choices=Opportunity.Status.values, help="Only this status.")
        parser.add_argument("--salesperson", help="Only this salesperson (code).")
        parser.add_argument(
            "--contact", help="Only this contact (no.; a company with its persons)."
        )

    def queryset(self, options):
        data = {field: options[opt] for field, opt in FILTERS.items() if options.get(opt)}
        params = form_filters(OpportunityFilterForm(data), FILTERS) if data else {}
        return opportunity_export_queryset(params)

    def export(self, target, **kwargs):
        return opportunities_export(target, **kwargs)
