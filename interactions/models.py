"""Interactions (reference document, section 6).

Groups and templates describe kinds of interactions; the Interaction Template Setup
names the template used for each automatically recorded event (documents, e-mails,
calls, cover sheets); log entries record what happened with a contact. Entries are
written by `interactions.services`, never by views or forms directly.

Deleting contacts (section 2.8): a person's entries move to its company
(`interactions/receivers.py`); a company's entries are detached (contact set to null)
but keep the contact number and name they were logged with.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from history.queryset import HistoryQuerySet
from marketing_setup.models import CorrespondenceType, Language, Salesperson, SingletonModel


class InformationFlow(models.TextChoices):
    NONE = "", _("(none)")
    OUTBOUND = "outbound", _("Outbound")
    INBOUND = "inbound", _("Inbound")


class InitiatedBy(models.TextChoices):
    NONE = "", _("(none)")
    US = "us", _("Us")
    THEM = "them", _("Them")


class Evaluation(models.TextChoices):
    NONE = "", _("(none)")
    VERY_POSITIVE = "very_positive", _("Very positive")
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")
    VERY_NEGATIVE = "very_negative", _("Very negative")


class DeliveryStatus(models.TextChoices):
    NONE = "", _("(none)")
    IN_PROGRESS = "in_progress", _("In progress")
    ERROR = "error", _("Error")


class DocumentType(models.TextChoices):
    """The documents that can be logged as interactions (BC enum, service types left out)."""

    SALES_QUOTE = "sales_quote", _("Sales quote")
    SALES_BLANKET_ORDER = "sales_blanket_order", _("Sales blanket order")
    SALES_ORDER_CONFIRMATION = "sales_order_confirmation", _("Sales order confirmation")
    SALES_DRAFT_INVOICE = "sales_draft_invoice", _("Sales draft invoice")
    SALES_INVOICE = "sales_invoice", _("Sales invoice")
    SALES_SHIPMENT_NOTE = "sales_shipment_note", _("Sales shipment note")
    SALES_CREDIT_MEMO = "sales_credit_memo", _("Sales credit memo")
    SALES_STATEMENT = "sales_statement", _("Sales statement")
    SALES_REMINDER = "sales_reminder", _("Sales reminder")
    SALES_RETURN_ORDER = "sales_return_order", _("Sales return order")
    SALES_RETURN_RECEIPT = "sales_return_receipt", _("Sales return receipt")
    SALES_FINANCE_CHARGE_MEMO = "sales_finance_charge_memo", _("Sales finance charge memo")
    PURCHASE_QUOTE = "purchase_quote", _("Purchase quote")
    PURCHASE_BLANKET_ORDER = "purchase_blanket_order", _("Purchase blanket order")
    PURCHASE_ORDER = "purchase_order", _("Purchase order")
    PURCHASE_INVOICE = "purchase_invoice", _("Purchase invoice")
    PURCHASE_CREDIT_MEMO = "purchase_credit_memo", _("Purchase credit memo")
    PURCHASE_RECEIPT = "purchase_receipt", _("Purchase receipt")
    PURCHASE_RETURN_SHIPMENT = "purchase_return_shipment", _("Purchase return shipment")
    PURCHASE_RETURN_ORDER_CONFIRMATION = (
        "purchase_return_order_confirmation",
        _("Purchase return order confirmation"),
    )
    COVER_SHEET = "cover_sheet", _("Cover sheet")


# Which Interaction Template Setup field names the template for each document type.
SETUP_FIELD_BY_DOCUMENT_TYPE: dict[str, str] = {
    DocumentType.SALES_QUOTE: "sales_quotes",
    DocumentType.SALES_BLANKET_ORDER: "sales_blanket_orders",
    DocumentType.SALES_ORDER_CONFIRMATION: "sales_order_confirmations",
    DocumentType.SALES_DRAFT_INVOICE: "sales_draft_invoices",
    DocumentType.SALES_INVOICE: "sales_invoices",
    DocumentType.SALES_SHIPMENT_NOTE: "sales_shipment_notes",
    DocumentType.SALES_CREDIT_MEMO: "sales_credit_memos",
    DocumentType.SALES_STATEMENT: "sales_statements",
    DocumentType.SALES_REMINDER: "sales_reminders",
    DocumentType.SALES_RETURN_ORDER: "sales_return_orders",
    DocumentType.SALES_RETURN_RECEIPT: "sales_return_receipts",
    DocumentType.SALES_FINANCE_CHARGE_MEMO: "sales_finance_charge_memos",
    DocumentType.PURCHASE_QUOTE: "purch_quotes",
    DocumentType.PURCHASE_BLANKET_ORDER: "purch_blanket_orders",
    DocumentType.PURCHASE_ORDER: "purch_orders",
    DocumentType.PURCHASE_INVOICE: "purch_invoices",
    DocumentType.PURCHASE_CREDIT_MEMO: "purch_credit_memos",
    DocumentType.PURCHASE_RECEIPT: "purch_receipts",
    DocumentType.PURCHASE_RETURN_SHIPMENT: "purch_return_shipments",
    DocumentType.PURCHASE_RETURN_ORDER_CONFIRMATION: "purch_return_order_confirmations",
    DocumentType.COVER_SHEET: "cover_sheets",
}


class InteractionGroup(models.Model):
    code = models.CharField(_("code"), max_length=10, primary_key=True)
    description = models.CharField(_("description"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("interaction group")
        verbose_name_plural = _("interaction groups")
        ordering = ("code",)

    def __str__(self) -> str:
        return f"{self.code} – {self.description}" if self.description else self.code


class InteractionTemplate(models.Model):
    code = models.CharField(_("code"), max_length=10, primary_key=True)
    group = models.ForeignKey(
        InteractionGroup,
        on_delete=models.PROTECT,
        related_name="templates",
        verbose_name=_("interaction group"),
    )
    description = models.CharField(
        _("description"),
        max_length=100,
        blank=True,
        help_text=_("Default description of the interactions logged with this template."),
    )
    unit_cost = models.DecimalField(
        _("unit cost (LCY)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    unit_duration_min = models.DecimalField(
        _("unit duration (min.)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    information_flow = models.CharField(
        _("information flow"),
        max_length=10,
        choices=InformationFlow.choices,
        blank=True,
        default=InformationFlow.NONE,
    )
    initiated_by = models.CharField(
        _("initiated by"),
        max_length=10,
        choices=InitiatedBy.choices,
        blank=True,
        default=InitiatedBy.NONE,
    )
    correspondence_type = models.CharField(
        _("correspondence type (default)"),
        max_length=10,
        choices=CorrespondenceType.choices,
        blank=True,
        default=CorrespondenceType.EMAIL,
    )
    ignore_contact_corres_type = models.BooleanField(
        _("ignore contact corres. type"),
        default=False,
        help_text=_("Always use this template's correspondence type instead of the contact's."),
    )

    class Meta:
        verbose_name = _("interaction template")
        verbose_name_plural = _("interaction templates")
        ordering = ("code",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit_cost__gte=0),
                name="interactiontemplate_unit_cost_not_negative",
                violation_error_message=_("Unit cost cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(unit_duration_min__gte=0),
                name="interactiontemplate_unit_duration_not_negative",
                violation_error_message=_("Unit duration cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.description}" if self.description else self.code


def _template_fk(verbose_name):
    return models.ForeignKey(
        InteractionTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


class InteractionTemplateSetup(SingletonModel):
    """The one Interaction Template Setup row (use `InteractionTemplateSetup.get()`).

    Each field names the template used to log one kind of event automatically; a
    blank field means that event is not logged. The database allows only id 1.
    """

    # General.
    emails = _template_fk(_("e-mails"))
    email_draft = _template_fk(_("e-mail draft"))
    cover_sheets = _template_fk(_("cover sheets"))
    outgoing_calls = _template_fk(_("outgoing calls"))
    incoming_calls = _template_fk(_("incoming calls"))
    meeting_invitation = _template_fk(_("meeting invitation"))

    # Sales.
    sales_quotes = _template_fk(_("sales quotes"))
    sales_blanket_orders = _template_fk(_("sales blanket orders"))
    sales_order_confirmations = _template_fk(_("sales order confirmations"))
    sales_draft_invoices = _template_fk(_("sales draft invoices"))
    sales_invoices = _template_fk(_("sales invoices"))
    sales_credit_memos = _template_fk(_("sales credit memos"))
    sales_shipment_notes = _template_fk(_("sales shipment notes"))
    sales_statements = _template_fk(_("sales statements"))
    sales_reminders = _template_fk(_("sales reminders"))
    sales_return_orders = _template_fk(_("sales return orders"))
    sales_return_receipts = _template_fk(_("sales return receipts"))
    sales_finance_charge_memos = _template_fk(_("sales finance charge memos"))

    # Purchases.
    purch_quotes = _template_fk(_("purchase quotes"))
    purch_blanket_orders = _template_fk(_("purchase blanket orders"))
    purch_orders = _template_fk(_("purchase orders"))
    purch_invoices = _template_fk(_("purchase invoices"))
    purch_credit_memos = _template_fk(_("purchase credit memos"))
    purch_receipts = _template_fk(_("purchase receipts"))
    purch_return_shipments = _template_fk(_("purchase return shipments"))
    purch_return_order_confirmations = _template_fk(_("purchase return order confirmations"))

    GENERAL_FIELDS = (
        "emails",
        "email_draft",
        "cover_sheets",
        "outgoing_calls",
        "incoming_calls",
        "meeting_invitation",
    )
    SALES_FIELDS = (
        "sales_invoices",
        "sales_credit_memos",
        "sales_order_confirmations",
        "sales_draft_invoices",
        "sales_quotes",
        "sales_blanket_orders",
        "sales_shipment_notes",
        "sales_statements",
        "sales_reminders",
        "sales_return_orders",
        "sales_return_receipts",
        "sales_finance_charge_memos",
    )
    PURCHASE_FIELDS = (
        "purch_invoices",
        "purch_credit_memos",
        "purch_orders",
        "purch_quotes",
        "purch_blanket_orders",
        "purch_receipts",
        "purch_return_shipments",
        "purch_return_order_confirmations",
    )

    class Meta:
        verbose_name = _("interaction template setup")
        verbose_name_plural = _("interaction template setup")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1),
                name="interactiontemplatesetup_singleton",
                violation_error_message=_("There can be only one Interaction Template Setup."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Interaction Template Setup"))

    def template_for(self, document_type: str) -> InteractionTemplate | None:
        """The template configured for a document type (None: not logged)."""
        return getattr(self, SETUP_FIELD_BY_DOCUMENT_TYPE[document_type])


class InteractionLogEntryQuerySet(HistoryQuerySet):
    def counted(self) -> InteractionLogEntryQuerySet:
        """Entries that count in totals: neither canceled nor postponed (section 6.4)."""
        return self.filter(canceled=False, postponed=False)

    def for_contact(self, contact) -> InteractionLogEntryQuerySet:
        """A person's own entries; a company's own entries and its persons' (section 2.11)."""
        if contact.is_company:
            return self.filter(models.Q(contact_company=contact) | models.Q(contact=contact))
        return self.filter(contact=contact)


