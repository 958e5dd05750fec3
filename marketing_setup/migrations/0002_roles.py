"""Create the two role groups. Their permissions are granted after every migrate
(crm_site.roles.sync_role_permissions), so apps added later reach them too."""

from django.db import migrations

ROLES = ("CRM administrators", "Back-office staff")


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.using(schema_editor.connection.alias).get_or_create(name=name)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("marketing_setup", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
