"""A text field that offers matches as you type (htmx), for fields that take a number.

The field stays a plain text input: without JavaScript the user types the number (or,
where the form resolves them, a name) and the form validates it as before. With htmx,
typing asks `lookup_url` for matches and shows them under the field; choosing one puts
its number in the field (static/js/app.js)."""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import connections


class LookupInput(forms.TextInput):
    template_name = "listing/lookup_input.html"

    def __init__(self, lookup_url: str = "", attrs=None):
        self.lookup_url = lookup_url
        super().__init__(attrs={"autocomplete": "off", "class": "lookup-input", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        url = str(self.lookup_url)
        context["widget"]["lookup_url"] = url
        context["widget"]["results_id"] = f"{context['widget']['attrs'].get('id') or name}-results"
        return context


class ValidAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete select, re-shown with a posted value that is no id of
    the target (``abc``, ``1.5``, an id too large for the column): Django's widget puts
    that value into a query and fails with a server error; here it is left out, and the
    form's own "Select a valid choice" error is shown."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.get_field(
            getattr(self.field.remote_field, "field_name", None)
            or self.field.remote_field.model._meta.pk.name
        )
        low, high = connections[self.db or "default"].ops.integer_field_range(
            target.get_internal_type()
        )

        def valid(item) -> bool:
            try:
                prepared = target.to_python(item)
            except (ValidationError, TypeError, ValueError):
                return False
            if isinstance(prepared, int) and not isinstance(prepared, bool):
                return (low is None or prepared >= low) and (high is None or prepared <= high)
            return prepared is not None

        return super().optgroups(name, [item for item in value if valid(item)], attr)


class ValidAutocompleteAdminMixin:
    """For a ModelAdmin with autocomplete_fields: uses ValidAutocompleteSelect."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ValidAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
