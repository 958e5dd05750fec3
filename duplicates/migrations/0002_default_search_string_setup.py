"""The reference's 16 default search-string lines (reference document, 4.1)."""

from django.db import migrations

DEFAULT_FIELDS = (
    "name",
    "address",
    "city",
    "phone_no",
    "vat_registration_no",
    "post_code",
    "email",
    "mobile_phone_no",
)


def create_default_lines(apps, schema_editor):
    Setup = apps.get_model("duplicates", "DuplicateSearchStringSetup")
    for field in DEFAULT_FIELDS:
        for part in ("first", "last"):
            Setup.objects.get_or_create(field=field, part=part, defaults={"length": 5})


class Migration(migrations.Migration):
    dependencies = [("duplicates", "0001_initial")]

    operations = [migrations.RunPython(create_default_lines, migrations.RunPython.noop)]
