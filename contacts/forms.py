"""Forms of the contact staff pages. They validate; the views save through contacts.services."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from contacts import import_matching
from contacts.models import Contact
from contacts.selectors import company_resolve
from contacts.services import contact_manual_no_allowed
from listing import exporting
from listing.widgets import LookupInput, ModelSelectField, QuickBoundField, QuickSelect
from marketing_setup.models import Language, MarketingSetup, Salesperson, Territory
from marketing_setup.versioning import options_cache
from numbering.services import series_choices, series_has_relationships
from tabular.reading import FORMATS

COMPANY_LOOKUP = format_lazy("{}?kind=company", reverse_lazy("contacts:lookup"))

COMMON_FIELDS = (
    "name_2",
    "search_name",
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
    "correspondence_type",
    "salesperson",
    "territory",
    "language",
    "salutation",
    "privacy_blocked",
)
COMPANY_FIELDS = ("name", *COMMON_FIELDS, "vat_registration_no")
PERSON_FIELDS = (
    "first_name",
    "middle_name",
    "surname",
    "initials",
    "job_title",
    *COMMON_FIELDS,
)

# How the card and the edit page group the fields (BC's FastTabs).
SECTIONS = (
    (
        _("General"),
        (
            "no",
            "no_series",
            "type",
            "name",
            "name_2",
            "search_name",
            "first_name",
            "middle_name",
            "surname",
            "initials",
            "job_title",
        ),
    ),
    (
        _("Communication"),
        (
            "phone_no",
            "mobile_phone_no",
            "fax_no",
            "telex_answer_back",
            "email",
            "home_page",
            "correspondence_type",
        ),
    ),
    (
        _("Address"),
        ("address", "address_2", "post_code", "city", "county", "country"),
    ),
    (_("Segmentation"), ("salesperson", "territory", "language", "salutation")),
    (_("VAT"), ("vat_registration_no",)),
    (_("Privacy"), ("privacy_blocked",)),
)


class _ContactForm(forms.ModelForm):
    """Validation of a contact's own fields; `type` and `company` are set by the view."""

    contact_type: str = ""

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.type = self.contact_type
        if "salesperson" in self.fields:
            # A blocked salesperson is not offered (2.1), but a contact keeps its own.
            self.fields["salesperson"].queryset = Salesperson.objects.filter(
                Q(blocked=False) | Q(pk=self.instance.salesperson_id)
            )
        if not creating:
            self.fields.pop("no", None)  # the business key never changes after creation
        elif not contact_manual_no_allowed():
            # 5.6: the series draws every number; a typed one could only be refused.
            self.fields.pop("no", None)
        if creating:
            self._add_series_choice()

    def _add_series_choice(self) -> None:
        """With related series of Contact Nos. (5.5) the user chooses the series the
        number is drawn from; the default series comes first."""
        code = MarketingSetup.get().contact_nos_id or ""
        if not series_has_relationships(code):
            return
        self.fields["no_series"] = forms.ChoiceField(
            label=_("Number series"),
            required=False,
            choices=[
                (s.code, f"{s.code} – {s.description}" if s.description else s.code)
                for s in series_choices(code)
            ],
            initial=code,
            help_text=_("The number is drawn from this series (Contact Nos. or a related one)."),
        )

    def _update_errors(self, errors):
        # The model's rules may name fields this form leaves out (a person's name is made
        # of its parts): show those errors above the form instead of failing.
        if hasattr(errors, "error_dict"):
            moved: dict[str, list] = {}
            for name, field_errors in errors.error_dict.items():
                key = name if name in self.fields else NON_FIELD_ERRORS
                moved.setdefault(key, []).extend(field_errors)
            errors = ValidationError(moved)
        super()._update_errors(errors)

    def sections(self):
        """The form's bound fields grouped like the card."""
        out = []
        for title, names in SECTIONS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                out.append((title, fields))
        return out


class CompanyForm(_ContactForm):
    contact_type = Contact.Type.COMPANY

    class Meta:
        model = Contact
        fields = ("no", *COMPANY_FIELDS)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Enter the company's name."), code="required")
        return name


