"""Duplicate search benchmark: the reference method and ours side by side.

    .venv/bin/python benchmarks/duplicates.py                      # 20k, 100k, 250k
    .venv/bin/python benchmarks/duplicates.py --sizes 5000 --autosearch-size 5000   # quick
    .venv/bin/python benchmarks/duplicates.py --database-url postgres://root:root@127.0.0.1:5432/x

Prints, per size and method: full search time, peak memory (max RSS of a fresh
subprocess, and the part the search added on top of the loaded data), found
pairs, precision and recall against the generator's truth. Data come from
benchmarks/dupl_generate.py, which scales the pattern of the sample file (same
kinds of variations). Then precision/recall on ../shared/data (the real sample).
Then the autosearch time per new company through the database path (stored
search strings and match keys, indexed lookups) with --autosearch-size
companies in a throwaway SQLite file (or a PostgreSQL database created and
dropped here when --database-url is given).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
# This script is called duplicates.py too: keep its folder off the path so that
# `duplicates` is the app.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))


def _load_generator():
    spec = importlib.util.spec_from_file_location("dupl_generate", HERE / "dupl_generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


from duplicates import matching  # noqa: E402  (pure module, no Django needed)

generate = _load_generator()

SAMPLE = ROOT.parent / "shared" / "data"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _search(records, method: str):
    reference = matching.reference_find_pairs(records, matching.DEFAULT_LINES, 60)
    if method == "reference":
        return reference
    return matching.ours_find_pairs(records, extra_pairs=reference)


def worker(size: int, method: str, seed: int) -> None:
    """One measured run in a fresh process; prints a JSON line."""
    records, truth = generate(size, seed=seed)
    loaded = _rss_mb()
    start = time.perf_counter()
    found = _search(records, method)
    seconds = time.perf_counter() - start
    q = matching.quality(found, truth)
    print(
        json.dumps(
            {
                "size": size,
                "method": method,
                "seconds": seconds,
                "peak_mb": _rss_mb(),
                "search_mb": _rss_mb() - loaded,
                "found": q.found,
                "tp": q.true_positives,
                "fp": q.false_positives,
                "truth": q.truth,
                "precision": q.precision,
                "recall": q.recall,
            }
        )
    )


def _run_worker(size: int, method: str, seed: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", str(size), method, "--seed", str(seed)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def full_search(sizes: list[int], seed: int) -> None:
    print("Full search (pure matching over all companies; each run in a fresh process)")
    header = (
        f"{'companies':>10} {'method':<10} {'time s':>8} {'peak MB':>8} {'search MB':>9} "
        f"{'found':>7} {'true':>7} {'false':>6} {'truth':>7} {'precision':>9} {'recall':>7}"
    )
    print(header)
    for size in sizes:
        rows = {}
        for method in ("reference", "ours"):
            r = _run_worker(size, method, seed)
            rows[method] = r
            print(
                f"{size:>10} {method:<10} {r['seconds']:>8.1f} {r['peak_mb']:>8.0f} "
                f"{r['search_mb']:>9.0f} {r['found']:>7} {r['tp']:>7} {r['fp']:>6} "
                f"{r['truth']:>7} {r['precision']:>9.3f} {r['recall']:>7.3f}"
            )
        ratio = rows["ours"]["seconds"] / rows["reference"]["seconds"]
        print(f"{'':>10} ours/reference time ratio {ratio:.2f} (ours includes the reference pass)")
    sys.stdout.flush()


def sample_quality() -> None:
    if not (SAMPLE / "sample-contacts.csv").exists():
        print("Sample file not found; skipped.")
        return
    with open(SAMPLE / "sample-contacts.csv", encoding="utf-8") as handle:
        records = [r for r in csv.DictReader(handle) if r["type"] == "company"]
    with open(SAMPLE / "sample-duplicates.csv", encoding="utf-8") as handle:
        truth = [(r["no_a"], r["no_b"]) for r in csv.DictReader(handle)]
    print(f"\nSample file ({len(records)} companies, {len(truth)} true pairs)")
    for method in ("reference", "ours"):
        start = time.perf_counter()
        q = matching.quality(_search(records, method), truth)
        print(
            f"  {method:<10} found {q.found:>4}  true {q.true_positives:>4}  false "
            f"{q.false_positives:>3}  precision {q.precision:.3f}  recall {q.recall:.3f}  "
            f"({time.perf_counter() - start:.2f} s)"
        )
    sys.stdout.flush()


# --- Autosearch through the database ------------------------------------------------


def _django(database_url: str | None, tmp: str) -> str | None:
    """Point Django at a throwaway database and set it up; returns the PG db to drop."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_site.settings")
    os.environ["DEBUG"] = "true"
    dropped = None
    if database_url:
        import psycopg

        base, _slash, _name = database_url.rpartition("/")
        dropped = f"bench_dupl_{os.getpid()}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{dropped}"')
        os.environ["DATABASE_URL"] = f"{base}/{dropped}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return dropped


