"""The base of the export commands (`export_contacts`, `export_interactions`,
`export_opportunities`): the file's extension picks the format, `-` writes CSV to
standard output, `--delimiter ';'` gives the Excel-in-nb/nl dialect, a progress bar."""

from __future__ import annotations

import sys
from typing import Any

from django import forms
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from listing import exporting


class ExportCommand(BaseCommand):
    """Subclasses set `what` (the success message, with %(count)d and %(file)s) and
    implement `add_filters(parser)`, `queryset(options)` and `export(target, **kwargs)`."""

    success_message = ""
    #: What the export leaves out and how it says so (contacts.exporting.PrivacyLeftOut)
    privacy = None

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="The .csv or .xlsx file to write ('-': CSV on standard output)."
        )
        parser.add_argument(
            "--delimiter",
            choices=[",", ";"],
            default=",",
            help="CSV separator; ';' (with decimal commas) is what Excel in Norwegian or "
            "Dutch opens directly.",
        )
        parser.add_argument(
            "--bom",
            action="store_true",
            help="Start the CSV file with a UTF-8 byte order mark (Excel needs it to read "
            "æ, ø, å and accents); always written with --delimiter ';'.",
        )
        self.add_filters(parser)
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def add_filters(self, parser) -> None:
        """The list's filters as options."""

    def queryset(self, options: dict[str, Any]):
        raise NotImplementedError

    def export(self, target, **kwargs) -> int:
        raise NotImplementedError

    def left_out(self, queryset) -> str:
        """What the export left out of `queryset` and why, said after it ("": nothing)."""
        return self.privacy.left_out_message(self.privacy.count(queryset)) if self.privacy else ""

    def handle(self, *args, file: str, **options):
        delimiter = options["delimiter"]
        to_stdout = file == "-"
        try:
            if to_stdout:
                dialect = exporting.CSV_EXCEL if delimiter == ";" else exporting.CSV
            else:
                dialect = exporting.dialect_for_path(file, delimiter=delimiter)
        except exporting.ExportError as error:
            raise CommandError(str(error)) from error
        queryset = self.queryset(options)
        bom = (options["bom"] or delimiter == ";") and not to_stdout
        disable = options["no_progress"] or not sys.stderr.isatty() or to_stdout
        with tqdm(desc=_("Exporting"), unit=" rows", file=sys.stderr, disable=disable) as bar:

            def progress(stage: str, done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            try:
                count = self.export(
                    self.stdout if to_stdout else file,
                    dialect=dialect,
                    queryset=queryset,
                    bom=bom,
                    progress=progress,
                )
            except OSError as error:
                raise CommandError(
                    _("Cannot write %(file)s: %(error)s") % {"file": file, "error": error}
                ) from error
        if not to_stdout:
            self.stdout.write(
                self.style.SUCCESS(self.success_message % {"count": count, "file": file})
            )
        left_out = self.left_out(queryset)
        if left_out:  # on standard error when the file itself is standard output
            (self.stderr if to_stdout else self.stdout).write(self.style.WARNING(left_out))


def form_filters(form: forms.Form, options_by_field: dict[str, str]) -> dict[str, Any]:
    """The list's filter form, checked: its cleaned data, or a CommandError naming each
    option (`--name`) that is wrong and why."""
    if not form.is_valid():
        problems = [
            f"--{option}: {' '.join(form.errors[field])}"
            for field, option in options_by_field.items()
            if field in form.errors
        ]
        raise CommandError(" ".join(problems) or form.errors.as_text())
    return form.cleaned_data
