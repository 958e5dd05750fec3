"""Demo data: search strings and pairs for the demo contacts (quick, idempotent)."""

from __future__ import annotations

from duplicates import services


def load(stdout) -> None:
    services.setup_create_default_lines()
    companies = services.search_strings_rebuild()
    result = services.duplicates_find_all()
    stdout.write(
        f"duplicates: {companies} companies indexed, {len(result.pairs)} possible duplicates\n"
    )
