"""Forms of the opportunity pages. They validate; the views save through the services."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact
from listing.widgets import LookupInput
from marketing_setup.models import SalesCycle, SalesCycleStage, Salesperson
from opportunities.models import Opportunity


class OpportunityForm(forms.ModelForm):
    contact = forms.ModelChoiceField(
        queryset=Contact.objects.all(),
        to_field_name="no",
        widget=LookupInput(reverse_lazy("contacts:lookup")),
        label=_("Contact no."),
        help_text=_("Type a no., name, phone no. or e-mail and choose the contact."),
        error_messages={
            "invalid_choice": _("There is no contact with no. %(value)s."),
            "required": _("Choose the contact of the opportunity."),
        },
    )

    class Meta:
        model = Opportunity
        fields = (
            "no",
            "description",
            "contact",
            "salesperson",
            "sales_cycle",
            "current_stage",
            "status",
            "priority",
            "creation_date",
            "estimated_value",
            "chances_of_success_pct",
            "estimated_closing_date",
        )
        # A type="date" input only takes ISO dates (it shows them in the browser's own
        # format); a localised value such as nl's 01-12-2026 would be thrown away and
        # the date lost on save.
        widgets = {
            "creation_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "estimated_closing_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["no"]
            self.initial["contact"] = self.instance.contact.no if self.instance.contact else ""
        else:
            # A new opportunity starts not started; the status follows the stage.
            del self.fields["status"]
        self.fields["salesperson"].queryset = Salesperson.objects.filter(blocked=False)
        cycles = SalesCycle.objects.filter(blocked=False)
        if self.instance.sales_cycle_id:
            cycles = cycles | SalesCycle.objects.filter(pk=self.instance.sales_cycle_id)
        self.fields["sales_cycle"].queryset = cycles
        self.fields["sales_cycle"].help_text = _(
            "Blank on a new opportunity: the default sales cycle of the Marketing Setup."
        )
        self.fields["current_stage"].queryset = SalesCycleStage.objects.select_related(
            "sales_cycle"
        )

    def _post_clean(self):
        # The service assigns the number and applies the rules, then validates the model.
        pass


class OpportunityFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", _("All statuses")), *Opportunity.Status.choices],
        required=False,
        label=_("Status"),
    )
    salesperson = forms.ModelChoiceField(
        queryset=Salesperson.objects.all(), required=False, label=_("Salesperson")
    )
    contact = forms.CharField(
        required=False, label=_("Contact no."), widget=LookupInput(reverse_lazy("contacts:lookup"))
    )
