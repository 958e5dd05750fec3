"""The list pages' quick selects write the same HTML as Django's Select, in one query."""

import pytest
from django import forms
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext_lazy

from listing.widgets import ModelSelectField, QuickBoundField, QuickSelect
from marketing_setup.models import Territory

CHOICES = [
    ("", "All"),
    ("a", "Tom & Jerry <b>"),
    ("Group <1>", [("x", 'x "quoted"'), ("y", "y")]),
    (3, "three"),
]


@pytest.mark.parametrize("value", ["", "a", "x", 3, None, ["a", "y"]])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_f", "required": True, "disabled": False, "data-x": 'say "hi" & <go>'}],
)
def test_quick_select_writes_djangos_markup(value, attrs):
    plain = forms.Select(choices=CHOICES).render("f<", value, attrs)
    quick = QuickSelect(choices=CHOICES).render("f<", value, attrs)
    assert quick == plain


@pytest.mark.django_db
def test_model_select_field_reads_its_options_in_one_query():
    Territory.objects.bulk_create(
        Territory(code=f"T{i}", description=f"Territory & {i}") for i in range(3)
    )

    class Form(forms.Form):
        territory = ModelSelectField(queryset=Territory.objects.all(), empty_label="All")

    class PlainForm(forms.Form):
        territory = forms.ModelChoiceField(queryset=Territory.objects.all(), empty_label="All")

    with CaptureQueriesContext(connection) as queries:
        html = str(Form(initial={"territory": "T1"})["territory"])
    assert len(queries) == 1
    assert "DECLARE" not in queries[0]["sql"]  # no server-side cursor on PostgreSQL
    assert html == str(PlainForm(initial={"territory": "T1"})["territory"])
    assert '<option value="T1" selected>' in html

    bound = Form(data={"territory": "T2"})
    assert bound.is_valid()
    assert bound.cleaned_data["territory"].code == "T2"
    assert not Form(data={"territory": "nope"}).is_valid()


@pytest.mark.django_db
def test_options_listed_by_a_template_loop_cost_one_query():
    """{% for %} asks for the length before it loops (Django's iterator counts with a
    query of its own): both come from the one read."""
    Territory.objects.bulk_create(Territory(code=f"T{i}", description=f"T {i}") for i in range(3))

    class Form(forms.Form):
        territory = ModelSelectField(queryset=Territory.objects.all(), empty_label="All")

    template = Template(
        "{% for value, label in form.fields.territory.choices %}"
        "{{ forloop.revcounter }}:{{ value }};{% endfor %}"
    )
    with CaptureQueriesContext(connection) as queries:
        html = template.render(Context({"form": Form()}))
    assert len(queries) == 1
    assert html == "4:;3:T0;2:T1;1:T2;"


@pytest.mark.parametrize("value", ["", "a", "x", 3, None, "nope", 'x "quoted"'])
@pytest.mark.parametrize("attrs", [None, {"id": "id_f", "data-x": 'say "hi" & <go>'}])
def test_quick_select_with_an_options_cache_writes_djangos_markup(value, attrs):
    """The options come from the cache (built once, nothing selected) and the value's
    option is marked in the copy: the same HTML as Select renders for every value."""
    built = []

    def options_cache(build):
        if not built:
            built.append(build())
        return built[0]

    quick = QuickSelect(choices=CHOICES)
    quick.options_cache = options_cache
    for _ in range(2):
        assert quick.render("f<", value, attrs) == forms.Select(choices=CHOICES).render(
            "f<", value, attrs
        )
    assert len(built) == 1 and " selected" not in built[0]


@pytest.mark.django_db
def test_model_select_field_with_an_options_cache_reads_no_options():
    Territory.objects.bulk_create(Territory(code=f"T{i}", description=f"T & {i}") for i in range(3))
    stored = {}

    def options_cache(build):
        if "html" not in stored:
            stored["html"] = build()
        return stored["html"]

    class Form(forms.Form):
        territory = ModelSelectField(
            queryset=Territory.objects.all(), empty_label="All", options_cache=options_cache
        )

    class PlainForm(forms.Form):
        territory = forms.ModelChoiceField(queryset=Territory.objects.all(), empty_label="All")

    assert str(Form()["territory"]) == str(PlainForm()["territory"])
    with CaptureQueriesContext(connection) as queries:
        unbound = str(Form()["territory"]), str(Form(initial={"territory": "T1"})["territory"])
    assert len(queries) == 0
    assert unbound == (
        str(PlainForm()["territory"]),
        str(PlainForm(initial={"territory": "T1"})["territory"]),
    )
    with CaptureQueriesContext(connection) as queries:
        html = str(Form(data={"territory": "T2"})["territory"])
    # The value's validation reads its row, nothing reads the options.
    assert [q["sql"].count("T2") for q in queries] == [1]
    assert html == str(PlainForm(data={"territory": "T2"})["territory"])
    assert '<option value="T2" selected>' in html


class _LabelForm(forms.Form):
    plain = forms.CharField(label="Name")
    ends = forms.CharField(label="Which?", required=False)
    hostile = forms.CharField(label='Tom & "Jerry" <b>', required=False)
    lazy = forms.CharField(label=gettext_lazy("Search"), required=False)
    suffixed = forms.CharField(label="Code", label_suffix=" =>", required=False)
    own_id = forms.CharField(label="Own", widget=forms.TextInput(attrs={"id": "x<y"}))
    choice = forms.ChoiceField(label="Choice", choices=[("a", "A")], widget=QuickSelect)
    radios = forms.ChoiceField(
        label="Radios", choices=[("a", "A")], widget=forms.RadioSelect, required=False
    )


class _QuickLabelForm(_LabelForm):
    bound_field_class = QuickBoundField


@pytest.mark.parametrize("language", ["en", "nb", "nl"])
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"auto_id": False},
        {"auto_id": "id_bulk_%s", "label_suffix": ""},
        {"data": {"plain": "x"}, "prefix": "filter"},
    ],
)
@pytest.mark.parametrize("required_css_class", [None, "req"])
@pytest.mark.parametrize("attrs", [None, {"class": "c", "data-x": 'a "b"'}])
def test_quick_labels_write_djangos_markup(language, options, required_css_class, attrs):
    plain_class = type("Plain", (_LabelForm,), {})
    quick_class = type("Quick", (_QuickLabelForm,), {})
    if required_css_class:
        plain_class.required_css_class = quick_class.required_css_class = required_css_class
    with translation.override(language):
        plain, quick = plain_class(**options), quick_class(**options)
        for name in plain.fields:
            expected = plain[name].label_tag(attrs=dict(attrs or {}) or None)
            assert quick[name].label_tag(attrs=dict(attrs or {}) or None) == expected
            assert quick[name].label_tag(tag="legend") == plain[name].label_tag(tag="legend")
            assert quick[name].label_tag("<b>own</b>") == plain[name].label_tag("<b>own</b>")
            assert quick[name].label_tag(label_suffix="!") == plain[name].label_tag(
                label_suffix="!"
            )
        rendered = Template("{{ form.plain.label_tag }}").render(Context({"form": quick}))
        assert rendered == str(plain["plain"].label_tag())


def test_the_list_forms_use_quick_labels():
    from contacts.forms import ContactBulkForm, ContactFilterForm

    for form in (ContactFilterForm(), ContactBulkForm(auto_id="id_bulk_%s")):
        for name in form.fields:
            assert isinstance(form[name], QuickBoundField)
