"""Staff pages for customers, vendors and bank accounts, and the contact card panel.

Views check permissions, validate a form, call one service and redirect.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contacts.models import Contact
from history.selectors import section_context as history_section
from jobs.exceptions import JobConflict
from jobs.views import announce_conflict, announce_started
from listing.keyset import SortOption, request_page
from marketing_setup.models import MarketingSetup
from relations import selectors, services, tasks
from relations.forms import FORMS, BusinessRelationAddForm
from relations.models import (
    ENTITY_MODELS,
    BankAccount,
    BusinessRelationSummary,
    ContactBusinessRelation,
    Customer,
    LinkToTable,
    SyncedEntity,
    Vendor,
)
from relations.selectors import contact_for_entity

#: Sortable columns of the lists; each has an index leading with it and the no.
SORTS = (
    SortOption("no", "no"),
    SortOption("name", "name"),  # <model>_name_no
    SortOption("city", "city"),  # <model>_city_no
)

# URL segment → (model, link_to)
KINDS: dict[str, type[SyncedEntity]] = {
    "customers": Customer,
    "vendors": Vendor,
    "bank-accounts": BankAccount,
}
URL_PREFIX = {Customer: "customer", Vendor: "vendor", BankAccount: "bank_account"}
TAB_OF = {URL_PREFIX[model]: kind for kind, model in KINDS.items()}  # link_to -> tab


def _perm(model: type[SyncedEntity], action: str) -> str:
    return f"relations.{action}_{model._meta.model_name}"


def _check(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def contact_url(contact: Contact | None) -> str | None:
    """The contact card's URL (None while the contacts pages don't exist)."""
    if contact is None:
        return None
    try:
        return reverse("contacts:detail", kwargs={"no": contact.no})
    except NoReverseMatch:
        try:
            return reverse("admin:contacts_contact_change", args=[contact.pk])
        except NoReverseMatch:
            return None


@require_GET
@permission_required("relations.view_customer", raise_exception=True)
def relation_list(request):
    """Customers, vendors and bank accounts, one tab each, with a search box."""
    kind = request.GET.get("tab", "customers")
    model = KINDS.get(kind)
    if model is None:
        raise Http404
    _check(request, _perm(model, "view"))
    q = request.GET.get("q", "").strip()
    qs = model.objects.select_related("territory")
    if q:
        qs = qs.filter(
            Q(no__istartswith=q)
            | Q(name__icontains=q)
            | Q(search_name__istartswith=q.upper())
            | Q(city__istartswith=q)
        )
    page = request_page(
        request, qs, options=SORTS, default_sort="no", tiebreak="no", params={"tab": kind, "q": q}
    )
    tabs = [
        {
            "kind": key,
            "label": m._meta.verbose_name_plural,
            "active": key == kind,
            "allowed": request.user.has_perm(_perm(m, "view")),
        }
        for key, m in KINDS.items()
    ]
    return render(
        request,
        "relations/list.html",
        {
            "tabs": tabs,
            "kind": kind,
            "model_name": model._meta.verbose_name,
            "model_name_plural": model._meta.verbose_name_plural,
            "page": page,
            "q": q,
            "url_prefix": URL_PREFIX[model],
            "can_add": request.user.has_perm(_perm(model, "add")),
            "can_create_contacts": request.user.has_perm("contacts.add_contact"),
        },
    )


@require_POST
@permission_required("contacts.add_contact", raise_exception=True)
def create_contacts_view(request, link_to: str):
    """Create Contacts from Customers/Vendors/Bank Accounts: a job, which the user follows."""
    if link_to not in TAB_OF:
        raise Http404
    _check(request, _perm(ENTITY_MODELS[link_to], "view"))
    back = f"{reverse('relations:list')}?tab={TAB_OF[link_to]}"
    try:
        services.setup_code_for(link_to, required=True)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if not services.entities_without_contact(link_to).exists():
        messages.info(request, _("Every record of this list has a contact already."))
        return redirect(back)
    try:
        job = tasks.create_contacts.start(user=request.user, link_to=link_to)
    except JobConflict as error:
        announce_conflict(request, error)
        return redirect(back)
    announce_started(request, job)
    return redirect(job)


@require_GET
def entity_detail(request, kind: str, no: str):
    model = KINDS[kind]
    _check(request, _perm(model, "view"))
    entity = get_object_or_404(model, no=no)
    contact = contact_for_entity(model.LINK_TO, entity.no)
    return render(
        request,
        "relations/entity_detail.html",
        {
            "entity": entity,
            "kind": kind,
            "rows": _display_rows(entity),
            "model_name": model._meta.verbose_name,
            "model_name_plural": model._meta.verbose_name_plural,
            "url_prefix": URL_PREFIX[model],
            "linked_contact": contact,
            "linked_contact_url": contact_url(contact),
            "primary_contact_url": contact_url(entity.primary_contact),
            "can_change": request.user.has_perm(_perm(model, "change")),
            "can_delete": request.user.has_perm(_perm(model, "delete")),
            **history_section(request, entity, anchor_url=request.path),
        },
    )


def _display_rows(entity: SyncedEntity) -> list[tuple[str, str, str]]:
    """(label, field name, shown value) for the fields on the entity's form."""
    rows = []
    for name in FORMS[type(entity)]._meta.fields:
        if name == "no":
            continue
        field = entity._meta.get_field(name)
        value = getattr(entity, name)
        if name == "country":
            shown = value.name if value else ""
        elif name == "primary_contact":
            shown = str(value) if value else ""
        else:
            shown = "" if value is None else str(value)
        rows.append((field.verbose_name, name, shown))
    return rows


