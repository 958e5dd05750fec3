from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "contacts"
    verbose_name = _("Contacts")

    def ready(self) -> None:
        from django.urls import reverse

        from contacts import receivers, searchkeys
        from contacts.models import PERSONAL_FIELDS, Contact
        from contacts.panels import register_card_panel
        from contacts.views import history_panel_context, privacy_panel_context
        from history.registry import track

        # First: the change log sees a save before the receivers below pass it on.
        track(
            Contact,
            repr_field="no",
            # The search keys are made from logged fields (contacts/searchkeys.py).
            exclude=("created_at", "updated_at", *searchkeys.KEY_FIELDS),
            url=lambda object_id, no: reverse("contacts:detail", kwargs={"no": no}),
            personal=PERSONAL_FIELDS,
        )

        register_card_panel(
            "history",
            "history/_section.html",
            history_panel_context,
            order=90,
            permission="history.view_change",
        )
        register_card_panel(
            "privacy",
            "contacts/_privacy_panel.html",
            privacy_panel_context,
            order=95,
            permission="contacts.view_contact",
        )
        from contacts.uploads import import_uploads_purge
        from jobs.runner import register_periodic

        # Import files no job took (a preview never confirmed) go after a day.
        register_periodic("contacts.purge_import_uploads", import_uploads_purge)

        pre_save.connect(
            receivers.apply_contact_rules,
            sender=Contact,
            dispatch_uid="contacts.apply_contact_rules",
        )
        post_save.connect(receivers.keep_place, sender=Contact, dispatch_uid="contacts.keep_place")
        post_save.connect(
            receivers.push_company_fields,
            sender=Contact,
            dispatch_uid="contacts.push_company_fields",
        )
