"""Demo contacts: a few Norwegian and Dutch companies with their persons, taken from
the shared sample file through the normal import (numbering, defaults, inheritance).
Idempotent: contacts whose numbers already exist are left alone."""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings

from contacts.importing import CODE_COLUMNS, import_contacts
from contacts.models import Contact

SAMPLE_PATHS = (
    Path("/work/shared/data/sample-contacts.csv"),
    Path(settings.BASE_DIR).parent / "shared" / "data" / "sample-contacts.csv",
)
COMPANIES_PER_COUNTRY = {"NO": 6, "NL": 6}


def _sample_rows() -> list[dict[str, str]]:
    for path in SAMPLE_PATHS:
        if path.is_file():
            with path.open(encoding="utf-8-sig") as handle:
                return list(csv.DictReader(handle))
    return []


def demo_rows() -> list[dict[str, str]]:
    """The chosen companies (first ones per country) and all their persons."""
    rows = _sample_rows()
    wanted = dict(COMPANIES_PER_COUNTRY)
    companies: set[str] = set()
    for row in rows:
        country = row["country_region_code"]
        if row["type"] == "company" and wanted.get(country, 0) > 0:
            companies.add(row["no"])
            wanted[country] -= 1
    chosen = [r for r in rows if r["no"] in companies or r["company_no"] in companies]
    # Codes the demo setup does not have are left blank: defaults and inheritance fill them.
    known = {
        column: set(model.objects.values_list("pk", flat=True))
        for column, (model, _attr) in CODE_COLUMNS.items()
    }
    for row in chosen:
        for column, codes in known.items():
            if row[column] not in codes:
                row[column] = ""
    return chosen


def load(stdout) -> None:
    rows = demo_rows()
    if not rows:
        stdout.write("Sample contacts file not found; no demo contacts loaded.\n")
        return
    existing = set(
        Contact.objects.filter(no__in=[r["no"] for r in rows]).values_list("no", flat=True)
    )
    new_companies = {r["no"] for r in rows if r["type"] == "company" and r["no"] not in existing}
    rows = [
        r
        for r in rows
        if r["no"] not in existing
        and (
            r["type"] == "company"
            or r["company_no"] in new_companies
            or r["company_no"] in existing
        )
    ]
    if not rows:
        stdout.write("Demo contacts already loaded.\n")
        return
    result = import_contacts(rows, skip_bad_rows=True)
    for error in result.errors:
        stdout.write(f"Skipped demo contact on row {error.line}: {error.message}\n")
    stdout.write(
        f"Loaded {result.companies_created} demo companies and {result.persons_created} persons.\n"
    )
