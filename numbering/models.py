"""Number series (reference document, section 5).

A series has dated lines; each line is a range (starting no. .. ending no.) with its
own counter (`last_no_used`). `numbering.services.series_next_number` draws numbers
under a row lock on the line.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from history.queryset import HistoryManager
from numbering import formatting
from numbering.fields import NumberField


class NoSeries(models.Model):
    code = NumberField(_("code"), primary_key=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    default_nos = models.BooleanField(
        _("default nos."),
        default=True,
        help_text=_("Numbers may be assigned automatically."),
    )
    manual_nos = models.BooleanField(
        _("manual nos."),
        default=False,
        help_text=_("Users may type numbers themselves."),
    )
    date_order = models.BooleanField(
        _("date order"),
        default=False,
        help_text=_("Numbers must be drawn in non-decreasing date order."),
    )

    objects = HistoryManager()

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("number series")
        verbose_name_plural = _("number series")
        ordering = ("code",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(default_nos=True) | models.Q(manual_nos=True),
                name="noseries_default_or_manual",
                violation_error_message=_("A number series needs Default Nos. or Manual Nos."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.description}" if self.description else self.code


class NoSeriesLine(models.Model):
    series = models.ForeignKey(
        NoSeries, on_delete=models.CASCADE, related_name="lines", verbose_name=_("series")
    )
    line_no = models.PositiveIntegerField(_("line no."))
    starting_date = models.DateField(_("starting date"), null=True, blank=True)
    starting_no = NumberField(_("starting no."))
    ending_no = NumberField(_("ending no."), blank=True)
    warning_no = NumberField(_("warning no."), blank=True)
    increment_by = models.PositiveIntegerField(
        _("increment-by no."), default=1, validators=[MinValueValidator(1)]
    )
    last_no_used = NumberField(_("last no. used"), blank=True)
    last_date_used = models.DateField(_("last date used"), null=True, blank=True)
    open = models.BooleanField(_("open"), default=True, editable=False)

    objects = HistoryManager()

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("number series line")
        verbose_name_plural = _("number series lines")
        ordering = ("series", "starting_date", "line_no")
        constraints = [
            models.UniqueConstraint(fields=("series", "line_no"), name="noseriesline_unique_line"),
            models.CheckConstraint(
                condition=models.Q(increment_by__gte=1), name="noseriesline_increment_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series_id} {self.line_no}: {self.starting_no}..{self.ending_no}"

    def save(self, *args, **kwargs) -> None:
        # Open follows the line however it is saved (admin, scripts, fixtures), 5.4.
        self.open = self.compute_open()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "open" not in update_fields:
            kwargs["update_fields"] = {*update_fields, "open"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        normalised = formatting.normalise_line_numbers(
            starting_no=self.starting_no,
            ending_no=self.ending_no,
            warning_no=self.warning_no,
            last_no_used=self.last_no_used,
        )
        if all(len(value) <= formatting.MAX_LENGTH for value in normalised.values()):
            for name, value in normalised.items():
                setattr(self, name, value)
        errors = formatting.validate_line_numbers(
            starting_no=self.starting_no,
            ending_no=self.ending_no,
            warning_no=self.warning_no,
            last_no_used=self.last_no_used,
            increment_by=self.increment_by or 0,
        )
        if errors:
            raise ValidationError(errors)
        # Open follows Ending No., Increment-by No. and Last No. Used (5.4).
        self.open = self.compute_open()

    def compute_open(self) -> bool:
        return formatting.line_is_open(
            last_no_used=self.last_no_used,
            ending_no=self.ending_no,
            increment_by=self.increment_by or 1,
        )
