"""Logging interactions (reference document, sections 6.2, 6.4 and 6.5).

Every entry is written by `interaction_log`; the other functions choose the template
(from the Interaction Template Setup) and the contact, then call it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import Contact
from contacts.selectors import contact_for_old_no
from contacts.services import contact_refuse_if_privacy_blocked
from interactions.models import (
    SETUP_FIELD_BY_DOCUMENT_TYPE,
    DocumentType,
    Evaluation,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateSetup,
)
from marketing_setup.models import CorrespondenceType


@dataclass(frozen=True)
class DocumentLogResult:
    """What `document_log_result` did: the entry, or why nothing was logged."""

    entry: InteractionLogEntry | None
    reason: str = ""


def correspondence_type_for(*, contact: Contact, template: InteractionTemplate) -> str:
    """The correspondence type of a new entry (section 6.2 rule, without segments).
    E-mail for a contact without an e-mail address, or fax without a fax number, is
    blank: the interaction cannot have gone that way (as Business Central logs it)."""
    if template.ignore_contact_corres_type or (
        not contact.correspondence_type and template.correspondence_type
    ):
        chosen = template.correspondence_type
    else:
        chosen = contact.correspondence_type or ""
    if chosen == CorrespondenceType.EMAIL and not (contact.email or "").strip():
        return CorrespondenceType.NONE
    if chosen == CorrespondenceType.FAX and not (contact.fax_no or "").strip():
        return CorrespondenceType.NONE
    return chosen


def _setup_field_label(field_name: str) -> str:
    return str(InteractionTemplateSetup._meta.get_field(field_name).verbose_name)


def template_from_setup(field_name: str) -> InteractionTemplate:
    """The template the setup names in `field_name`, or a "must have a value" error."""
    template = getattr(InteractionTemplateSetup.get(), field_name)
    if template is None:
        raise ValidationError(
            _("%(field)s must have a value in Interaction Template Setup.")
            % {"field": _setup_field_label(field_name).capitalize()},
            code="no_template",
        )
    return template


@transaction.atomic
def interaction_log(
    *,
    contact: Contact,
    template: InteractionTemplate,
    description: str = "",
    subject: str = "",
    document_type: str = "",
    document_no: str = "",
    user=None,
    salesperson=None,
    attempt_failed: bool = False,
    evaluation: str = Evaluation.NONE,
    duration_min: Decimal | None = None,
    opportunity_no: str = "",
    date: datetime.date | None = None,
) -> InteractionLogEntry:
    """Record one interaction with `contact`, taking cost, duration, flow and initiator
    from `template`. Date and time are the system's today and now unless a date is given.
    The description is the one given, else the template's; with neither it is refused
    ("You must fill in the Description field.")."""
    contact_refuse_if_privacy_blocked(contact, what=_("interactions"))
    description = (description or "").strip() or (template.description or "").strip()
    if not description:
        raise ValidationError(
            {"description": _("You must fill in the Description field.")},
            code="description_required",
        )
    now = timezone.localtime()
    entry = InteractionLogEntry(
        contact=contact,
        contact_company=contact if contact.is_company else contact.company,
        contact_no=contact.no,
        contact_name=contact.name,
        date=date or now.date(),
        time=now.time().replace(microsecond=0),
        description=description[:100],
        subject=subject[:100],
        information_flow=template.information_flow,
        initiated_by=template.initiated_by,
        cost=template.unit_cost,
        duration_min=template.unit_duration_min if duration_min is None else duration_min,
        user=user if user is not None and user.is_authenticated else None,
        interaction_group_id=template.group_id,
        interaction_template=template,
        language_id=contact.language_id,
        salesperson_id=salesperson.pk if salesperson else contact.salesperson_id,
        correspondence_type=correspondence_type_for(contact=contact, template=template),
        evaluation=evaluation,
        attempt_failed=attempt_failed,
        document_type=document_type,
        document_no=document_no,
        opportunity_no=opportunity_no,
    )
    entry.full_clean()
    entry.save()
    return entry


def contact_by_no(no: str) -> Contact:
    """The contact with number `no`, or a clear error."""
    try:
        return Contact.objects.select_related("company").get(no=no)
    except Contact.DoesNotExist:
        merged_into = contact_for_old_no(no)  # a merged contact's number still counts
        if merged_into is not None:
            return merged_into
        raise ValidationError(
            _("There is no contact with number %(no)s.") % {"no": no}, code="unknown_contact"
        ) from None


def _linked_company_contact(link_to: str, no: str) -> Contact | None:
    # Imported here: relations sits beside interactions and may load after it.
    from relations.selectors import contact_for_entity

    return contact_for_entity(link_to, no)


def document_log(**kwargs) -> InteractionLogEntry | None:
    """Log a document (see `document_log_result`); None when nothing is to be logged."""
    return document_log_result(**kwargs).entry


def document_log_result(
    *,
    document_type: str,
    document_no: str,
    date: datetime.date | None = None,
    contact_no: str | None = None,
    customer_no: str | None = None,
    vendor_no: str | None = None,
    description: str = "",
    user=None,
) -> DocumentLogResult:
    """Log a printed or sent document through the setup mapping (section 6.5).

    Nothing is logged, with the reason in the result, when no template is set for the
    type or a customer/vendor has no linked company contact. Bad input (unknown type or
    contact, no number, not exactly one party) raises ValidationError.
    """
    if document_type not in SETUP_FIELD_BY_DOCUMENT_TYPE:
        raise ValidationError(
            _("Unknown document type %(type)s.") % {"type": document_type},
            code="unknown_document_type",
        )
    document_no = (document_no or "").strip()
    if not document_no:
        raise ValidationError(_("A document number is required."), code="no_document_no")
    given = [v for v in (contact_no, customer_no, vendor_no) if v]
    if len(given) != 1:
        raise ValidationError(
            _("Give exactly one of contact, customer or vendor."), code="one_party"
        )
    # An unknown contact is bad input whatever the setup says: check it first.
    contact = contact_by_no(contact_no) if contact_no else None
    label = DocumentType(document_type).label
    template = InteractionTemplateSetup.get().template_for(document_type)
    if template is None:
        return DocumentLogResult(
            None, _("No interaction template is set up for %(type)s.") % {"type": label}
        )
    if contact is None:
        link_to, no = ("customer", customer_no) if customer_no else ("vendor", vendor_no)
        contact = _linked_company_contact(link_to, no)
        if contact is None:
            return DocumentLogResult(
                None,
                _("%(entity)s %(no)s has no linked company contact.")
                % {"entity": _("Customer") if link_to == "customer" else _("Vendor"), "no": no},
            )
    entry = interaction_log(
        contact=contact,
        template=template,
        description=description,
        document_type=document_type,
        document_no=document_no,
        user=user,
        date=date,
    )
    return DocumentLogResult(entry)


def phone_call_log(
    *,
    contact: Contact,
    template: InteractionTemplate | None = None,
    incoming: bool = False,
    description: str = "",
    subject: str = "",
    duration_min: Decimal | None = None,
    attempt_failed: bool = False,
    evaluation: str = Evaluation.NONE,
    user=None,
) -> InteractionLogEntry:
    """Log a phone call, by default with the setup's outgoing (or incoming) calls template."""
    if template is None:
        template = template_from_setup("incoming_calls" if incoming else "outgoing_calls")
    return interaction_log(
        contact=contact,
        template=template,
        description=description,
        subject=subject,
        duration_min=duration_min,
        attempt_failed=attempt_failed,
        evaluation=evaluation,
        user=user,
    )


def email_log(
    *, contact: Contact, subject: str = "", description: str = "", user=None
) -> InteractionLogEntry:
    """Log an e-mail to the contact with the setup's E-Mails template."""
    return interaction_log(
        contact=contact,
        template=template_from_setup("emails"),
        subject=subject,
        description=description,
        user=user,
    )


def cover_sheet_log(*, contact: Contact, description: str = "", user=None) -> InteractionLogEntry:
    """Log a printed cover sheet with the setup's Cover Sheets template."""
    return interaction_log(
        contact=contact,
        template=template_from_setup("cover_sheets"),
        description=description,
        document_type=DocumentType.COVER_SHEET,
        user=user,
    )


def entries_rehome_to_company(*, person: Contact) -> int:
    """Move a person's entries to its company before the person is deleted (section 2.8).

    A company's own entries are not touched here: deleting it sets their contact to
    null (SET_NULL) while the stored contact number and name stay. Returns the count moved.
    """
    if not person.is_person or not person.company_id:
        return 0
    company = person.company
    return InteractionLogEntry.objects.filter(contact=person).update(
        contact=company, contact_company=company, contact_no=company.no, contact_name=company.name
    )


@transaction.atomic
def entries_rehome_after_company_change(
    *, person: Contact, old_company_id: int | None, new_company_id: int | None
) -> int:
    """A saved person moved company (section 2.4, "re-home history"); returns the count.

    Had a previous company: the entries recorded against (old company, person) now
    belong to the old company itself, their contact number and name describing it.
    Had none: the person's entries with a blank company get the new company.
    """
    if old_company_id:
        old = Contact.objects.filter(pk=old_company_id).values("no", "name").first()
        if old is None:  # the old company is gone: nothing to hand the entries to
            return 0
        return InteractionLogEntry.objects.filter(
            contact=person, contact_company_id=old_company_id
        ).update(
            contact_id=old_company_id,
            contact_company_id=old_company_id,
            contact_no=old["no"],
            contact_name=old["name"],
        )
    if new_company_id:
        return InteractionLogEntry.objects.filter(
            contact=person, contact_company__isnull=True
        ).update(contact_company_id=new_company_id)
    return 0
