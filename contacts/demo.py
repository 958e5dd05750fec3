"""Demo contacts: a few Norwegian and Dutch companies with their persons (and two
companies typed twice, for the duplicate search), from `demo_contacts.csv` (an
extract of the sample contact file) through the normal import (numbering, defaults,
inheritance). Idempotent: contacts whose numbers already exist are left alone."""

from __future__ import annotations

import csv
from pathlib import Path

from contacts.importing import CODE_COLUMNS, import_contacts
from contacts.models import Contact

DEMO_FILE = Path(__file__).with_name("demo_contacts.csv")


def demo_rows() -> list[dict[str, str]]:
    """The demo file's rows, with codes the demo setup lacks left blank."""
    with DEMO_FILE.open(encoding="utf-8") as handle:
        chosen = list(csv.DictReader(handle))
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
