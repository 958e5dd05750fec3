"""Template filters and tags for contact fields and rows.

`{{ contact.email|mailto }}` is the mailto: link to every address of the field (several
are separated by semicolons); `{% contact_rows page.contacts ... %}` writes the rows of
the contact list.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from contacts import emails
from contacts.models import Contact
from numbering.codes import number_url

register = template.Library()


@register.filter
def mailto(value) -> str:
    return emails.mailto_href(value)


def _e(value) -> str:
    """What {{ value }} writes for a plain (not safe) value: str() HTML-escaped."""
    return escape(str(value))


@register.simple_tag
def contact_rows(contacts, selectable, *labels) -> str:
    """The <tr> of each contact of the list, the same HTML the template loop wrote, built
    in Python: the loop's per-row template work (a reverse() per link, a gettext per
    checkbox, ~40 variable lookups) was most of a list page's time. The detail route is
    reversed once (numbering.codes.number_url). `labels` are the column labels
    translated once by the template (no., name, type, company, city, phone no., e-mail,
    salesperson, territory), already escaped; `selectable` adds the bulk checkbox."""
    l_no, l_name, l_type, l_company, l_city, l_phone, l_email, l_sp, l_t = labels
    detail = number_url("contacts:detail")
    types = {value: _e(label) for value, label in Contact._meta.get_field("type").flatchoices}
    select_label = gettext("Select %(no)s %(name)s") if selectable else ""
    parts = []
    append = parts.append
    for c in contacts:
        no = _e(c.no)
        name = _e(c.name)
        detail_url = _e(detail(c.no))
        append(f'\n    <tr data-href="{detail_url}">\n      ')
        if selectable:
            aria = select_label % {"no": no, "name": name}
            append(
                f'<td class="select"><input type="checkbox" name="selected" value="{no}" '
                f'form="bulk-form" aria-label="{aria}"></td>'
            )
        type_ = types.get(c.type)
        if type_ is None:
            type_ = _e(c.get_type_display())
        append(
            f'\n      <td data-label="{l_no}"><a href="{detail_url}">{no}</a></td>'
            f'\n      <td data-label="{l_name}">{name}</td>'
            f'\n      <td data-label="{l_type}">{type_}</td>'
            f'\n      <td data-label="{l_company}">'
        )
        if c.company_id:
            company = c.company
            append(f'<a href="{_e(detail(company.no))}">{_e(company.name)}</a>')
        append(
            f'</td>\n      <td data-label="{l_city}">{_e(c.city)}</td>'
            f'\n      <td data-label="{l_phone}" class="nowrap">'
        )
        if c.phone_no:
            append(f'<a href="tel:{_e(c.phone_no.replace(" ", ""))}">{_e(c.phone_no)}</a>')
        append(f'</td>\n      <td data-label="{l_email}" class="wrap">')
        if c.email:
            append(f'<a href="{_e(emails.mailto_href(c.email))}">{_e(c.email)}</a>')
        append(f'</td>\n      <td data-label="{l_sp}">')
        if c.salesperson_id:
            sp = _e(c.salesperson_id)
            append(f'<abbr title="{_e(c.salesperson.name)}">{sp}</abbr>')
        append(f'</td>\n      <td data-label="{l_t}">')
        if c.territory_id:
            append(f'<abbr title="{_e(c.territory.description)}">{_e(c.territory_id)}</abbr>')
        append("</td>\n    </tr>\n    ")
    return mark_safe("".join(parts))  # every value above is escaped
