"""Admin for customers, vendors, bank accounts and contact business relations.

New customers/vendors/bank accounts go through relations.services (numbers, linked
contact); changes go through entity_update (sync to the contact runs on save).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from history.admin import HistoryAdminMixin
from relations import services
from relations.models import BankAccount, ContactBusinessRelation, Customer, Vendor

ADDRESS = (
    "address",
    "address_2",
    "post_code",
    "city",
    "county",
    "country",
)
COMMUNICATION = (
    "phone_no",
    "mobile_phone_no",
    "fax_no",
    "telex_answer_back",
    "email",
    "home_page",
)


class EntityAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not self.errors:
            try:
                services.entity_create_check(model=self._meta.model, no=cleaned.get("no", ""))
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        self.add_error(field if field in self.fields else None, errors)
                else:
                    self.add_error(None, exc)
        return cleaned


class EntityAdmin(HistoryAdminMixin, admin.ModelAdmin):
    form = EntityAdminForm
    list_display = ("no", "name", "city", "country", "phone_no", "email", "contact")
    search_fields = ("no", "name", "search_name", "city", "post_code", "email", "phone_no")
    list_filter = ("country", "territory")
    list_select_related = ("territory",)
    autocomplete_fields = ()
    raw_id_fields = ("primary_contact",)
    extra_fields: tuple[str, ...] = ()

    def get_fieldsets(self, request, obj=None):
        return [
            (
                _("General"),
                {
                    "fields": (
                        "no",
                        "name",
                        "search_name",
                        "name_2",
                        "contact",
                        "primary_contact",
                        *self.extra_fields,
                    )
                },
            ),
            (_("Address"), {"fields": ADDRESS}),
            (_("Communication"), {"fields": COMMUNICATION}),
            (
                _("Other"),
                {"fields": ("territory", "language", "vat_registration_no", "currency_code")},
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        return ("no",) if obj is not None else ()

    def save_model(self, request, obj, form, change) -> None:
        data = {
            k: v for k, v in form.cleaned_data.items() if k in {f.name for f in obj._meta.fields}
        }
        if change:
            services.entity_update(entity=obj, data=data, user=request.user)
        else:
            created = services.entity_create(model=type(obj), data=data, user=request.user)
            obj.pk, obj.no = created.pk, created.no


@admin.register(Customer)
class CustomerAdmin(EntityAdmin):
    extra_fields = ("salesperson",)
    list_filter = ("country", "territory", "salesperson")


@admin.register(Vendor)
class VendorAdmin(EntityAdmin):
    extra_fields = ("purchaser",)
    list_filter = ("country", "territory", "purchaser")


@admin.register(BankAccount)
class BankAccountAdmin(EntityAdmin):
    extra_fields = ("bank_account_no", "iban", "swift_code", "our_contact")
    list_display = ("no", "name", "bank_account_no", "iban", "currency_code", "contact")
    search_fields = ("no", "name", "search_name", "bank_account_no", "iban")


@admin.register(ContactBusinessRelation)
class ContactBusinessRelationAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ("contact", "business_relation", "link_to", "no")
    list_filter = ("business_relation", "link_to")
    search_fields = ("contact__no", "contact__name", "no")
    list_select_related = ("contact", "business_relation")
    raw_id_fields = ("contact",)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if obj.link_to:  # a new or changed link: the contact's values reach the entity (7.4)
            services.contact_to_entities_sync(obj.contact)
