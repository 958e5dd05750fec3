"""Search keys (contacts/searchkeys.py) for the staff list's search and sort (issue 8.5, 8.3).

Which query each index serves (contacts/selectors.py):
- contact_name_key_no: the list sorted by name, paged by (name_key, no); the name prefix
  search (a range on name_key); the lookups' exact and prefix name match.
- contact_phone_key / contact_mobile_key: phone number prefix search on the national digits.
- contact_email_domain: e-mail domain prefix search ("oslomaling").
- contact_name_key_trgm (PostgreSQL, with pg_trgm): the name "contains" search.
Removed, because no query uses them any more: contact_upper_name and
contact_upper_name_trgm (the name search uses name_key), contact_phone_no and
contact_phone_no_pattern (the phone search uses phone_key).
"""

from django.db import migrations, models

from contacts.searchkeys import search_keys

BATCH = 2000
SOURCES = ("name", "phone_no", "mobile_phone_no", "email")
TRGM = (
    "CREATE INDEX IF NOT EXISTS contact_name_key_trgm ON contacts_contact "
    "USING gin (name_key gin_trgm_ops)"
)


def fill_keys(apps, schema_editor):
    Contact = apps.get_model("contacts", "Contact")
    last = 0
    while True:
        rows = list(Contact.objects.filter(pk__gt=last).order_by("pk").only("pk", *SOURCES)[:BATCH])
        if not rows:
            break
        for row in rows:
            for key, value in search_keys({f: getattr(row, f) for f in SOURCES}).items():
                setattr(row, key, value)
        Contact.objects.bulk_update(rows, ["name_key", "phone_key", "mobile_key", "email_domain"])
        last = rows[-1].pk


def pg_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS contact_phone_no_pattern")
        cursor.execute("DROP INDEX IF EXISTS contact_upper_name_trgm")
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone():  # 0003 installed it where it could
            cursor.execute(TRGM)


def pg_indexes_back(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS contact_name_key_trgm")
        cursor.execute(
            'CREATE INDEX IF NOT EXISTS contact_phone_no_pattern ON contacts_contact '
            '("phone_no" varchar_pattern_ops)'
        )
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone():
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS contact_upper_name_trgm ON contacts_contact "
                'USING gin (UPPER("name") gin_trgm_ops)'
            )



class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0005_alter_contact_options'),
        ('marketing_setup', '0004_salutationformula_any_language'),
    ]

    operations = [
        migrations.AddField(
            model_name='contact',
            name='email_domain',
            field=models.CharField(blank=True, editable=False, max_length=80, verbose_name='e-mail domain'),
        ),
        migrations.AddField(
            model_name='contact',
            name='mobile_key',
            field=models.CharField(blank=True, editable=False, max_length=30, verbose_name='mobile phone key'),
        ),
        migrations.AddField(
            model_name='contact',
            name='name_key',
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name='name key'),
        ),
        migrations.AddField(
            model_name='contact',
            name='phone_key',
            field=models.CharField(blank=True, editable=False, max_length=30, verbose_name='phone key'),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(fields=['name_key', 'no'], name='contact_name_key_no'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(fields=['phone_key'], name='contact_phone_key'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(fields=['mobile_key'], name='contact_mobile_key'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(fields=['email_domain'], name='contact_email_domain'),
        ),
        migrations.RemoveIndex(
            model_name='contact',
            name='contact_upper_name',
        ),
        migrations.RemoveIndex(
            model_name='contact',
            name='contact_phone_no',
        ),
        migrations.RunPython(pg_indexes, pg_indexes_back, elidable=False),
    ]
