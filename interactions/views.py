"""Staff pages: the interaction list, an entry, logging calls/e-mails, cover sheets, setup."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from contacts.models import Contact
from interactions import exporting, selectors, services
from interactions.forms import (
    CoverSheetForm,
    EmailForm,
    EntryFilterForm,
    InteractionTemplateSetupForm,
    PhoneCallForm,
)
from interactions.models import InteractionLogEntry, InteractionTemplateSetup
from interactions.templatetags.interactions_tags import contact_card_url
from listing.keyset import request_page


@permission_required("interactions.view_interactionlogentry", raise_exception=True)
def entry_list_view(request):
    form = EntryFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    page = request_page(
        request,
        selectors.entry_list(**filters),
        options=selectors.ENTRY_SORTS,
        default_sort=selectors.ENTRY_DEFAULT_SORT,
        tiebreak="id",
        params={name: request.GET.get(name, "") for name in form.fields},
    )
    # Said beside the export links: an export of this list leaves these out.
    note = exporting.PRIVACY.list_note(selectors.entry_list(**filters))
    return render(
        request,
        "interactions/entry_list.html",
        {"form": form, "page": page, "left_out_note": note},
    )


@permission_required("interactions.view_interactionlogentry", raise_exception=True)
def entry_detail_view(request, pk: int):
    entry = get_object_or_404(
        InteractionLogEntry.objects.select_related(
            "contact",
            "contact_company",
            "interaction_template",
            "interaction_group",
            "user",
            "salesperson",
            "language",
        ),
        pk=pk,
    )
    return render(request, "interactions/entry_detail.html", {"entry": entry})


def _contact(no: str) -> Contact:
    return get_object_or_404(Contact.objects.select_related("company"), no=no)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    for message in error.messages:
        form.add_error(None, message)


@permission_required("interactions.add_interactionlogentry", raise_exception=True)
@require_http_methods(["GET", "POST"])
def phone_call_log_view(request, no: str):
    contact = _contact(no)
    setup = InteractionTemplateSetup.get()
    if request.method == "POST":
        form = PhoneCallForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.phone_call_log(
                    contact=contact,
                    template=data["template"],
                    description=data["description"],
                    subject=data["subject"],
                    duration_min=data["duration_min"],
                    attempt_failed=data["attempt_failed"],
                    evaluation=data["evaluation"],
                    user=request.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The phone call was logged."))
                return redirect(contact_card_url(contact.no))
    else:
        form = PhoneCallForm(initial={"template": setup.outgoing_calls_id})
    return render(
        request,
        "interactions/phone_call_form.html",
        {"form": form, "contact": contact, "phone_no": contact.phone_no or contact.mobile_phone_no},
    )


@permission_required("interactions.add_interactionlogentry", raise_exception=True)
@require_http_methods(["GET", "POST"])
def email_log_view(request, no: str):
    contact = _contact(no)
    form = EmailForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.email_log(contact=contact, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The e-mail was logged."))
            return redirect(contact_card_url(contact.no))
    return render(request, "interactions/email_form.html", {"form": form, "contact": contact})


def _greeting(contact: Contact) -> tuple[str, str]:
    """(greeting, error message) for the cover sheet."""
    try:
        from contacts.salutations import SalutationError, contact_greeting
    except ImportError:  # salutations not available in this installation
        return "", _("Salutations are not set up.")
    try:
        return contact_greeting(contact=contact, salutation_type="formal"), ""
    except SalutationError as error:
        return "", str(error)


@permission_required("interactions.add_interactionlogentry", raise_exception=True)
@require_http_methods(["GET", "POST"])
def cover_sheet_view(request, no: str):
    contact = _contact(no)
    form = CoverSheetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.cover_sheet_log(
                contact=contact, description=form.cleaned_data["description"], user=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect(f"{request.path}?printed={entry.pk}")
    printed = None
    value = request.GET.get("printed", "")
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses; at most 18
    # digits, so the id fits the column.
    if value.isascii() and value.isdigit() and len(value) <= 18:
        printed = InteractionLogEntry.objects.filter(pk=int(value), contact=contact).first()
    greeting, greeting_error = _greeting(contact)
    return render(
        request,
        "interactions/cover_sheet.html",
        {
            **_document_language(contact),
            "form": form,
            "contact": contact,
            "greeting": greeting,
            "greeting_error": greeting_error,
            "printed": printed,
        },
    )


def _document_language(contact: Contact) -> dict:
    """A printed document speaks the contact's language (its Language code's Django
    language, else the page's) and leaves the country out of a domestic address."""
    from django.conf import settings

    from marketing_setup.models import MarketingSetup

    languages = {code for code, _name in settings.LANGUAGES}
    language = getattr(contact.language, "django_language", "") if contact.language_id else ""
    home = str(MarketingSetup.get().default_country or "")
    return {
        "document_language": language if language in languages else "",
        "show_country": bool(contact.country) and str(contact.country) != home,
    }


@permission_required("interactions.view_interactiontemplatesetup", raise_exception=True)
@require_http_methods(["GET", "POST"])
def template_setup_view(request):
    """The Interaction Template Setup; read-only (fields disabled, no Save) for users who
    may only view it (back-office staff)."""
    can_change = request.user.has_perm("interactions.change_interactiontemplatesetup")
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    setup = InteractionTemplateSetup.get()
    form = InteractionTemplateSetupForm(
        request.POST if request.method == "POST" else None, instance=setup
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The Interaction Template Setup was saved."))
        return redirect("interactions:template_setup")
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request, "interactions/template_setup.html", {"form": form, "can_change": can_change}
    )


@permission_required("interactions.view_interactionlogentry", raise_exception=True)
def entry_export_view(request):
    """The list's entries (its filters applied) as CSV or XLSX."""
    form = EntryFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    try:
        dialect = exporting.dialect_for(request.GET.get("format"))
    except exporting.ExportError as error:
        messages.error(request, str(error))
        query = request.GET.copy()
        query.pop("format", None)
        return redirect(f"{reverse('interactions:list')}?{query.urlencode()}")
    queryset = exporting.entry_export_queryset(filters)
    return exporting.entries_export_response(request, queryset, dialect)
