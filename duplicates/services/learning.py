"""The learned model of our duplicate search (issue 16): estimated, stored, used, taught.

The weights come from the user's own companies (`duplicates.matching.estimate_model`,
a Fellegi–Sunter model) and from the user's decisions (merges and "separate contacts"
marks, review answers: `PairDecision`). The newest `MatchModel` row is the model in
use; it is re-estimated when the companies changed by more than STALE_SHARE or
enough new decisions came in (`model_refresh`, run by the full search and by the
re-estimation job/command).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

from django.db import transaction
from django.db.models import Count

from contacts.models import Contact
from duplicates import linkage, matching
from duplicates.models import ContactMatchKey, MatchModel, PairDecision

Progress = Callable[[int], None]

#: Re-estimate when the number of companies changed by more than this share...
STALE_SHARE = 0.2
#: ...or this many decisions were made since the last estimate.
NEW_DECISIONS = 20
#: How long a process keeps the model it read before looking for a newer one (seconds).
CACHE_SECONDS = 30.0

_cache: dict[str, tuple[float, int | None, linkage.Model]] = {}


def model_row() -> MatchModel | None:
    """The stored model in use (the newest), or None before the first estimate."""
    return MatchModel.objects.order_by("-created_at", "-id").first()


def model_clear_cache() -> None:
    _cache.clear()


def model_in_use() -> linkage.Model:
    """The model our method scores with: the newest stored one, or the defaults.

    Read at most every CACHE_SECONDS per process, so a save does not read it each time.
    """
    now = time.monotonic()
    cached = _cache.get("model")
    if cached and now - cached[0] < CACHE_SECONDS:
        return cached[2]
    row = model_row()
    if row is not None and row.parameters:
        model = linkage.Model.from_json(row.parameters)
    else:
        model = linkage.default_model()
    _cache["model"] = (now, row.pk if row else None, model)
    return model


def decisions_count() -> int:
    return PairDecision.objects.count()


def model_is_stale(row: MatchModel | None, *, companies: int, decisions: int) -> bool:
    """Whether the data changed enough since `row` was estimated to estimate again.

    Below MIN_COMPANIES_TO_ESTIMATE nothing is learned (the defaults are used as they
    are) unless the user's decisions can teach something.
    """
    if (
        companies < linkage.MIN_COMPANIES_TO_ESTIMATE
        and decisions < linkage.MIN_LABELS_TO_CALIBRATE
    ):
        return False
    if row is None:
        return True
    if not row.estimated and row.companies < linkage.MIN_COMPANIES_TO_ESTIMATE <= companies:
        return True
    if row.companies and abs(companies - row.companies) > STALE_SHARE * row.companies:
        return True
    return decisions - row.labelled_pairs >= NEW_DECISIONS


def decisions_data() -> list[tuple[linkage.Vector, dict[str, float], bool]]:
    """The decisions as training data: (comparison vector, value shares, same company)."""
    out = []
    rows = PairDecision.objects.values_list("levels", "shares", "same")
    for levels, shares, same in rows.iterator(chunk_size=2000):
        if isinstance(levels, list) and len(levels) == len(linkage.COMPARISONS):
            out.append((tuple(int(level) for level in levels), dict(shares or {}), bool(same)))
    return out


def model_store(model: linkage.Model, *, companies: int) -> MatchModel:
    """Store an estimated model as the one in use (dated)."""
    row = MatchModel.objects.create(
        companies=companies,
        candidate_pairs=model.candidate_pairs,
        labelled_pairs=model.labelled_pairs,
        estimated=model.estimated,
        parameters=model.to_json(),
    )
    model_clear_cache()
    return row


def model_needs_estimate(companies: int) -> bool:
    """Whether the full search should estimate the model before it searches."""
    return model_is_stale(model_row(), companies=companies, decisions=decisions_count())


@transaction.atomic
def model_estimate(
    *, profiles: Sequence[matching.Profile] | None = None, progress: Progress | None = None
) -> MatchModel:
    """Estimate the model from all companies and the decisions, and store it (dated)."""
    if profiles is None:
        from duplicates.services.search import company_profiles

        profiles = company_profiles(progress=progress)
    model = matching.estimate_model(profiles, decisions=decisions_data())
    return model_store(model, companies=len(profiles))


def model_refresh(
    *, profiles: Sequence[matching.Profile] | None = None, force: bool = False
) -> MatchModel | None:
    """Estimate again when the data changed enough (or `force`); returns the new row."""
    row = model_row()
    companies = (
        len(profiles)
        if profiles is not None
        else Contact.objects.filter(type=Contact.Type.COMPANY).count()
    )
    if not force and not model_is_stale(row, companies=companies, decisions=decisions_count()):
        return None
    return model_estimate(profiles=profiles)


# --- Decisions ----------------------------------------------------------------------------


def _key_counts(keys: Sequence[str]) -> dict[str, int]:
    rows = (
        ContactMatchKey.objects.filter(key__in=list(keys))
        .values("key")
        .annotate(n=Count("id"))
        .values_list("key", "n")
    )
    return dict(rows)


def pair_comparison(
    a: Mapping, b: Mapping, model: linkage.Model | None = None
) -> tuple[linkage.Vector, dict[str, float]]:
    """The comparison levels of two companies' records and the shares of shared values."""
    model = model or model_in_use()
    pa, pb = matching.Profile.of(a), matching.Profile.of(b)
    counts = _key_counts(sorted(matching.index_keys(pa)))
    scorer = matching.Scorer(model, matching.key_frequencies(counts, model), model.companies)
    vector, tf = matching.compare(pa, pb)
    shares = {
        c: scorer.share(c, level, tf[c])
        for c, level in zip(linkage.COMPARISONS, vector, strict=True)
        if c in tf
    }
    return vector, shares


def decision_record(
    *, contact: Contact, other: Contact, same: bool, source: str, user=None
) -> PairDecision:
    """Remember a decision on a pair (a merge, a separate mark, a review answer)."""
    from duplicates.services.index import contact_record

    low, high = sorted((contact, other), key=lambda c: c.pk)
    vector, shares = pair_comparison(contact_record(low), contact_record(high))
    PairDecision.objects.filter(contact_no=low.no, duplicate_no=high.no).delete()
    return PairDecision.objects.create(
        contact_no=low.no,
        duplicate_no=high.no,
        same=same,
        source=source,
        levels=list(vector),
        shares=shares,
        user=user if getattr(user, "is_authenticated", False) else None,
    )


def decision_forget(*, contact: Contact, other: Contact, source: str) -> int:
    """Drop a decision that was taken back (a separate mark removed)."""
    low, high = sorted((contact, other), key=lambda c: c.pk)
    deleted, _detail = PairDecision.objects.filter(
        contact_no=low.no, duplicate_no=high.no, source=source
    ).delete()
    return deleted
