"""The Jobs page: staff see their own jobs, administrators everyone's; live progress
by htmx polling; cancel by the starter (and administrators).

Pages of other apps that start a job call `announce_started` / `announce_conflict`
and redirect to the job (`job.get_absolute_url()`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jobs import services
from jobs.exceptions import JobConflict
from jobs.models import Job

#: Jobs per page of the list.
PAGE_SIZE = 50
#: How often (seconds) the pages ask for news of a queued or running job.
POLL_SECONDS = 2


def announce_started(request, job: Job) -> None:
    """The message a page shows after it queued `job`: where to follow it."""
    messages.success(
        request,
        format_html(
            _('{label} was queued as job {no}: follow it on the <a href="{url}">Jobs page</a>.'),
            label=job.label,
            no=job.pk,
            url=job.get_absolute_url(),
        ),
    )


def announce_conflict(request, error: JobConflict) -> None:
    """A second start refused while one runs: say so and link the running one."""
    messages.warning(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            " ".join(error.messages),
            error.existing.get_absolute_url(),
            _("Follow job %(no)s") % {"no": error.existing.pk},
        ),
    )


def _visible(request):
    return Job.objects.visible_to(request.user).select_related("started_by")


def _recover() -> None:
    """The page is one of the places that notice jobs whose worker vanished."""
    services.jobs_recover_stale()


@require_GET
@permission_required("jobs.view_job", raise_exception=True)
def job_list_view(request):
    _recover()
    jobs = _visible(request)
    state = request.GET.get("state", "")
    if state == "active":
        jobs = jobs.active()
    elif state in Job.State.values:
        jobs = jobs.filter(state=state)
    else:
        state = ""
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "jobs": list(page),
        "state": state,
        "states": [("active", _("Queued or running")), *Job.State.choices],
        "all_users": request.user.has_perm("jobs.manage_job"),
        "poll_seconds": POLL_SECONDS,
    }
    context["polling"] = any(job.is_active for job in context["jobs"])
    if request.htmx:
        return render(request, "jobs/_job_table.html", context)
    return render(request, "jobs/job_list.html", context)


def _detail_context(request, job: Job) -> dict:
    return {
        "job": job,
        "may_cancel": job.may_cancel(request.user),
        "all_users": request.user.has_perm("jobs.manage_job"),
        "poll_seconds": POLL_SECONDS,
    }


@require_GET
@permission_required("jobs.view_job", raise_exception=True)
def job_detail_view(request, pk: int):
    _recover()
    job = get_object_or_404(_visible(request), pk=pk)
    context = _detail_context(request, job)
    if request.htmx:
        return render(request, "jobs/_job_status.html", context)
    return render(request, "jobs/job_detail.html", context)


@require_POST
@permission_required("jobs.view_job", raise_exception=True)
def job_cancel_view(request, pk: int):
    job = get_object_or_404(_visible(request), pk=pk)
    try:
        job = services.job_cancel(job=job, user=request.user)
    except PermissionDenied:
        raise
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        if job.state == Job.State.CANCELLED:
            messages.success(request, _("Job %(no)s was cancelled.") % {"no": job.pk})
        else:
            messages.info(
                request,
                _("Job %(no)s stops after its current step; the work of that step is not kept.")
                % {"no": job.pk},
            )
    if request.htmx:
        return render(request, "jobs/_job_status.html", _detail_context(request, job))
    return redirect(job)
