"""Draw the next number of a number series: `manage.py next_number CONT [--date 2027-01-31]`."""

from __future__ import annotations

import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from numbering.services import NumberSeriesError, series_draw


def _parse_date(value: str) -> datetime.date:
    # ArgumentTypeError, not CommandError: argparse turns it into its usage error (exit
    # status 2 on the command line, CommandError through call_command); a CommandError
    # raised while parsing escapes Django's handler as a traceback.
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("%(value)s is not a valid date; use YYYY-MM-DD.") % {"value": value}
        ) from None


class Command(BaseCommand):
    help = "Draw (consume) the next number of a number series and print it."

    def add_arguments(self, parser):
        parser.add_argument("series", help="The number series code, e.g. CONT.")
        parser.add_argument(
            "--date", type=_parse_date, default=None, help="Usage date (YYYY-MM-DD); default today."
        )

    def handle(self, *args, series: str, date: datetime.date | None, **options):
        try:
            with transaction.atomic():
                drawn = series_draw(series, on_date=date)
        except NumberSeriesError as exc:
            raise CommandError(str(exc)) from exc
        if drawn.warning:
            self.stderr.write(self.style.WARNING(drawn.warning))
        self.stdout.write(drawn.number)
