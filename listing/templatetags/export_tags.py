"""The export links of a list: one download per file format, the list's filters kept."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from django import template

from listing import exporting

register = template.Library()


@register.inclusion_tag("listing/_export_links.html")
def export_links(url: str, params: Mapping | str = ""):
    """Links to `url` with the list's filters (`params`, a dict or an encoded query) and
    `format=` for each file format (CSV, CSV for Excel in nb/nl, XLSX)."""
    if isinstance(params, str):
        query = params.lstrip("?")
    elif hasattr(params, "urlencode"):  # a QueryDict
        params = params.copy()
        for key in ("format", "page", "after", "before", "pos", "last"):
            params.pop(key, None)
        query = params.urlencode()
    else:
        query = urlencode({k: v for k, v in params.items() if v not in ("", None)})
    links = []
    for dialect in exporting.DIALECTS.values():
        parts = [query] if query else []
        parts.append(urlencode({"format": dialect.key}))
        links.append(
            {"url": f"{url}?{'&'.join(parts)}", "label": dialect.short, "title": dialect.label}
        )
    return {"links": links}
