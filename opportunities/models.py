"""Opportunities (reference, section 8), worked through the setup's sales cycles.

Numbers come from Marketing Setup's Opportunity Nos. (typed numbers only where that
series allows manual numbers); the sales cycle defaults to the setup's Default Sales
Cycle Code when it is not blocked. See opportunities/services.py.

Contacts: any opportunity blocks a contact's type change (BLOCKS_CONTACT_TYPE_CHANGE,
checked by contacts.services); an open one (not started / in progress) blocks deleting
the contact (opportunities/receivers.py). Deleting a person moves its opportunities to
its company (CONTACT_DELETE_MOVES_TO_COMPANY); deleting a company detaches them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact
from history.queryset import HistoryQuerySet
from marketing_setup.models import SalesCycle, SalesCycleStage, Salesperson
from numbering.fields import NumberField
from numbering.records import SaveNeverReinserts


class OpportunityQuerySet(HistoryQuerySet):
    def open(self) -> OpportunityQuerySet:
        return self.filter(status__in=Opportunity.OPEN_STATUSES)


class Opportunity(SaveNeverReinserts, models.Model):
    # Flags read by contacts.services (contacts never imports this app).
    BLOCKS_CONTACT_TYPE_CHANGE = True
    CONTACT_DELETE_MOVES_TO_COMPANY = True

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")

    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS)

    no = NumberField(
        _("no."),
        unique=True,
        blank=True,
        help_text=_("Leave blank to take the next number from the opportunity number series."),
    )
    description = models.CharField(_("description"), max_length=100)
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("contact"),
    )
    contact_company = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="company_opportunities",
        verbose_name=_("contact company"),
        editable=False,
    )
    salesperson = models.ForeignKey(
        Salesperson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("salesperson"),
    )
    sales_cycle = models.ForeignKey(
        SalesCycle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("sales cycle"),
    )
    current_stage = models.ForeignKey(
        SalesCycleStage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current sales cycle stage"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    creation_date = models.DateField(_("creation date"), default=timezone.localdate)
    date_closed = models.DateField(_("date closed"), null=True, blank=True)
    estimated_value = models.DecimalField(
        _("estimated value"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    chances_of_success_pct = models.DecimalField(
        _("chances of success %"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    estimated_closing_date = models.DateField(_("estimated closing date"), null=True, blank=True)
    no_series = models.CharField(_("no. series"), max_length=20, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ("-no",)
        indexes = [
            models.Index(fields=("status", "no"), name="opportunity_status_no"),
            models.Index(fields=("salesperson", "no"), name="opportunity_salesperson_no"),
            # The list's sorts (opportunities.views.SORTS), keyset paging.
            models.Index(fields=("contact", "no"), name="opportunity_contact_no"),
            models.Index(fields=("estimated_value", "no"), name="opportunity_value_no"),
            models.Index(fields=("estimated_closing_date", "no"), name="opportunity_closing_no"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(chances_of_success_pct__gte=0)
                & models.Q(chances_of_success_pct__lte=100),
                name="opportunity_chances_range",
                violation_error_message=_("Chances of success % must be between 0 and 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.no} {self.description}".strip()

    def get_absolute_url(self) -> str:
        return reverse("opportunities:detail", kwargs={"no": self.no})

    def clean(self) -> None:
        if self.current_stage_id:
            if not self.sales_cycle_id:
                raise ValidationError({"current_stage": _("Choose a sales cycle before a stage.")})
            if self.current_stage.sales_cycle_id != self.sales_cycle_id:
                raise ValidationError(
                    {
                        "current_stage": _("The stage does not belong to sales cycle %(code)s.")
                        % {"code": self.sales_cycle_id}
                    }
                )

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES
