"""`{% duplicate_rows rows l_contact ... %}`: the rows of the duplicates list.

The same HTML as templates/duplicates/_duplicate_row.html included once per pair (that
template still answers a single row to htmx), built in Python: the include, three
reverse() calls, a permission check and a CSRF field per row were most of the page.
"""

from __future__ import annotations

from html import escape

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.formats import localize
from django.utils.safestring import mark_safe

from listing.reversing import reverse_each

register = template.Library()

_MARKER = "987654321987654321"  # a pk no pair has: reversed once, then replaced


def _pk_url(viewname: str):
    """reverse(viewname, kwargs={"pk": pk}) for many integer pks, reversed once."""
    return reverse_each(viewname, "pk", _MARKER, lambda pk: type(pk) is int and pk >= 0)


def _e(value) -> str:
    """What {{ value }} writes for a plain value: localized (numbers), then escaped."""
    return escape(str(localize(value)))


@register.simple_tag(takes_context=True)
def duplicate_rows(context, rows, *labels) -> str:
    """Each (pair, reason labels) of `rows` as its <tr>. `labels`, translated once by
    the list and already escaped: contact, duplicate contact, matching strings, score,
    reasons, separate contacts, actions, compare, merge, save."""
    (l_contact, l_duplicate, l_matching, l_score, l_reasons, l_separate, l_actions,
     l_compare, l_merge, l_save) = labels  # fmt: skip
    compare, separate, merge = (
        _pk_url(f"duplicates:{name}") for name in ("compare", "separate", "merge")
    )
    csrf = CsrfTokenNode().render(context)
    disabled = "" if "duplicates.change_contactduplicate" in context["perms"] else " disabled"
    parts = []
    for pair, reasons in rows:
        pk = _e(pair.pk)
        compare_url = escape(compare(pair.pk))
        separate_url = escape(separate(pair.pk))
        contact, duplicate = pair.contact, pair.duplicate
        if pair.separate_contacts:
            merge_html = f'\n      <span class="muted" aria-disabled="true">{l_merge}</span>\n    '
        else:
            merge_html = f'\n      <a href="{escape(merge(pair.pk))}">{l_merge}</a>\n    '
        parts.append(
            f'<tr id="pair-{pk}" data-href="{compare_url}">\n'
            f'  <td data-label="{l_contact}">{_e(contact.no)} {_e(contact.name)}</td>\n'
            f'  <td data-label="{l_duplicate}">{_e(duplicate.no)} {_e(duplicate.name)}</td>\n'
            f'  <td data-label="{l_matching}">{_e(pair.no_of_matching_strings)}</td>\n'
            f'  <td data-label="{l_score}">{_e(pair.score)}</td>\n'
            f'  <td data-label="{l_reasons}">{", ".join(escape(str(r)) for r in reasons)}</td>\n'
            f'  <td data-label="{l_separate}">\n'
            f'    <form method="post" action="{separate_url}" hx-post="{separate_url}" '
            f'hx-target="#pair-{pk}" hx-swap="outerHTML" hx-trigger="change">\n'
            f"      {csrf}\n"
            f'      <label class="visually-hidden" for="separate-{pk}">{l_separate}</label>\n'
            f'      <input type="checkbox" name="separate" id="separate-{pk}" value="on"'
            f"{' checked' if pair.separate_contacts else ''}{disabled}>\n"
            f'      <noscript><button type="submit">{l_save}</button></noscript>\n'
            f"    </form>\n"
            f"  </td>\n"
            f'  <td data-label="{l_actions}">\n'
            f'    <a href="{compare_url}">{l_compare}</a>\n'
            f"    {merge_html}\n"
            f"  </td>\n"
            f"</tr>\n"
        )
    return mark_safe("".join(parts))  # every value above is escaped
