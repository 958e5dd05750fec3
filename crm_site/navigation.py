"""Main navigation: one list, shown in base.html, filtered by permission."""

from __future__ import annotations

from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, permission needed or None)
NAV_ITEMS = [
    (_("Contacts"), "contacts:list", "contacts.view_contact"),
    (_("Duplicates"), "duplicates:list", "duplicates.view_contactduplicate"),
    (_("Interactions"), "interactions:list", "interactions.view_interactionlogentry"),
    (_("Opportunities"), "opportunities:list", "opportunities.view_opportunity"),
    (_("Customers & vendors"), "relations:list", "relations.view_customer"),
    # Staff see the setup read-only.
    (_("Marketing Setup"), "marketing_setup:setup", "marketing_setup.view_marketingsetup"),
    (_("Number series"), "numbering:list", "numbering.view_noseries"),
    (_("Jobs"), "jobs:list", "jobs.view_job"),
    (_("Deleted records"), "history:deleted", "history.revert_event"),
    (_("API tokens"), "api:tokens", "api.add_apitoken"),
    (_("Webhooks"), "api:webhooks", "api.view_webhook"),
]


def navigation(request):
    """Template context: the menu entries this user may open. Built once per request:
    every template rendered with the request runs this (the contact card renders each
    panel on its own: seven times a card, each with a reverse() and a permission check
    per entry). Built again when the request's user changes (signing in or out)."""
    user = getattr(request, "user", None)
    cached = getattr(request, "_crm_navigation", None)
    if cached is not None and cached[0] is user:
        return cached[1]
    built = _navigation(request)
    if request is not None:
        request._crm_navigation = (user, built)
    return built


#: The menu's URLs by script prefix: the URL configuration is fixed for the process.
_urls: dict[str, dict[str, str | None]] = {}


def _menu_urls() -> dict[str, str | None]:
    prefix = get_script_prefix()
    urls = _urls.get(prefix)
    if urls is None:
        urls = {}
        for url_name in ("search", *(item[1] for item in NAV_ITEMS)):
            try:
                urls[url_name] = reverse(url_name)
            except NoReverseMatch:  # the app has no page of that name (yet)
                urls[url_name] = None
        _urls[prefix] = urls
    return urls


def _navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    urls = _menu_urls()
    search_url = urls["search"]
    search = {
        "global_search_url": search_url,
        "global_search_text": request.GET.get("q", "") if request.path == search_url else "",
    }
    items = []
    for label, url_name, perm in NAV_ITEMS:
        url = urls[url_name]
        if url is None or (perm and not user.has_perm(perm)):
            continue
        items.append({"label": label, "url": url, "active": request.path.startswith(url)})
    return {"nav_items": items, **search}
