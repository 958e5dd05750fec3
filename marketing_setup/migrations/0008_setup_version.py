"""The setup tables' version token (marketing_setup.versioning): a one-row table whose
token every write to a setup table replaces, by a trigger in the database, so whatever
writes (the ORM, bulk or queryset updates, raw SQL, fixtures, another process or
machine) a page's cached setup fragments are never served after the change is
committed."""

from django.db import migrations

VERSION_TABLE = "marketing_setup_version"
# Every table of this app but the users' salespeople (UserSetup): what pages build from.
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
    for table in SETUP_TABLES:
        forward.append(
            f"CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {VERSION_TABLE}_bump()"
        )
    backward = [f"DROP TRIGGER IF EXISTS {table}_version ON {table}" for table in SETUP_TABLES]
    backward += [f"DROP FUNCTION IF EXISTS {VERSION_TABLE}_bump()", f"DROP TABLE {VERSION_TABLE}"]
    return forward, backward


def _sqlite_sql() -> tuple[list[str], list[str]]:
    forward = [
        f"CREATE TABLE {VERSION_TABLE} (id integer PRIMARY KEY CHECK (id = 1), "
        "token varchar(36) NOT NULL)",
        f"INSERT INTO {VERSION_TABLE} (id, token) VALUES (1, lower(hex(randomblob(16))))",
    ]
    backward = []
    for table in SETUP_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"{table}_version_{event.lower()}"
            forward.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN "
                f"INSERT OR REPLACE INTO {VERSION_TABLE} (id, token) "
                "VALUES (1, lower(hex(randomblob(16)))); END"
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
    dependencies = [("marketing_setup", "0007_alter_marketingsetup_default_correspondence_type_and_more")]

    operations = [migrations.RunPython(forwards, backwards)]
