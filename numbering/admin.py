from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from history.admin import HistoryAdminMixin
from numbering.models import NoSeries, NoSeriesLine, NoSeriesRelationship, SequenceCounter
from numbering.services import (
    COUNTER_FIELDS,
    line_is_open_now,
    line_last_no_used,
    line_save,
    lines_on_latest_date,
    lines_show_last_no_used,
    series_settle_default_manual,
)


class LineFormMixin:
    """Line editing rules of the forms. The counter fields carry the value the form was
    shown with (a hidden input), so an edit is told apart from a number drawn while the
    form was open."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in COUNTER_FIELDS:
            if name in self.fields:
                self.fields[name].show_hidden_initial = True
        if "implementation" in self.fields:
            # Left out (an older form, a script): the line keeps its implementation.
            self.fields["implementation"].required = False
        # A Sequence line's last no. used lives in its sequence: show that one.
        if self.instance.pk and self.instance.allows_gaps and "last_no_used" in self.fields:
            self.initial["last_no_used"] = line_last_no_used(self.instance)

    def clean(self):
        cleaned_data = super().clean()
        # Blanking Ending No. blanks Warning No. (5.2); a warning no. typed at the same
        # time is kept, and refused by the line's validation.
        if (
            "ending_no" in self.changed_data
            and not cleaned_data.get("ending_no")
            and "warning_no" not in self.changed_data
        ):
            cleaned_data["warning_no"] = ""
        return cleaned_data

    def clean_implementation(self):
        return (
            self.cleaned_data.get("implementation")
            or self.instance.implementation
            or NoSeriesLine.Implementation.NORMAL
        )

    def untouched_counter_fields(self) -> tuple[str, ...]:
        return tuple(name for name in COUNTER_FIELDS if name not in self.changed_data)


class NoSeriesLineForm(LineFormMixin, forms.ModelForm):
    class Meta:
        model = NoSeriesLine
        fields = (
            "line_no",
            "starting_date",
            "starting_no",
            "ending_no",
            "warning_no",
            "increment_by",
            "last_no_used",
            "last_date_used",
            "implementation",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "line_no" in self.fields:
            self.fields["line_no"].required = False
            self.fields["line_no"].help_text = _("Leave blank to number the line automatically.")


class NoSeriesLineFormSet(BaseInlineFormSet):
    def save_existing(self, form, obj, commit=True):
        if not commit:
            return super().save_existing(form, obj, commit=commit)
        line_save(form.instance, fresh_fields=form.untouched_counter_fields())
        return form.instance

    def clean(self):
        super().clean()
        # New lines without a line no. get the next multiple of 10000, as BC numbers lines.
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE", False)]
        used = [f.cleaned_data["line_no"] for f in kept if f.cleaned_data.get("line_no")]
        if self.instance.pk:
            used += list(
                self.instance.lines.exclude(
                    pk__in=[f.instance.pk for f in kept if f.instance.pk]
                ).values_list("line_no", flat=True)
            )
        following = (max(used, default=0) // 10000 + 1) * 10000
        for form in kept:
            if not form.cleaned_data.get("line_no"):
                form.instance.line_no = form.cleaned_data["line_no"] = following
                following += 10000


class NoSeriesLineInline(admin.TabularInline):
    model = NoSeriesLine
    form = NoSeriesLineForm
    formset = NoSeriesLineFormSet
    extra = 0
    fields = (
        "line_no",
        "starting_date",
        "starting_no",
        "ending_no",
        "warning_no",
        "increment_by",
        "last_no_used",
        "last_date_used",
        "implementation",
        "open",
    )
    # Last No. Used stays editable, as in BC, to fast-forward a counter; Open is computed.
    readonly_fields = ("open",)
    ordering = ("starting_date", "line_no")


class NoSeriesForm(forms.ModelForm):
    """Unticking Default Nos. while Manual Nos. is off ticks Manual Nos. (and the other
    way round) with a message, as Business Central does (5.1)."""

    class Meta:
        model = NoSeries
        fields = ("code", "description", "default_nos", "manual_nos", "date_order")

    settled_message = ""

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("default_nos") or cleaned_data.get("manual_nos"):
            return cleaned_data
        unticked = "manual_nos" if "manual_nos" in self.changed_data else "default_nos"
        if "default_nos" in self.changed_data or not self.instance.pk:
            unticked = "default_nos"
        series = NoSeries(
            code=cleaned_data.get("code") or self.instance.code, default_nos=False, manual_nos=False
        )
        self.settled_message = series_settle_default_manual(series, unticked=unticked)
        cleaned_data["default_nos"] = series.default_nos
        cleaned_data["manual_nos"] = series.manual_nos
        self.instance.default_nos = series.default_nos
        self.instance.manual_nos = series.manual_nos
        return cleaned_data


def _current_value(field: str, description):
    """A changelist column showing one field of the series' current line (5.1)."""

    @admin.display(description=description)
    def column(self, obj: NoSeries):
        line = self.current_line(obj)
        value = getattr(line, field) if line else None
        return "" if value in (None, "") else value

    column.__name__ = f"current_{field}"
    return column


