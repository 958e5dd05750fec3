"""The number rule (numbering/codes.py, issue 13.2) for the numbers of relations.

The column type does not change, so the field change is state-only (no table rebuild
on SQLite). Stored numbers that break the rule are reported, never rewritten.
"""

import numbering.fields
from django.db import migrations

from numbering.codes import report_invalid_numbers


def report(apps, schema_editor):
    report_invalid_numbers(apps, schema_editor, app_label="relations")


class Migration(migrations.Migration):

    dependencies = [
        ('relations', '0002_phone_numbers_without_letters'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='bankaccount',
                    name='no',
                    field=numbering.fields.NumberField(blank=True, help_text='Leave blank to take the next number from the number series.', max_length=20, unique=True, verbose_name='no.'),
                ),
                migrations.AlterField(
                    model_name='contactbusinessrelation',
                    name='no',
                    field=numbering.fields.NumberField(blank=True, help_text='The linked customer, vendor or bank account number.', max_length=20, verbose_name='no.'),
                ),
                migrations.AlterField(
                    model_name='customer',
                    name='no',
                    field=numbering.fields.NumberField(blank=True, help_text='Leave blank to take the next number from the number series.', max_length=20, unique=True, verbose_name='no.'),
                ),
                migrations.AlterField(
                    model_name='vendor',
                    name='no',
                    field=numbering.fields.NumberField(blank=True, help_text='Leave blank to take the next number from the number series.', max_length=20, unique=True, verbose_name='no.'),
                ),
            ],
        ),
        migrations.RunPython(report, migrations.RunPython.noop, elidable=True),
    ]
