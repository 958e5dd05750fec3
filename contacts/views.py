"""Contact staff pages: list, card, create/edit, inheritance actions, import and export.

Views check permissions, validate a form and call one service or selector
(contacts.services / contacts.selectors / contacts.importing); no business rules here.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contacts import exporting as contact_exporting
from contacts import selectors, vcard
from contacts.forms import (
    FORM_FOR_TYPE,
    SECTIONS,
    ChangeTypeForm,
    CompanyNoForm,
    ContactBulkForm,
    ContactFilterForm,
)
from contacts.identifiers import vat_check_message, vat_fails_check
from contacts.models import Contact
from contacts.panels import card_panels
from listing import exporting
from listing.keyset import request_position
from marketing_setup.versioning import setup_snapshot

logger = logging.getLogger(__name__)
CARD_PERSONS = 50


def _services():
    # Imported on use: contacts.services is written in parallel with these pages.
    from contacts import services

    return services


def _error_messages(error: ValidationError) -> list[str]:
    return list(error.messages)


def _add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form (by field where it names one)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _filter_params(form: ContactFilterForm) -> dict:
    """The filters that are valid (an unknown salesperson code is left out, not fatal)."""
    form.is_valid()
    return getattr(form, "cleaned_data", {})


# --- List ---------------------------------------------------------------------------


# Pages that only read run in autocommit, not in the request's transaction
# (ATOMIC_REQUESTS): each statement sees committed data either way (READ COMMITTED), and
# BEGIN/COMMIT and the card's savepoints per panel were round trips for nothing.
@transaction.non_atomic_requests
@require_GET
@permission_required("contacts.view_contact", raise_exception=True)
def contact_list_view(request):
    with setup_snapshot():  # the selects' options: one read of the setup's version
        return _contact_list(request)


#: The list's search and filter fields (the rest of its query string pages and sorts).
FILTER_FIELDS = tuple(ContactFilterForm.base_fields)


def _contact_list(request):
    filtered = any(request.GET.get(name) for name in FILTER_FIELDS)
    if filtered:
        form = ContactFilterForm(request.GET)
        params = _filter_params(form)
    else:
        # No search or filter (the first page, or paging and sorting it): the filter form
        # is the empty one, drawn from the cache (the toolbar's {% setup_cached %}
        # block) and built only when the block is (its fields' copies were a tenth of
        # the list's time).
        form, params = SimpleLazyObject(ContactFilterForm), {}
    page = selectors.contact_list(
        params=params,
        after=request.GET.get("after") or None,
        before=request.GET.get("before") or None,
        last=request.GET.get("last") == "1",
        sort=request.GET.get("sort"),
        position=request_position(request.GET.get("pos")),
        as_rows=True,
    )
    bulk_actions = _may_bulk(request.user)
    context = {
        "form": form,
        "filters_bound": filtered,
        "page": page,
        "bulk_actions": bulk_actions,
        # Drawn inside a {% setup_cached %} block: built only when the block is.
        "bulk_form": SimpleLazyObject(lambda: ContactBulkForm(auto_id="id_bulk_%s"))
        if bulk_actions
        else None,
        # Said beside the export links: an export of this list leaves these out.
        "left_out_note": contact_exporting.CONTACTS.list_note(
            selectors.contact_filter(params=params)
        ),
    }
    if request.htmx and request.htmx.target == "contact-table":
        return render(request, "contacts/_contact_table.html", context)
    return render(request, "contacts/contact_list.html", context)


def _may_bulk(user) -> bool:
    """The list offers bulk actions to users who may change or delete contacts."""
    return user.has_perm("contacts.change_contact") or user.has_perm("contacts.delete_contact")


@require_GET
@permission_required("contacts.view_contact", raise_exception=True)
def contact_export_view(request):
    """The list's contacts (its search and filters applied) as CSV or XLSX."""
    form = ContactFilterForm(request.GET or None)
    params = _filter_params(form)
    try:
        dialect = exporting.dialect_for(request.GET.get("format"))
    except exporting.ExportError as error:
        messages.error(request, str(error))
        query = request.GET.copy()
        query.pop("format", None)
        return redirect(f"{reverse('contacts:list')}?{query.urlencode()}")
    queryset = contact_exporting.contact_export_queryset(params=params)
    return contact_exporting.contacts_export_response(request, queryset, dialect)


