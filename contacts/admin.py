"""Admin for contacts: saves and deletes go through contacts.services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from contacts import models
from contacts.models import Contact
from contacts.services import (
    contact_change_type,
    contact_check_new_no,
    contact_check_type_change,
    contact_delete,
    contact_save,
)
from history.admin import HistoryAdminMixin
from listing.widgets import ValidAutocompleteAdminMixin
from marketing_setup.models import MarketingSetup


class ContactAdminForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = (
            "no", "type", "name", "name_2", "search_name", "company",
            "first_name", "middle_name", "surname", "initials", "job_title",
            "address", "address_2", "post_code", "city", "county", "country",
            "phone_no", "mobile_phone_no", "fax_no", "telex_answer_back", "email", "home_page",
            "correspondence_type", "salesperson", "territory", "language", "salutation",
            "vat_registration_no",
        )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        try:
            if instance.pk is None:
                probe = Contact(no=cleaned.get("no") or "")
                contact_check_new_no(probe, MarketingSetup.get())
            elif "type" in self.changed_data and cleaned.get("type"):
                stored = Contact.objects.get(pk=instance.pk)
                contact_check_type_change(contact=stored, new_type=cleaned["type"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, error)
        return cleaned


@admin.register(Contact)
class ContactAdmin(ValidAutocompleteAdminMixin, HistoryAdminMixin, admin.ModelAdmin):
    form = ContactAdminForm
    list_display = ("no", "name", "type", "company", "city", "country", "salesperson")
    list_select_related = ("company", "salesperson")
    search_fields = ("no", "name", "search_name", "city", "post_code", "email", "phone_no")
    list_filter = ("type", "country", "salesperson", "territory", "language")
    readonly_fields = ("no_series", "created_at", "updated_at")
    autocomplete_fields = ("company",)
    list_per_page = 50
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("no", "type", "name", "name_2", "search_name", "company")}),
        (
            _("Person"),
            {"fields": ("first_name", "middle_name", "surname", "initials", "job_title")},
        ),
        (
            _("Address"),
            {"fields": ("address", "address_2", "post_code", "city", "county", "country")},
        ),
        (
            _("Communication"),
            {
                "fields": (
                    "phone_no",
                    "mobile_phone_no",
                    "fax_no",
                    "telex_answer_back",
                    "email",
                    "home_page",
                    "correspondence_type",
                )
            },
        ),
        (
            _("Segmentation"),
            {
                "fields": (
                    "salesperson",
                    "territory",
                    "language",
                    "salutation",
                    "vat_registration_no",
                )
            },
        ),
        (_("Record"), {"fields": ("no_series", "created_at", "updated_at")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # An allocated number is the contact's business key (the card's address, shown
        # by other apps): set once on creation, never changed or blanked afterwards.
        fields = super().get_readonly_fields(request, obj)
        return ("no", *fields) if obj is not None else fields

    def get_search_results(self, request, queryset, search_term):
        # The company lookup (autocomplete) offers companies only.
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            queryset = queryset.filter(type=Contact.Type.COMPANY)
        return queryset, distinct

    def save_model(self, request, obj, form, change) -> None:
        if change and "type" in form.changed_data:
            # Type-change rules (2.7) clear or split the name parts.
            new_type = obj.type
            obj.type = form.initial.get("type", obj.type)
            obj = contact_change_type(contact=obj, new_type=new_type)
        contact_save(contact=obj)

    def delete_model(self, request, obj) -> None:
        contact_delete(contact=obj)

    def delete_queryset(self, request, queryset) -> None:
        for contact in queryset.order_by("type"):  # companies first: persons go with them
            if Contact.objects.filter(pk=contact.pk).exists():
                try:
                    contact_delete(contact=contact)
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))


class ImportUploadChunkInline(admin.TabularInline):
    """The stored pieces of an upload (their bytes are not shown)."""

    model = models.ImportUploadChunk
    fields = ("index",)
    readonly_fields = ("index",)
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.ImportUpload)
class ImportUploadAdmin(admin.ModelAdmin):
    """Files waiting for their import job (removed when it ends, or after a day)."""

    list_display = ("name", "size", "owner", "created_at")
    readonly_fields = ("name", "size", "owner", "created_at")
    inlines = [ImportUploadChunkInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.ContactPlace)
class ContactPlaceAdmin(admin.ModelAdmin):
    """Each contact's city key and post code as the contact list sorts and searches them
    (kept by every write path, contacts/places.py): shown, never edited here (deleted
    with their contact)."""

    list_display = ("no", "city_key", "post_code")
    search_fields = ("no",)
    list_per_page = 50
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
