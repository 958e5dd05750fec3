"""Number series (reference document, section 5).

A series has dated lines; each line is a range (starting no. .. ending no.) with its
own counter. `numbering.services.series_next_number` draws numbers. A line uses one of
two implementations (5.2):

- Normal (gap-free): the counter is `last_no_used`, advanced in one statement under the
  line's row lock, which the drawing transaction holds until it ends; a rollback gives
  the number back.
- Sequence (gaps allowed): numbers come from a database sequence of the line (a
  PostgreSQL SEQUENCE; on SQLite a `SequenceCounter` row), without the line's row lock.
  A rolled-back number is lost. `last_no_used` then holds the number at the last
  switch or edit; the live value is `numbering.services.line_last_no_used(line)`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, router, transaction
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


class NoSeriesRelationship(models.Model):
    """Series `series` may be replaced by `related_series` when a number is assigned
    (5.5): where a record takes its numbers from `series`, the user may choose
    `related_series` instead. Deleting either series deletes the relationship."""

    series = models.ForeignKey(
        NoSeries,
        on_delete=models.CASCADE,
        related_name="relationships",
        verbose_name=_("code"),
    )
    related_series = models.ForeignKey(
        NoSeries,
        on_delete=models.CASCADE,
        related_name="related_to",
        verbose_name=_("series code"),
    )

    class Meta:
        verbose_name = _("number series relationship")
        verbose_name_plural = _("number series relationships")
        ordering = ("series", "related_series")
        constraints = [
            models.UniqueConstraint(
                fields=("series", "related_series"),
                name="noseriesrelationship_unique",
                violation_error_message=_("This relationship already exists."),
            ),
            models.CheckConstraint(
                condition=~models.Q(series=models.F("related_series")),
                name="noseriesrelationship_not_itself",
                violation_error_message=_("A number series cannot be related to itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series_id} → {self.related_series_id}"


class NoSeriesLine(models.Model):
    class Implementation(models.TextChoices):
        NORMAL = "normal", _("Normal (gap-free)")
        SEQUENCE = "sequence", _("Sequence (gaps allowed)")

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
    implementation = models.CharField(
        _("implementation"),
        max_length=10,
        choices=Implementation.choices,
        default=Implementation.NORMAL,
        help_text=_(
            "Normal: gap-free, one number after the other; drawing waits for other users "
            "drawing from the same line. Sequence: much faster when many users draw at "
            "once, but a number is lost when the record it was drawn for is not saved, "
            "so gaps are possible. Use it for contacts and other non-financial records."
        ),
    )
    # The database sequence of a Sequence line (internal; blank for Normal lines).
    sequence_name = models.CharField(max_length=63, blank=True, editable=False)
    # The numbers as integers, derived from the fields above on every save
    # (formatting.fast_fields) for the one-statement draw (numbering/drawing.py), which
    # checks they still match the text fields and otherwise leaves the draw to Python.
    fast_ok = models.BooleanField(default=False, editable=False)
    fast_source = models.CharField(max_length=64, blank=True, editable=False)
    fast_prefix = models.CharField(max_length=20, blank=True, editable=False)
    fast_suffix = models.CharField(max_length=20, blank=True, editable=False)
    fast_width = models.PositiveSmallIntegerField(default=0, editable=False)
    fast_start = models.BigIntegerField(null=True, editable=False)
    fast_end = models.BigIntegerField(null=True, editable=False)
    fast_last = models.BigIntegerField(null=True, editable=False)
    fast_last_width = models.PositiveSmallIntegerField(default=0, editable=False)

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
        # One transaction for the row and its database sequence (a Sequence line's
        # sequence follows the line: numbering.receivers); Open follows the line however
        # it is saved (admin, scripts, fixtures), 5.4.
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            self.open = self.compute_open()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                extra = {"open", *formatting.FAST_FIELDS}
                if "implementation" in update_fields:
                    extra |= {"last_no_used", "sequence_name"}
                kwargs["update_fields"] = {*update_fields, *extra}
            super().save(*args, **kwargs)

    def set_fast_fields(self) -> None:
        """Derive the integer form of the numbers (see the fast_* fields)."""
        for name, value in formatting.fast_fields(
            starting_no=self.starting_no or "",
            ending_no=self.ending_no or "",
            last_no_used=self.last_no_used or "",
        ).items():
            setattr(self, name, value)

    @property
    def allows_gaps(self) -> bool:
        return self.implementation == self.Implementation.SEQUENCE

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
        if self.allows_gaps:
            sequence_errors = formatting.validate_sequence_numbers(
                starting_no=self.starting_no,
                ending_no=self.ending_no,
                last_no_used=self.last_no_used,
            )
            for name, message in sequence_errors.items():
                errors.setdefault(name, message)
        if errors:
            raise ValidationError(errors)
        # Open follows Ending No., Increment-by No. and Last No. Used (5.4).
        self.open = self.compute_open()

    def compute_open(self, last_no_used: str | None = None) -> bool:
        """Open judged from the numbers (5.4); `last_no_used` overrides the stored one
        (a Sequence line passes its live value)."""
        return formatting.line_is_open(
            last_no_used=self.last_no_used if last_no_used is None else last_no_used,
            ending_no=self.ending_no,
            increment_by=self.increment_by or 1,
        )


class SequenceCounter(models.Model):
    """SQLite's stand-in for a PostgreSQL SEQUENCE (Sequence lines; unused on PostgreSQL).

    SQLite lets one writer at a time anyway, so the counter is an ordinary row advanced
    in the drawing transaction: on SQLite a rolled-back number comes back.
    """

    name = models.CharField(max_length=63, primary_key=True)
    last_value = models.BigIntegerField()
    increment = models.BigIntegerField(default=1)
    is_called = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return self.name
