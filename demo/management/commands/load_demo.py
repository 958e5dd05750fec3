from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from demo.services import DEMO_USERS, demo_load


class Command(BaseCommand):
    help = _(
        "Load the demo data of every app (setup, reference data, number series, contacts). "
        "Safe to run again."
    )

    def handle(self, *args, **options):
        demo_load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded.")))
        self.stdout.write(
            _("Start the server with “manage.py runserver” and open http://127.0.0.1:8000/.")
        )
        for username, password, _superuser, role in DEMO_USERS:
            self.stdout.write(
                _("Log in as %(username)s / %(password)s (%(role)s).")
                % {"username": username, "password": password, "role": role}
            )