@require_GET
@permission_required("contacts.view_contact", raise_exception=True)
def contact_lookup_view(request):
    """Matches for a lookup field as the user types (htmx): companies, or any contact."""
    text = (request.GET.get(request.GET.get("field", "q")) or request.GET.get("q") or "").strip()
    kind = request.GET.get("kind", "")
    items = []
    if text:
        for c in selectors.contact_lookup(text[:100], kind=kind):
            detail = " ".join(p for p in (c.post_code, c.city) if p)
            if c.is_person and c.company_id:
                detail = c.company.name
            items.append({"value": c.no, "label": c.name, "detail": detail})
    return render(request, "listing/_lookup_results.html", {"items": items, "q": text})


# --- Bulk actions -------------------------------------------------------------------

#: Above this many contacts an export or delete is refused here: the selection is
#: narrowed with the filters instead.
BULK_INLINE_LIMIT = 10_000
#: Above this many contacts an assignment runs as a job (the user follows it).
BULK_JOB_THRESHOLD = 1_000


def _list_url(request) -> str:
    """Back to the list the user came from (only our own list URLs)."""
    url = request.POST.get("next", "")
    list_url = reverse("contacts:list")
    return url if url.startswith(list_url) and "//" not in url else list_url


@require_POST
@permission_required("contacts.view_contact", raise_exception=True)
def contact_bulk_view(request):
    """The list's bulk actions: assign a salesperson, territory, language or country/region,
    export or delete the selected contacts (or every contact matching the filters)."""
    form = ContactBulkForm(request.POST)
    back = _list_url(request)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(back)
    action = form.cleaned_data["action"]
    needed = "contacts.delete_contact" if action.startswith("delete") else "contacts.change_contact"
    if action != "export" and not request.user.has_perm(needed):
        raise PermissionDenied
    selected = [no for no in request.POST.getlist("selected") if no][: BULK_INLINE_LIMIT + 1]
    if form.cleaned_data["all_matching"]:
        params = _filter_params(ContactFilterForm(request.POST, prefix="filter"))
        contacts = selectors.contact_filter(params=params)
        selected = None
    else:
        params = None
        contacts = Contact.objects.filter(no__in=selected)
    count = contacts.count()
    if not count:
        messages.error(request, _("Select the contacts first."))
        return redirect(back)
    if action not in ("export", "delete", "delete_confirmed") and count > BULK_JOB_THRESHOLD:
        return _bulk_assign_job(request, form, back, filters=params, nos=selected)
    if count > BULK_INLINE_LIMIT:
        messages.error(
            request,
            _(
                "%(count)s contacts are too many for one bulk action here (at most "
                "%(limit)s): narrow the list with the filters."
            )
            % {"count": intcomma(count), "limit": intcomma(BULK_INLINE_LIMIT)},
        )
        return redirect(back)
    if action == "export":
        dialect = exporting.dialect_for(form.cleaned_data["export_format"])
        nos = list(contacts.values_list("no", flat=True))
        queryset = contact_exporting.contact_export_queryset(nos=nos)
        return contact_exporting.contacts_export_response(request, queryset, dialect)
    if action == "delete":
        return render(
            request,
            "contacts/contact_bulk_delete.html",
            {
                "contacts": list(contacts.order_by("no")[:200]),
                "count": count,
                "persons": Contact.objects.filter(
                    company__in=contacts.filter(type=Contact.Type.COMPANY)
                )
                .exclude(pk__in=contacts.values("pk"))
                .count(),
                "selected": selected,
                "filters": [
                    (key, request.POST[f"filter-{key}"])
                    for key in selectors.FILTER_KEYS
                    if request.POST.get(f"filter-{key}")
                ],
                "next": back,
            },
        )
    if action == "delete_confirmed":
        result = _services().contacts_bulk_delete(contacts=contacts)
        if result.deleted:
            messages.success(
                request,
                ngettext(
                    "%(count)s contact was deleted: %(nos)s.",
                    "%(count)s contacts were deleted: %(nos)s.",
                    len(result.deleted),
                )
                % {"count": len(result.deleted), "nos": _short_list(result.deleted)},
            )
        for no, why in result.refused:
            messages.error(request, _("%(no)s was not deleted: %(why)s") % {"no": no, "why": why})
        return redirect(back)
    field = form.assign_field
    value = form.cleaned_data[field]
    try:
        result = _services().contacts_bulk_assign(contacts=contacts, field=field, value=value)
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
        return redirect(back)
    label = Contact._meta.get_field(field).verbose_name
    shown = value.pk if hasattr(value, "pk") else value
    messages.success(
        request,
        _(
            "%(field)s %(value)s assigned to %(companies)s and %(persons)s; "
            "%(followers)s followed their company."
        )
        % {
            "field": capfirst(label),
            "value": shown,
            "companies": ngettext("%(n)s company", "%(n)s companies", result.companies)
            % {"n": result.companies},
            "persons": ngettext("%(n)s person", "%(n)s persons", result.persons)
            % {"n": result.persons},
            "followers": ngettext("%(n)s person", "%(n)s persons", result.followers)
            % {"n": result.followers},
        },
    )
    return redirect(back)


