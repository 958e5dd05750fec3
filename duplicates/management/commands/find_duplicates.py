import contextlib
import os
import sys
import tempfile

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from contacts.models import Contact
from duplicates import services, tasks
from jobs.commands import add_background_option, start_in_background
from listing import exporting


def write_pairs(handle, pairs) -> None:
    """The pairs as CSV, through the spreadsheet-safe writer every export uses."""
    header = ["contact_no", "duplicate_contact_no", "score"]
    for line in exporting.csv_lines(header, pairs, bom=False):
        handle.write(line)


class Command(BaseCommand):
    help = "Find duplicate companies and store the pairs; optionally write them to a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("--contact", metavar="NO", help="Only this company.")
        parser.add_argument(
            "--output", metavar="FILE", help="Write contact_no,duplicate_contact_no,score."
        )
        parser.add_argument("--method", choices=services.METHODS, default=services.OURS)
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        add_background_option(parser)

    def handle(self, *args, **options):
        if options["background"]:
            if options["contact"] or options["output"]:
                raise CommandError(
                    _(
                        "--background searches all contacts and stores the pairs: leave out "
                        "--contact and --output (they run here)."
                    )
                )
            start_in_background(self, tasks.find_duplicates, method=options["method"])
            return
        # The output file is opened (as a temporary file beside it) before the search,
        # and the search is rolled back if it cannot be written: a bad path changes nothing.
        output = self._open(options["output"]) if options["output"] else None
        try:
            with transaction.atomic():
                pairs = self._search(options)
                if output is not None:
                    self._write(output, options["output"], pairs)
        finally:
            if output is not None:
                output.close()
                with contextlib.suppress(OSError):
                    os.unlink(output.name)
        message = _("%(count)s possible duplicates found.") % {"count": len(pairs)}
        self.stdout.write(self.style.SUCCESS(message))

    def _search(self, options) -> list[tuple[str, str, int]]:
        method = options["method"]
        if options["contact"]:
            return self._one(options["contact"], method)
        total = Contact.objects.filter(type=Contact.Type.COMPANY).count()
        disable = options["no_progress"] or not sys.stderr.isatty()
        try:
            with tqdm(total=total, unit="", disable=disable, file=sys.stderr) as bar:
                result = services.duplicates_find_all(method=method, progress=bar.update)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        return result.pairs

    def _one(self, no: str, method: str) -> list[tuple[str, str, int]]:
        company = Contact.objects.filter(no=no).first()
        if company is None:
            raise CommandError(_("Contact %(no)s does not exist.") % {"no": no})
        if company.is_person and services.method_of_setup(method) != services.OURS:
            raise CommandError(
                _("Contact %(no)s is a person: only our method searches persons.") % {"no": no}
            )
        found = services.duplicates_find_for(contact=company, method=method)
        return [(p.contact.no, p.duplicate.no, p.score) for p in found if not p.separate_contacts]

    def _cannot_write(self, path: str, error) -> CommandError:
        return CommandError(_("Cannot write %(file)s: %(error)s") % {"file": path, "error": error})

    def _open(self, path: str):
        if os.path.isdir(path):
            raise self._cannot_write(path, _("it is a directory"))
        if os.path.exists(path) and not os.access(path, os.W_OK):
            raise self._cannot_write(path, os.strerror(13))  # EACCES: permission denied
        try:
            return tempfile.NamedTemporaryFile(
                "w",
                newline="",
                encoding="utf-8",
                dir=os.path.dirname(os.path.abspath(path)),
                prefix=".find_duplicates-",
                suffix=".csv",
                delete=False,
            )
        except OSError as error:
            raise self._cannot_write(path, error.strerror or error) from error

    def _write(self, handle, path: str, pairs) -> None:
        try:
            write_pairs(handle, pairs)
            handle.close()
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(handle.name, 0o666 & ~umask)  # as a plain open() would create it
            os.replace(handle.name, path)
        except OSError as error:
            raise self._cannot_write(path, error.strerror or error) from error