@require_http_methods(["GET", "POST"])
def entity_create(request, kind: str):
    model = KINDS[kind]
    _check(request, _perm(model, "add"))
    form = FORMS[model](request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entity = services.entity_create(model=model, data=form.cleaned_data, user=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, str(services.CREATED_MESSAGES[model.LINK_TO]) % {"no": entity.no}
            )
            return redirect(entity.get_absolute_url())
    return _form_page(request, model, kind, form, None)


@require_http_methods(["GET", "POST"])
def entity_edit(request, kind: str, no: str):
    model = KINDS[kind]
    _check(request, _perm(model, "change"))
    entity = get_object_or_404(model, no=no)
    form = FORMS[model](request.POST or None, instance=entity)
    if request.method == "POST" and form.is_valid():
        try:
            services.entity_update(entity=entity, data=form.cleaned_data, user=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect(entity.get_absolute_url())
    return _form_page(request, model, kind, form, entity)


@require_POST
def entity_delete(request, kind: str, no: str):
    model = KINDS[kind]
    _check(request, _perm(model, "delete"))
    entity = get_object_or_404(model, no=no)
    entity.delete()
    messages.success(
        request,
        _("%(name)s %(no)s was deleted.") % {"name": capfirst(model._meta.verbose_name), "no": no},
    )
    return redirect(f"{reverse('relations:list')}?tab={kind}")


def _form_page(request, model, kind, form, entity):
    return render(
        request,
        "relations/entity_form.html",
        {
            "form": form,
            "entity": entity,
            "kind": kind,
            "model_name": model._meta.verbose_name,
            "model_name_plural": model._meta.verbose_name_plural,
            "url_prefix": URL_PREFIX[model],
        },
    )


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- from the contact card -------------------------------------------------------------


@require_POST
def create_from_contact(request, contact_no: str, link_to: str):
    """ "Create as customer/vendor/bank account" on the contact card."""
    model = ENTITY_MODELS.get(link_to)
    if model is None:
        raise Http404
    _check(request, _perm(model, "add"))
    contact = get_object_or_404(Contact, no=contact_no)
    try:
        entity = services.contact_create_entity(contact=contact, link_to=link_to, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _back_to_contact(request, contact)
    messages.success(request, str(services.CREATED_MESSAGES[link_to]) % {"no": entity.no})
    return _back_to_contact(request, contact)


@require_POST
def link_from_contact(request, contact_no: str, link_to: str):
    """ "Link with existing customer/vendor/bank account" on the contact card."""
    model = ENTITY_MODELS.get(link_to)
    if model is None:
        raise Http404
    _check(request, _perm(model, "change"))
    _check(request, "relations.add_contactbusinessrelation")
    contact = get_object_or_404(Contact, no=contact_no)
    master = request.POST.get("master", services.Master.CONTACT)
    if master not in (services.Master.CONTACT, services.Master.ENTITY):
        master = services.Master.CONTACT
    text = request.POST.get("no", "").strip()[:100]
    if not text:
        messages.error(
            request,
            _("Type the no. or the name of the %(table)s to link, or choose one of the matches.")
            % {"table": LinkToTable(link_to).label.lower()},
        )
        return _back_to_contact(request, contact)
    try:
        entity = services.contact_link_entity(
            contact=contact,
            link_to=link_to,
            no=selectors.entity_resolve(link_to, text),
            master=master,
            user=request.user,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The contact is now linked with %(table)s %(no)s.")
            % {"table": LinkToTable(link_to).label, "no": entity.no},
        )
    return _back_to_contact(request, contact)


@require_GET
def entity_lookup(request, link_to: str):
    """Matches for "link with existing customer/vendor/bank account" as the user types
    (htmx): the ones no contact is linked to yet, by no. or name."""
    model = ENTITY_MODELS.get(link_to)
    if model is None:
        raise Http404
    _check(request, _perm(model, "view"))
    text = (request.GET.get(request.GET.get("field", "q")) or request.GET.get("q") or "").strip()
    items = [
        {"value": e.no, "label": e.name, "detail": e.city}
        for e in selectors.entity_lookup(link_to, text[:100])
    ]
    return render(request, "listing/_lookup_results.html", {"items": items, "q": text})


@require_POST
@permission_required("relations.add_contactbusinessrelation", raise_exception=True)
def business_relation_add(request, contact_no: str):
    contact = get_object_or_404(Contact, no=contact_no)
    form = BusinessRelationAddForm(request.POST)
    if form.is_valid():
        try:
            services.contact_business_relation_add(
                contact=contact, business_relation=form.cleaned_data["business_relation"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The business relation has been added."))
    else:
        messages.error(request, _("Choose a business relation."))
    return _back_to_contact(request, contact)


@require_POST
@permission_required("relations.delete_contactbusinessrelation", raise_exception=True)
def business_relation_delete(request, pk: int):
    relation = get_object_or_404(ContactBusinessRelation.objects.select_related("contact"), pk=pk)
    contact = relation.contact
    services.contact_business_relation_delete(relation=relation)
    messages.success(request, _("The business relation has been removed."))
    return _back_to_contact(request, contact)


def _back_to_contact(request, contact: Contact):
    url = contact_url(contact) or reverse("relations:list")
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        url = nxt
    return HttpResponseRedirect(url)


def contact_panel_context(request, contact: Contact) -> dict:
    """Context of the "Business relations" panel on the contact card."""
    setup = MarketingSetup.get()
    relations = list(
        ContactBusinessRelation.objects.filter(
            contact_id__in=[contact.pk, contact.company_id] if contact.company_id else [contact.pk]
        ).select_related("business_relation")
    )
    linked = {}
    for relation in relations:
        if relation.link_to and relation.link_to not in linked:
            model = ENTITY_MODELS[relation.link_to]
            linked[relation.link_to] = {
                "relation": relation,
                "entity": model.objects.filter(no=relation.no).first(),
                "label": LinkToTable(relation.link_to).label,
                "url_prefix": URL_PREFIX[model],
            }
    actions = []
    labels = {
        LinkToTable.CUSTOMER: _("Create as customer"),
        LinkToTable.VENDOR: _("Create as vendor"),
        LinkToTable.BANK_ACCOUNT: _("Create as bank account"),
    }
    link_labels = {
        LinkToTable.CUSTOMER: _("Link with existing customer"),
        LinkToTable.VENDOR: _("Link with existing vendor"),
        LinkToTable.BANK_ACCOUNT: _("Link with existing bank account"),
    }
    can_link = request.user.has_perm("relations.add_contactbusinessrelation")
    for link_to, model in ENTITY_MODELS.items():
        if link_to in linked or not request.user.has_perm(_perm(model, "add")):
            continue
        if contact.is_person and not contact.company_id and link_to != LinkToTable.CUSTOMER:
            continue
        code = getattr(setup, services.SETUP_CODE_FIELDS[link_to] + "_id")
        actions.append(
            {
                "link_to": link_to,
                "label": labels[link_to],
                "link_label": link_labels[link_to],
                "entity_label": LinkToTable(link_to).label,
                "can_link": can_link and request.user.has_perm(_perm(model, "change")),
                "missing_code": "" if code else str(services.MISSING_CODE_MESSAGES[link_to]),
            }
        )
    # The same rows as contact_business_relation_summary() reads (the contact's and, for
    # a person, its company's): no query of its own.
    summary = services.business_relation_summary_of(
        [(r.link_to, r.business_relation_id) for r in relations]
    )
    return {
        "relations_summary": BusinessRelationSummary(summary).label,
        "relations_linked": list(linked.values()),
        "relations_plain": [r for r in relations if not r.link_to],
        "relations_actions": actions,
        "relations_add_form": BusinessRelationAddForm()
        if request.user.has_perm("relations.add_contactbusinessrelation") and contact.is_company
        else None,
        "relations_can_delete": request.user.has_perm("relations.delete_contactbusinessrelation"),
    }