class PersonForm(_ContactForm):
    contact_type = Contact.Type.PERSON

    # Offered as you type (htmx); without JavaScript the no. or name typed is resolved.
    # The view drops it where the company is given (a new person under a company).
    company = forms.CharField(
        label=_("Company no."),
        required=False,
        max_length=100,
        widget=LookupInput(COMPANY_LOOKUP),
        help_text=_("The company's no. or name. Leave blank for a person without a company."),
    )

    class Meta:
        model = Contact
        fields = ("no", *PERSON_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.company_id:
            self.initial.setdefault("company", self.instance.company.no)

    def clean_company(self):
        return company_from_text(self.cleaned_data["company"])

    def sections(self):
        out = super().sections()
        if "company" in self.fields and out:
            title, fields = out[0]
            out[0] = (title, [*fields[:1], self["company"], *fields[1:]])
        return out

    def clean(self):
        data = super().clean()
        parts = [data.get(key, "").strip() for key in ("first_name", "middle_name", "surname")]
        name = " ".join(part for part in parts if part)[:100]
        parts_changed = {"first_name", "middle_name", "surname"} & set(self.changed_data)
        if name and self.instance.pk and self.instance.name and not parts_changed:
            # Names untouched: keep the stored Name, which may be longer than its
            # 30-character parts (2.10); it is rebuilt only when a part is edited.
            name = self.instance.name
        if not name:
            self._names_missing = True
            raise ValidationError(_("Enter a first name or a surname."), code="required")
        data["name"] = name
        self.instance.name = name
        return data

    def _update_errors(self, errors):
        # The model's "Enter a name." repeats the form's own message about the names.
        if getattr(self, "_names_missing", False) and hasattr(errors, "error_dict"):
            errors.error_dict.pop("name", None)
            if not errors.error_dict:
                return
        super()._update_errors(errors)


FORM_FOR_TYPE = {Contact.Type.COMPANY: CompanyForm, Contact.Type.PERSON: PersonForm}


class ContactFilterForm(forms.Form):
    """The list page's search box and filters (GET)."""

    bound_field_class = QuickBoundField  # labels written in Python

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("No., name, city, phone or e-mail"),
                "autocomplete": "off",
            }
        ),
    )
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("All")), *Contact.Type.choices],
        widget=QuickSelect,
    )
    company = forms.CharField(
        label=_("Company no."),
        required=False,
        max_length=20,
        widget=LookupInput(
            format_lazy("{}?kind=company", reverse_lazy("contacts:lookup")), attrs={"size": 12}
        ),
    )
    salesperson = ModelSelectField(
        label=_("Salesperson"),
        required=False,
        queryset=Salesperson.objects.all(),
        empty_label=_("All"),
        options_cache=options_cache("contacts.filter.salesperson"),
    )
    territory = ModelSelectField(
        label=_("Territory"),
        required=False,
        queryset=Territory.objects.all(),
        empty_label=_("All"),
        options_cache=options_cache("contacts.filter.territory"),
    )
    # The page writes the options itself (listing_tags.country_options); the list is
    # only needed to check a submitted value, so it is built then (a callable), not for
    # every page (about 250 countries in the user's language).
    country = forms.ChoiceField(
        label=_("Country/region"), required=False, choices=lambda: [("", _("All")), *countries]
    )


class CompanyNoForm(forms.Form):
    """Pick a company by its no. or name (a select over every company would not scale)."""

    company = forms.CharField(
        label=_("Company no."),
        required=False,
        max_length=100,
        widget=LookupInput(COMPANY_LOOKUP),
        help_text=_(
            "The company's no. or name. Leave blank to make the person independent of any company."
        ),
    )

    def clean_company(self):
        return company_from_text(self.cleaned_data["company"])


def company_from_text(text: str) -> Contact | None:
    """The company a company field means (its no. or name), None when blank; a clear
    message when no company or several match."""
    text = text.strip()
    if not text:
        return None
    found = company_resolve(text)
    if not found:
        raise ValidationError(
            _("There is no company with no. %(no)s."),
            code="invalid",
            params={"no": text.upper()},
        )
    if len(found) > 1:
        raise ValidationError(
            _("Several companies match “%(text)s”: %(companies)s. Type the company's no."),
            code="ambiguous",
            params={"text": text, "companies": ", ".join(str(c) for c in found)},
        )
    return found[0]


