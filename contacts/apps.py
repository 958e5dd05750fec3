from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext_lazy as _

from marketing_setup.roles import ADMINISTRATORS, ALL, STAFF


class ContactsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "contacts"
    verbose_name = _("Contacts")
    # What each role (Django group) may do with this app's models.
    role_permissions = {ADMINISTRATORS: ALL, STAFF: ALL}

    def ready(self) -> None:
        from contacts import signals
        from contacts.models import Contact

        pre_save.connect(
            signals.apply_contact_rules,
            sender=Contact,
            dispatch_uid="contacts.apply_contact_rules",
        )
        post_save.connect(
            signals.push_company_fields,
            sender=Contact,
            dispatch_uid="contacts.push_company_fields",
        )
