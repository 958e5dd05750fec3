"""The contact table leaves half of each page free on PostgreSQL (fillfactor 50), so a
company change passed on to its persons can be a HOT update: the new row version stays
on its page and no index gets an entry, when no column the change sets is indexed (a
street address, address 2, county, fax no., home page: the UPDATE of 10,000 persons'
street went from about 1.1 s to 0.1 s in benchmarks/contacts.py). Half free is what lets
every row of a page take its new version at once (a company's persons share pages). A
change of an indexed column (city, post code, phone no., e-mail, salesperson...) still
writes every index of each person row. Rows already stored keep their pages until the
table is rewritten (VACUUM FULL); new and updated rows follow the setting. SQLite has no
such setting."""

from django.db import migrations


def _alter(sql: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)

    return apply


class Migration(migrations.Migration):

    dependencies = [
        ("contacts", "0012_privacy_blocked_index"),
    ]

    operations = [
        migrations.RunPython(
            _alter("ALTER TABLE contacts_contact SET (fillfactor = 50)"),
            _alter("ALTER TABLE contacts_contact RESET (fillfactor)"),
        ),
    ]
