"""Duplicate search benchmark: ours, the reference method and a plain rapidfuzz baseline.

    .venv/bin/python benchmarks/duplicates.py                          # everything, default sizes
    .venv/bin/python benchmarks/duplicates.py --part quality --sizes 20000
    .venv/bin/python benchmarks/duplicates.py --part sweep             # Search Hit % 10..100
    .venv/bin/python benchmarks/duplicates.py --part sources           # what each key family adds
    .venv/bin/python benchmarks/duplicates.py --part command --command-sizes 100000 \\
        --database-url postgres://root:root@127.0.0.1:5432/bench_dups  # whole find_duplicates
    .venv/bin/python benchmarks/duplicates.py --part autosearch --autosearch-size 250000
    .venv/bin/python benchmarks/duplicates.py --part quality --sizes 250000,1000000 --repeat 1
    .venv/bin/python benchmarks/duplicates.py --part command --command-sizes 1000000 --repeat 1

Data come from two generators made differently: `dupl_generate.py` (the first, shaped
like the shared sample; our method was developed on it) and `dupl_generate2.py`
(other countries, sparse fields, the hard duplicates and false alarms of real CRMs).
The second generator's development seed (1) is not reported: the figures use seeds 2
and 3 (`--seeds2`). Every measured run is a fresh process (peak memory = its max RSS;
"search MB" = what the search added on top of the loaded records); each is run
`--repeat` times (default 2) and the min and median time are printed. Precision,
recall and F1 are against the generator's known true pairs. The figures depend on the
machine's load (2 shared cores): compare the ratios printed in the same run.

Parts:
  quality     P/R/F1, time, memory per generator, size and method (pure matching, no DB)
  sweep       P/R/F1 at Search Hit % 10, 50, 60 (the default), 80, 100 for ours and the
              reference, both generators
  sources     each family of blocking keys left out in turn: the true pairs it alone finds
  command     the whole `manage.py find_duplicates` against a database filled with the
              first generator (SQLite file, or PostgreSQL with --database-url): time and
              peak memory of the command process, P/R of the pairs it stored
  autosearch  saving one company with autosearch on (ours) at --autosearch-size
              companies, SQLite and, with --database-url, PostgreSQL, against the same
              save without the duplicate upkeep, the two taking turns company by
              company: p50/p95 wall time and CPU time (time.process_time: this
              process; on PostgreSQL also the server backend's, from
              /proc/PID/schedstat) per save, statements per save,
              the held-out twins found; --repeat rounds (min/median), the load average
              of each round; --show-sql prints one save's statements

The first generator makes up to 9,999,999 companies (a million in about half a minute
and 1.4 GB: 73,611 true pairs with seed 7). The command's database keeps each
company's match profile (built with the search strings), as a maintained installation
does: the command's time is the search, not the normalising.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import resource
import statistics
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


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


from duplicates import matching  # noqa: E402  (pure module, no Django needed)

GENERATORS = {"1": _load("dupl_generate").generate, "2": _load("dupl_generate2").generate}
SAMPLE = ROOT.parent / "shared" / "data"
METHODS = ("ours", "reference", "rapidfuzz")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- A plain rapidfuzz baseline ----------------------------------------------------------


def rapidfuzz_baseline(records, threshold: int = 85):
    """What one would write with rapidfuzz alone (not tuned on either generator).

    Blocks: the first four letters of the normalised name within the city, the phone
    digits, the VAT digits, the e-mail. Pairs: WRatio of "name address city" >= 85, or
    the same phone/VAT/e-mail with a name token_set_ratio >= 60.
    """
    from itertools import combinations

    from rapidfuzz import fuzz, utils

    def digits(text):
        value = "".join(ch for ch in str(text or "") if ch.isdigit()).lstrip("0")
        return value if len(value) >= 6 else ""

    texts, names, exact = [], [], []
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        name = utils.default_process(r.get("name") or "")
        city = utils.default_process(r.get("city") or "")
        names.append(name)
        texts.append(f"{name} {utils.default_process(r.get('address') or '')} {city}")
        ids = {
            f"t{digits(r.get('phone_no'))}",
            f"v{digits(r.get('vat_registration_no'))}",
            f"m{(r.get('email') or '').lower()}",
        } - {"t", "v", "m"}
        exact.append(ids)
        for key in {f"n{name[:4]}@{city}"} | ids:
            groups.setdefault(key, []).append(i)
    found = set()
    for members in groups.values():
        if len(members) > 200:
            continue
        for a, b in combinations(members, 2):
            pair = (a, b)
            if pair in found:
                continue
            shared = exact[a] & exact[b]
            if (shared and fuzz.token_set_ratio(names[a], names[b]) >= 60) or fuzz.WRatio(
                texts[a], texts[b], score_cutoff=threshold
            ):
                found.add(pair)
    return {matching._pair(records[a]["no"], records[b]["no"]) for a, b in found}


# --- Pure matching in a fresh process ------------------------------------------------------


def _search(records, method: str, hit_pct: int = 60):
    if method == "reference":
        return matching.reference_find_pairs(records, matching.DEFAULT_LINES, hit_pct)
    if method == "rapidfuzz":
        return rapidfuzz_baseline(records)
    profiles = [matching.Profile.of(r) for r in records]
    return matching.find_pairs(profiles, hit_pct=hit_pct).pairs


def worker(gen: str, size: int, method: str, seed: int) -> None:
    """One measured run in a fresh process; prints a JSON line."""
    records, truth = GENERATORS[gen](size, seed=seed)
    loaded = _rss_mb()
    start = time.perf_counter()
    found = _search(records, method)
    seconds = time.perf_counter() - start
    q = matching.quality(found, truth)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": _rss_mb(),
                "search_mb": _rss_mb() - loaded,
                "found": q.found,
                "tp": q.true_positives,
                "fp": q.false_positives,
                "truth": q.truth,
                "precision": q.precision,
                "recall": q.recall,
                "f1": q.f1,
            }
        )
    )


def _run(args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _times(runs: list[dict]) -> tuple[float, float]:
    values = [r["seconds"] for r in runs]
    return min(values), statistics.median(values)


def quality(sizes: list[int], seed1: int, seeds2: list[int], repeat: int) -> None:
    print("Quality, time and memory (pure matching; fresh process per run)")
    print(
        f"{'gen':>3} {'seed':>4} {'companies':>9} {'method':<10} {'min s':>7} {'med s':>7} "
        f"{'peak MB':>8} {'srch MB':>8} {'found':>6} {'true':>6} {'false':>6} {'truth':>6} "
        f"{'P':>6} {'R':>6} {'F1':>6}"
    )
    for gen, seeds in (("1", [seed1]), ("2", seeds2)):
        for seed in seeds:
            for size in sizes:
                base = None
                for method in METHODS:
                    runs = [
                        _run(["--worker", gen, str(size), method, "--seed", str(seed)])
                        for _ in range(repeat)
                    ]
                    r = runs[-1]
                    low, mid = _times(runs)
                    base = base or low
                    print(
                        f"{gen:>3} {seed:>4} {size:>9} {method:<10} {low:>7.1f} {mid:>7.1f} "
                        f"{max(x['peak_mb'] for x in runs):>8.0f} "
                        f"{max(x['search_mb'] for x in runs):>8.0f} {r['found']:>6} {r['tp']:>6} "
                        f"{r['fp']:>6} {r['truth']:>6} {r['precision']:>6.3f} "
                        f"{r['recall']:>6.3f} {r['f1']:>6.3f}   time {low / base:.2f}x ours"
                    )
                    sys.stdout.flush()
    sample_quality()


def sample_quality() -> None:
    if not (SAMPLE / "sample-contacts.csv").exists():
        print("Sample file not found; skipped.")
        return
    with open(SAMPLE / "sample-contacts.csv", encoding="utf-8") as handle:
        records = [r for r in csv.DictReader(handle) if r["type"] == "company"]
    for r in records:
        r["country"] = r["country_region_code"]
    with open(SAMPLE / "sample-duplicates.csv", encoding="utf-8") as handle:
        truth = [(r["no_a"], r["no_b"]) for r in csv.DictReader(handle)]
    print(f"\nSample file ({len(records)} companies, {len(truth)} true pairs)")
    for method in METHODS:
        start = time.perf_counter()
        q = matching.quality(_search(records, method), truth)
        print(
            f"  {method:<10} found {q.found:>4}  true {q.true_positives:>4}  false "
            f"{q.false_positives:>3}  P {q.precision:.3f}  R {q.recall:.3f}  F1 {q.f1:.3f}  "
            f"({time.perf_counter() - start:.2f} s)"
        )
    sys.stdout.flush()


# --- Search Hit % sweep ------------------------------------------------------------------


def sweep(size: int, seed1: int, seeds2: list[int]) -> None:
    print(f"\nSearch Hit % (threshold of both methods) at {size} companies; 60 is the default")
    head = f"{'gen':>3} {'seed':>4} {'method':<10} {'hit %':>6} {'found':>7}"
    print(f"{head} {'P':>6} {'R':>6} {'F1':>6}")
    for gen, seed in (("1", seed1), *(("2", s) for s in seeds2)):
        records, truth = GENERATORS[gen](size, seed=seed)
        profiles = [matching.Profile.of(r) for r in records]
        everything = matching.find_pairs(profiles, hit_pct=1).pairs
        for hit_pct in (10, 50, 60, 80, 100):
            found = [pair for pair, m in everything.items() if m.score >= hit_pct]
            q = matching.quality(found, truth)
            print(
                f"{gen:>3} {seed:>4} {'ours':<10} {hit_pct:>6} {q.found:>7} {q.precision:>6.3f} "
                f"{q.recall:>6.3f} {q.f1:>6.3f}"
            )
        for hit_pct in (10, 50, 60, 80, 100):
            q = matching.quality(_search(records, "reference", hit_pct), truth)
            print(
                f"{gen:>3} {seed:>4} {'reference':<10} {hit_pct:>6} {q.found:>7} "
                f"{q.precision:>6.3f} {q.recall:>6.3f} {q.f1:>6.3f}"
            )
        sys.stdout.flush()


# --- Candidate sources ----------------------------------------------------------------------


def sources(size: int, seed1: int, seeds2: list[int]) -> None:
    print(f"\nWhat each family of blocking keys adds ({size} companies; our method, hit 60 %)")
    print(
        f"{'gen':>3} {'left out':<10} {'candidates':>10} {'time s':>7} {'true':>6} {'false':>6} "
        f"{'R':>6} {'true pairs only it finds':>24}"
    )
    for gen, seed in (("1", seed1), ("2", seeds2[0])):
        records, truth = GENERATORS[gen](size, seed=seed)
        profiles = [matching.Profile.of(r) for r in records]
        model = matching.estimate_model(profiles)
        truth_set = {matching._pair(*p) for p in truth}
        results = {}
        for left_out in (None, *matching.KEY_FAMILIES):
            families = [f for f in matching.KEY_FAMILIES if f != left_out]
            start = time.perf_counter()
            result = matching.find_pairs(profiles, model=model, families=families)
            seconds = time.perf_counter() - start
            true = set(result.pairs) & truth_set
            results[left_out] = true
            q = matching.quality(result.pairs, truth)
            only = len(results[None] - true) if left_out else 0
            print(
                f"{gen:>3} {left_out or '(none)':<10} {result.candidates:>10} {seconds:>7.1f} "
                f"{q.true_positives:>6} {q.false_positives:>6} {q.recall:>6.3f} {only:>24}"
            )
            sys.stdout.flush()
        q = matching.quality(_search(records, "reference"), truth)
        ours = results[None]
        reference = set(_search(records, "reference")) & truth_set
        print(
            f"{gen:>3} reference pass: {len(reference)} true pairs, "
            f"{len(reference - ours)} of them not found by ours"
        )


# --- The whole command through a database ----------------------------------------------------


def _database_name(database_url: str, name: str) -> str:
    """The benchmark's database `name` on the server of `database_url`, named after the
    URL's database: two people benchmarking on one server do not drop each other's."""
    own = database_url.rpartition("/")[2]
    return f"{own}_{name}" if own and own != "postgres" else name


def _django(database_url: str | None, tmp: str, name: str) -> str | None:
    """Point Django at a fresh database; returns the PostgreSQL database to drop."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.bench_settings"
    dropped = None
    if database_url:
        import psycopg

        base = database_url.rpartition("/")[0]
        dropped = _database_name(database_url, name)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dropped}"')
            conn.execute(f'CREATE DATABASE "{dropped}"')
        os.environ["DATABASE_URL"] = f"{base}/{dropped}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/{name}.sqlite3"
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


