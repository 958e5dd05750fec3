"""Admin for opportunities: new ones go through the service (number, defaults)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from history.admin import HistoryAdminMixin
from opportunities import services
from opportunities.models import Opportunity


class OpportunityAdminForm(forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = ("no", *services.EDITABLE_FIELDS)

    def _post_clean(self):
        # Validate the way the service will save: catches the number series and
        # blocked-cycle errors here, so the admin shows them on the form.
        super()._post_clean()
        if self.errors:
            return
        data = {k: v for k, v in self.cleaned_data.items() if k in services.EDITABLE_FIELDS}
        try:
            if self.instance.pk is None:
                no = self.cleaned_data.get("no", "")
                services.opportunity_validate_create(data={**data, "no": no})
            elif "sales_cycle" in self.changed_data:
                services.sales_cycle_check(self.cleaned_data.get("sales_cycle"))
        except ValidationError as exc:
            self._update_errors(exc)


@admin.register(Opportunity)
class OpportunityAdmin(HistoryAdminMixin, admin.ModelAdmin):
    form = OpportunityAdminForm
    list_display = (
        "no",
        "description",
        "contact",
        "salesperson",
        "sales_cycle",
        "status",
        "estimated_value",
        "creation_date",
    )
    list_filter = ("status", "priority", "sales_cycle", "salesperson")
    search_fields = ("no", "description", "contact__no", "contact__name")
    list_select_related = ("contact", "salesperson", "sales_cycle")
    raw_id_fields = ("contact",)
    readonly_fields = ("contact_company", "no_series", "created_at", "updated_at")
    date_hierarchy = "creation_date"

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return ("no", *fields) if obj is not None else fields

    def save_model(self, request, obj, form, change) -> None:
        data = {k: v for k, v in form.cleaned_data.items() if k in services.EDITABLE_FIELDS}
        if change:
            services.opportunity_update(opportunity=obj, data=data, user=request.user)
        else:
            created = services.opportunity_create(
                data={**data, "no": form.cleaned_data.get("no", "")}, user=request.user
            )
            obj.pk, obj.no = created.pk, created.no
