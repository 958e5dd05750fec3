"""Demo number series (the marketing setup's demo points Contact Nos. at CONT, Opportunity Nos.
at OPP, and so on). Idempotent: counters already in use are left alone."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from numbering.models import NoSeries, NoSeriesLine

# code: (description, starting no., ending no., warning no., manual nos.)
DEMO_SERIES = {
    "CONT": (_("Contacts"), "CT0000001", "CT9999999", "CT9990000", True),
    "OPP": (_("Opportunities"), "OP000001", "OP999999", "OP990000", False),
    "CAMP": (_("Campaigns"), "CP0001", "CP9999", "CP9900", False),
    "SEGM": (_("Segments"), "SM00001", "SM99999", "SM99000", False),
    "TASK": (_("Tasks"), "TD000001", "TD999999", "TD990000", False),
}


@transaction.atomic
def load(stdout) -> None:
    for code, (description, starting_no, ending_no, warning_no, manual_nos) in DEMO_SERIES.items():
        series, created = NoSeries.objects.update_or_create(
            code=code,
            defaults={
                "description": str(description),
                "default_nos": True,
                "manual_nos": manual_nos,
                "date_order": False,
            },
        )
        NoSeriesLine.objects.get_or_create(
            series=series,
            line_no=10000,
            defaults={"starting_no": starting_no, "ending_no": ending_no, "warning_no": warning_no},
        )
        stdout.write(f"{'Created' if created else 'Updated'} number series {series}\n")