def _drop(database_url: str, name: str) -> None:
    from django.db import connections

    connections.close_all()
    import psycopg

    base = database_url.rpartition("/")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def autosearch(size: int, new: int, seed: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        dropped = _django(database_url, tmp)
        try:
            _autosearch(size, new, seed)
        finally:
            if dropped:
                _drop(database_url, dropped)


def _autosearch(size: int, new: int, seed: int) -> None:
    from django.db import connection, transaction

    from contacts.models import Contact
    from duplicates import services
    from duplicates.models import ContactDuplicate
    from marketing_setup.models import MarketingSetup

    fields = [f.name for f in Contact._meta.concrete_fields]
    records, truth = generate(size + new, seed=seed)
    # Hold out `new` companies that have a duplicate among the loaded ones (and some that
    # do not), to be created one by one as a user would.
    partner = {}
    for a, b in truth:
        partner.setdefault(b, a)
    held = [r for r in records if r["no"] in partner][: new // 2]
    held_nos = {r["no"] for r in held}
    for r in records:
        if len(held) >= new:
            break
        if r["no"] not in held_nos and r["no"] not in partner:
            held.append(r)
            held_nos.add(r["no"])
    loaded = [r for r in records if r["no"] not in held_nos][:size]

    def contact(r):
        return Contact(**{k: v for k, v in r.items() if k in fields})

    print(f"\nAutosearch through the database ({connection.vendor}, {len(loaded)} companies)")
    MarketingSetup.get()
    start = time.perf_counter()
    with transaction.atomic():
        Contact.objects.bulk_create((contact(r) for r in loaded), batch_size=2000)
    print(f"  load companies (bulk, no signals)      {time.perf_counter() - start:8.1f} s")
    start = time.perf_counter()
    services.search_strings_rebuild()
    print(f"  rebuild_search_strings (bulk)          {time.perf_counter() - start:8.1f} s")
    start = time.perf_counter()
    result = services.duplicates_find_all()
    print(
        f"  find_duplicates (full, from the DB)    {time.perf_counter() - start:8.1f} s  "
        f"({len(result.pairs)} pairs)"
    )

    timings = {"reference": [], "ours": [], "ours-search": []}
    hits = {"reference": 0, "ours": 0, "ours-search": 0}
    expected = 0
    loaded_nos = {r["no"] for r in loaded}
    for r in held:
        company = contact(r)
        start = time.perf_counter()
        with transaction.atomic():
            company.save()  # the receiver builds strings and keys and runs the search
        timings["ours"].append(time.perf_counter() - start)
        twin = partner.get(r["no"])
        if twin in loaded_nos:
            expected += 1
            pairs = ContactDuplicate.objects.involving(company)
            if pairs.filter(contact__no=twin).exists() or pairs.filter(duplicate__no=twin).exists():
                hits["ours"] += 1
        start = time.perf_counter()
        found = services.duplicates_search_for(contact=company, method=services.REFERENCE)
        timings["reference"].append(time.perf_counter() - start)
        if twin in loaded_nos:
            ids = {p.duplicate_id for p in found}
            hits["reference"] += Contact.objects.filter(pk__in=ids, no=twin).exists()
        start = time.perf_counter()
        found = services.duplicates_search_for(contact=company, method=services.OURS)
        timings["ours-search"].append(time.perf_counter() - start)
        if twin in loaded_nos:
            ids = {p.duplicate_id for p in found}
            hits["ours-search"] += Contact.objects.filter(pk__in=ids, no=twin).exists()
    for method in ("reference", "ours-search", "ours"):
        values = sorted(timings[method])
        mean = sum(values) / len(values) * 1000
        p95 = values[int(len(values) * 0.95) - 1] * 1000
        what = "save + strings + keys + search" if method == "ours" else "search only"
        print(
            f"  per new company, {method:<11} mean {mean:7.1f} ms  p95 {p95:7.1f} ms  "
            f"twins found {hits[method]}/{expected}  ({what})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,100000,250000")
    parser.add_argument("--autosearch-size", type=int, default=250000)
    parser.add_argument("--autosearch-new", type=int, default=40)
    parser.add_argument("--skip-autosearch", action="store_true")
    parser.add_argument("--skip-full", action="store_true")
    parser.add_argument("--database-url", help="PostgreSQL server URL (a db is created)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--worker", nargs=2, metavar=("SIZE", "METHOD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(int(args.worker[0]), args.worker[1], args.seed)
        return
    if not args.skip_full:
        full_search([int(s) for s in args.sizes.split(",") if s], args.seed)
        sample_quality()
    if not args.skip_autosearch:
        autosearch(args.autosearch_size, args.autosearch_new, args.seed, args.database_url)


if __name__ == "__main__":
    main()
