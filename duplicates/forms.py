from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact
from duplicates.services import KEEP, MERGE
from listing.widgets import LookupInput

SEPARATE_CHOICES = ((KEEP, _("Keep")), (MERGE, _("Take the duplicate's value")))


class MergeForm(forms.Form):
    """One keep/merge choice per differing field, and a confirmation."""

    confirm = forms.BooleanField(
        label=_("I understand that merging cannot be undone."),
        error_messages={"required": _("Confirm the merge to continue.")},
    )

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = [row for row in rows if row.differs]
        for row in self.rows:
            self.fields[f"field_{row.name}"] = forms.ChoiceField(
                label=row.label,
                choices=SEPARATE_CHOICES,
                initial=KEEP,
                required=False,
                widget=forms.RadioSelect,
            )
        # The confirmation comes last.
        self.order_fields([f"field_{row.name}" for row in self.rows] + ["confirm"])

    def field_choices(self) -> dict[str, str]:
        return {row.name: self.cleaned_data[f"field_{row.name}"] or KEEP for row in self.rows}

    def choice_fields(self):
        return [(row, self[f"field_{row.name}"]) for row in self.rows]


class SeparateForm(forms.Form):
    separate = forms.BooleanField(required=False)


class MergeTargetForm(forms.Form):
    """The contact another one is merged into, by no. (or its exact name): offered as you
    type (htmx), a plain field without JavaScript."""

    into = forms.CharField(label=_("Merge into contact"), max_length=100)

    def __init__(self, *args, contact: Contact, **kwargs):
        super().__init__(*args, **kwargs)
        self.contact = contact
        url = format_lazy("{}?kind={}", reverse_lazy("contacts:lookup"), contact.type)
        self.fields["into"].widget = LookupInput(url)
        self.fields["into"].help_text = _(
            "The no. or the name of the contact to keep; %(no)s is merged into it."
        ) % {"no": contact.no}

    def clean_into(self):
        text = self.cleaned_data["into"].strip()
        found = list(Contact.objects.filter(no=text.upper())[:1]) if len(text) <= 20 else []
        if not found:
            found = list(Contact.objects.filter(name__iexact=text).order_by("no")[:4])
        if not found:
            raise ValidationError(
                _("There is no contact with no. %(no)s."), params={"no": text.upper()}
            )
        if len(found) > 1:
            raise ValidationError(
                _("Several contacts are named “%(text)s”: %(contacts)s. Type the contact's no."),
                params={"text": text, "contacts": ", ".join(str(c) for c in found)},
            )
        target = found[0]
        if target.pk == self.contact.pk:
            raise ValidationError(
                _("Choose another contact: %(no)s cannot be merged into itself."),
                params={"no": target.no},
            )
        if target.type != self.contact.type:
            raise ValidationError(
                _(
                    "%(target)s (%(target_type)s) and %(contact)s (%(contact_type)s) are of "
                    "different types: only contacts of the same type can be merged."
                ),
                params={
                    "target": target.no,
                    "target_type": target.get_type_display().lower(),
                    "contact": self.contact.no,
                    "contact_type": self.contact.get_type_display().lower(),
                },
            )
        return target
