"""A text field that offers matches as you type (htmx), for fields that take a number.

The field stays a plain text input: without JavaScript the user types the number (or,
where the form resolves them, a name) and the form validates it as before. With htmx,
typing asks `lookup_url` for matches and shows them under the field; choosing one puts
its number in the field (static/js/app.js)."""

from __future__ import annotations

from django import forms


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
