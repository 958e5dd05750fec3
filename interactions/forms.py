from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from interactions.models import (
    DocumentType,
    Evaluation,
    InteractionGroup,
    InteractionTemplate,
    InteractionTemplateSetup,
)
from listing.widgets import LookupInput


class EntryFilterForm(forms.Form):
    contact = forms.CharField(
        label=_("Contact no."),
        required=False,
        max_length=20,
        widget=LookupInput(reverse_lazy("contacts:lookup")),
    )
    template = forms.ModelChoiceField(
        label=_("Interaction template"),
        queryset=InteractionTemplate.objects.all(),
        required=False,
    )
    group = forms.ModelChoiceField(
        label=_("Interaction group"), queryset=InteractionGroup.objects.all(), required=False
    )
    document_type = forms.ChoiceField(
        label=_("Document type"),
        choices=[("", _("(all)")), *DocumentType.choices],
        required=False,
    )
    # type="date" inputs carry ISO values whatever the language (see opportunities/forms.py).
    date_from = forms.DateField(
        label=_("From date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def filters(self) -> dict:
        """Keyword arguments for `selectors.entry_list` (only the valid, given values: an
        invalid filter is shown with its error, the others still apply)."""
        data = {}
        if self.is_bound:
            self.is_valid()  # cleaned_data keeps every field that is valid
            data = self.cleaned_data
        return {
            "contact_no": (data.get("contact") or "").strip(),
            "template": data["template"].pk if data.get("template") else "",
            "group": data["group"].pk if data.get("group") else "",
            "document_type": data.get("document_type") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


class PhoneCallForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Interaction template"),
        queryset=InteractionTemplate.objects.select_related("group"),
        required=False,
        help_text=_("Blank: the Outgoing Calls template of the Interaction Template Setup."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=100,
        required=False,
        help_text=_("Blank: the template's description."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=100, required=False)
    duration_min = forms.DecimalField(
        label=_("Duration (min.)"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text=_("Blank: the template's unit duration."),
    )
    attempt_failed = forms.BooleanField(label=_("Attempt failed"), required=False)
    evaluation = forms.ChoiceField(
        label=_("Evaluation"), choices=Evaluation.choices, required=False
    )


class EmailForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=100, required=False)
    description = forms.CharField(
        label=_("Description"),
        max_length=100,
        required=False,
        help_text=_("Blank: the template's description."),
    )


class CoverSheetForm(forms.Form):
    description = forms.CharField(
        label=_("Description"),
        max_length=100,
        required=False,
        help_text=_("Blank: the template's description."),
    )


class InteractionTemplateSetupForm(forms.ModelForm):
    class Meta:
        model = InteractionTemplateSetup
        fields = (
            *InteractionTemplateSetup.GENERAL_FIELDS,
            *InteractionTemplateSetup.SALES_FIELDS,
            *InteractionTemplateSetup.PURCHASE_FIELDS,
        )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # One query for all the dropdowns instead of one per field.
        choices = list(forms.ModelChoiceField(InteractionTemplate.objects.all()).choices)
        for field in self.fields.values():
            field.choices = choices

    def sections(self) -> list[tuple[str, list]]:
        return [
            (_("General"), [self[f] for f in InteractionTemplateSetup.GENERAL_FIELDS]),
            (_("Sales"), [self[f] for f in InteractionTemplateSetup.SALES_FIELDS]),
            (_("Purchases"), [self[f] for f in InteractionTemplateSetup.PURCHASE_FIELDS]),
        ]


class DocumentLogForm(forms.Form):
    """Input of the document-logging API and command (validated before logging)."""

    document_type = forms.ChoiceField(
        label=_("Document type"),
        choices=DocumentType.choices,
        error_messages={
            "invalid_choice": _("Unknown document type %(value)s."),
        },
    )
    document_no = forms.CharField(
        label=_("Document no."),
        max_length=20,
        error_messages={"required": _("A document number is required.")},
    )
    # ISO only: a localised format would read 01-02-2026 differently per request language.
    date = forms.DateField(label=_("Date"), required=False, input_formats=["%Y-%m-%d"])
    contact_no = forms.CharField(label=_("Contact no."), max_length=20, required=False)
    customer_no = forms.CharField(label=_("Customer no."), max_length=20, required=False)
    vendor_no = forms.CharField(label=_("Vendor no."), max_length=20, required=False)
    description = forms.CharField(label=_("Description"), max_length=100, required=False)

    def clean(self):
        data = super().clean()
        given = [f for f in ("contact_no", "customer_no", "vendor_no") if data.get(f)]
        if len(given) != 1:
            raise forms.ValidationError(
                _("Give exactly one of contact, customer or vendor."), code="one_party"
            )
        return data
