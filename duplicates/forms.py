from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from duplicates.services import KEEP, MERGE

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
