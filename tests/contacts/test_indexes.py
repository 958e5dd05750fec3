"""The contact table's indexes (issue 15.5): no redundant ones on PostgreSQL, prefix
indexes with the pattern operator class there, statistics after a large import, and a
company change reaching its persons in a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from contacts import maintenance
from contacts.models import Contact
from contacts.services import contact_update

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="index definitions of PostgreSQL"
)


def _pg_indexes(table: str = "contacts_contact") -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return dict(cursor.fetchall())


def _key(definition: str) -> tuple[str, list[str]]:
    """(method, [column with operator class...]) of an index definition; a partial
    index's predicate goes with its method (it holds other rows than a full index)."""
    definition, _, predicate = definition.partition(") WHERE ")
    method, _, rest = definition.partition(" USING ")[2].partition(" (")
    columns = rest.rsplit(")", 1)[0] if not predicate else rest
    return f"{method} WHERE {predicate}" if predicate else method, [
        c.strip() for c in columns.split(",")
    ]


@postgres_only
@pytest.mark.parametrize(
    "table",
    [
        "contacts_contact",
        # The tables an import fills beside it: every index costs its bulk writes.
        "contacts_contactplace",
        "duplicates_contactsearchstring",
        "duplicates_contactmatchkey",
        "duplicates_contactmatchprofile",
        "history_change",
    ],
)
def test_no_index_repeats_or_prefixes_another(table):
    indexes = _pg_indexes(table)
    keys = {name: _key(definition) for name, definition in indexes.items()}
    assert keys
    for name, (method, columns) in keys.items():
        for other, (other_method, other_columns) in keys.items():
            if other == name or method != other_method:
                continue
            assert other_columns[: len(columns)] != columns, (name, other)
    if table == "contacts_contact":
        assert len(indexes) <= 21, sorted(indexes)


@postgres_only
def test_prefix_indexes_use_the_pattern_operator_class():
    indexes = _pg_indexes()
    assert "varchar_pattern_ops" in indexes["contact_search_name"]
    assert "text_pattern_ops" in indexes["contact_upper_email"]
    assert "contacts_contact_company_id_537aca39" not in indexes  # contact_company_no leads
    # The city and post code are sorted and searched in the place rows (contacts/places.py):
    # no index of the contact table names them, so a company's move is a HOT update.
    assert not [d for d in indexes.values() if "city" in d or "post_code" in d]
    places = _pg_indexes("contacts_contactplace")
    assert "varchar_pattern_ops" in places["contact_place_post_code"]
    assert "(city_key, no)" in places["contact_place_city_no"]


def test_large_write_analyzes_the_tables_after_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(maintenance, "LARGE_WRITE_ROWS", 5)
    assert not maintenance.analyze_after_bulk_write(4, Contact)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert maintenance.analyze_after_bulk_write(5, Contact)
    assert len(callbacks) == 1
    with CaptureQueriesContext(connection) as ctx:
        assert maintenance.tables_analyze(Contact) == ["contacts_contact"]
    assert ctx.captured_queries[-1]["sql"].upper().startswith("ANALYZE")


def test_company_change_reaches_its_persons_in_a_constant_number_of_queries(setup):
    def queries_for(persons: int) -> int:
        company = Contact.objects.create(type="company", no=f"Q{persons}", name="Q", city="Oslo")
        Contact.objects.bulk_create(
            [
                Contact(
                    type="person", no=f"Q{persons}P{i}", name=f"P{i}", company=company, city="Oslo"
                )
                for i in range(persons)
            ]
        )
        with CaptureQueriesContext(connection) as ctx, transaction.atomic():
            contact_update(contact=company, data={"city": "Bergen"})
        assert Contact.objects.filter(company=company, city="Bergen").count() == persons
        return len(ctx.captured_queries)

    assert queries_for(3) == queries_for(60)


def test_large_import_analyzes_every_table_it_filled(
    setup_with_series, monkeypatch, django_capture_on_commit_callbacks
):
    from contacts.importing import import_contacts

    setup_with_series.maintain_search_strings = True
    # As for a large import: strings and keys only, no search per company.
    setup_with_series.autosearch_for_duplicates = False
    setup_with_series.save()
    monkeypatch.setattr(maintenance, "LARGE_WRITE_ROWS", 2)
    rows = [{"type": "company", "no": f"C{i}", "name": f"Fjord {i} AS"} for i in range(3)]
    with (
        CaptureQueriesContext(connection) as ctx,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert import_contacts(rows).created == 3
    analyzed = {
        q["sql"].split()[1].strip('"`')
        for q in ctx.captured_queries
        if q["sql"].startswith("ANALYZE")
    }
    assert analyzed == {
        "contacts_contact",
        "contacts_contactplace",
        "history_change",
        "duplicates_contactsearchstring",
        "duplicates_contactmatchkey",
        "duplicates_contactmatchprofile",
    }


@postgres_only
@pytest.mark.parametrize(
    "moved",
    # A move to values about as long (a row that grows much may not fit its page twice).
    [{"address": "Strandveien 9"}, {"address": "Gate 22", "post_code": "9008", "city": "Bodø"}],
)
def test_a_company_move_reaches_the_persons_as_hot_updates(setup, moved):
    """fillfactor 50 (migration 0013): the persons' new row versions stay on their pages,
    so a change of columns no index of the contact table holds writes no index entry
    there (a HOT update): the street, and a whole move (the city and post code are in
    the place rows, contacts 0014)."""
    block = {"address": "Gate 1", "post_code": "0150", "city": "Oslo"}
    company = Contact.objects.create(type="company", no="HOT1", name="Hot", **block)
    Contact.objects.bulk_create(
        [
            Contact(type="person", no=f"HOT1P{i}", name=f"P{i}", company=company, **block)
            for i in range(300)
        ]
    )

    def hot_updates() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables "
                "WHERE relname = 'contacts_contact'"
            )
            return cursor.fetchone()

    updated, hot = hot_updates()
    contact_update(contact=company, data=moved)
    assert Contact.objects.filter(company=company, **moved).count() == 300
    updated_after, hot_after = hot_updates()
    assert updated_after - updated == 301  # the company and its persons
    # All but the few whose page the company's own new version filled (without the
    # setting: the last page's only, about ten).
    assert hot_after - hot >= 290