@admin.register(NoSeries)
class NoSeriesAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "description",
        "current_starting_date",
        "current_starting_no",
        "current_ending_no",
        "current_last_date_used",
        "current_last_no_used",
        "current_warning_no",
        "current_increment_by",
        "default_nos",
        "manual_nos",
        "date_order",
    )
    search_fields = ("code", "description")
    list_filter = ("default_nos", "manual_nos", "date_order", "lines__implementation")
    fieldsets = (
        (None, {"fields": ("code", "description")}),
        (_("Use"), {"fields": ("default_nos", "manual_nos", "date_order")}),
    )
    inlines = (NoSeriesLineInline,)
    form = NoSeriesForm

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if getattr(form, "settled_message", ""):
            messages.info(request, form.settled_message)

    def get_readonly_fields(self, request, obj=None):
        # The code is the key other records point at; it is set once.
        return ("code",) if obj else ()

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "lines", queryset=NoSeriesLine.objects.order_by("starting_date", "line_no")
                )
            )
        )

    @staticmethod
    def current_line(obj: NoSeries) -> NoSeriesLine | None:
        candidates = lines_on_latest_date(list(obj.lines.all()), timezone.localdate())
        line = next((line for line in candidates if line_is_open_now(line)), None)
        if line is not None and line.allows_gaps and not hasattr(line, "_shown_live"):
            lines_show_last_no_used([line])  # in memory, for the column
            line._shown_live = True
        return line

    current_starting_date = _current_value("starting_date", _("starting date"))
    current_starting_no = _current_value("starting_no", _("starting no."))
    current_ending_no = _current_value("ending_no", _("ending no."))
    current_last_date_used = _current_value("last_date_used", _("last date used"))
    current_last_no_used = _current_value("last_no_used", _("last no. used"))
    current_warning_no = _current_value("warning_no", _("warning no."))
    current_increment_by = _current_value("increment_by", _("increment-by no."))


class NoSeriesLineAdminForm(LineFormMixin, forms.ModelForm):
    class Meta:
        model = NoSeriesLine
        fields = ("series", *NoSeriesLineForm.Meta.fields)


@admin.register(NoSeriesLine)
class NoSeriesLineAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = (
        "series",
        "line_no",
        "starting_date",
        "starting_no",
        "ending_no",
        "warning_no",
        "increment_by",
        "shown_last_no_used",
        "last_date_used",
        "implementation",
        "open",
    )
    list_select_related = ("series",)
    search_fields = ("series__code", "starting_no", "ending_no", "last_no_used")
    list_filter = ("open", "implementation", "series")
    readonly_fields = ("open",)
    form = NoSeriesLineAdminForm

    @admin.display(description=_("last no. used"))
    def shown_last_no_used(self, obj: NoSeriesLine) -> str:
        return line_last_no_used(obj)

    def save_model(self, request, obj, form, change):
        if change:
            line_save(obj, fresh_fields=form.untouched_counter_fields())
        else:
            super().save_model(request, obj, form, change)


@admin.register(SequenceCounter)
class SequenceCounterAdmin(admin.ModelAdmin):
    """SQLite's stand-in sequences of Sequence lines: read-only (edit the line)."""

    list_display = ("name", "last_value", "increment", "is_called")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NoSeriesRelationship)
class NoSeriesRelationshipAdmin(admin.ModelAdmin):
    """Related series (5.5): where `series` is the default, users may choose
    `related_series` instead when a number is assigned."""

    list_display = ("series", "related_series")
    list_select_related = ("series", "related_series")
    search_fields = ("series__code", "related_series__code")
    list_filter = ("series",)
