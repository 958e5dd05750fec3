"""ChangeObject keeps only the key of each object of a shared row: the readers read the
object's repr when they show it (history.models.member_repr: its number now, or what
its delete row kept), so a company's change reaching 10,000 persons writes 10,000
narrower rows (issue 11 "Measure"). Rows written before show the number now too."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('history', '0004_change_objects'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='changeobject',
            name='object_repr',
        ),
    ]
