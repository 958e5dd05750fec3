"""Staff pages: duplicates list, compare, merge; rebuild, full search and model
estimate start background jobs (function views)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contacts.models import Contact
from duplicates import selectors, services, tasks
from duplicates.forms import MergeForm, MergeTargetForm, SeparateForm
from duplicates.models import ContactDuplicate, ContactMerge, ReviewQuestion
from jobs.exceptions import JobConflict
from jobs.models import Job
from jobs.views import announce_conflict, announce_started
from listing.keyset import request_page


def _contact_url(contact) -> str | None:
    try:
        return reverse("contacts:detail", kwargs={"no": contact.no})
    except NoReverseMatch:
        return None


# Reads only: autocommit instead of the request's transaction (no BEGIN/COMMIT).
@transaction.non_atomic_requests
@require_GET
@permission_required("duplicates.view_contactduplicate", raise_exception=True)
def duplicate_list_view(request):
    show_separate = request.GET.get("separate") != "0"
    contact_no = request.GET.get("contact", "").strip()
    kind = request.GET.get("kind")
    if kind not in Contact.Type.values:
        kind = Contact.Type.COMPANY
    pairs = selectors.duplicate_list(show_separate=show_separate, contact_no=contact_no, kind=kind)
    page = request_page(
        request,
        pairs,
        options=selectors.PAIR_SORTS,
        default_sort=selectors.PAIR_DEFAULT_SORT,
        tiebreak="id",
        params={"kind": kind, "contact": contact_no, "separate": "" if show_separate else "0"},
    )
    rows = [(pair, selectors.reason_labels(pair.reasons)) for pair in selectors.with_contacts(page)]
    return render(
        request,
        "duplicates/duplicate_list.html",
        {
            "page": page,
            "rows": rows,
            "show_separate": show_separate,
            "contact_no": contact_no,
            "kind": kind,
            "kinds": Contact.Type.choices,
            "questions": ReviewQuestion.objects.count(),
            # A rebuild, full search or estimate queued or running now (one at a time).
            "running_job": Job.objects.active().filter(conflict_key=tasks.CONFLICT_KEY).first(),
        },
    )


@require_POST
@permission_required("duplicates.change_contactduplicate", raise_exception=True)
def duplicate_separate_view(request, pk: int):
    pair = get_object_or_404(ContactDuplicate.objects.select_related("contact", "duplicate"), pk=pk)
    form = SeparateForm(request.POST)
    form.is_valid()
    services.duplicate_set_separate(
        pair=pair, separate=form.cleaned_data.get("separate", False), user=request.user
    )
    if request.htmx:
        return render(
            request,
            "duplicates/_duplicate_row.html",
            {"pair": pair, "reasons": selectors.reason_labels(pair.reasons)},
        )
    return redirect("duplicates:list")


def _pair_sides(request, pair: ContactDuplicate):
    """(kept, merged): the pair's first contact is kept unless ?keep=duplicate."""
    if request.GET.get("keep") == "duplicate" or request.POST.get("keep") == "duplicate":
        return pair.duplicate, pair.contact
    return pair.contact, pair.duplicate


