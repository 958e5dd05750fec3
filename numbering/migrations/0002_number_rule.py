"""The number rule (numbering/codes.py, issue 13.2) for the numbers of numbering.

The column type does not change, so the field change is state-only (no table rebuild
on SQLite). Stored numbers that break the rule are reported, never rewritten.
"""

import numbering.fields
from django.db import migrations

from numbering.codes import report_invalid_numbers


def report(apps, schema_editor):
    report_invalid_numbers(apps, schema_editor, app_label="numbering")


class Migration(migrations.Migration):

    dependencies = [
        ('numbering', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='noseries',
                    name='code',
                    field=numbering.fields.NumberField(max_length=20, primary_key=True, serialize=False, verbose_name='code'),
                ),
                migrations.AlterField(
                    model_name='noseriesline',
                    name='ending_no',
                    field=numbering.fields.NumberField(blank=True, max_length=20, verbose_name='ending no.'),
                ),
                migrations.AlterField(
                    model_name='noseriesline',
                    name='last_no_used',
                    field=numbering.fields.NumberField(blank=True, max_length=20, verbose_name='last no. used'),
                ),
                migrations.AlterField(
                    model_name='noseriesline',
                    name='starting_no',
                    field=numbering.fields.NumberField(max_length=20, verbose_name='starting no.'),
                ),
                migrations.AlterField(
                    model_name='noseriesline',
                    name='warning_no',
                    field=numbering.fields.NumberField(blank=True, max_length=20, verbose_name='warning no.'),
                ),
            ],
        ),
        migrations.RunPython(report, migrations.RunPython.noop, elidable=True),
    ]
