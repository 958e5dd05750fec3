"""Fellegi–Sunter record linkage for companies: comparison levels, weights, EM, term frequencies.

Pure module (no ORM). A pair of companies is compared field by field; each comparison
falls into one level ("names equal", "names close", ... "names different") or is
missing (a field blank on either side counts neither way). Each level has two
probabilities: m, that a true pair shows it, and u, that two different companies do.
A pair's evidence is the sum of log2(m/u) over its comparisons (its match weight,
in bits), added to the prior log-odds that two companies are one; the match
probability follows. This is the model of Fellegi and Sunter (1969), estimated the
way splink does it:

* u from random pairs of the user's own companies (two records drawn at random
  are almost never one company), and for the exact levels from the value
  frequencies (the chance that two random records share a value: Σ share²);
* m by expectation-maximisation on blocked candidate pairs, one training session
  per kind of blocking key: pairs found through a shared phone number train every
  comparison except the phone (they all agree on it, so it says nothing there),
  pairs found through the name within a town train phone, VAT, e-mail and so on;
  each comparison's m is the average of the sessions that could train it,
  regularised towards the defaults below (which a small installation uses as
  they are);
* the prior (the chance that two random companies are one) from the expected
  number of true pairs among the candidates;
* term-frequency adjustment: where two records agree exactly on a name, an
  address, a city, a phone number or an e-mail domain, the u of that value is its
  own frequency, so a common name ("Regnskap") or city counts less than a rare one;
* the user's decisions (merges: same company; "separate contacts" marks: two)
  re-weigh the fields and the intercept by logistic calibration, regularised
  towards the unlabelled model, once there are enough of them.

Every contribution is kept, so the pages can say why a pair was found.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

NAME = "name"
PLACE = "place"
PHONE = "phone"
VAT = "vat"
EMAIL = "email"
ENTITY = "entity"

#: The comparisons and their levels, from the strongest agreement to disagreement.
LEVELS: dict[str, tuple[str, ...]] = {
    NAME: ("exact", "close", "similar", "partial", "different"),
    PLACE: ("same_address", "similar_address", "same_post_code", "same_city", "other_place"),
    PHONE: ("same", "different"),
    VAT: ("same", "slip", "different", "other_valid"),
    EMAIL: ("same_address", "same_domain", "other_domain"),
    ENTITY: ("same", "other_legal_form", "holding_one_side"),
}
COMPARISONS: tuple[str, ...] = tuple(LEVELS)
#: Levels whose u is the frequency of the shared value (term-frequency adjustment).
TF_LEVELS: dict[tuple[str, int], str] = {
    (NAME, 0): "name",
    (PLACE, 0): "address",
    (PLACE, 3): "city",
    (PHONE, 0): "phone",
    (EMAIL, 1): "domain",
}
TF_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys(TF_LEVELS.values()))
MISSING = -1

#: Sensible defaults: what the estimation is regularised towards and what a small
#: installation uses. m: how often one company's two records show the level; u: how
#: often two different companies do (random pairs).
DEFAULT_M: dict[str, tuple[float, ...]] = {
    NAME: (0.60, 0.20, 0.08, 0.05, 0.07),
    PLACE: (0.55, 0.12, 0.08, 0.18, 0.07),
    PHONE: (0.70, 0.30),
    VAT: (0.80, 0.06, 0.12, 0.02),
    EMAIL: (0.30, 0.45, 0.25),
    ENTITY: (0.95, 0.04, 0.01),
}
DEFAULT_U: dict[str, tuple[float, ...]] = {
    NAME: (0.00001, 0.00003, 0.0003, 0.01, 0.98966),
    PLACE: (0.00002, 0.00002, 0.003, 0.06, 0.93696),
    PHONE: (0.00001, 0.99999),
    VAT: (0.00001, 0.00002, 0.3, 0.69997),
    EMAIL: (0.00001, 0.00002, 0.99997),
    ENTITY: (0.80, 0.17, 0.03),
}
#: Levels whose weight is fixed by what they mean rather than learned: two valid,
#: different VAT numbers are two legal entities, and so are a holding and the company
#: it holds. The data alone cannot tell them from twins (sister companies share
#: address, phone and e-mail domain, so the other fields' evidence is not
#: independent), hence a weight that outweighs three agreeing fields. In bits.
FIXED_WEIGHTS: dict[tuple[str, int], float] = {
    (VAT, 3): -30.0,
    (ENTITY, 2): -30.0,
}
#: Expected duplicate pairs per company, for the default prior.
DEFAULT_PAIRS_PER_COMPANY = 0.03
#: Below this many companies the defaults are used instead of an estimate.
MIN_COMPANIES_TO_ESTIMATE = 1000
#: Weight of the defaults in the estimation, in pairs (a Dirichlet prior).
PRIOR_STRENGTH = 20.0
#: Bounds keeping one level or value from saying too much.
MIN_PROBABILITY = 1e-7
#: Decisions needed (of each kind) before they re-weigh the fields.
MIN_LABELS_TO_CALIBRATE = 10


def _clamp(p: float) -> float:
    return min(max(p, MIN_PROBABILITY), 1 - MIN_PROBABILITY)


def _logit2(p: float) -> float:
    p = _clamp(p)
    return math.log2(p / (1 - p))


def probability(match_weight: float) -> float:
    """Match probability from the total log-odds in bits."""
    if match_weight > 60:
        return 1.0
    if match_weight < -60:
        return 0.0
    odds = 2.0**match_weight
    return odds / (1 + odds)


def monotone(m: list[float], u: list[float]) -> list[float]:
    """m adjusted so that log2(m/u) does not rise from one level to the next.

    The levels run from the strongest agreement to disagreement, so a later level
    can never be better evidence than an earlier one: adjacent levels that break
    this are pooled (pool-adjacent-violators on the ratio m/u), keeping Σm.
    """
    blocks = [[i] for i in range(len(m))]
    sums = [(m[i], u[i]) for i in range(len(m))]
    k = 0
    while k < len(blocks) - 1:
        if sums[k][0] / sums[k][1] < sums[k + 1][0] / sums[k + 1][1] * (1 - 1e-12):
            blocks[k] += blocks.pop(k + 1)
            following = sums.pop(k + 1)
            sums[k] = (sums[k][0] + following[0], sums[k][1] + following[1])
            k = max(k - 1, 0)
        else:
            k += 1
    out = list(m)
    for block, (sm, su) in zip(blocks, sums, strict=True):
        for i in block:
            out[i] = u[i] * sm / su
    return out


@dataclass
class Model:
    """m and u per comparison level, the prior, the calibration, and how it was obtained."""

    m: dict[str, list[float]]
    u: dict[str, list[float]]
    #: Chance that two companies drawn at random are one company (at `companies`).
    prior: float
    companies: int = 0
    #: Companies with a value per term-frequency column (at `companies`).
    totals: dict[str, int] = field(default_factory=dict)
    #: The most frequent values of the term-frequency columns, with their counts
    #: (for searching one company without counting the whole table).
    frequent: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Calibration from the user's decisions: bits added, and a factor per comparison.
    intercept: float = 0.0
    scale: dict[str, float] = field(default_factory=dict)
    candidate_pairs: int = 0
    labelled_pairs: int = 0
    estimated: bool = False
    weights: dict[str, list[float]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.weights = {}
        for c in COMPARISONS:
            factor = self.scale.get(c, 1.0)
            row = []
            for level, (m, u) in enumerate(zip(self.m[c], self.u[c], strict=True)):
                fixed = FIXED_WEIGHTS.get((c, level))
                base = fixed if fixed is not None else math.log2(_clamp(m) / _clamp(u))
                row.append(base * factor)
            self.weights[c] = row

    def prior_weight(self, companies: int | None = None) -> float:
        """Prior log-odds in bits for a file of `companies` (the chance falls as 1/(n-1))."""
        prior = self.prior
        if companies and self.companies and companies != self.companies and companies > 1:
            prior = prior * (self.companies - 1) / (companies - 1)
        return _logit2(prior) + self.intercept

    def tf_weight(self, comparison: str, level: int, share: float) -> float:
        """An exact level's weight with the shared value's own frequency as u (splink's TF)."""
        if not share or (comparison, level) in FIXED_WEIGHTS:
            return self.weights[comparison][level]
        factor = self.scale.get(comparison, 1.0)
        return math.log2(_clamp(self.m[comparison][level]) / _clamp(share)) * factor

    def to_json(self) -> dict:
        return {
            "m": self.m,
            "u": self.u,
            "prior": self.prior,
            "companies": self.companies,
            "totals": self.totals,
            "frequent": self.frequent,
            "intercept": self.intercept,
            "scale": self.scale,
            "candidate_pairs": self.candidate_pairs,
            "labelled_pairs": self.labelled_pairs,
            "estimated": self.estimated,
        }

    @classmethod
    def from_json(cls, data: Mapping) -> Model:
        return cls(
            {c: [float(x) for x in data["m"][c]] for c in COMPARISONS},
            {c: [float(x) for x in data["u"][c]] for c in COMPARISONS},
            float(data["prior"]),
            int(data.get("companies", 0)),
            {k: int(v) for k, v in (data.get("totals") or {}).items()},
            {c: {k: int(n) for k, n in v.items()} for c, v in (data.get("frequent") or {}).items()},
            float(data.get("intercept", 0.0)),
            {k: float(v) for k, v in (data.get("scale") or {}).items()},
            int(data.get("candidate_pairs", 0)),
            int(data.get("labelled_pairs", 0)),
            bool(data.get("estimated", False)),
        )


def default_prior(companies: int) -> float:
    """Chance that two random companies are one, with the usual share of duplicates."""
    return min(0.5, 2 * DEFAULT_PAIRS_PER_COMPANY / max(1, companies - 1))


#: The defaults describe a file of this many companies (their prior does not follow
#: the size of a small installation, where the chance per pair would look high).
DEFAULT_COMPANIES = 10_000


def default_model(companies: int = 0) -> Model:
    """The defaults: no term frequencies, the prior of a DEFAULT_COMPANIES file."""
    del companies  # the defaults do not depend on the installation's size
    return Model(
        {c: list(v) for c, v in DEFAULT_M.items()},
        {c: list(v) for c, v in DEFAULT_U.items()},
        default_prior(DEFAULT_COMPANIES),
        0,
    )


# --- Term frequencies --------------------------------------------------------------------


class Frequencies:
    """How often each value occurs (per column), for the term-frequency adjustment."""

    def __init__(self, counts: Mapping[str, Mapping[str, int]], totals: Mapping[str, int]):
        self.counts = counts
        self.totals = totals

    def share(self, column: str, value: str) -> float:
        """The share of the column's values equal to `value` (at least one occurrence)."""
        total = self.totals.get(column, 0)
        if not total or not value:
            return 0.0
        return max(self.counts.get(column, {}).get(value, 1), 1) / total

    def most_frequent(self, count: int = 2000, minimum: int = 3) -> dict[str, dict[str, int]]:
        """The `count` most frequent values per column seen at least `minimum` times."""
        return {
            column: {v: n for v, n in counter.most_common(count) if n >= minimum}
            for column, counter in self.counts.items()
            if isinstance(counter, Counter)
        }

    def average_share(self, column: str) -> float:
        """Chance that two random non-blank values are equal: Σ share²."""
        total = self.totals.get(column, 0)
        counts = self.counts.get(column, {})
        return sum(n * n for n in counts.values()) / (total * total) if total > 1 else 0.0

    @classmethod
    def of(cls, values: Mapping[str, Iterable[str]]) -> Frequencies:
        counts: dict[str, Counter] = {}
        totals: dict[str, int] = {}
        for column, column_values in values.items():
            counter = Counter(v for v in column_values if v)
            counts[column] = counter
            totals[column] = sum(counter.values())
        return cls(counts, totals)


# --- Weights of one pair ------------------------------------------------------------------

Vector = tuple[int, ...]  # one level index per comparison (MISSING when blank)


def level_weight(model: Model, comparison: str, level: int, share: float = 0.0) -> float:
    if share and (comparison, level) in TF_LEVELS:
        return model.tf_weight(comparison, level, share)
    return model.weights[comparison][level]


def contributions(
    model: Model, vector: Vector, shares: Mapping[str, float]
) -> list[tuple[str, str, float]]:
    """(comparison, level, weight in bits) for every comparison that is not missing."""
    out = []
    for comparison, level in zip(COMPARISONS, vector, strict=True):
        if level != MISSING:
            weight = level_weight(model, comparison, level, shares.get(comparison, 0.0))
            out.append((comparison, LEVELS[comparison][level], weight))
    return out


def score_of(match_weight: float) -> int:
    """The 0..100 score shown and compared with Search Hit %: the probability in percent."""
    return math.floor(probability(match_weight) * 100 + 0.5)


def min_weight_for(hit_pct: int) -> float:
    """The match weight a pair needs for its score to reach `hit_pct` (1..100)."""
    p = min(max((hit_pct - 0.5) / 100, 1e-12), 1 - 1e-12)
    return math.log2(p / (1 - p))


# --- Estimation -----------------------------------------------------------------------------


def u_from_random_pairs(
    vectors: Iterable[Vector], frequencies: Frequencies | None = None
) -> dict[str, list[float]]:
    """u per level from comparison vectors of random pairs (smoothed).

    The exact levels of the frequency columns take Σ share² of their column: two
    random companies rarely share a phone number, too rarely for a sample to see.
    """
    counts = {c: [0.5] * len(LEVELS[c]) for c in COMPARISONS}
    for vector in vectors:
        for comparison, level in zip(COMPARISONS, vector, strict=True):
            if level != MISSING:
                counts[comparison][level] += 1
    u = {}
    for comparison in COMPARISONS:
        total = sum(counts[comparison])
        values = [n / total for n in counts[comparison]]
        for level in range(len(values) - 1):
            column = TF_LEVELS.get((comparison, level))
            if column and frequencies is not None:
                share = frequencies.average_share(column)
                if share:
                    values[level] = share
            # A level never seen among random pairs is rarer than one in the sample.
            values[level] = min(values[level], max(DEFAULT_U[comparison][level], 0.5 / total))
            if counts[comparison][level] > 5:
                values[level] = counts[comparison][level] / total
        values[-1] = max(1 - sum(values[:-1]), MIN_PROBABILITY)
        u[comparison] = values
    return u


@dataclass
class Session:
    """Candidate pairs found through one kind of blocking key, and what they cannot train."""

    name: str
    excluded: frozenset[str]
    vectors: list[Vector] = field(default_factory=list)


def _em_session(
    session: Session,
    u: Mapping[str, Sequence[float]],
    start_m: Mapping[str, Sequence[float]],
    labelled: Sequence[Vector],
    max_iterations: int = 100,
    tolerance: float = 1e-5,
) -> tuple[dict[str, list[float]], dict[str, float], float]:
    """EM over one session with u fixed: m of the comparisons it can train, their
    weight (expected true pairs seen), and the share of true pairs among its pairs."""
    patterns = Counter(session.vectors)
    n = sum(patterns.values())
    included = [i for i, c in enumerate(COMPARISONS) if c not in session.excluded]
    m = {c: list(start_m[c]) for c in COMPARISONS}
    share = 0.2
    seen: dict[str, float] = {}
    for _ in range(max_iterations):
        weights = {
            c: [
                FIXED_WEIGHTS.get((c, lv), math.log2(_clamp(a) / _clamp(b)))
                for lv, (a, b) in enumerate(zip(m[c], u[c], strict=True))
            ]
            for c in COMPARISONS
        }
        logit = _logit2(share)
        totals = {COMPARISONS[i]: [0.0] * len(LEVELS[COMPARISONS[i]]) for i in included}
        matched = 0.0
        for vector, count in patterns.items():
            w = logit
            for i in included:
                level = vector[i]
                if level != MISSING:
                    w += weights[COMPARISONS[i]][level]
            r = probability(w) * count
            matched += r
            for i in included:
                level = vector[i]
                if level != MISSING:
                    totals[COMPARISONS[i]][level] += r
        for vector in labelled:
            for i in included:
                if vector[i] != MISSING:
                    totals[COMPARISONS[i]][vector[i]] += 1.0
        new_share = min(max(matched / n, 1e-6), 0.99) if n else share
        change = abs(new_share - share) / share
        for c, row in totals.items():
            total = sum(row) + PRIOR_STRENGTH
            values = [
                (t + PRIOR_STRENGTH * p) / total for t, p in zip(row, DEFAULT_M[c], strict=True)
            ]
            change = max(change, *(abs(a - b) / b for a, b in zip(values, m[c], strict=True)))
            m[c] = values
            seen[c] = sum(row)
        share = new_share
        if change < tolerance:
            break
    return {c: m[c] for c in totals}, seen, share


@dataclass
class Estimate:
    model: Model
    sessions: dict[str, tuple[int, float]]  # name: (pairs, share of true pairs)


def estimate(
    sessions: Sequence[Session],
    *,
    u: Mapping[str, Sequence[float]],
    companies: int,
    candidates: Sequence[tuple[Vector, frozenset[str]]],
    total_candidates: int,
    totals: Mapping[str, int] | None = None,
    labelled_same: Sequence[Vector] = (),
) -> Estimate:
    """The model from training sessions (EM per session, u fixed), as splink trains it.

    `candidates` is a uniform sample of all candidate pairs with the sessions each
    belongs to, standing for `total_candidates` pairs: the expected number of true
    pairs among them gives the prior.
    """
    sums = {c: [0.0] * len(LEVELS[c]) for c in COMPARISONS}
    weight_of = dict.fromkeys(COMPARISONS, 0.0)
    shares: dict[str, float] = {}
    report: dict[str, tuple[int, float]] = {}
    start = {c: list(DEFAULT_M[c]) for c in COMPARISONS}
    for session in sessions:
        if len(session.vectors) < 20:
            continue
        m, seen, share = _em_session(session, u, start, labelled_same)
        shares[session.name] = share
        report[session.name] = (len(session.vectors), share)
        for c, values in m.items():
            for level, value in enumerate(values):
                sums[c][level] += value * seen[c]
            weight_of[c] += seen[c]
    m_final = {}
    for c in COMPARISONS:
        values = [x / weight_of[c] for x in sums[c]] if weight_of[c] else list(DEFAULT_M[c])
        m_final[c] = monotone(values, list(u[c]))
    model = Model(m_final, {c: list(u[c]) for c in COMPARISONS}, 0.5, companies)
    # Expected true pairs among the candidates: per pair, the probability from the
    # sessions it belongs to (leaving out what the session's key already implies).
    expected = 0.0
    for vector, member_of in candidates:
        probabilities = []
        for name in member_of:
            if name not in shares:
                continue
            excluded = next(s.excluded for s in sessions if s.name == name)
            w = _logit2(shares[name])
            for c, level in zip(COMPARISONS, vector, strict=True):
                if level != MISSING and c not in excluded:
                    w += model.weights[c][level]
            probabilities.append(probability(w))
        if probabilities:
            expected += sum(probabilities) / len(probabilities)
    expected *= total_candidates / max(1, len(candidates))
    pairs = max(1, companies * (companies - 1) // 2)
    prior = min(0.5, max(expected, 1.0) / pairs) if shares else default_prior(companies)
    model = Model(
        m_final,
        {c: list(u[c]) for c in COMPARISONS},
        prior,
        companies,
        dict(totals or {}),
        candidate_pairs=total_candidates,
        labelled_pairs=len(labelled_same),
        estimated=bool(shares),
    )
    return Estimate(model, report)


def calibrate(
    model: Model,
    labelled: Sequence[tuple[Sequence[tuple[str, float]], bool]],
    *,
    companies: int,
    strength: float = 4.0,
    iterations: int = 300,
) -> Model:
    """Re-weigh the fields by the user's decisions (logistic calibration of the weights).

    `labelled` holds, per decided pair, its (comparison, base weight in bits) parts
    and whether it was one company. The pair's log-odds become
    prior + intercept + Σ scale_c × weight_c, with intercept and scales fitted to
    the decisions (L2-regularised towards 0 and 1, so a few decisions move little).
    Returns the model unchanged with fewer than MIN_LABELS_TO_CALIBRATE of each kind.
    """
    same = sum(1 for _parts, label in labelled if label)
    if same < MIN_LABELS_TO_CALIBRATE or len(labelled) - same < MIN_LABELS_TO_CALIBRATE:
        return model
    prior = model.prior_weight(companies) - model.intercept
    scale = dict.fromkeys(COMPARISONS, 1.0)
    intercept = 0.0
    ln2 = math.log(2)
    rate = 0.5 / len(labelled)
    for _ in range(iterations):
        grad_scale = dict.fromkeys(COMPARISONS, 0.0)
        grad_intercept = 0.0
        for parts, label in labelled:
            w = prior + intercept + sum(scale[c] * x for c, x in parts)
            error = probability(w) - (1.0 if label else 0.0)
            grad_intercept += error * ln2
            for c, x in parts:
                grad_scale[c] += error * ln2 * x / 10
        for c in COMPARISONS:
            grad_scale[c] += strength * (scale[c] - 1.0) / len(labelled) * 10
            scale[c] = min(max(scale[c] - rate * 10 * grad_scale[c], 0.2), 3.0)
        intercept -= rate * (grad_intercept + strength * intercept / 10)
    return Model(
        model.m, model.u, model.prior, model.companies, model.totals, model.frequent,
        intercept, scale, model.candidate_pairs, len(labelled), model.estimated,
    )  # fmt: skip


def sample_pairs(count: int, companies: int, rng: random.Random) -> list[tuple[int, int]]:
    """`count` distinct random index pairs (a < b) among `companies` records."""
    if companies < 2:
        return []
    total = companies * (companies - 1) // 2
    if total <= count:
        return [(a, b) for a in range(companies) for b in range(a + 1, companies)]
    seen: set[tuple[int, int]] = set()
    while len(seen) < count:
        a, b = rng.randrange(companies), rng.randrange(companies)
        if a != b:
            seen.add((a, b) if a < b else (b, a))
    return list(seen)
