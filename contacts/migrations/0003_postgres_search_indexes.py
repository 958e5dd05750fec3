"""PostgreSQL-only pattern and trigram indexes for the staff list's search (asked for by
the contacts pages: prefix/contains search uses indexes under any collation)."""

from django.db import migrations

PG_INDEXES = [
    # prefix search (LIKE 'ABC%') under any collation
    ("contact_no_pattern", 'CREATE INDEX IF NOT EXISTS contact_no_pattern ON contacts_contact ("no" varchar_pattern_ops)'),
    ("contact_search_name_pattern", 'CREATE INDEX IF NOT EXISTS contact_search_name_pattern ON contacts_contact ("search_name" varchar_pattern_ops)'),
    ("contact_upper_city_pattern", 'CREATE INDEX IF NOT EXISTS contact_upper_city_pattern ON contacts_contact (UPPER("city") text_pattern_ops)'),
    ("contact_upper_email_pattern", 'CREATE INDEX IF NOT EXISTS contact_upper_email_pattern ON contacts_contact (UPPER("email") text_pattern_ops)'),
    ("contact_phone_no_pattern", 'CREATE INDEX IF NOT EXISTS contact_phone_no_pattern ON contacts_contact ("phone_no" varchar_pattern_ops)'),
    ("contact_post_code_pattern", 'CREATE INDEX IF NOT EXISTS contact_post_code_pattern ON contacts_contact ("post_code" varchar_pattern_ops)'),
]

TRGM = 'CREATE INDEX IF NOT EXISTS contact_upper_name_trgm ON contacts_contact USING gin (UPPER("name") gin_trgm_ops)'


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for _name, sql in PG_INDEXES:
            cursor.execute(sql)
        # name "contains" search: trigram index only when pg_trgm can be had
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        has = cursor.fetchone()
        if not has:
            cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
            if cursor.fetchone():
                cursor.execute("SAVEPOINT trgm")
                try:
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                    cursor.execute("RELEASE SAVEPOINT trgm")
                    has = True
                except Exception:  # no privilege: contains-search falls back to a scan
                    cursor.execute("ROLLBACK TO SAVEPOINT trgm")
        if has:
            cursor.execute(TRGM)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, _sql in PG_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute("DROP INDEX IF EXISTS contact_upper_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("contacts", "0002_contact_contact_upper_city_and_more")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
