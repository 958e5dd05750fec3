"""List stored numbers that break the number rule: `manage.py check_numbers`."""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from numbering.codes import find_invalid_numbers, visible


class Command(BaseCommand):
    help = (
        "List every stored number (contact, customer, vendor, bank account, opportunity, "
        "number series) that breaks the number rule of numbering/codes.py. Changes nothing."
    )

    def handle(self, *args, **options):
        found = find_invalid_numbers(apps)
        for label, field, value in found:
            self.stdout.write(f"{label}.{field}: {visible(value)}")
        if found:
            raise CommandError(
                _("%(count)d stored numbers break the number rule; correct them.")
                % {"count": len(found)}
            )
        self.stdout.write(self.style.SUCCESS(_("Every stored number follows the number rule.")))