def _bulk_assign_job(request, form, back: str, *, filters: dict | None, nos: list[str] | None):
    """A large assignment: queued as a job, and the user goes to it."""
    from contacts import tasks
    from jobs.exceptions import JobConflict
    from jobs.views import announce_conflict, announce_started

    field = form.assign_field
    value = form.cleaned_data[field]
    if field == "salesperson" and value is not None and getattr(value, "blocked", False):
        messages.error(
            request, _("Salesperson %(code)s is blocked and cannot be used.") % {"code": value.pk}
        )
        return redirect(back)
    try:
        job = tasks.contacts_bulk_assign.start(
            user=request.user,
            field=field,
            value=getattr(value, "pk", value),
            filters={key: getattr(v, "pk", v) for key, v in filters.items()}
            if filters is not None
            else None,
            nos=nos,
        )
    except JobConflict as error:  # pragma: no cover - bulk changes wait for each other
        announce_conflict(request, error)
        return redirect(back)
    announce_started(request, job)
    return redirect(job)


def _short_list(nos: list[str], limit: int = 10) -> str:
    shown = ", ".join(nos[:limit])
    if len(nos) > limit:
        shown += " " + _("and %(count)s more") % {"count": len(nos) - limit}
    return shown


# --- Card ---------------------------------------------------------------------------


def _card_sections(contact: Contact, states: dict[str, str]) -> list[dict]:
    """The card's sections: label, display value and inheritance state of each field."""
    sections = []
    for title, names in SECTIONS:
        rows = []
        for name in names:
            if contact.is_person and name == "vat_registration_no":
                continue
            if contact.is_company and name in (
                "first_name",
                "middle_name",
                "surname",
                "initials",
                "job_title",
            ):
                continue
            value = _display(contact, name)
            state = states.get(name)
            rows.append(
                {
                    "name": name,
                    "label": Contact._meta.get_field(name).verbose_name,
                    "value": value,
                    "state": state,
                    "href": _LINKS[name](value) if name in _LINKS and value else "",
                    # An empty field is listed compactly, unless it differs from the
                    # company (the person cleared what the company has).
                    "empty": not value and state != "overridden",
                }
            )
        if rows:
            sections.append(
                {
                    "title": title,
                    "rows": [r for r in rows if not r["empty"]],
                    "empty": [r["label"] for r in rows if r["empty"]],
                    "map": vcard.map_href(contact) if "city" in names else "",
                }
            )
    return sections


_LINKS = {
    "phone_no": vcard.tel_href,
    "mobile_phone_no": vcard.tel_href,
    "fax_no": vcard.tel_href,
    "email": vcard.mailto_href,
    "home_page": vcard.web_href,
}


def _display(contact: Contact, name: str) -> str:
    """A field's value as the card shows it."""
    field = Contact._meta.get_field(name)
    if field.choices and not field.is_relation:
        return str(getattr(contact, f"get_{name}_display")())
    if name == "country":
        return contact.country.name if contact.country else ""
    value = getattr(contact, name)
    if isinstance(value, bool):
        return _("Yes") if value else ""
    return "" if value is None else str(value)


def _field_states(contact: Contact) -> dict[str, str]:
    if not (contact.is_person and contact.company_id):
        return {}
    from contacts.inheritance import field_states

    return field_states(contact)


