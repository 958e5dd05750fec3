from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "interactions"
    verbose_name = _("Interactions")

    def ready(self) -> None:
        from django.db.models.signals import pre_delete
        from django.urls import reverse

        from history.registry import track
        from interactions.models import InteractionLogEntry

        track(
            InteractionLogEntry,
            exclude=("created_at",),
            url=lambda object_id, repr_: reverse("interactions:detail", kwargs={"pk": object_id}),
        )

        from contacts.models import Contact
        from contacts.panels import register_card_panel
        from contacts.signals import person_company_changed
        from interactions.receivers import (
            rehome_entries_of_deleted_person,
            rehome_entries_of_moved_person,
        )
        from interactions.selectors import contact_panel_context

        pre_delete.connect(
            rehome_entries_of_deleted_person,
            sender=Contact,
            dispatch_uid="interactions.rehome_entries_of_deleted_person",
        )
        person_company_changed.connect(
            rehome_entries_of_moved_person,
            sender=Contact,
            dispatch_uid="interactions.rehome_entries_of_moved_person",
        )
        register_card_panel(
            "interactions",
            "interactions/_contact_panel.html",
            contact_panel_context,
            order=40,
            permission="interactions.view_interactionlogentry",
        )
