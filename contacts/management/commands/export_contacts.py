"""Export contacts to a CSV file: `manage.py export_contacts FILE.csv`."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from contacts.importing import export_contacts


class Command(BaseCommand):
    help = (
        "Export all contacts to a CSV file with the import header (companies first), so "
        "that import_contacts reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file to write ('-' for standard output).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, file: str, **options):
        disable = options["no_progress"] or not sys.stderr.isatty() or file == "-"
        with tqdm(desc=_("Exporting"), unit=" rows", file=sys.stderr, disable=disable) as bar:

            def progress(stage: str, done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            try:
                if file == "-":
                    count = export_contacts(self.stdout, progress=progress)
                    return
                count = export_contacts(file, progress=progress)
            except OSError as error:
                raise CommandError(
                    _("Cannot write %(file)s: %(error)s") % {"file": file, "error": error}
                ) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("Exported %(count)d contacts to %(file)s.") % {"count": count, "file": file}
            )
        )
