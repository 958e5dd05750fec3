"""The contact list's rows are written in Python (contact_links.contact_rows): the HTML
must be exactly what the template loop they replaced wrote, in every language, with and
without the bulk checkboxes, whatever the contacts hold."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from contacts import selectors, services
from contacts.models import Contact
from marketing_setup.models import Salesperson, Territory
from numbering.codes import number_url

# The loop the tag replaced (templates/contacts/_contact_table.html before), verbatim.
LOOP = (
    "{% load i18n contact_links %}"
    "{% translate 'No.' as l_no %}{% translate 'Name' as l_name %}"
    "{% translate 'Type' as l_type %}{% translate 'Company' as l_company %}"
    "{% translate 'City' as l_city %}{% translate 'Phone no.' as l_phone %}"
    "{% translate 'E-mail' as l_email %}{% translate 'Salesperson' as l_sp %}"
    "{% translate 'Territory' as l_t %}"
    "{% for c in contacts %}{% url 'contacts:detail' c.no as detail_url %}\n"
    '    <tr data-href="{{ detail_url }}">\n'
    '      {% if bulk_form %}<td class="select"><input type="checkbox" name="selected" '
    'value="{{ c.no }}" form="bulk-form" aria-label="{% blocktranslate with no=c.no '
    'name=c.name %}Select {{ no }} {{ name }}{% endblocktranslate %}"></td>{% endif %}\n'
    '      <td data-label="{{ l_no }}"><a href="{{ detail_url }}">{{ c.no }}</a></td>\n'
    '      <td data-label="{{ l_name }}">{{ c.name }}</td>\n'
    '      <td data-label="{{ l_type }}">{{ c.get_type_display }}</td>\n'
    '      <td data-label="{{ l_company }}">{% if c.company_id %}<a href="{% url '
    "'contacts:detail' c.company.no %}\">{{ c.company.name }}</a>{% endif %}</td>\n"
    '      <td data-label="{{ l_city }}">{{ c.city }}</td>\n'
    '      <td data-label="{{ l_phone }}" class="nowrap">{% if c.phone_no %}<a href="tel:'
    "{{ c.phone_no|cut:' ' }}\">{{ c.phone_no }}</a>{% endif %}</td>\n"
    '      <td data-label="{{ l_email }}" class="wrap">{% if c.email %}<a href="'
    '{{ c.email|mailto }}">{{ c.email }}</a>{% endif %}</td>\n'
    '      <td data-label="{{ l_sp }}">{% if c.salesperson_id %}<abbr title="'
    '{{ c.salesperson.name }}">{{ c.salesperson_id }}</abbr>{% endif %}</td>\n'
    '      <td data-label="{{ l_t }}">{% if c.territory_id %}<abbr title="'
    '{{ c.territory.description }}">{{ c.territory_id }}</abbr>{% endif %}</td>\n'
    "    </tr>\n"
    "    {% endfor %}"
)
TAG = (
    "{% load i18n contact_links %}"
    "{% translate 'No.' as l_no %}{% translate 'Name' as l_name %}"
    "{% translate 'Type' as l_type %}{% translate 'Company' as l_company %}"
    "{% translate 'City' as l_city %}{% translate 'Phone no.' as l_phone %}"
    "{% translate 'E-mail' as l_email %}{% translate 'Salesperson' as l_sp %}"
    "{% translate 'Territory' as l_t %}"
    "{% contact_rows contacts bulk_form l_no l_name l_type l_company l_city l_phone "
    "l_email l_sp l_t %}"
)


@pytest.fixture
def contacts(setup_with_series):
    sp = Salesperson.objects.create(code="JC", name='Jo & "Co" <b>')
    territory = Territory.objects.create(code="OSLO", description="Oslo <øst> & 'vest'")
    company = services.contact_create(
        data={
            "type": "company",
            "name": "Fjord & <Møbler> \"AS\" 'x'",
            "city": "Tromsø <&>",
            "phone_no": "+47 62 45 93 46",
            "email": "post@fjord.no; ola+x@fjord.no",
            "salesperson": sp,
            "territory": territory,
        }
    )
    services.contact_create(
        data={"type": "person", "company": company, "name": "Kari <Nordmann> & Søn"}
    )
    services.contact_create(data={"type": "company", "no": "2024/1", "name": "Slash Co"})
    services.contact_create(data={"type": "person", "first_name": "Ola", "city": ""})
    return selectors.contact_list(params={}).contacts


@pytest.mark.parametrize("language", ["en", "nb", "nl"])
@pytest.mark.parametrize("bulk_form", [True, False])
def test_rows_are_the_html_of_the_template_loop(contacts, language, bulk_form):
    """The loop over Contact instances, the tag over the list page's rows (ContactRow,
    one values_list row each) and over the instances: the same HTML."""
    rows = selectors.contact_list(params={}, as_rows=True).contacts
    assert all(isinstance(row, selectors.ContactRow) for row in rows)
    with translation.override(language):
        expected = Template(LOOP).render(Context({"contacts": contacts, "bulk_form": bulk_form}))
        written = Template(TAG).render(Context({"contacts": rows, "bulk_form": bulk_form}))
        from_instances = Template(TAG).render(
            Context({"contacts": contacts, "bulk_form": bulk_form})
        )
    assert len(contacts) == 4
    assert from_instances == expected
    assert "&lt;Møbler&gt;" in written and "/contacts/2024/1/" in written
    assert written == expected


def test_rows_of_no_contacts_are_empty(db):
    assert Template(TAG).render(Context({"contacts": [], "bulk_form": True})) == ""


def test_the_list_page_renders_its_rows_and_the_empty_row(staff_client, contacts):
    page = staff_client.get(reverse("contacts:list")).content.decode()
    assert page.count('<tr data-href="/contacts/') == 4
    assert "No contacts match." not in page
    empty = staff_client.get(reverse("contacts:list"), {"q": "nobody-here"}).content.decode()
    assert '<tr><td colspan="10" class="muted">No contacts match.</td></tr>' in empty


def test_number_url_is_reverse(db):
    url = number_url("contacts:detail")
    for no in ("CT000001", "2024/1", "INV.2026.07", "A_1", "K-10001"):
        assert url(no) == reverse("contacts:detail", kwargs={"no": no})
    with pytest.raises(Exception) as raised:
        url("bad no")  # not a number: reverse() itself decides (and refuses)
    with pytest.raises(type(raised.value)):
        reverse("contacts:detail", kwargs={"no": "bad no"})


def test_list_queries_do_not_grow_with_the_rows(staff_client, setup_with_series):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            staff_client.get(reverse("contacts:list"))
        return len(ctx.captured_queries)

    company = services.contact_create(data={"type": "company", "name": "One AS"})
    queries()  # the first one builds the selects' options (kept per setup version)
    few = queries()
    for i in range(20):
        services.contact_create(data={"type": "person", "company": company, "name": f"P {i}"})
    assert Contact.objects.count() == 21
    assert queries() == few


def test_the_list_page_reads_its_rows_as_values_with_one_query(staff_client, contacts):
    with CaptureQueriesContext(connection) as ctx:
        staff_client.get(reverse("contacts:list"))
    page_queries = [q["sql"] for q in ctx.captured_queries if "ORDER BY" in q["sql"]]
    page_queries = [q for q in page_queries if '"contacts_contact"."no"' in q]
    assert len(page_queries) == 1
    assert '"contacts_contact"."created_at"' not in page_queries[0]  # only what it shows


def test_the_pages_of_rows_follow_each_other(contacts):
    first = selectors.contact_list(params={}, as_rows=True, page_size=2)
    second = selectors.contact_list(params={}, as_rows=True, page_size=2, after=first.next_after)
    back = selectors.contact_list(
        params={}, as_rows=True, page_size=2, before=second.previous_before
    )
    by_name = selectors.contact_list(params={}, as_rows=True, page_size=2, sort="-name")
    assert [c.no for c in first.contacts + second.contacts] == [c.no for c in contacts]
    assert [c.no for c in back.contacts] == [c.no for c in first.contacts]
    names = sorted(contacts, key=lambda c: (c.name_key, c.no), reverse=True)
    assert [c.no for c in by_name.contacts] == [c.no for c in names[:2]]


def test_the_list_selects_show_the_setup_as_it_is_now(staff_client, contacts):
    """The selects' options are kept per setup version: a change by any path (here a
    queryset update and a bulk insert, which send no signals) shows at once."""
    url = reverse("contacts:list")
    before = staff_client.get(url).content.decode()
    assert "JC – Jo &amp; &quot;Co&quot; &lt;b&gt;" in before
    Salesperson.objects.filter(code="JC").update(name="Renamed")
    Territory.objects.bulk_create([Territory(code="NORD", description="Nord")])
    after = staff_client.get(url, {"salesperson": "JC"}).content.decode()
    assert "Jo &amp;" not in after
    assert '<option value="JC" selected>JC – Renamed</option>' in after
    assert after.count('<option value="NORD">NORD – Nord</option>') == 2  # filter and bulk