def _load_companies(records) -> None:
    from django.db import transaction

    from contacts.models import Contact

    fields = {f.name for f in Contact._meta.concrete_fields}
    with transaction.atomic():
        for start in range(0, len(records), 5000):
            Contact.objects.bulk_create(
                Contact(**{k: v for k, v in r.items() if k in fields})
                for r in records[start : start + 5000]
            )


class _PssSampler:
    """The peak of the summed proportional set size (PSS: a page shared by n processes
    counts 1/n in each) of a process and its descendants, sampled every 0.2 s: the
    memory of a search whose processes share their pages (fork), counted once."""

    def __init__(self, pid: int):
        import threading

        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self, pid: int) -> list[int]:
        pids = [pid]
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    for child in handle.read().split():
                        pids.extend(self._tree(int(child)))
        except OSError:
            pass
        return pids

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            total = 0
            for pid in self._tree(self.pid):
                try:
                    with open(f"/proc/{pid}/smaps_rollup") as handle:
                        for line in handle:
                            if line.startswith("Pss:"):
                                total += int(line.split()[1])
                                break
                except OSError:
                    pass
            self.peak = max(self.peak, total)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _kept_database(database_url: str, size: int) -> str | None:
    """The URL of the database a `--keep-db` run left for `size` companies, if any."""
    import psycopg

    base = database_url.rpartition("/")[0]
    name = _database_name(database_url, f"bench_dups_{size}")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return f"{base}/{name}" if found else None


