import csv
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from contacts.models import Contact
from duplicates import services


class Command(BaseCommand):
    help = "Find duplicate companies and store the pairs; optionally write them to a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("--contact", metavar="NO", help="Only this company.")
        parser.add_argument(
            "--output", metavar="FILE", help="Write contact_no,duplicate_contact_no,score."
        )
        parser.add_argument("--method", choices=services.METHODS, default=services.OURS)
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        method = options["method"]
        if options["contact"]:
            pairs = self._one(options["contact"], method)
        else:
            total = Contact.objects.filter(type=Contact.Type.COMPANY).count()
            disable = options["no_progress"] or not sys.stderr.isatty()
            try:
                with tqdm(total=total, unit="", disable=disable, file=sys.stderr) as bar:
                    result = services.duplicates_find_all(method=method, progress=bar.update)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            pairs = result.pairs
        if options["output"]:
            self._write(options["output"], pairs)
        message = _("%(count)s possible duplicates found.") % {"count": len(pairs)}
        self.stdout.write(self.style.SUCCESS(message))

    def _one(self, no: str, method: str) -> list[tuple[str, str, int]]:
        company = Contact.objects.filter(no=no).first()
        if company is None:
            raise CommandError(_("Contact %(no)s does not exist.") % {"no": no})
        if not company.is_company:
            raise CommandError(_("Contact %(no)s is not a company.") % {"no": no})
        found = services.duplicates_find_for(contact=company, method=method)
        return [(p.contact.no, p.duplicate.no, p.score) for p in found if not p.separate_contacts]

    def _write(self, path: str, pairs) -> None:
        try:
            with open(path, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["contact_no", "duplicate_contact_no", "score"])
                writer.writerows(pairs)
        except OSError as error:
            message = _("Cannot write %(file)s: %(error)s") % {"file": path, "error": error}
            raise CommandError(message) from error
