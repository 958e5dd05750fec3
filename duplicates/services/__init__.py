"""Duplicate search strings, duplicate search and merge (reference document, section 4).

The matching itself is pure (`duplicates/matching.py`); these functions read and
write the rows around it. Callers own the transaction unless a function says
otherwise.
"""

from duplicates import matching
from duplicates.services.index import (
    MATCH_FIELDS,
    METHODS,
    OURS,
    REFERENCE,
    WATCHED_FIELDS,
    companies_count,
    contact_record,
    contact_unindex,
    contact_watched_values,
    search_strings_build,
    search_strings_rebuild,
    setup_create_default_lines,
    setup_line_changed,
    setup_line_deleted,
    setup_line_stored,
    setup_lines,
)
from duplicates.services.merge import (
    KEEP,
    MERGE,
    MERGE_FIELDS,
    contact_values,
    contacts_merge,
    merge_fields,
    related_rows,
)
from duplicates.services.search import (
    FoundPair,
    SearchResult,
    contact_check_duplicates,
    contact_index,
    contacts_bulk_changed,
    duplicate_set_separate,
    duplicates_find_all,
    duplicates_find_for,
    duplicates_search_for,
    pairs_find,
)

__all__ = [
    "KEEP",
    "MATCH_FIELDS",
    "MERGE",
    "MERGE_FIELDS",
    "METHODS",
    "OURS",
    "REFERENCE",
    "WATCHED_FIELDS",
    "FoundPair",
    "SearchResult",
    "companies_count",
    "contact_check_duplicates",
    "contact_index",
    "contact_record",
    "contact_unindex",
    "contact_values",
    "contact_watched_values",
    "contacts_bulk_changed",
    "contacts_merge",
    "duplicate_set_separate",
    "duplicates_find_all",
    "duplicates_find_for",
    "duplicates_search_for",
    "matching",
    "merge_fields",
    "pairs_find",
    "related_rows",
    "search_strings_build",
    "search_strings_rebuild",
    "setup_create_default_lines",
    "setup_line_changed",
    "setup_line_deleted",
    "setup_line_stored",
    "setup_lines",
]
