from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from demo.services import DEMO_USERS, demo_load


class Command(BaseCommand):
    help = _(
        "Load the demo data of every app (setup, reference data, number series, contacts). "
        "Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="Describe the reference data (languages, salutations, interaction templates, "
            "sales cycles and stages, number series) and the demo records in this language "
            "(default: the site's LANGUAGE_CODE). Loading again in another language "
            "re-describes them.",
        )
        parser.add_argument(
            "--with-demo-users",
            action="store_true",
            help="Also create the demo logins admin / admin and staff / staff (always done "
            "with DEBUG on; without DEBUG only with this option).",
        )

    def handle(self, *args, **options):
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            self._load(with_users=options["with_demo_users"] or settings.DEBUG)

    def _load(self, *, with_users):
        demo_load(stdout=self.stdout, with_users=with_users)
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded.")))
        self.stdout.write(
            _("Start the server with “manage.py runserver” and open http://127.0.0.1:8000/.")
        )
        if not with_users:
            self.stdout.write(
                _(
                    "No demo logins were created (DEBUG is off); run “manage.py load_demo "
                    "--with-demo-users” to create admin / admin and staff / staff."
                )
            )
            return
        for username, password, _superuser, role in DEMO_USERS:
            self.stdout.write(
                _("Log in as %(username)s / %(password)s (%(role)s).")
                % {"username": username, "password": password, "role": role}
            )