def _greeting(contact: Contact) -> tuple[str, str]:
    """(greeting, error message): the formal greeting or why it cannot be built."""
    try:
        from contacts.salutations import SalutationError, contact_greeting
    except ImportError:  # pragma: no cover - salutations not built yet
        return "", ""
    try:
        return contact_greeting(contact=contact, salutation_type="formal"), ""
    except SalutationError as error:
        return "", str(error)


#: Panels that stand at the top of the card (a possible-duplicates warning).
TOP_PANELS = ("duplicates",)


def _split_panels(panels: list[dict]) -> dict[str, list[dict]]:
    return {
        "top_panels": [p for p in panels if p["key"] in TOP_PANELS],
        "panels": [p for p in panels if p["key"] not in TOP_PANELS],
    }


@require_GET
@permission_required("contacts.view_contact", raise_exception=True)
def contact_vcard_view(request, no: str):
    """The contact as a vCard 4.0 file (.vcf) for an address book."""
    contact = get_object_or_404(Contact.objects.select_related("company"), no=no)
    response = HttpResponse(vcard.contact_vcard(contact), content_type="text/vcard; charset=utf-8")
    filename = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in contact.no)
    response["Content-Disposition"] = f'attachment; filename="{filename}.vcf"'
    return response


def _rendered_panels(request, contact: Contact) -> list[dict]:
    """Other apps' panels, each rendered on its own so one broken panel spares the card."""
    panels = []
    for panel in card_panels.for_request(request, contact):
        try:
            html = render_to_string(
                panel["template_name"],
                {**panel["context"], "contact": contact, "request": request, "user": request.user},
                request=request,
            )
        except Exception:
            if settings.DEBUG:
                raise
            logger.exception("Contact card panel %s failed", panel["key"])
            html = format_html('<p class="error">{}</p>', _("This section could not be shown."))
        if html.strip():
            panels.append({"key": panel["key"], "html": mark_safe(html)})  # our own templates
    return panels


RECENT_SESSION_KEY = "recent_contacts"  # read by the home page (crm_site/dashboard.py)
RECENT_SIZE = 8


def _remember(request, contact: Contact) -> None:
    """The user's recently viewed contacts, newest first, in the session."""
    stored = request.session.get(RECENT_SESSION_KEY, [])
    if stored[:1] != [contact.no]:  # unchanged: no session write
        recent = [n for n in stored if n != contact.no]
        request.session[RECENT_SESSION_KEY] = [contact.no, *recent][:RECENT_SIZE]


@transaction.non_atomic_requests  # reads only (see contact_list_view)
@require_GET
@permission_required("contacts.view_contact", raise_exception=True)
def contact_detail_view(request, no: str):
    with setup_snapshot():  # reads only: the setup row once for the card and its panels
        return _contact_detail(request, no)


def _contact_detail(request, no: str):
    contact = (
        Contact.objects.select_related("company", "salesperson", "territory", "language")
        .filter(no=no)
        .first()
    )
    if contact is None:
        # A merged contact's card leads to the contact it was merged into.
        target = selectors.contact_for_old_no(no)
        if target is None:
            raise Http404(_("There is no contact with number %(no)s.") % {"no": no})
        messages.info(
            request,
            _("Contact %(old)s was merged into %(new)s; you are looking at %(new)s.")
            % {"old": no, "new": target.no},
        )
        return redirect("contacts:detail", no=target.no)
    states = _field_states(contact)
    _remember(request, contact)
    greeting, greeting_error = _greeting(contact)
    # A company may have thousands of persons: the card shows the first ones and links
    # to the list filtered by the company for the rest.
    persons = list(contact.persons.order_by("no")[: CARD_PERSONS + 1]) if contact.is_company else []
    overridden = [name for name, state in states.items() if state == "overridden"]
    return render(
        request,
        "contacts/contact_detail.html",
        {
            "contact": contact,
            "sections": _card_sections(contact, states),
            "states": states,
            "overridden": overridden,
            "overridden_labels": [
                Contact._meta.get_field(name).verbose_name for name in overridden
            ],
            "persons": persons[:CARD_PERSONS],
            "more_persons": len(persons) > CARD_PERSONS,
            "greeting": greeting,
            "greeting_error": greeting_error,
            **_split_panels(_rendered_panels(request, contact)),
            "type_form": ChangeTypeForm(initial={"type": contact.type}),
            "company_form": CompanyNoForm(
                initial={"company": contact.company.no if contact.company_id else ""}
            ),
        },
    )


