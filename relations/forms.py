"""Forms of the relations pages. They validate; the views save through relations.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from listing.widgets import ModelSelectField
from marketing_setup.models import BusinessRelation
from relations.models import BankAccount, Customer, SyncedEntity, Vendor

COMMON_FIELDS = (
    "no",
    "name",
    "search_name",
    "name_2",
    "address",
    "address_2",
    "post_code",
    "city",
    "county",
    "country",
    "phone_no",
    "mobile_phone_no",
    "fax_no",
    "telex_answer_back",
    "email",
    "home_page",
    "territory",
    "language",
    "vat_registration_no",
    "currency_code",
    "contact",
    "primary_contact",
)


class _EntityForm(forms.ModelForm):
    """The number can be typed on create (blank: drawn from the series); later it stays."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["no"]
        if "primary_contact" in self.fields:
            self.fields["primary_contact"].widget = forms.TextInput()
            self.fields["primary_contact"].help_text = _("Contact no. of the primary contact.")
            self.fields["primary_contact"].to_field_name = "no"
            if self.instance.primary_contact_id:
                self.initial["primary_contact"] = self.instance.primary_contact.no


class CustomerForm(_EntityForm):
    class Meta:
        model = Customer
        fields = (*COMMON_FIELDS, "salesperson")


class VendorForm(_EntityForm):
    class Meta:
        model = Vendor
        fields = (*COMMON_FIELDS, "purchaser")


class BankAccountForm(_EntityForm):
    class Meta:
        model = BankAccount
        fields = (*COMMON_FIELDS, "bank_account_no", "iban", "swift_code", "our_contact")


FORMS: dict[type[SyncedEntity], type[_EntityForm]] = {
    Customer: CustomerForm,
    Vendor: VendorForm,
    BankAccount: BankAccountForm,
}


class BusinessRelationAddForm(forms.Form):
    business_relation = ModelSelectField(
        queryset=BusinessRelation.objects.all(), label=_("Business relation")
    )
