from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from history.admin import HistoryAdminMixin
from interactions.models import (
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateSetup,
)


class InteractionTemplateInline(admin.TabularInline):
    model = InteractionTemplate
    extra = 0
    fields = ("code", "description", "unit_cost", "unit_duration_min")
    show_change_link = True


@admin.register(InteractionGroup)
class InteractionGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "description", "template_count")
    search_fields = ("code", "description")
    inlines = (InteractionTemplateInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_template_count=Count("templates"))

    @admin.display(description=_("templates"), ordering="_template_count")
    def template_count(self, obj) -> int:
        return obj._template_count


@admin.register(InteractionTemplate)
class InteractionTemplateAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "description",
        "group",
        "unit_cost",
        "unit_duration_min",
        "information_flow",
        "initiated_by",
        "correspondence_type",
    )
    list_filter = ("group", "information_flow", "initiated_by", "correspondence_type")
    search_fields = ("code", "description")
    list_select_related = ("group",)
    fieldsets = (
        (None, {"fields": ("code", "group", "description")}),
        (_("Cost and duration"), {"fields": ("unit_cost", "unit_duration_min")}),
        (
            _("Direction and correspondence"),
            {
                "fields": (
                    "information_flow",
                    "initiated_by",
                    "correspondence_type",
                    "ignore_contact_corres_type",
                )
            },
        ),
    )


@admin.register(InteractionTemplateSetup)
class InteractionTemplateSetupAdmin(admin.ModelAdmin):
    fieldsets = (
        (_("General"), {"fields": InteractionTemplateSetup.GENERAL_FIELDS}),
        (_("Sales"), {"fields": InteractionTemplateSetup.SALES_FIELDS}),
        (_("Purchases"), {"fields": InteractionTemplateSetup.PURCHASE_FIELDS}),
    )

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not InteractionTemplateSetup.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(InteractionLogEntry)
class InteractionLogEntryAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """Entries are logged by the application; here only their outcome can be edited."""

    list_display = (
        "id",
        "date",
        "contact_no",
        "contact_name",
        "description",
        "interaction_template",
        "document_type",
        "document_no",
        "cost",
        "duration_min",
        "canceled",
        "postponed",
    )
    list_display_links = ("id", "date")
    list_filter = (
        "date",
        "interaction_group",
        "interaction_template",
        "document_type",
        "information_flow",
        "initiated_by",
        "canceled",
        "postponed",
        "attempt_failed",
    )
    search_fields = ("=id", "contact_no", "contact_name", "description", "subject", "document_no")
    list_select_related = ("interaction_template",)
    date_hierarchy = "date"
    readonly_fields = (
        "id",
        "contact",
        "contact_company",
        "contact_no",
        "contact_name",
        "date",
        "time",
        "information_flow",
        "initiated_by",
        "cost",
        "duration_min",
        "user",
        "interaction_group",
        "interaction_template",
        "language",
        "salesperson",
        "correspondence_type",
        "document_type",
        "document_no",
        "opportunity_no",
        "created_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "id",
                    ("contact", "contact_company"),
                    ("contact_no", "contact_name"),
                    ("date", "time"),
                    "description",
                    "subject",
                )
            },
        ),
        (
            _("Template"),
            {
                "fields": (
                    ("interaction_group", "interaction_template"),
                    ("information_flow", "initiated_by"),
                    ("cost", "duration_min"),
                    ("correspondence_type", "language"),
                )
            },
        ),
        (
            _("Outcome"),
            {
                "fields": (
                    "evaluation",
                    "attempt_failed",
                    "canceled",
                    "postponed",
                    "delivery_status",
                )
            },
        ),
        (
            _("References"),
            {
                "fields": (
                    ("document_type", "document_no"),
                    "opportunity_no",
                    "salesperson",
                    "user",
                    "created_at",
                )
            },
        ),
    )

    def has_add_permission(self, request) -> bool:
        # New entries come from the logging services (pages, command, API).
        return False
