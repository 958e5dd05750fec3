from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "contacts"
    verbose_name = _("Contacts")

    def ready(self) -> None:
        from contacts import receivers
        from contacts.models import Contact

        pre_save.connect(
            receivers.apply_contact_rules,
            sender=Contact,
            dispatch_uid="contacts.apply_contact_rules",
        )
        post_save.connect(
            receivers.push_company_fields,
            sender=Contact,
            dispatch_uid="contacts.push_company_fields",
        )
