"""The number rule (numbering/codes.py, issue 13.2) for the numbers of contacts.

The column type does not change, so the field change is state-only (no table rebuild
on SQLite). Stored numbers that break the rule are reported, never rewritten.
"""

import numbering.fields
from django.db import migrations

from numbering.codes import report_invalid_numbers


def report(apps, schema_editor):
    report_invalid_numbers(apps, schema_editor, app_label="contacts")


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0003_postgres_search_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='contact',
                    name='no',
                    field=numbering.fields.NumberField(blank=True, help_text='Leave blank to take the next number from the contact number series.', max_length=20, unique=True, verbose_name='no.'),
                ),
            ],
        ),
        migrations.RunPython(report, migrations.RunPython.noop, elidable=True),
    ]
