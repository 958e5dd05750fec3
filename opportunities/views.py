"""Staff pages for opportunities and the contact card panel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contacts.models import Contact
from history.selectors import section_context as history_section
from listing.keyset import SortOption, request_page
from numbering.records import RecordGone
from opportunities import exporting, selectors, services
from opportunities.forms import OpportunityFilterForm, OpportunityForm
from opportunities.models import Opportunity

PANEL_SIZE = 10

#: Sortable columns of the list; each has an index leading with it and the no.
SORTS = (
    SortOption("no", "no"),
    SortOption("contact", "contact_id", nullable=True),  # opportunity_contact_no
    SortOption("salesperson", "salesperson_id", nullable=True),  # opportunity_salesperson_no
    SortOption("status", "status"),  # opportunity_status_no
    SortOption("value", "estimated_value"),  # opportunity_value_no
    SortOption("closing", "estimated_closing_date", nullable=True),  # opportunity_closing_no
)
DEFAULT_SORT = "-no"


def _contact_url(contact: Contact | None) -> str | None:
    if contact is None:
        return None
    try:
        return reverse("contacts:detail", kwargs={"no": contact.no})
    except NoReverseMatch:
        return None


@require_GET
@permission_required("opportunities.view_opportunity", raise_exception=True)
def opportunity_list(request):
    form = OpportunityFilterForm(request.GET or None)
    params = {}
    if form.is_bound:
        form.is_valid()  # an invalid filter shows its error; the valid ones still apply
        params = form.cleaned_data
    page = request_page(
        request,
        selectors.opportunity_filter(params=params),
        options=SORTS,
        default_sort=DEFAULT_SORT,
        tiebreak="no",
        params={name: request.GET.get(name, "") for name in form.fields},
    )
    return render(
        request,
        "opportunities/opportunity_list.html",
        {
            "form": form,
            "page": page,
            "can_add": request.user.has_perm("opportunities.add_opportunity"),
            # Said beside the export links: an export of this list leaves these out.
            "left_out_note": exporting.PRIVACY.list_note(
                selectors.opportunity_filter(params=params)
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("opportunities.add_opportunity", raise_exception=True)
def opportunity_create(request):
    initial = {"sales_cycle": services.default_sales_cycle()}
    contact = None
    if request.GET.get("contact"):
        contact = Contact.objects.filter(no=request.GET["contact"]).first()
        if contact is not None:
            initial["contact"] = contact.no
    form = OpportunityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = services.opportunity_create(data=form.cleaned_data, user=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Opportunity %(no)s has been created.") % {"no": opportunity.no},
            )
            return redirect(opportunity.get_absolute_url())
    return render(
        request,
        "opportunities/opportunity_form.html",
        {"form": form, "opportunity": None, "contact": contact},
    )


@require_GET
@permission_required("opportunities.view_opportunity", raise_exception=True)
def opportunity_detail(request, no: str):
    opportunity = get_object_or_404(
        Opportunity.objects.select_related(
            "contact", "contact_company", "salesperson", "sales_cycle", "current_stage"
        ),
        no=no,
    )
    stages = list(opportunity.sales_cycle.stages.all()) if opportunity.sales_cycle_id else []
    return render(
        request,
        "opportunities/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "stages": stages,
            "contact_url": _contact_url(opportunity.contact),
            "company_url": _contact_url(opportunity.contact_company),
            "can_change": request.user.has_perm("opportunities.change_opportunity"),
            **history_section(request, opportunity, anchor_url=request.path),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("opportunities.change_opportunity", raise_exception=True)
def opportunity_edit(request, no: str):
    opportunity = get_object_or_404(Opportunity, no=no)
    form = OpportunityForm(request.POST or None, instance=opportunity)
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_update(
                opportunity=opportunity, data=form.cleaned_data, user=request.user
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect(opportunity.get_absolute_url())
    return render(
        request,
        "opportunities/opportunity_form.html",
        {"form": form, "opportunity": opportunity, "contact": opportunity.contact},
    )


@require_POST
@permission_required("opportunities.change_opportunity", raise_exception=True)
def opportunity_close(request, no: str):
    opportunity = get_object_or_404(Opportunity, no=no)
    won = request.POST.get("result") == "won"
    try:
        services.opportunity_close(opportunity=opportunity, won=won, user=request.user)
    except RecordGone as exc:
        messages.error(request, exc.messages[0])
        return redirect("opportunities:list")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Opportunity %(no)s was closed as won.") % {"no": no}
            if won
            else _("Opportunity %(no)s was closed as lost.") % {"no": no},
        )
    return redirect(opportunity.get_absolute_url())


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def contact_panel_context(request, contact: Contact) -> dict:
    """Context of the "Opportunities" panel on the contact card."""
    qs = Opportunity.objects.select_related("salesperson", "current_stage")
    qs = qs.filter(contact_company=contact) if contact.is_company else qs.filter(contact=contact)
    # One more than shown: when that one is not there, the rows are all of them and
    # the total needs no query of its own.
    rows = list(qs.order_by("-no")[: PANEL_SIZE + 1])
    return {
        "opportunities": rows[:PANEL_SIZE],
        "opportunities_total": qs.count() if len(rows) > PANEL_SIZE else len(rows),
        "opportunities_can_add": request.user.has_perm("opportunities.add_opportunity"),
    }


@require_GET
@permission_required("opportunities.view_opportunity", raise_exception=True)
def opportunity_export(request):
    """The list's opportunities (its filters applied) as CSV or XLSX."""
    form = OpportunityFilterForm(request.GET or None)
    params = {}
    if form.is_bound:
        form.is_valid()  # the valid filters apply, as on the list
        params = form.cleaned_data
    try:
        dialect = exporting.dialect_for(request.GET.get("format"))
    except exporting.ExportError as error:
        messages.error(request, str(error))
        query = request.GET.copy()
        query.pop("format", None)
        return redirect(f"{reverse('opportunities:list')}?{query.urlencode()}")
    queryset = exporting.opportunity_export_queryset(params)
    return exporting.opportunities_export_response(request, queryset, dialect)