def history_panel_context(request, contact: Contact) -> dict:
    """The card's History section (a fixed number of queries, see history.selectors)."""
    from history.selectors import section_context

    return section_context(
        request, contact, anchor_url=reverse("contacts:detail", kwargs={"no": contact.no})
    )


# --- Create / edit ------------------------------------------------------------------


def _contact_type(value: str | None) -> str:
    if value not in Contact.Type.values:
        raise Http404(_("Unknown contact type."))
    return value


@require_http_methods(["GET", "POST"])
@permission_required("contacts.add_contact", raise_exception=True)
def contact_create_view(request):
    contact_type = _contact_type(request.GET.get("type") or Contact.Type.COMPANY)
    form_class = FORM_FOR_TYPE[contact_type]
    form = form_class(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            contact = _services().contact_create(
                data={**form.cleaned_data, "type": contact_type}, user=request.user
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Contact %(no)s was created.") % {"no": contact.no})
            _warn_vat(request, contact)
            return redirect("contacts:detail", no=contact.no)
    return render(
        request,
        "contacts/contact_form.html",
        {"form": form, "contact_type": contact_type, "company": None, "contact": None},
    )


def _warn_vat(request, contact) -> None:
    """A saved VAT number that fails its check digit is shown as a warning (not refused)."""
    if contact.vat_registration_no and vat_fails_check(
        contact.vat_registration_no, contact.country
    ):
        messages.warning(request, vat_check_message(contact.vat_registration_no))


@require_http_methods(["GET", "POST"])
@permission_required("contacts.add_contact", raise_exception=True)
def person_create_view(request, no: str):
    company = get_object_or_404(Contact, no=no, type=Contact.Type.COMPANY)
    form_class = FORM_FOR_TYPE[Contact.Type.PERSON]
    form = form_class(request.POST or None, creating=True)
    form.fields.pop("company", None)  # the company is the one of the page
    if request.method == "POST" and form.is_valid():
        try:
            person = _services().contact_create(
                data={**form.cleaned_data, "type": Contact.Type.PERSON, "company": company},
                user=request.user,
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Person %(no)s was created under %(company)s.")
                % {"no": person.no, "company": company.name},
            )
            return redirect("contacts:detail", no=person.no)
    # The inheritable fields are filled from the company when the person is saved (the
    # hint stays after a failed POST too).
    for name in ("salesperson", "territory", "language", "country", "correspondence_type"):
        form.fields[name].help_text = _("Leave blank to take the company's value.")
    return render(
        request,
        "contacts/contact_form.html",
        {
            "form": form,
            "contact_type": Contact.Type.PERSON,
            "company": company,
            "contact": None,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("contacts.change_contact", raise_exception=True)
def contact_edit_view(request, no: str):
    contact = get_object_or_404(Contact.objects.select_related("company"), no=no)
    form_class = FORM_FOR_TYPE[contact.type]
    # The form validates a separate copy: the service compares against the stored values.
    form = form_class(request.POST or None, instance=Contact.objects.get(pk=contact.pk))
    if request.method == "POST" and form.is_valid():
        try:
            _services().contact_update(contact=contact, data=form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Contact %(no)s was saved.") % {"no": contact.no})
            _warn_vat(request, contact)
            return redirect("contacts:detail", no=contact.no)
    for name, state in _field_states(contact).items():
        if name not in form.fields:
            continue
        company_value = _display(contact.company, name)
        if state == "inherited":
            form.fields[name].help_text = _("Follows the company.")
        elif company_value == _display(contact, name):
            # Equal, yet held back: another field of the address block differs.
            form.fields[name].help_text = _(
                "Same as the company, but the address follows the company only as a whole "
                "(address, address 2, post code, city)."
            )
        else:
            form.fields[name].help_text = _("Differs from the company (company: %(value)s).") % {
                "value": company_value or _("blank")
            }
    return render(
        request,
        "contacts/contact_form.html",
        {
            "form": form,
            "contact_type": contact.type,
            "company": contact.company,
            "contact": contact,
        },
    )


# --- Actions on the card ------------------------------------------------------------


@require_POST
@permission_required("contacts.change_contact", raise_exception=True)
def person_follow_view(request, no: str):
    person = get_object_or_404(Contact.objects.select_related("company"), no=no)
    states = _field_states(person)
    if not states:
        messages.error(request, _("Only a person with a company can follow its company."))
        return redirect("contacts:detail", no=person.no)
    fields = request.POST.getlist("fields")
    if "all" in fields:
        fields = list(states)
    unknown = [name for name in fields if name not in states]
    if not fields or unknown:
        return HttpResponseBadRequest(_("Choose fields that a person inherits from its company."))
    try:
        _services().person_follow_company(person=person, fields=fields)
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        labels = [str(Contact._meta.get_field(name).verbose_name) for name in fields]
        messages.success(
            request,
            _("These fields follow the company again: %(fields)s.") % {"fields": ", ".join(labels)},
        )
    return redirect("contacts:detail", no=person.no)


@require_POST
@permission_required("contacts.change_contact", raise_exception=True)
def person_change_company_view(request, no: str):
    person = get_object_or_404(Contact, no=no, type=Contact.Type.PERSON)
    form = CompanyNoForm(request.POST)
    if form.is_valid():
        try:
            _services().person_change_company(person=person, company=form.cleaned_data["company"])
        except ValidationError as error:
            for message in _error_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, _("The company was changed."))
    else:
        for message in form.errors.get("company", []):
            messages.error(request, message)
    return redirect("contacts:detail", no=person.no)


@require_POST
@permission_required("contacts.change_contact", raise_exception=True)
def contact_change_type_view(request, no: str):
    contact = get_object_or_404(Contact, no=no)
    form = ChangeTypeForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose company or person."))
    try:
        _services().contact_change_type(contact=contact, new_type=form.cleaned_data["type"])
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, _("The contact type was changed."))
    return redirect("contacts:detail", no=contact.no)


@require_http_methods(["GET", "POST"])
@permission_required("contacts.delete_contact", raise_exception=True)
def contact_delete_view(request, no: str):
    contact = get_object_or_404(Contact, no=no)
    person_count = contact.persons.count() if contact.is_company else 0
    if request.method == "POST":
        try:
            _services().contact_delete(contact=contact)
        except ValidationError as error:
            for message in _error_messages(error):
                messages.error(request, message)
            return redirect("contacts:detail", no=no)
        messages.success(request, _("Contact %(no)s was deleted.") % {"no": no})
        return redirect("contacts:list")
    return render(
        request,
        "contacts/contact_confirm_delete.html",
        {"contact": contact, "person_count": person_count},
    )


# --- Privacy (11.5) -----------------------------------------------------------------


def privacy_panel_context(request, contact: Contact) -> dict:
    """The card's Privacy section: blocked or not, export of everything, anonymise."""
    return {
        "can_anonymise": contact.is_person and request.user.has_perm("history.anonymise_event"),
    }


@require_GET
@permission_required("contacts.view_contact", raise_exception=True)
def contact_privacy_export_view(request, no: str):
    """Everything held about the contact: as JSON (?format=json) or as a readable page."""
    from contacts.privacy import contact_data_export

    contact = get_object_or_404(Contact.objects.select_related("company"), no=no)
    data = contact_data_export(contact)
    if request.GET.get("format") == "json":
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        filename = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in contact.no)
        response["Content-Disposition"] = f'attachment; filename="{filename}-data.json"'
        return response
    return render(
        request, "contacts/contact_privacy_export.html", {"contact": contact, "data": data}
    )


@require_POST
@permission_required("history.anonymise_event", raise_exception=True)
def person_anonymise_view(request, no: str):
    from contacts.privacy import person_anonymise

    contact = get_object_or_404(Contact, no=no)
    try:
        result = person_anonymise(person=contact)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("contacts:detail", no=contact.no)
    kept = ", ".join(f"{count} {label.lower()}" for label, count in result.kept)
    messages.success(
        request,
        _("Person %(no)s was anonymised: its personal data is erased.") % {"no": contact.no}
        + (" " + _("Kept: %(rows)s.") % {"rows": kept} if kept else ""),
    )
    return redirect("contacts:detail", no=contact.no)
