"""`manage.py create_contacts_from_entities customer --commit` (BC batch jobs 5193-5195)."""

from __future__ import annotations

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from jobs.commands import add_background_option, start_in_background
from relations import services, tasks
from relations.models import LinkToTable


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when shown, not at import
        return _(
            "Create a linked company contact for every customer, vendor or bank account that "
            "has none (needs the business-relation code in Marketing Setup). Dry run unless "
            "--commit is given."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "link_to",
            choices=[c for c in LinkToTable.values if c],
            help="customer, vendor or bank_account",
        )
        parser.add_argument("--commit", action="store_true", help=_("Create the contacts."))
        parser.add_argument("--no-progress", action="store_true", help=_("No progress bar."))
        add_background_option(parser)

    def handle(self, *args, link_to: str, commit: bool, no_progress: bool, **options):
        try:
            services.setup_code_for(link_to, required=True)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if options["background"]:
            if not commit:
                raise CommandError(_("--background creates the contacts: add --commit."))
            start_in_background(self, tasks.create_contacts, link_to=link_to)
            return
        label = LinkToTable(link_to).label
        if not commit:
            count = services.entities_without_contact(link_to).count()
            self.stdout.write(
                _(
                    "Dry run: %(count)d %(table)s records have no contact. "
                    "Use --commit to create them."
                )
                % {"count": count, "table": label}
            )
            return
        disable = no_progress or not sys.stderr.isatty()

        def progress(iterable, total):
            return tqdm(iterable, total=total, file=sys.stderr, disable=disable, unit=" rows")

        try:
            created = services.entities_create_contacts(link_to=link_to, progress=progress)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("Created %(count)d contacts for %(table)s records.")
                % {"count": len(created), "table": label}
            )
        )
