"""The model and form field of every number (the rule: numbering/codes.py)."""

from __future__ import annotations

from django import forms
from django.db import models

from numbering.codes import NUMBER_MAX_LENGTH, normalise_number, validate_number_characters


class NumberFormField(forms.CharField):
    """A text field for a number: normalised (trimmed, upper-cased) before validation."""

    default_validators = [validate_number_characters]

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_number(value) if value else value


class NumberField(models.CharField):
    """A number (contact no., customer no., series code...): at most 20 characters that
    follow numbering/codes.py. ``full_clean`` normalises the value (``ab1`` -> ``AB1``)
    and refuses one that breaks the rule, so every path that validates (services,
    forms, admin, API) applies it; blank stays allowed where ``blank=True``."""

    default_validators = [validate_number_characters]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", NUMBER_MAX_LENGTH)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_number(value) if isinstance(value, str) and value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NumberFormField, **kwargs})