class InteractionLogEntry(models.Model):
    """One interaction with a contact. The entry number is the primary key."""

    # Changing a contact's type is refused while entries point at it (section 2.7);
    # the contacts app checks every related model carrying this flag.
    BLOCKS_CONTACT_TYPE_CHANGE = True

    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interaction_log_entries",
        verbose_name=_("contact"),
    )
    contact_company = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="company_interaction_log_entries",
        verbose_name=_("contact company"),
    )
    # Kept when the contact is deleted, so a detached entry still says whom it was with.
    contact_no = models.CharField(_("contact no."), max_length=20, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)

    date = models.DateField(_("date"), db_index=True)
    time = models.TimeField(_("time of interaction"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=100, blank=True)
    information_flow = models.CharField(
        _("information flow"),
        max_length=10,
        choices=InformationFlow.choices,
        blank=True,
        default=InformationFlow.NONE,
    )
    initiated_by = models.CharField(
        _("initiated by"),
        max_length=10,
        choices=InitiatedBy.choices,
        blank=True,
        default=InitiatedBy.NONE,
    )
    cost = models.DecimalField(
        _("cost (LCY)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    duration_min = models.DecimalField(
        _("duration (min.)"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    interaction_group = models.ForeignKey(
        InteractionGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("interaction group"),
    )
    interaction_template = models.ForeignKey(
        InteractionTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("interaction template"),
    )
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("interaction language"),
    )
    salesperson = models.ForeignKey(
        Salesperson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("salesperson"),
    )
    correspondence_type = models.CharField(
        _("correspondence type"),
        max_length=10,
        choices=CorrespondenceType.choices,
        blank=True,
        default=CorrespondenceType.NONE,
    )
    evaluation = models.CharField(
        _("evaluation"),
        max_length=15,
        choices=Evaluation.choices,
        blank=True,
        default=Evaluation.NONE,
    )
    attempt_failed = models.BooleanField(_("attempt failed"), default=False)
    canceled = models.BooleanField(_("canceled"), default=False)
    postponed = models.BooleanField(_("postponed"), default=False)
    delivery_status = models.CharField(
        _("delivery status"),
        max_length=15,
        choices=DeliveryStatus.choices,
        blank=True,
        default=DeliveryStatus.NONE,
    )
    document_type = models.CharField(
        _("document type"),
        max_length=40,
        choices=DocumentType.choices,
        blank=True,
        default="",
    )
    document_no = models.CharField(_("document no."), max_length=20, blank=True)
    opportunity_no = models.CharField(_("opportunity no."), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = InteractionLogEntryQuerySet.as_manager()

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("interaction log entry")
        verbose_name_plural = _("interaction log entries")
        ordering = ("-id",)
        indexes = [
            models.Index(fields=("document_type", "document_no"), name="interaction_document"),
            # The list's sorts (interactions.selectors.ENTRY_SORTS), keyset paging.
            models.Index(fields=("date", "id"), name="interaction_date_id"),
            models.Index(fields=("contact_no", "id"), name="interaction_contact_no_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cost__gte=0),
                name="interactionlogentry_cost_not_negative",
                violation_error_message=_("Cost cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(duration_min__gte=0),
                name="interactionlogentry_duration_not_negative",
                violation_error_message=_("Duration cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.contact_no} {self.description}".strip()

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("interactions:detail", kwargs={"pk": self.pk})

    @property
    def entry_no(self) -> int | None:
        return self.pk
