"""Background jobs of the duplicate search (run by `manage.py db_worker`).

Both call the services the commands call. They share one conflict key: a rebuild and
a full search never run at the same time, and a second one is refused while one is
queued or running.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from contacts.models import Contact
from duplicates import services
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
