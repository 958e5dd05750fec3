"""Background jobs of the duplicate search (run by `manage.py db_worker`).

They call the services the commands call. They share one conflict key: a rebuild, a
full search and an estimate of the model never run at the same time, and a second one
is refused while one is queued or running.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from contacts.models import Contact
from duplicates import matching, services
from duplicates.services import learning, search
from jobs.exceptions import JobConflict
from jobs.models import Job
from jobs.runner import JobContext, job

CONFLICT_KEY = "duplicates.index"
#: Companies per committed batch of the rebuild (about half a second each).
REBUILD_BATCH = 2000


def _search_summary(result: dict) -> str:
    return ngettext(
        "%(pairs)s possible duplicate found among %(companies)s companies.",
        "%(pairs)s possible duplicates found among %(companies)s companies.",
        result["pairs"],
    ) % {"pairs": result["pairs"], "companies": result["companies"]}


def _rebuild_summary(result: dict) -> str:
    text = ngettext(
        "Search strings rebuilt for %(count)s company.",
        "Search strings rebuilt for %(count)s companies.",
        result["rebuilt"],
    ) % {"count": result["rebuilt"]}
    if "pairs" in result:
        text = f"{text} {_search_summary(result)}"
    return text


def _find_all(ctx: JobContext, method: str | None) -> dict:
    total = services.companies_count()
    ctx.progress(0, total=total, step=gettext_noop("Reading companies"))

    def on_progress(count: int) -> None:
        ctx.advance(count)
        if ctx.done >= total:  # all read: the comparing has no progress of its own
            ctx.progress(step=gettext_noop("Comparing companies"))

    result = services.duplicates_find_all(method=method, progress=on_progress)
    return {"companies": result.companies, "pairs": len(result.pairs), "stored": result.stored}


@job(
    label=_("Find duplicates (all companies)"),
    conflict_key=CONFLICT_KEY,
    retry=True,  # all or nothing: a lost worker leaves no pairs half-stored
    summary=_search_summary,
)
def find_duplicates(ctx: JobContext, *, method: str | None = None) -> dict:
    """The full duplicate search (`find_duplicates`), with the setup's method unless
    `method` is given."""
    return _find_all(ctx, method)


@job(
    label=_("Rebuild duplicate search strings"),
    conflict_key=CONFLICT_KEY,
    retry=True,  # each batch replaces its companies' strings: running it again is harmless
    summary=_rebuild_summary,
)
def rebuild_search_strings(ctx: JobContext, *, find: bool = False) -> dict:
    """Every company's search strings and match keys (`rebuild_search_strings`), in
    committed batches by id; then, with `find`, the full duplicate search."""
    companies = Contact.objects.filter(type=Contact.Type.COMPANY)
    ctx.progress(0, total=companies.count(), step=gettext_noop("Rebuilding search strings"))
    rebuilt = 0
    last_id = 0
    while True:
        ids = list(
            companies.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:REBUILD_BATCH]
        )
        if not ids:
            break
        last_id = ids[-1]
        # One transaction per batch (the service's); a cancel noticed by `advance`
        # inside it rolls the batch back.
        rebuilt += services.search_strings_rebuild(
            contacts=Contact.objects.filter(pk__range=(ids[0], ids[-1])), progress=ctx.advance
        )
        ctx.check_cancelled()  # between batches: progress written, other writers' turn
    result = {"rebuilt": rebuilt}
    if find:
        result |= _find_all(ctx, None)
    return result


def _estimate_summary(result: dict) -> str:
    if not result.get("estimated_at"):
        return str(_("The duplicate model is up to date; nothing estimated."))
    if result.get("learned"):
        return _("Duplicate model estimated from %(companies)s companies.") % {
            "companies": result["companies"]
        }
    return _("Default duplicate weights stored (%(companies)s companies).") % {
        "companies": result["companies"]
    }


@job(
    label=_("Estimate the duplicate model"),
    conflict_key=CONFLICT_KEY,
    retry=True,  # the model is stored in one final transaction
    summary=_estimate_summary,
)
def estimate_model(ctx: JobContext, *, force: bool = False) -> dict:
    """Learn the weights of our duplicate method from the companies and the users'
    decisions (`estimate_duplicate_model`): when the data changed enough, or always
    with `force`. Reading the companies is the long part; the model is stored at the
    end in one transaction, so a cancel or a lost worker leaves the old one in use."""
    companies = services.companies_count()
    if not force and not learning.model_needs_estimate(companies):
        return {"estimated_at": None}
    ctx.progress(0, total=companies, step=gettext_noop("Reading companies"))
    # Read and estimate outside a transaction (on SQLite one would keep every other
    # writer out for the whole job); only storing the model is one.
    profiles = search.company_profiles(progress=ctx.advance)
    ctx.progress(step=gettext_noop("Estimating the model"))
    model = matching.estimate_model(profiles, decisions=learning.decisions_data())
    ctx.check_cancelled()
    with transaction.atomic():
        row = learning.model_store(model, companies=len(profiles))
    return {
        "estimated_at": row.created_at.isoformat(),
        "companies": row.companies,
        "learned": row.estimated,
    }


def estimate_when_stale() -> Job | None:
    """Queue the re-estimation when the companies or the decisions changed enough since
    the model in use was estimated (a periodic check of the workers, see
    `DuplicatesConfig.ready`); None when it is up to date or such a job is queued or
    running already."""
    if not learning.model_needs_estimate(services.companies_count()):
        return None
    try:
        return estimate_model.start(origin=Job.Origin.SYSTEM)
    except JobConflict:
        return None


def _imported_summary(result: dict) -> str:
    return ngettext(
        "%(pairs)s possible duplicate found for %(companies)s imported companies.",
        "%(pairs)s possible duplicates found for %(companies)s imported companies.",
        result["pairs"],
    ) % {"pairs": result["pairs"], "companies": result["companies"]}


def _imported_links(result: dict):
    from django.urls import reverse

    yield _("See the possible duplicates"), reverse("duplicates:list")


def ids_from_runs(runs: list[list[int]]) -> list[int]:
    return [pk for low, high in runs for pk in range(low, high + 1)]


def runs_of(ids: list[int]) -> list[list[int]]:
    """Sorted ids as [first, last] runs of consecutive ids (an import's new companies
    are mostly one run: a job's parameters stay small)."""
    runs: list[list[int]] = []
    for pk in sorted(set(ids)):
        if runs and pk == runs[-1][1] + 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    return runs


@job(
    label=_("Find duplicates of the imported companies"),
    # It writes pairs as a full search does: never at the same time as one (it waits).
    conflict_key=CONFLICT_KEY,
    on_conflict="wait",
    retry=True,  # committed batches; a pair found again is not stored twice
    summary=_imported_summary,
    links=_imported_links,
)
def search_imported(
    ctx: JobContext, *, runs: list[list[int]], import_job: int | None = None
) -> dict:
    """The duplicate search of the companies a large import created or updated
    (`duplicates.services.companies_search`), started when the import committed
    (`contacts.signals.contacts_imported`); in committed batches."""
    ids = ids_from_runs(runs)
    ctx.progress(0, total=len(ids), step=gettext_noop("Searching for duplicates"))
    pairs = services.companies_search(contact_ids=ids, progress=ctx.advance)
    return {"companies": len(ids), "pairs": pairs, "import_job": import_job}


def search_after_import(*, company_ids: list[int], user=None, job=None) -> Job | None:
    """After a large import: queue the duplicate search of its companies, when the
    setup searches on save (Autosearch) and the import was too large to be searched
    inside its transaction (`services.search.BULK_SEARCH_LIMIT`). Returns the job."""
    from marketing_setup.models import MarketingSetup

    setup = MarketingSetup.get()
    if not (setup.maintain_search_strings and setup.autosearch_for_duplicates):
        return None
    if len(company_ids) <= search.BULK_SEARCH_LIMIT:
        return None  # searched with the import already
    origin = job.origin if job is not None else None
    return search_imported.start(
        user=user,
        origin=origin,
        total=len(company_ids),
        runs=runs_of(company_ids),
        import_job=job.pk if job is not None else None,
    )
