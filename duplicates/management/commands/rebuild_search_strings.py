import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from contacts.models import Contact
from duplicates import services, tasks
from jobs.commands import add_background_option, start_in_background


class Command(BaseCommand):
    help = "Rebuild every company's duplicate search strings and match keys (no search)."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--find", action="store_true", help="Also run the full duplicate search afterwards."
        )
        add_background_option(parser)

    def handle(self, *args, **options):
        if options["background"]:
            start_in_background(self, tasks.rebuild_search_strings, find=options["find"])
            return
        total = Contact.objects.filter(type=Contact.Type.COMPANY).count()
        disable = options["no_progress"] or not sys.stderr.isatty()
        with tqdm(total=total, unit="", disable=disable, file=sys.stderr) as bar:
            done = services.search_strings_rebuild(progress=bar.update)
        message = _("Search strings rebuilt for %(count)s companies.") % {"count": done}
        self.stdout.write(self.style.SUCCESS(message))
        if options["find"]:
            result = services.duplicates_find_all()
            message = _("%(count)s possible duplicates found.") % {"count": len(result.pairs)}
            self.stdout.write(self.style.SUCCESS(message))