def command(
    sizes: list[int],
    seed: int,
    database_url: str | None,
    repeat: int,
    keep_db: bool = False,
    processes: list[int] | tuple[int, ...] = (1,),
) -> None:
    vendor = "postgresql" if database_url else "sqlite"
    print(f"\nWhole find_duplicates command ({vendor}; first generator, seed {seed})")
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="bench_dups_") as tmp:
            env = dict(os.environ)
            kept = _kept_database(database_url, size) if keep_db and database_url else None
            if kept:  # filled by an earlier --keep-db run (same size; the seed is the user's)
                info = {"url": kept, "index_s": float("nan")}
            else:
                setup = subprocess.run(
                    [sys.executable, __file__, "--fill", str(size), "--seed", str(seed)]
                    + ["--tmp", tmp]
                    + (["--database-url", database_url] if database_url else []),
                    check=True,
                    capture_output=True,
                    text=True,
                )
                info = json.loads(setup.stdout.strip().splitlines()[-1])
            env["DATABASE_URL"] = info["url"]
            env["DJANGO_SETTINGS_MODULE"] = "benchmarks.bench_settings"
            runs = []
            for round_no in range(repeat):
                for count in processes:
                    out = Path(tmp) / f"pairs-{round_no}-{count}.csv"
                    env["DUPLICATE_SEARCH_PROCESSES"] = str(count)
                    start = time.perf_counter()
                    proc = subprocess.Popen(
                        [
                            "/usr/bin/time",
                            "-f",
                            "%M %U %S",
                            sys.executable,
                            str(ROOT / "manage.py"),
                            "find_duplicates",
                            "--no-progress",
                            "--output",
                            str(out),
                        ],
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        text=True,
                        env=env,
                        cwd=ROOT,
                    )
                    sampler = _PssSampler(proc.pid)
                    _stdout, stderr = proc.communicate()
                    seconds = time.perf_counter() - start
                    sampler.stop()
                    if proc.returncode:
                        raise SystemExit(f"find_duplicates failed:\n{stderr}")
                    peak, user, system = stderr.strip().splitlines()[-1].split()
                    with open(out, encoding="utf-8") as handle:
                        pairs = [
                            (r["contact_no"], r["duplicate_contact_no"])
                            for r in csv.DictReader(handle)
                        ]
                    runs.append(
                        {
                            "seconds": seconds,
                            "peak": int(peak) / 1024,
                            "pss": sampler.peak / 1024,
                            "cpu": float(user) + float(system),
                            "pairs": pairs,
                            "processes": count,
                        }
                    )
                    print(
                        f"    run {round_no + 1}, {count} process(es): {seconds:.1f} s wall, "
                        f"{float(user) + float(system):.1f} s CPU (all its processes), "
                        f"largest process {int(peak) / 1024:.0f} MB, all processes together "
                        f"(PSS) {sampler.peak / 1024:.0f} MB, {len(pairs)} pairs"
                        + (
                            " (the new database's first search: estimates the model)"
                            if not kept and not runs[:-1]
                            else ""
                        )
                    )
                    sys.stdout.flush()
            if len({tuple(sorted(r["pairs"])) for r in runs}) != 1:
                print("    THE RUNS FOUND DIFFERENT PAIRS")
            _records, truth = GENERATORS["1"](size, seed=seed)
            q = matching.quality(runs[-1]["pairs"], truth)
            for count in processes:
                own = [r for r in runs if r["processes"] == count]
                low, mid = _times(own)
                print(
                    f"  {size:>9} companies, {count} process(es): index build "
                    f"{info['index_s']:.1f} s (rebuild_search_strings), find_duplicates min "
                    f"{low:.1f} s, median {mid:.1f} s, largest process "
                    f"{max(r['peak'] for r in own):.0f} MB, all together (PSS) "
                    f"{max(r['pss'] for r in own):.0f} MB; found {q.found} true "
                    f"{q.true_positives} false {q.false_positives} of {q.truth}: "
                    f"P {q.precision:.3f} R {q.recall:.3f} F1 {q.f1:.3f}"
                )
            sys.stdout.flush()
            if database_url and keep_db:
                print(f"  kept {info['url']} (--keep-db again reuses it)")
            elif database_url:
                subprocess.run(
                    [sys.executable, __file__, "--drop", info["url"]],
                    check=True,
                    capture_output=True,
                )


