from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from duplicates.models import (
    ContactDuplicate,
    ContactMatchKey,
    ContactMatchProfile,
    ContactMerge,
    ContactSearchString,
    DuplicateSearchStringSetup,
    MatchModel,
    PairDecision,
    ReviewQuestion,
)


@admin.register(DuplicateSearchStringSetup)
class DuplicateSearchStringSetupAdmin(admin.ModelAdmin):
    list_display = ("field", "part", "length")
    list_filter = ("part",)
    search_fields = ("field",)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        rebuilt = getattr(obj, "strings_rebuilt", 0)
        if rebuilt is None:
            messages.warning(
                request,
                _(
                    "Maintain duplicate search strings is off: the stored search strings "
                    "were not rebuilt for this line."
                ),
            )
        elif rebuilt:
            messages.info(
                request,
                _(
                    "The search strings of this line were rebuilt for %(count)s companies. "
                    "Run the duplicate search (Generate duplicate search strings on the "
                    "duplicates page, or manage.py find_duplicates) to update the possible "
                    "duplicates."
                )
                % {"count": rebuilt},
            )


@admin.register(ContactSearchString)
class ContactSearchStringAdmin(admin.ModelAdmin):
    list_display = ("contact", "field", "part", "string")
    list_filter = ("field", "part")
    search_fields = ("contact__no", "contact__name", "string")
    list_select_related = ("contact",)
    raw_id_fields = ("contact",)


@admin.register(ContactMatchKey)
class ContactMatchKeyAdmin(admin.ModelAdmin):
    list_display = ("contact", "key")
    search_fields = ("contact__no", "key")
    list_select_related = ("contact",)
    raw_id_fields = ("contact",)


@admin.register(ContactMatchProfile)
class ContactMatchProfileAdmin(admin.ModelAdmin):
    list_display = ("contact", "fingerprint")
    search_fields = ("contact__no",)
    list_select_related = ("contact",)
    raw_id_fields = ("contact",)
    readonly_fields = ("fingerprint", "data")


@admin.register(ContactDuplicate)
class ContactDuplicateAdmin(admin.ModelAdmin):
    list_display = (
        "contact",
        "duplicate",
        "no_of_matching_strings",
        "score",
        "separate_contacts",
        "created_at",
    )
    list_editable = ("separate_contacts",)
    list_filter = ("separate_contacts",)
    search_fields = ("contact__no", "contact__name", "duplicate__no", "duplicate__name")
    list_select_related = ("contact", "duplicate")
    raw_id_fields = ("contact", "duplicate")
    readonly_fields = ("no_of_matching_strings", "score", "reasons", "created_at")


@admin.register(ContactMerge)
class ContactMergeAdmin(admin.ModelAdmin):
    list_display = ("merged_contact_no", "kept_contact_no", "user", "merged_at")
    search_fields = ("merged_contact_no", "kept_contact_no")
    list_filter = ("merged_at",)
    list_select_related = ("user",)
    readonly_fields = (
        "kept_contact",
        "kept_contact_no",
        "merged_contact_no",
        "merged_values",
        "kept_values",
        "field_choices",
        "moved_rows",
        "dropped_rows",
        "user",
        "merged_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "kept_contact",
                    "kept_contact_no",
                    "merged_contact_no",
                    "user",
                    "merged_at",
                )
            },
        ),
        (
            _("What was merged"),
            {
                "fields": (
                    "field_choices",
                    "kept_values",
                    "merged_values",
                    "moved_rows",
                    "dropped_rows",
                )
            },
        ),
    )

    def has_add_permission(self, request):
        return False  # merges are made on the merge page, through the service


@admin.register(MatchModel)
class MatchModelAdmin(admin.ModelAdmin):
    """The learned models (read-only: they are estimated, not typed)."""

    list_display = ("created_at", "companies", "candidate_pairs", "labelled_pairs", "estimated")
    list_filter = ("estimated",)
    readonly_fields = (
        "created_at", "companies", "candidate_pairs", "labelled_pairs", "estimated", "parameters",
    )  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PairDecision)
class PairDecisionAdmin(admin.ModelAdmin):
    list_display = ("contact_no", "duplicate_no", "same", "source", "user", "decided_at")
    list_filter = ("same", "source")
    search_fields = ("contact_no", "duplicate_no")
    list_select_related = ("user",)
    readonly_fields = ("levels", "shares", "decided_at")


@admin.register(ReviewQuestion)
class ReviewQuestionAdmin(admin.ModelAdmin):
    list_display = ("contact", "duplicate", "score", "created_at")
    list_select_related = ("contact", "duplicate")
    raw_id_fields = ("contact", "duplicate")
