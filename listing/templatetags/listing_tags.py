"""Template tags of the staff lists: sortable column heads, paging links, the count."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


def page_query(page, **overrides) -> str:
    """'?' + the page's filters and sort, with `overrides` (None removes a key)."""
    values = {**page.params}
    if page.sort != page.default_sort:
        values["sort"] = page.sort
    for key, value in overrides.items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    return "?" + urlencode({k: v for k, v in values.items() if v not in ("", None)})


@register.simple_tag
def list_query(page, **overrides) -> str:
    return page_query(page, **overrides)


@register.inclusion_tag("listing/_sort_header.html")
def sort_header(page, key: str, label: str, default_descending: bool = False):
    """A column head that sorts the list by `key` (again: the other way round)."""
    current = page.sort.removeprefix("-")
    descending = page.sort.startswith("-")
    if current == key:
        state = "descending" if descending else "ascending"
        target = key if descending else f"-{key}"
    else:
        state = "none"
        target = f"-{key}" if default_descending else key
    return {
        "label": label,
        "state": state,
        "url": page_query(page, sort=target, after=None, before=None, pos=None, last=None),
        "title": _("Sort by %(column)s") % {"column": label},
    }


@register.inclusion_tag("listing/_pagination.html")
def pagination(page, target: str = ""):
    """First / Previous / Next / Last links and the position ("51–100 of 1,234")."""
    return {
        "page": page,
        "target": target,
        "first_url": page_query(page, after=None, before=None, pos=None, last=None),
        "previous_url": page_query(
            page, before=page.previous_before, after=None, pos=page.previous_position, last=None
        ),
        "next_url": page_query(
            page, after=page.next_after, before=None, pos=page.next_position, last=None
        ),
        "last_url": page_query(page, last="1", after=None, before=None, pos=None),
    }


@lru_cache(maxsize=16)
def _country_options(language: str, blank: str) -> str:
    from django_countries import countries

    return format_html_join(
        "", '<option value="{}">{}</option>', [("", blank), *((c, n) for c, n in countries)]
    )


@register.simple_tag
def country_options(selected: str = "", blank: str = "") -> str:
    """The <option>s of a country/region select, built once per language (about 250
    options through widget templates cost ~100 ms a page), `selected` marked."""
    html = _country_options(get_language() or "", str(blank))
    if selected:
        marker = format_html('<option value="{}">', selected)
        html = html.replace(marker, marker[:-1] + " selected>", 1)
    return mark_safe(html)  # built by format_html_join from escaped values