def fill(size: int, seed: int, tmp: str, database_url: str | None) -> None:
    """Create and fill a database (in its own process) and build the index."""
    _django(database_url, tmp, f"bench_dups_{size}")
    from duplicates import services

    records, _truth = GENERATORS["1"](size, seed=seed)
    _load_companies(records)
    del records
    start = time.perf_counter()
    services.search_strings_rebuild()
    index_s = time.perf_counter() - start
    from django.conf import settings

    db = settings.DATABASES["default"]
    url = (
        f"{database_url.rpartition('/')[0]}/{db['NAME']}"
        if database_url
        else f"sqlite:///{db['NAME']}"
    )
    print(json.dumps({"url": url, "index_s": index_s}))


# --- Autosearch per save -----------------------------------------------------------------


def autosearch(
    size: int, new: int, seed: int, database_url: str | None, rounds: int, show_sql: bool
) -> None:
    with tempfile.TemporaryDirectory(prefix="bench_dups_") as tmp:
        dropped = _django(database_url, tmp, "bench_dups_autosearch")
        try:
            _autosearch(size, new, seed, max(rounds, 1), show_sql)
        finally:
            if dropped:
                _drop(database_url, dropped)


def _autosearch(size: int, new: int, seed: int, rounds: int, show_sql: bool) -> None:
    from django.db import connection, transaction
    from django.db.models.signals import post_save, pre_save
    from django.test.utils import CaptureQueriesContext

    from contacts.models import Contact
    from duplicates import services
    from duplicates.models import ContactDuplicate

    fields = [f.name for f in Contact._meta.concrete_fields]
    records, truth = GENERATORS["1"](size + new, seed=seed)
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

    print(f"\nAutosearch per save ({connection.vendor}, {len(loaded)} companies, our method)")
    start = time.perf_counter()
    _load_companies(loaded)
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
    loaded_nos = {r["no"] for r in loaded}

    server = _server_cpu(connection)

    def save(r, with_upkeep: bool) -> tuple[float, float, float, list[str], bool | None]:
        """One company created (and deleted again, untimed): wall s, CPU s, server CPU
        s, statements, whether its held-out twin was found (None: it has none)."""
        company = contact(r)
        served = server()
        wall, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as ctx, transaction.atomic():
            if with_upkeep:
                company.save()
            else:
                with _signals_off(pre_save, post_save):
                    company.save()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        served = server() - served
        hit = None
        twin = partner.get(r["no"])
        if with_upkeep and twin in loaded_nos:
            pairs = ContactDuplicate.objects.involving(company)
            hit = (
                pairs.filter(contact__no=twin).exists() or pairs.filter(duplicate__no=twin).exists()
            )
        # Deleted again (its strings, keys, profile and pairs go with it by cascade), so
        # each round saves the same new companies into the same table.
        with _signals_off(pre_save, post_save):
            company.delete()
        return wall, cpu, served, [q["sql"] for q in ctx.captured_queries], hit

    modes = (("save without duplicate upkeep", False), ("save + autosearch", True))
    for r in held[:3]:  # warm-up: caches, the model in use, prepared plans
        for _label, with_upkeep in modes:
            save(r, with_upkeep)
    summary = {label: [] for label, _ in modes}
    sample_sql: dict[str, list[str]] = {}
    for round_no in range(1, rounds + 1):
        runs = {label: ([], [], [], [0, 0], []) for label, _ in modes}
        for r in held:
            # The two saves of each company take turns: both see the same load.
            for label, with_upkeep in modes:
                wall, cpu, served, sql, hit = save(r, with_upkeep)
                walls, cpus, counts, found, serveds = runs[label]
                walls.append(wall)
                cpus.append(cpu)
                serveds.append(served)
                counts.append(len(sql))
                if hit is not None:
                    found[0] += hit
                    found[1] += 1
                sample_sql.setdefault(label, sql)
        print(f"  round {round_no} (load {' '.join(f'{x:.1f}' for x in os.getloadavg())}):")
        for label, _with_upkeep in modes:
            walls, cpus, counts, found, serveds = runs[label]
            p50, p95 = _p50_p95(walls)
            cpu50, cpu95 = _p50_p95(cpus)
            server50, server95 = _p50_p95(serveds)
            summary[label].append((p50, p95, cpu50, cpu95, server50, server95))
            twins = f"  twins found {found[0]}/{found[1]}" if found[1] else ""
            on_server = (
                f"  server CPU p50 {server50:4.1f} p95 {server95:4.1f} ms"
                if connection.vendor == "postgresql"
                else ""
            )
            print(
                f"    {label:<30} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  CPU p50 {cpu50:5.1f} "
                f"p95 {cpu95:5.1f} ms{on_server}  statements {statistics.median(counts):.0f} "
                f"(max {max(counts)}){twins}"
            )
            slowest = sorted(zip(walls, cpus, strict=True), reverse=True)[:6]
            print(
                "      slowest (wall/CPU ms): "
                + ", ".join(f"{w * 1000:.1f}/{c * 1000:.1f}" for w, c in slowest)
            )
    print(f"  over {rounds} rounds of {len(held)} saves (min / median of the rounds' figures):")
    for label, _with_upkeep in modes:
        columns = list(zip(*summary[label], strict=True))
        names = ("p50", "p95", "CPU p50", "CPU p95", "server CPU p50", "server CPU p95")
        if connection.vendor != "postgresql":
            names, columns = names[:4], columns[:4]
        text = "  ".join(
            f"{name} {min(values):.1f}/{statistics.median(values):.1f}"
            for name, values in zip(names, columns, strict=True)
        )
        print(f"    {label:<30} {text} ms")
    base, upkeep = (summary[label] for label, _ in modes)
    ratios = [u[1] / b[1] for u, b in zip(upkeep, base, strict=True)]
    print(f"    p95 ratio with/without upkeep per round: {', '.join(f'{x:.2f}' for x in ratios)}")
    if show_sql:
        for label, sql in sample_sql.items():
            print(f"  statements of one {label}:")
            for text in sql:
                print(f"    {text[:300]}")


