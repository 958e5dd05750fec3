"""Widgets of the staff lists' forms.

- `LookupInput`: a text field that offers matches as you type (htmx), for fields that
  take a number. The field stays a plain text input: without JavaScript the user types
  the number (or, where the form resolves them, a name) and the form validates it as
  before. With htmx, typing asks `lookup_url` for matches and shows them under the
  field; choosing one puts its number in the field (static/js/app.js).
- `QuickSelect` and `ModelSelectField`: the filter and bulk-action selects a list page
  shows on every request (salesperson, territory, type...), the same HTML as Django's
  Select at a fraction of the cost (benchmarks/http.py's profile).
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import connections
from django.forms.models import ModelChoiceIterator
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


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


def _attrs_html(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, nothing
    for False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """A Select that writes its HTML in Python: the same markup as Django's templates
    (select.html, select_option.html, attrs.html), without rendering three templates per
    option (about 1 ms for a three-option select, 2.5 ms for twenty).

    `options_cache`, when given, is called as `options_cache(build)` and returns the
    options' HTML with none selected, `build()`'s or a stored copy (e.g. one kept per
    version of the table the options come from): the choices are then neither read
    nor written per request, only the selected option is marked in the copy."""

    options_cache: Callable[[Callable[[], str]], str] | None = None

    def render(self, name, value, attrs=None, renderer=None):
        if (
            self.template_name != forms.Select.template_name
            or self.option_template_name != forms.Select.option_template_name
        ):
            return super().render(name, value, attrs, renderer)  # a subclass's own markup
        if self.options_cache is not None and not self.allow_multiple_selected:
            return self._render_cached(name, value, attrs)
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"']
        parts.append(_attrs_html(widget["attrs"]) + ">")
        parts.append(self._options_html(widget["optgroups"]))
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every value above is escaped

    @staticmethod
    def _options_html(optgroups) -> str:
        parts = []
        for group_name, group_choices, _index in optgroups:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                parts.append(
                    f'\n  <option value="{escape(option["value"])}"'
                    f"{_attrs_html(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        return "".join(parts)

    def _render_cached(self, name, value, attrs) -> str:
        """As render(), the options from options_cache: Select.get_context without the
        choices, and the first option whose value is the (single) value selected, as
        ChoiceWidget.optgroups marks it."""
        options = self.options_cache(lambda: self._options_html(self.optgroups(name, [])))
        final_attrs = self.build_attrs(self.attrs, attrs)
        values = self.format_value(value)
        if values:
            marker = f'\n  <option value="{escape(values[0])}">'
            options = options.replace(marker, f"{marker[:-1]} selected>", 1)
        return mark_safe(  # every value is escaped (options by _options_html)
            f'<select name="{conditional_escape(name)}"{_attrs_html(final_attrs)}>'
            f"{options}\n</select>"
        )


class QuickBoundField(forms.BoundField):
    """A BoundField whose label_tag() writes the markup of Django's label.html (and
    attrs.html) in Python instead of rendering those two templates for each label
    (about 0.15 ms a label; a list page's filter and bulk forms show eleven). A form
    uses it with `bound_field_class = QuickBoundField`; a form with its own label
    template, or a field asking for other contents, is rendered by Django."""

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        if self.form.template_name_label != _LABEL_TEMPLATE or contents is not None:
            return super().label_tag(contents, attrs, label_suffix, tag)
        # As BoundField.label_tag, up to its template.
        contents = self.label
        if label_suffix is None:
            label_suffix = (
                self.field.label_suffix
                if self.field.label_suffix is not None
                else self.form.label_suffix
            )
        if label_suffix and contents and contents[-1] not in _(":?.!"):
            contents = format_html("{}{}", contents, label_suffix)
        widget = self.field.widget
        id_ = widget.attrs.get("id") or self.auto_id
        if not id_:
            return mark_safe(conditional_escape(contents))
        id_for_label = widget.id_for_label(id_)
        if id_for_label:
            attrs = {**(attrs or {}), "for": id_for_label}
        if self.field.required and hasattr(self.form, "required_css_class"):
            attrs = attrs or {}
            if "class" in attrs:
                attrs["class"] += " " + self.form.required_css_class
            else:
                attrs["class"] = self.form.required_css_class
        tag = conditional_escape(tag or "label")
        return mark_safe(  # every part is escaped
            f"<{tag}{_attrs_html(attrs or {})}>{conditional_escape(contents)}</{tag}>"
        )


_LABEL_TEMPLATE = forms.Form.template_name_label


class OneQueryChoiceIterator(ModelChoiceIterator):
    """The choices read with one plain query, once for both the length and the options
    (a template's {% for %} asks for the length first: Django counts them with a
    COUNT(*) of its own). Django's iterator() uses a server-side cursor on PostgreSQL
    (DECLARE, FETCH, CLOSE: three round trips) to save memory on long lists, which a
    select's few rows do not need."""

    def __init__(self, field):
        super().__init__(field)
        self._objects = None

    def _rows(self) -> list:
        if self._objects is None:
            self._objects = list(self.queryset.all())
        return self._objects

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self._rows():
            yield self.choice(obj)

    def __len__(self):
        return len(self._rows()) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self._rows())


class ModelSelectField(forms.ModelChoiceField):
    """A ModelChoiceField over a short table (salespeople, territories, languages,
    business relations): one query for its options, rendered by QuickSelect;
    `options_cache` (see QuickSelect) keeps the options' HTML between requests."""

    iterator = OneQueryChoiceIterator
    widget = QuickSelect

    def __init__(self, *args, options_cache=None, **kwargs):
        super().__init__(*args, **kwargs)
        if options_cache is not None:
            self.widget.options_cache = options_cache


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
