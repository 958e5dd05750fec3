"""The Marketing Setup form (staff page and admin)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from marketing_setup import rules
from marketing_setup.models import (
    SEARCH_HIT_PCT_EXPLANATIONS,
    SEARCH_HIT_PCT_MESSAGE,
    DuplicateMethod,
    MarketingSetup,
    SalesCycle,
    Salesperson,
)
from marketing_setup.services import marketing_setup_snapshot

# The page's sections, in the reference page's order (reference 1.2). The admin uses them too.
SECTIONS: list[tuple[str, tuple[str, ...]]] = [
    (
        _("Inheritance"),
        (
            "inherit_salesperson",
            "inherit_territory",
            "inherit_country",
            "inherit_language",
            "inherit_address",
            "inherit_communication",
        ),
    ),
    (
        _("Defaults"),
        (
            "default_salesperson",
            "default_territory",
            "default_country",
            "default_language",
            "default_sales_cycle",
        ),
    ),
    (_("Interactions"), ("default_correspondence_type", "mergefield_language")),
    (
        _("Synchronisation"),
        (
            "bus_rel_code_for_customers",
            "bus_rel_code_for_vendors",
            "bus_rel_code_for_bank_accounts",
        ),
    ),
    (
        _("Numbering"),
        ("contact_nos", "opportunity_nos", "campaign_nos", "segment_nos", "task_nos"),
    ),
    (
        _("Duplicates"),
        (
            "maintain_search_strings",
            "autosearch_for_duplicates",
            "duplicate_search_method",
            "search_hit_pct",
        ),
    ),
    (_("Salutations"), ("default_company_salutation", "default_person_salutation")),
]
SECTION_FIELDS: tuple[str, ...] = tuple(name for _title, names in SECTIONS for name in names)


class MarketingSetupForm(forms.ModelForm):
    """Every setup field. `clean` applies the Maintain/Autosearch coupling and leaves
    translated notes on what it adjusted in `info_messages`."""

    search_hit_pct = forms.IntegerField(
        label=MarketingSetup._meta.get_field("search_hit_pct").verbose_name,
        help_text=MarketingSetup._meta.get_field("search_hit_pct").help_text,
        error_messages={"required": SEARCH_HIT_PCT_MESSAGE},
    )

    class Meta:
        model = MarketingSetup
        fields = SECTION_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The values before this edit; the ModelForm writes the new ones onto the instance.
        self.previous = marketing_setup_snapshot(self.instance)
        self.info_messages: list[str] = []
        self.regenerate_search_strings = False
        self.fields["default_salesperson"].queryset = Salesperson.objects.filter(blocked=False)
        self.fields["default_salesperson"].error_messages["invalid_choice"] = _(
            "Choose a salesperson who is not blocked."
        )
        self.fields["default_sales_cycle"].queryset = SalesCycle.objects.filter(blocked=False)
        self.fields["default_sales_cycle"].error_messages["invalid_choice"] = _(
            "Choose a sales cycle that is not blocked."
        )

    def clean_search_hit_pct(self) -> int:
        value = self.cleaned_data["search_hit_pct"]
        if not 1 <= value <= 100:
            raise forms.ValidationError(SEARCH_HIT_PCT_MESSAGE, code="search_hit_pct")
        return value

    def clean(self):
        cleaned = super().clean()
        if rules.MAINTAIN in cleaned and rules.AUTOSEARCH in cleaned:
            flags = rules.resolve_duplicate_flags(
                previous_maintain=self.previous[rules.MAINTAIN],
                previous_autosearch=self.previous[rules.AUTOSEARCH],
                maintain=cleaned[rules.MAINTAIN],
                autosearch=cleaned[rules.AUTOSEARCH],
            )
            cleaned[rules.MAINTAIN] = flags.maintain
            cleaned[rules.AUTOSEARCH] = flags.autosearch
            self.info_messages = flags.notes
            self.regenerate_search_strings = flags.regenerate_search_strings
        return cleaned

    def search_hit_pct_explanation(self) -> str:
        """What Search Hit % does for the method chosen on the form (or stored)."""
        method = self["duplicate_search_method"].value() or DuplicateMethod.OURS
        if method not in SEARCH_HIT_PCT_EXPLANATIONS:
            method = DuplicateMethod.OURS
        return str(SEARCH_HIT_PCT_EXPLANATIONS[method])

    def sections(self):
        """(title, bound fields) per section, for the template."""
        return [(title, [self[name] for name in names]) for title, names in SECTIONS]


class UserSetupForm(forms.Form):
    """One user's line on the User Setup page."""

    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True), widget=forms.HiddenInput
    )
    salesperson = forms.ModelChoiceField(
        queryset=Salesperson.objects.all(),
        required=False,
        label=_("Salesperson/purchaser"),
        error_messages={"invalid_choice": _("There is no such salesperson.")},
    )
