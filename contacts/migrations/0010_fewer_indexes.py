"""Fewer contact indexes (issue 15.5): each remaining one serves a measured query
(benchmarks/contacts.py prints the EXPLAINs). Gone: the plain twins of the prefix
indexes (search name, post code, upper city, upper e-mail are now one index each: with
the pattern operator class on PostgreSQL, plain on SQLite), the second no. pattern index
(Django's own no_like stays), the single-column foreign-key indexes that a (fk, no)
index leads with, the LIKE-only twins of the language/salutation keys, and the unused
e-mail and VAT no. indexes. A company change reaching its persons updates every index
of each person row, so each index costs it time.
"""

import contacts.indexes
import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models


# The PostgreSQL-only pattern indexes of 0003 that the indexes above replace.
PG_TWINS = {
    "contact_no_pattern": 'CREATE INDEX IF NOT EXISTS contact_no_pattern ON contacts_contact ("no" varchar_pattern_ops)',
    "contact_search_name_pattern": 'CREATE INDEX IF NOT EXISTS contact_search_name_pattern ON contacts_contact ("search_name" varchar_pattern_ops)',
    "contact_upper_city_pattern": 'CREATE INDEX IF NOT EXISTS contact_upper_city_pattern ON contacts_contact (UPPER("city") text_pattern_ops)',
    "contact_upper_email_pattern": 'CREATE INDEX IF NOT EXISTS contact_upper_email_pattern ON contacts_contact (UPPER("email") text_pattern_ops)',
    "contact_post_code_pattern": 'CREATE INDEX IF NOT EXISTS contact_post_code_pattern ON contacts_contact ("post_code" varchar_pattern_ops)',
}


def drop_twins(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in PG_TWINS:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


def restore_twins(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for sql in PG_TWINS.values():
            cursor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0009_contact_privacy_blocked'),
        ('marketing_setup', '0007_alter_marketingsetup_default_correspondence_type_and_more'),
    ]

    operations = [
        migrations.RunPython(drop_twins, restore_twins),
        migrations.RemoveIndex(
            model_name='contact',
            name='contact_search_name',
        ),
        migrations.RemoveIndex(
            model_name='contact',
            name='contact_post_code',
        ),
        migrations.RemoveIndex(
            model_name='contact',
            name='contact_email',
        ),
        migrations.RemoveIndex(
            model_name='contact',
            name='contact_vat_no',
        ),
        migrations.RemoveIndex(
            model_name='contact',
            name='contact_upper_city',
        ),
        migrations.RemoveIndex(
            model_name='contact',
            name='contact_upper_email',
        ),
        migrations.AlterField(
            model_name='contact',
            name='company',
            field=models.ForeignKey(blank=True, db_index=False, limit_choices_to={'type': 'company'}, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='persons', to='contacts.contact', verbose_name='company'),
        ),
        migrations.AlterField(
            model_name='contact',
            name='language',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, to='marketing_setup.language', verbose_name='language'),
        ),
        migrations.AlterField(
            model_name='contact',
            name='salesperson',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, to='marketing_setup.salesperson', verbose_name='salesperson'),
        ),
        migrations.AlterField(
            model_name='contact',
            name='salutation',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, to='marketing_setup.salutation', verbose_name='salutation'),
        ),
        migrations.AlterField(
            model_name='contact',
            name='territory',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, to='marketing_setup.territory', verbose_name='territory'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=contacts.indexes.PrefixIndex(fields=['search_name'], name='contact_search_name', pattern_ops='varchar_pattern_ops'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=contacts.indexes.PrefixIndex(fields=['post_code'], name='contact_post_code', pattern_ops='varchar_pattern_ops'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=contacts.indexes.PrefixIndex(django.db.models.functions.text.Upper('city'), name='contact_upper_city', pattern_ops='text_pattern_ops'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=contacts.indexes.PrefixIndex(django.db.models.functions.text.Upper('email'), name='contact_upper_email', pattern_ops='text_pattern_ops'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(fields=['language'], name='contact_language'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(fields=['salutation'], name='contact_salutation'),
        ),
    ]