class ChangeTypeForm(forms.Form):
    type = forms.ChoiceField(label=_("New type"), choices=Contact.Type.choices)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (comma or semicolon separated, UTF-8 or Windows-1252) or Excel (.xlsx) with "
            "a header row, at most %(size)s."
        ),
    )
    skip_bad_rows = forms.BooleanField(
        label=_("Skip bad rows"),
        required=False,
        help_text=_("Import the good rows and leave out the rows with errors."),
    )
    update = forms.BooleanField(
        label=_("Update contacts whose number exists"),
        required=False,
        help_text=_("Without it a row with the number of an existing contact is refused."),
    )
    match = forms.ChoiceField(
        label=_("Company rows without a number that match an existing company"),
        choices=list(import_matching.MATCH_LABELS.items()),
        initial=import_matching.CREATE,
        required=False,
        help_text=_(
            "The duplicate search compares each company row without a number with the "
            "stored companies; the preview shows every match with its reasons, and you "
            "may change the action of each row there."
        ),
    )
    clear_empty = forms.BooleanField(
        label=_("Empty cells clear fields of updated contacts"),
        required=False,
        help_text=_("Otherwise an empty cell leaves the field as it is (never the name)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "size": filesizeformat(self.max_bytes())
        }

    @staticmethod
    def max_bytes() -> int:
        return settings.IMPORT_MAX_UPLOAD_BYTES

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes():
            raise ValidationError(
                _("The file is larger than %(size)s.") % {"size": filesizeformat(self.max_bytes())},
                code="too_large",
            )
        if not upload.size:
            raise ValidationError(_("The file is empty."), code="empty")
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in FORMATS and suffix:
            raise ValidationError(
                _("Files of type “%(suffix)s” cannot be read. Use a .csv or .xlsx file.")
                % {"suffix": suffix},
                code="format",
            )
        return upload


class ContactBulkForm(forms.Form):
    """The contact list's bulk actions on the selected rows (or on every matching row)."""

    bound_field_class = QuickBoundField  # labels written in Python

    ASSIGN_ACTIONS = {
        "assign_salesperson": "salesperson",
        "assign_territory": "territory",
        "assign_language": "language",
        "assign_country": "country",
    }
    action = forms.ChoiceField(
        choices=[
            ("assign_salesperson", _("Assign salesperson")),
            ("assign_territory", _("Assign territory")),
            ("assign_language", _("Assign language")),
            ("assign_country", _("Assign country/region")),
            ("export", _("Export selected")),
            ("delete", _("Delete selected")),
            ("delete_confirmed", _("Delete")),
        ]
    )
    all_matching = forms.BooleanField(required=False)
    export_format = forms.ChoiceField(
        label=_("File format"),
        required=False,
        choices=[(d.key, d.label) for d in exporting.DIALECTS.values()],
        widget=QuickSelect,
    )
    salesperson = ModelSelectField(
        label=_("Salesperson"),
        required=False,
        queryset=Salesperson.objects.filter(blocked=False),
        options_cache=options_cache("contacts.bulk.salesperson"),
    )
    territory = ModelSelectField(
        label=_("Territory"),
        required=False,
        queryset=Territory.objects.all(),
        options_cache=options_cache("contacts.bulk.territory"),
    )
    language = ModelSelectField(
        label=_("Language"),
        required=False,
        queryset=Language.objects.all(),
        options_cache=options_cache("contacts.bulk.language"),
    )
    country = forms.ChoiceField(  # built when a value is checked (see ContactFilterForm)
        label=_("Country/region"), required=False, choices=lambda: [("", "—"), *countries]
    )

    def clean(self):
        data = super().clean()
        field = self.ASSIGN_ACTIONS.get(data.get("action", ""))
        if field and not data.get(field):
            self.add_error(field, _("Choose the value to assign."))
        return data

    @property
    def assign_field(self) -> str | None:
        return self.ASSIGN_ACTIONS.get(self.cleaned_data.get("action", ""))
