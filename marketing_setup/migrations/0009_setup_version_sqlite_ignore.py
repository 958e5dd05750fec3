"""SQLite: the setup version triggers (0008) bump the token under any conflict clause.

SQLite runs a trigger's statements under the conflict clause of the statement that fired
it, so 0008's `INSERT OR REPLACE` of the token became `INSERT OR IGNORE` when the write
was an `INSERT OR IGNORE` (`bulk_create(ignore_conflicts=True)`, a many-to-many `add()`):
the token stayed and a cached setup fragment outlived the change. The token is now
updated in place (an UPDATE meets no conflict) and inserted only when the row is gone.
PostgreSQL's triggers (plpgsql) were never affected."""

from django.db import migrations

VERSION_TABLE = "marketing_setup_version"
SETUP_TABLES = (
    "marketing_setup_salesperson",
    "marketing_setup_territory",
    "marketing_setup_language",
    "marketing_setup_businessrelation",
    "marketing_setup_salescycle",
    "marketing_setup_salescyclestage",
    "marketing_setup_salutation",
    "marketing_setup_salutationformula",
    "marketing_setup_marketingsetup",
)
NEW_TOKEN = "lower(hex(randomblob(16)))"
BUMP = (
    f"UPDATE {VERSION_TABLE} SET token = {NEW_TOKEN} WHERE id = 1; "
    f"INSERT INTO {VERSION_TABLE} (id, token) SELECT 1, {NEW_TOKEN} "
    f"WHERE NOT EXISTS (SELECT 1 FROM {VERSION_TABLE} WHERE id = 1);"
)
OLD_BUMP = f"INSERT OR REPLACE INTO {VERSION_TABLE} (id, token) VALUES (1, {NEW_TOKEN});"


def _recreate(schema_editor, body: str) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in SETUP_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"{table}_version_{event.lower()}"
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
            schema_editor.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {body} END"
            )


def forwards(apps, schema_editor):
    _recreate(schema_editor, BUMP)


def backwards(apps, schema_editor):
    _recreate(schema_editor, OLD_BUMP)


class Migration(migrations.Migration):
    dependencies = [("marketing_setup", "0008_setup_version")]

    operations = [migrations.RunPython(forwards, backwards)]
