"""The contact list's city sort and search, and its post code search, read ContactPlace
(contacts/places.py) instead of three indexes of the contact table (contact_city_no,
contact_upper_city, contact_post_code): a company's move then reaches its persons as HOT
updates on PostgreSQL (issue 15.5). The place rows of the contacts stored are written
here, set-based: the cities' keys made once per distinct city, then one INSERT ...
SELECT; the indexes come after the rows; then ANALYZE."""

import contacts.indexes
import django.db.models.deletion
from django.db import migrations, models

from contacts.searchkeys import fold

CITY_KEY_LENGTH = 60


def fill(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT city FROM contacts_contact")
        cities = [city for (city,) in cursor.fetchall()]
        cursor.execute(
            "CREATE TEMPORARY TABLE contact_city_keys "
            "(city varchar(30) PRIMARY KEY, city_key varchar(60) NOT NULL)"
        )
        cursor.executemany(
            "INSERT INTO contact_city_keys (city, city_key) VALUES (%s, %s)",
            [(city, fold(city or "")[:CITY_KEY_LENGTH]) for city in cities if city is not None],
        )
        cursor.execute(
            f"INSERT INTO contacts_contactplace ({quote('contact_id')}, {quote('no')}, "
            f"{quote('city_key')}, {quote('post_code')}) "
            "SELECT c.id, c.no, COALESCE(k.city_key, ''), c.post_code FROM contacts_contact c "
            "LEFT JOIN contact_city_keys k ON k.city = c.city"
        )
        cursor.execute("DROP TABLE contact_city_keys")
        if connection.vendor == "postgresql":
            # Statistics at once: until autovacuum comes by, PostgreSQL would plan the
            # list's city and post code search as if the table were empty.
            cursor.execute("ANALYZE contacts_contactplace")


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0013_contact_fillfactor'),
    ]

    operations = [
        migrations.CreateModel(
            name='ContactPlace',
            fields=[
                ('contact', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='place', serialize=False, to='contacts.contact', verbose_name='contact')),
                ('no', models.CharField(max_length=20, verbose_name='no.')),
                ('city_key', models.CharField(blank=True, max_length=60, verbose_name='city key')),
                ('post_code', models.CharField(blank=True, max_length=20, verbose_name='post code')),
            ],
            options={
                'verbose_name': 'contact place',
                'verbose_name_plural': 'contact places',
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(
            model_name='contact',
            name='contact_city_no',
        ),
        migrations.RemoveIndex(
            model_name='contact',
            name='contact_post_code',
        ),
        migrations.RemoveIndex(
            model_name='contact',
            name='contact_upper_city',
        ),
        migrations.AddIndex(
            model_name='contactplace',
            index=models.Index(fields=['city_key', 'no'], name='contact_place_city_no'),
        ),
        migrations.AddIndex(
            model_name='contactplace',
            index=contacts.indexes.PrefixIndex(fields=['post_code'], name='contact_place_post_code', pattern_ops='varchar_pattern_ops'),
        ),
    ]
