"""Staff pages of the setup area: the Marketing Setup card and the reference-data index."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from marketing_setup.forms import SECTIONS, MarketingSetupForm, UserSetupForm
from marketing_setup.models import MarketingSetup, Salesperson, UserSetup
from marketing_setup.panels import panels_for
from marketing_setup.selectors import reference_data_links, reference_data_tables
from marketing_setup.services import (
    marketing_setup_snapshot,
    marketing_setup_update,
    user_setup_set,
)

SETUP_PERMISSION = "marketing_setup.change_marketingsetup"
#: Back-office staff see the setup and the reference data read-only.
VIEW_PERMISSION = "marketing_setup.view_marketingsetup"


def regenerate_message(request) -> str:
    """The note shown after Maintain duplicate search strings was switched on, with a button
    that runs the duplicates app's rebuild (a POST view) when that app provides one."""
    text = _(
        "Maintain duplicate search strings is on again: generate the duplicate search "
        "strings so that existing contacts are found as duplicates."
    )
    try:
        url = reverse("duplicates:rebuild")
    except NoReverseMatch:
        return text
    return format_html(
        '{} <form method="post" action="{}" class="inline">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button type="submit" class="link">{}</button></form>',
        text,
        url,
        get_token(request),
        _("Generate duplicate search strings"),
    )


def search_hit_pct_message() -> str:
    """The stored duplicate pairs were found with the old Search Hit %."""
    return _(
        "The search hit percentage or the duplicate search method changed: the possible "
        "duplicates found so far used the old setting; run the duplicate search (Generate "
        "duplicate search strings) to update them."
    )


def _with_sections(panels: list[dict]) -> list[dict]:
    """Each panel with the number (1-based) of the page section its field is in."""
    for panel in panels:
        panel["section"] = next(
            (i for i, (_t, names) in enumerate(SECTIONS, 1) if panel["after_field"] in names), 0
        )
    return panels


def _may_view(user) -> bool:
    return user.has_perm(VIEW_PERMISSION) or user.has_perm(SETUP_PERMISSION)


@require_http_methods(["GET", "POST"])
def setup_edit(request):
    """The Marketing Setup card, in the reference page's sections; read-only (fields
    disabled, no Save) for users who may only view it."""
    if not _may_view(request.user):
        raise PermissionDenied
    setup = MarketingSetup.get()
    can_change = request.user.has_perm(SETUP_PERMISSION)
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    if request.method == "POST":
        previous = marketing_setup_snapshot(setup)
        form = MarketingSetupForm(request.POST, instance=setup)
        if form.is_valid():
            change = marketing_setup_update(setup=setup, data=form.cleaned_data, previous=previous)
            for note in form.info_messages:
                messages.info(request, note)
            messages.success(request, _("Marketing Setup saved."))
            if change.regenerate_search_strings:
                messages.warning(request, regenerate_message(request))
            elif {"search_hit_pct", "duplicate_search_method"} & set(change.changed_fields):
                messages.info(request, search_hit_pct_message())
            return redirect("marketing_setup:setup")
    else:
        form = MarketingSetupForm(instance=setup)
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "marketing_setup/marketingsetup_edit.html",
        {
            "form": form,
            "can_change": can_change,
            "reference_links": reference_data_links(request.user),
            "panels": _with_sections(panels_for(request)),
        },
    )


@require_GET
def reference_data(request):
    """The reference data the setup points at, read-only, with links to the admin lists
    for those who maintain them."""
    if not _may_view(request.user):
        raise PermissionDenied
    return render(
        request,
        "marketing_setup/reference_data.html",
        {
            "reference_links": reference_data_links(request.user),
            "reference_tables": reference_data_tables(request.user),
            "can_change": request.user.has_perm(SETUP_PERMISSION),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("marketing_setup.change_usersetup", raise_exception=True)
def user_setup(request):
    """User Setup: which salesperson/purchaser each user is (administrators)."""
    failed: UserSetupForm | None = None
    if request.method == "POST":
        form = UserSetupForm(request.POST)
        if form.is_valid():
            user = form.cleaned_data["user"]
            try:
                user_setup_set(user=user, salesperson=form.cleaned_data["salesperson"])
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request, _("User setup of %(user)s saved.") % {"user": user.get_username()}
                )
                return redirect("marketing_setup:user_setup")
        failed = form
    links = dict(UserSetup.objects.values_list("user_id", "salesperson_id"))
    rows = []
    for user in get_user_model().objects.filter(is_active=True).order_by("username"):
        posted = failed is not None and str(failed.data.get("user")) == str(user.pk)
        rows.append(
            {
                "user": user,
                "salesperson": links.get(user.pk, ""),
                "errors": failed.errors if posted else None,
                "selected": failed.data.get("salesperson", "")
                if posted
                else links.get(user.pk, ""),
            }
        )
    return render(
        request,
        "marketing_setup/user_setup.html",
        {
            "rows": rows,
            "salespeople": list(Salesperson.objects.order_by("code")),
            "form_errors": failed.non_field_errors() if failed is not None else None,
        },
    )