def _server_cpu(connection):
    """A function giving the CPU seconds the PostgreSQL backend serving `connection` has
    used (/proc/PID/schedstat: the server runs on this machine); 0 for SQLite, which
    runs in this process (its CPU time is in process_time)."""
    if connection.vendor != "postgresql":
        return lambda: 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    path = Path(f"/proc/{pid}/schedstat")
    if not path.exists():
        return lambda: 0.0
    return lambda: int(path.read_text().split()[0]) / 1e9


def _p50_p95(seconds: list[float]) -> tuple[float, float]:
    values = sorted(seconds)
    return (
        statistics.median(values) * 1000,
        values[max(0, int(len(values) * 0.95 + 0.5) - 1)] * 1000,
    )


class _signals_off:
    """Disconnect the receivers of some signals for a block (the save without upkeep)."""

    def __init__(self, *signals):
        self.signals = signals
        self.saved = []

    def __enter__(self):
        for signal in self.signals:
            self.saved.append((signal, signal.receivers[:]))
            signal.receivers = [r for r in signal.receivers if "duplicates" not in str(r[0])]
            signal.sender_receivers_cache.clear()

    def __exit__(self, *exc):
        for signal, receivers in self.saved:
            signal.receivers = receivers
            signal.sender_receivers_cache.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--part",
        default="all",
        choices=("all", "quality", "sweep", "sources", "command", "autosearch"),
    )
    parser.add_argument("--sizes", default="20000,100000")
    parser.add_argument("--sweep-size", type=int, default=20000)
    parser.add_argument("--sources-size", type=int, default=100000)
    parser.add_argument("--command-sizes", default="20000,100000,250000")
    parser.add_argument("--autosearch-size", type=int, default=250000)
    parser.add_argument("--autosearch-new", type=int, default=60)
    parser.add_argument(
        "--show-sql", action="store_true", help="autosearch: print one save's statements"
    )
    parser.add_argument("--database-url", help="PostgreSQL server URL (a database is created)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the first generator")
    parser.add_argument("--seeds2", default="2,3", help="seeds of the second generator")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="command, PostgreSQL: keep the filled database, and reuse one kept before",
    )
    parser.add_argument(
        "--processes",
        default="1",
        help="command: DUPLICATE_SEARCH_PROCESSES values, taking turns (e.g. 1,2)",
    )
    parser.add_argument(
        "--worker", nargs=3, metavar=("GEN", "SIZE", "METHOD"), help=argparse.SUPPRESS
    )
    parser.add_argument("--fill", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--tmp", help=argparse.SUPPRESS)
    parser.add_argument("--drop", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], int(args.worker[1]), args.worker[2], args.seed)
        return
    if args.fill:
        fill(args.fill, args.seed, args.tmp, args.database_url)
        return
    if args.drop:
        base, _slash, name = args.drop.rpartition("/")
        import psycopg

        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]
    seeds2 = [int(s) for s in args.seeds2.split(",") if s]
    part = args.part
    if part in ("all", "quality"):
        quality(sizes, args.seed, seeds2, args.repeat)
    if part in ("all", "sweep"):
        sweep(args.sweep_size, args.seed, seeds2)
    if part in ("all", "sources"):
        sources(args.sources_size, args.seed, seeds2)
    if part in ("all", "command"):
        command(
            [int(s) for s in args.command_sizes.split(",")],
            args.seed,
            args.database_url,
            args.repeat,
            args.keep_db,
            [int(p) for p in args.processes.split(",")],
        )
    if part in ("all", "autosearch"):
        autosearch(
            args.autosearch_size,
            args.autosearch_new,
            args.seed,
            args.database_url,
            args.repeat,
            args.show_sql,
        )


if __name__ == "__main__":
    main()