@require_GET
@permission_required("duplicates.view_contactduplicate", raise_exception=True)
def duplicate_compare_view(request, pk: int):
    pair = get_object_or_404(ContactDuplicate.objects.select_related("contact", "duplicate"), pk=pk)
    rows = selectors.compare_rows(pair.contact, pair.duplicate, services.merge_fields())
    return render(
        request,
        "duplicates/duplicate_compare.html",
        {
            "pair": pair,
            "rows": rows,
            "reasons": selectors.reason_labels(pair.reasons),
            # The merge's own check, run and rolled back: what Merge would refuse.
            "conflicts": services.merge_conflicts(keep=pair.contact, merge=pair.duplicate)
            if pair.contact.type == pair.duplicate.type
            else [],
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(
    ("duplicates.add_contactmerge", "contacts.delete_contact"), raise_exception=True
)
def duplicate_merge_view(request, pk: int):
    pair = ContactDuplicate.objects.select_related("contact", "duplicate").filter(pk=pk).first()
    if pair is None:
        # A save of one of the two contacts replaces its open pairs (4.4), and a merge or
        # a delete removes them: the page the user came from showed a pair that is gone.
        messages.error(
            request,
            _(
                "This possible duplicate is no longer in the list: one of its contacts was "
                "changed, merged or deleted meanwhile. Nothing was merged."
            ),
        )
        return redirect("duplicates:list")
    if pair.separate_contacts:
        messages.error(request, _("These contacts are marked as separate and cannot be merged."))
        return redirect("duplicates:list")
    keep, merge = _pair_sides(request, pair)
    swap = "contact" if keep == pair.duplicate else "duplicate"
    return _merge_page(
        request,
        keep,
        merge,
        keep_value="duplicate" if swap == "contact" else "contact",
        swap_url=f"?keep={swap}",
        cancel_url=reverse("duplicates:compare", args=[pair.pk]),
    )


@require_http_methods(["GET", "POST"])
@permission_required(
    ("duplicates.add_contactmerge", "contacts.delete_contact"), raise_exception=True
)
def contact_merge_with_view(request, no: str):
    """Merge a contact into another one the user picks (lookup as you type), whether or
    not the duplicate search paired them: the same merge page and rules as for a pair."""
    contact = get_object_or_404(Contact, no=no)
    data = request.POST if request.method == "POST" else request.GET
    form = MergeTargetForm(data if "into" in data else None, contact=contact)
    if not form.is_valid():
        return render(
            request,
            "duplicates/merge_with.html",
            {"contact": contact, "form": form, "contact_url": _contact_url(contact)},
        )
    target = form.cleaned_data["into"]
    # keep=this: keep the contact of the page and merge the chosen one into it instead.
    keep_this = data.get("keep") == "this"
    keep, merge = (contact, target) if keep_this else (target, contact)
    base = f"?{urlencode({'into': target.no})}"
    return _merge_page(
        request,
        keep,
        merge,
        keep_value="this" if keep_this else "target",
        swap_url=base if keep_this else f"{base}&keep=this",
        cancel_url=_contact_url(contact) or reverse("duplicates:list"),
        extra_fields={"into": target.no},
    )


def _merge_page(
    request, keep, merge, *, keep_value: str, swap_url: str, cancel_url: str, extra_fields=None
):
    """The merge page for kept/merged contacts: field choices, rows that move, conflicts;
    on a valid POST the merge itself (duplicates.services.contacts_merge)."""
    rows = selectors.compare_rows(keep, merge, services.merge_fields())
    form = MergeForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.contacts_merge(
                keep=keep, merge=merge, field_choices=form.field_choices(), user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(merged)s was merged into %(kept)s.")
                % {"merged": record.merged_contact_no, "kept": record.kept_contact_no},
            )
            return redirect(_contact_url(keep) or reverse("duplicates:list"))
    return render(
        request,
        "duplicates/duplicate_merge.html",
        {
            "keep": keep,
            "merge": merge,
            "rows": rows,
            "form": form,
            "moving": services.related_rows(merge),
            "conflicts": services.merge_conflicts(keep=keep, merge=merge)
            if keep.type == merge.type
            else [],
            "keep_value": keep_value,
            "swap_url": swap_url,
            "cancel_url": cancel_url,
            "extra_fields": extra_fields or {},
        },
    )


def _start(request, task, fallback: str, **params):
    """Queue `task` for the user and go to the job (or say which job runs already)."""
    try:
        job = task.start(user=request.user, **params)
    except JobConflict as error:
        announce_conflict(request, error)
        return redirect(fallback)
    announce_started(request, job)
    return redirect(job)


@require_POST
@permission_required("marketing_setup.change_marketingsetup", raise_exception=True)
def duplicate_rebuild_view(request):
    """Rebuild every company's search strings, then run the full search: a job."""
    return _start(request, tasks.rebuild_search_strings, "duplicates:list", find=True)


@require_POST
@permission_required("duplicates.change_contactduplicate", raise_exception=True)
def duplicate_find_all_view(request):
    """The full duplicate search over all companies and persons: a job. Staff may start
    it (after an import, say); rebuilding the search strings stays with administrators."""
    return _start(request, tasks.find_duplicates, "duplicates:list")


@require_POST
@permission_required("marketing_setup.change_marketingsetup", raise_exception=True)
def duplicate_estimate_view(request):
    """Estimate the learned duplicate model now: a job."""
    return _start(request, tasks.estimate_model, "marketing_setup:setup", force=True)


#: Questions shown at once on the review page.
REVIEW_PAGE = 10


@require_GET
@permission_required("duplicates.change_contactduplicate", raise_exception=True)
def duplicate_review_view(request):
    """The pairs the search is least sure of, for the user to answer (active learning)."""
    questions = list(
        ReviewQuestion.objects.select_related("contact", "duplicate").order_by("id")[:REVIEW_PAGE]
    )
    fields = services.merge_fields()
    items = [
        {
            "question": q,
            "rows": [
                row
                for row in selectors.compare_rows(q.contact, q.duplicate, fields)
                if row.keep_value or row.merge_value
            ],
            "reasons": selectors.reasons_of(q.reasons),
        }
        for q in questions
    ]
    return render(
        request,
        "duplicates/duplicate_review.html",
        {"items": items, "remaining": ReviewQuestion.objects.count()},
    )


@require_POST
@permission_required("duplicates.change_contactduplicate", raise_exception=True)
def duplicate_review_answer_view(request, pk: int):
    question = ReviewQuestion.objects.select_related("contact", "duplicate").filter(pk=pk).first()
    if question is None:
        messages.info(request, _("This question was answered already."))
        return redirect("duplicates:review")
    answer = request.POST.get("answer", "")
    try:
        services.review_answer(question=question, answer=answer, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you: the next duplicate search learns from it."))
    return redirect("duplicates:review")


@require_GET
@permission_required("duplicates.view_contactmerge", raise_exception=True)
def merge_record_view(request, pk: int):
    """What a merge did, and (administrators) undo it."""
    record = get_object_or_404(
        ContactMerge.objects.select_related("kept_contact", "user", "undone_by"), pk=pk
    )
    can_undo = request.user.has_perm("history.revert_event")
    event = services.merge_event(record)
    taken, moved = selectors.merge_record_rows(record)
    merged = (
        Contact.objects.filter(no=record.merged_contact_no).first() if record.undone_at else None
    )
    return render(
        request,
        "duplicates/merge_record.html",
        {
            "record": record,
            "taken": taken,
            "moved": moved,
            "kept_url": _contact_url(record.kept_contact) if record.kept_contact else None,
            "merged_url": _contact_url(merged) if merged else None,
            "event_url": reverse("history:event", kwargs={"pk": event.pk}) if event else None,
            "can_undo": can_undo and record.undone_at is None,
            "undo_conflicts": services.merge_undo_check(record=record)
            if can_undo and record.undone_at is None
            else [],
        },
    )


@require_POST
@permission_required("history.revert_event", raise_exception=True)
def merge_undo_view(request, pk: int):
    record = get_object_or_404(ContactMerge, pk=pk)
    try:
        restored = services.merge_undo(record=record, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("duplicates:merge_record", pk=record.pk)
    messages.success(
        request,
        _("The merge was undone: %(merged)s is back, its rows moved back from %(kept)s.")
        % {"merged": restored.no, "kept": record.kept_contact_no},
    )
    return redirect(_contact_url(restored) or reverse("duplicates:merge_record", args=[pk]))
