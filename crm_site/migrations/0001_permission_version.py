"""The permission tables' version token (crm_site.permissions): a one-row table whose
token every write to the tables a user's permissions are read from replaces, by a
trigger in the database, so whatever writes (the admin, the role sync after migrate,
bulk or raw SQL, another process or machine) no process answers a permission check
from a cached set after the change is committed."""

from django.db import migrations

VERSION_TABLE = "crm_site_permission_version"
# What ModelBackend reads a user's permissions from (the user's own flags, is_active and
# is_superuser, are in the cache key instead: a login writes auth_user every time).
PERMISSION_TABLES = (
    "auth_permission",
    "auth_group",
    "auth_group_permissions",
    "auth_user_groups",
    "auth_user_user_permissions",
    "django_content_type",
)


def _postgresql_sql() -> tuple[list[str], list[str]]:
    forward = [
        f"CREATE TABLE {VERSION_TABLE} (id smallint PRIMARY KEY CHECK (id = 1), "
        "token varchar(36) NOT NULL)",
        f"INSERT INTO {VERSION_TABLE} (id, token) VALUES (1, gen_random_uuid()::text)",
        f"""CREATE FUNCTION {VERSION_TABLE}_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {VERSION_TABLE} (id, token) VALUES (1, gen_random_uuid()::text)
    ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
  RETURN NULL;
END $$""",
    ]
    for table in PERMISSION_TABLES:
        forward.append(
            f"CREATE TRIGGER {table}_permission_version AFTER INSERT OR UPDATE OR DELETE "
            f"OR TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {VERSION_TABLE}_bump()"
        )
    backward = [
        f"DROP TRIGGER IF EXISTS {table}_permission_version ON {table}"
        for table in PERMISSION_TABLES
    ]
    backward += [f"DROP FUNCTION IF EXISTS {VERSION_TABLE}_bump()", f"DROP TABLE {VERSION_TABLE}"]
    return forward, backward


# SQLite runs a trigger's statements under the conflict clause of the statement that
# fired it (a many-to-many add() is an INSERT OR IGNORE): an UPDATE meets no conflict,
# and the row is inserted only when it is gone (see marketing_setup 0009).
SQLITE_NEW_TOKEN = "lower(hex(randomblob(16)))"
SQLITE_BUMP = (
    f"UPDATE {VERSION_TABLE} SET token = {SQLITE_NEW_TOKEN} WHERE id = 1; "
    f"INSERT INTO {VERSION_TABLE} (id, token) SELECT 1, {SQLITE_NEW_TOKEN} "
    f"WHERE NOT EXISTS (SELECT 1 FROM {VERSION_TABLE} WHERE id = 1);"
)


def _sqlite_sql() -> tuple[list[str], list[str]]:
    forward = [
        f"CREATE TABLE {VERSION_TABLE} (id integer PRIMARY KEY CHECK (id = 1), "
        "token varchar(36) NOT NULL)",
        f"INSERT INTO {VERSION_TABLE} (id, token) VALUES (1, {SQLITE_NEW_TOKEN})",
    ]
    backward = []
    for table in PERMISSION_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"{table}_permission_version_{event.lower()}"
            forward.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {SQLITE_BUMP} END"
            )
            backward.append(f"DROP TRIGGER IF EXISTS {name}")
    backward.append(f"DROP TABLE {VERSION_TABLE}")
    return forward, backward


def _run(schema_editor, statements) -> None:
    for statement in statements:
        schema_editor.execute(statement)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, _postgresql_sql()[0])
    elif vendor == "sqlite":
        _run(schema_editor, _sqlite_sql()[0])


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, _postgresql_sql()[1])
    elif vendor == "sqlite":
        _run(schema_editor, _sqlite_sql()[1])


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
