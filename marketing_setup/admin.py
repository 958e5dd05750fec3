"""Admin for Marketing Setup (one row) and its reference data."""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse

from history.admin import HistoryAdminMixin
from marketing_setup.forms import SECTIONS, MarketingSetupForm
from marketing_setup.models import (
    BusinessRelation,
    Language,
    MarketingSetup,
    SalesCycle,
    SalesCycleStage,
    Salesperson,
    Salutation,
    SalutationFormula,
    Territory,
    UserSetup,
)
from marketing_setup.services import marketing_setup_update
from marketing_setup.views import regenerate_message, search_hit_pct_message


@admin.register(MarketingSetup)
class MarketingSetupAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """One row: no add once it exists, no delete; the list opens the row itself."""

    form = MarketingSetupForm
    fieldsets = [(title, {"fields": names}) for title, names in SECTIONS]

    def has_add_permission(self, request) -> bool:
        return not MarketingSetup.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        setup = MarketingSetup.get()
        return redirect(
            reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=(setup.pk,),
                current_app=self.admin_site.name,
            )
        )

    def save_model(self, request, obj, form, change) -> None:
        result = marketing_setup_update(setup=obj, data=form.cleaned_data, previous=form.previous)
        for note in form.info_messages:
            messages.info(request, note)
        if result.regenerate_search_strings:
            messages.warning(request, regenerate_message(request))
        elif "search_hit_pct" in result.changed_fields:
            messages.info(request, search_hit_pct_message())


@admin.register(Salesperson)
class SalespersonAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "job_title", "email", "phone_no", "blocked")
    list_filter = ("blocked",)
    search_fields = ("code", "name", "email")


class CodeAdmin(admin.ModelAdmin):
    list_display = ("code", "description")
    search_fields = ("code", "description")


@admin.register(Territory)
class TerritoryAdmin(CodeAdmin):
    pass


@admin.register(Language)
class LanguageAdmin(CodeAdmin):
    list_display = ("code", "description", "django_language")
    list_filter = ("django_language",)


@admin.register(BusinessRelation)
class BusinessRelationAdmin(CodeAdmin):
    pass


class SalesCycleStageInline(admin.TabularInline):
    model = SalesCycleStage
    extra = 0
    fields = (
        "stage",
        "description",
        "completed_pct",
        "chances_of_success_pct",
        "quote_required",
        "allow_skip",
    )


@admin.register(SalesCycle)
class SalesCycleAdmin(CodeAdmin):
    list_display = ("code", "description", "probability_calculation", "blocked")
    list_filter = ("blocked", "probability_calculation")
    inlines = (SalesCycleStageInline,)


class SalutationFormulaInline(admin.TabularInline):
    model = SalutationFormula
    extra = 0
    fields = (
        "language",
        "salutation_type",
        "text",
        "name_1",
        "name_2",
        "name_3",
        "name_4",
        "name_5",
    )


@admin.register(Salutation)
class SalutationAdmin(CodeAdmin):
    inlines = (SalutationFormulaInline,)


@admin.register(SalutationFormula)
class SalutationFormulaAdmin(admin.ModelAdmin):
    list_display = ("salutation", "language", "salutation_type", "text", "name_1", "name_2")
    list_filter = ("salutation_type", "language", "salutation")
    search_fields = ("salutation__code", "text")
    list_select_related = ("salutation", "language")


@admin.register(UserSetup)
class UserSetupAdmin(admin.ModelAdmin):
    list_display = ("user", "salesperson")
    list_select_related = ("user", "salesperson")
    search_fields = ("user__username", "salesperson__code", "salesperson__name")
