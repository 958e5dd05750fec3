"""manage.py log_document TYPE NUMBER [--date] [--contact|--customer|--vendor NO]."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from interactions import services
from interactions.forms import DocumentLogForm
from interactions.models import DocumentType


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when shown, not at import
        return _(
            "Log a printed or sent document as an interaction, through the Interaction "
            "Template Setup."
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "document_type",
            help=f"{_('Document type')}: {', '.join(DocumentType.values)}",
        )
        parser.add_argument("document_no", help=_("Document no."))
        parser.add_argument("--date", help=_("Document date (YYYY-MM-DD); default today."))
        party = parser.add_mutually_exclusive_group(required=True)
        party.add_argument("--contact", dest="contact_no", help=_("Contact no."))
        party.add_argument("--customer", dest="customer_no", help=_("Customer no."))
        party.add_argument("--vendor", dest="vendor_no", help=_("Vendor no."))
        parser.add_argument("--description", default="", help=_("Description"))

    def handle(self, *args, **options) -> None:
        form = DocumentLogForm(
            {
                key: options.get(key) or ""
                for key in (
                    "document_type",
                    "document_no",
                    "date",
                    "contact_no",
                    "customer_no",
                    "vendor_no",
                    "description",
                )
            }
        )
        if not form.is_valid():
            raise CommandError(" ".join(_form_messages(form)))
        data = form.cleaned_data
        try:
            result = services.document_log_result(
                document_type=data["document_type"],
                document_no=data["document_no"],
                date=data["date"],
                contact_no=data["contact_no"] or None,
                customer_no=data["customer_no"] or None,
                vendor_no=data["vendor_no"] or None,
                description=data["description"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if result.entry is None:
            self.stdout.write(
                self.style.WARNING(_("Not logged: %(reason)s") % {"reason": result.reason})
            )
            return
        entry = result.entry
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Logged interaction %(entry)s: %(type)s %(no)s for contact %(contact)s "
                    "(template %(template)s)."
                )
                % {
                    "entry": entry.pk,
                    "type": entry.get_document_type_display(),
                    "no": entry.document_no,
                    "contact": f"{entry.contact_no} {entry.contact_name}".strip(),
                    "template": entry.interaction_template_id,
                }
            )
        )


def _form_messages(form) -> list[str]:
    messages = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else None
        messages += [f"{label}: {error}" if label else str(error) for error in errors]
    return messages
