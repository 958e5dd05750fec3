"""The number rule (numbering/codes.py, issue 13.2) for the numbers of opportunities.

The column type does not change, so the field change is state-only (no table rebuild
on SQLite). Stored numbers that break the rule are reported, never rewritten.
"""

import numbering.fields
from django.db import migrations

from numbering.codes import report_invalid_numbers


def report(apps, schema_editor):
    report_invalid_numbers(apps, schema_editor, app_label="opportunities")


class Migration(migrations.Migration):

    dependencies = [
        ('opportunities', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='opportunity',
                    name='no',
                    field=numbering.fields.NumberField(blank=True, help_text='Leave blank to take the next number from the opportunity number series.', max_length=20, unique=True, verbose_name='no.'),
                ),
            ],
        ),
        migrations.RunPython(report, migrations.RunPython.noop, elidable=True),
    ]
