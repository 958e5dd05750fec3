import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from contacts.models import Contact
from duplicates import services, tasks
from jobs.commands import add_background_option, start_in_background


class Command(BaseCommand):
    help = (
        "Estimate the learned duplicate model from the companies and decisions "
        "(only when the data changed enough, unless --force)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Estimate even if not stale.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        add_background_option(parser)

    def handle(self, *args, **options):
        if options["background"]:
            start_in_background(self, tasks.estimate_model, force=options["force"])
            return
        total = Contact.objects.filter(type=Contact.Type.COMPANY).count()
        disable = options["no_progress"] or not sys.stderr.isatty()
        if not options["force"]:
            row = services.model_refresh()
        else:
            with tqdm(total=total, unit="", disable=disable, file=sys.stderr) as bar:
                row = services.model_estimate(progress=bar.update)
        if row is None:
            self.stdout.write(_("The duplicate model is up to date; nothing estimated."))
            return
        if row.estimated:
            message = _("Duplicate model estimated from %(companies)s companies.") % {
                "companies": row.companies
            }
        else:
            message = _("Default duplicate weights stored (%(companies)s companies).") % {
                "companies": row.companies
            }
        self.stdout.write(self.style.SUCCESS(message))
