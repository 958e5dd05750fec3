from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "relations"
    verbose_name = _("Relations")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_delete
        from django.urls import reverse

        from history.registry import track
        from relations.models import BankAccount, ContactBusinessRelation, Customer, Vendor

        # First: the change log sees a save before the sync receivers pass it on.
        for model, prefix in (
            (Customer, "customer"),
            (Vendor, "vendor"),
            (BankAccount, "bank_account"),
        ):
            track(
                model,
                repr_field="no",
                exclude=("created_at", "updated_at"),
                url=lambda object_id, no, prefix=prefix: reverse(
                    f"relations:{prefix}_detail", kwargs={"no": no}
                ),
            )
        track(ContactBusinessRelation, repr_field="business_relation_id")

        from contacts.models import Contact
        from contacts.panels import register_card_panel
        from contacts.signals import contacts_bulk_updated, person_anonymised
        from relations import receivers
        from relations.models import ENTITY_MODELS
        from relations.views import contact_panel_context

        post_save.connect(
            receivers.sync_contact_to_entities,
            sender=Contact,
            dispatch_uid="relations.sync_contact_to_entities",
        )
        post_save.connect(
            receivers.primary_contact_name_follows,
            sender=Contact,
            dispatch_uid="relations.primary_contact_name_follows",
        )
        pre_delete.connect(
            receivers.primary_contact_deleted,
            sender=Contact,
            dispatch_uid="relations.primary_contact_deleted",
        )
        contacts_bulk_updated.connect(
            receivers.sync_bulk_updated_contacts,
            sender=Contact,
            dispatch_uid="relations.sync_bulk_updated_contacts",
        )
        # Anonymising a person blanks the copies of its fields the sync made.
        person_anonymised.connect(
            receivers.erase_anonymised, dispatch_uid="relations.erase_anonymised"
        )
        for link_to, model in ENTITY_MODELS.items():
            post_save.connect(
                receivers.sync_entity_to_contact,
                sender=model,
                dispatch_uid=f"relations.sync_entity_to_contact.{link_to}",
            )
            post_delete.connect(
                receivers.delete_entity_relations,
                sender=model,
                dispatch_uid=f"relations.delete_entity_relations.{link_to}",
            )
        register_card_panel(
            "relations",
            "relations/_contact_panel.html",
            contact_panel_context,
            order=30,
            permission="relations.view_customer",
        )
