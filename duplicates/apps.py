from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class DuplicatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "duplicates"
    verbose_name = _("Duplicates")

    def ready(self) -> None:
        from contacts.import_matching import register_record_matcher
        from contacts.models import Contact
        from contacts.panels import register_card_panel
        from contacts.privacy import register_former_contacts
        from contacts.selectors import register_number_resolver
        from contacts.signals import (
            contacts_bulk_created,
            contacts_bulk_updated,
            contacts_imported,
            person_anonymised,
        )
        from duplicates import receivers, selectors
        from duplicates.models import ContactMerge, DuplicateSearchStringSetup
        from duplicates.services import merged_contacts_resolve, merged_into, records_find_matches
        from history.selectors import register_cause_url

        # The import asks the duplicate engine which existing company a row may be.
        register_record_matcher("duplicates", records_find_matches)
        # A merged contact's number still leads to the contact it was merged into.
        register_number_resolver(merged_contacts_resolve)
        # Anonymising a person erases the logged values of the contacts merged into it,
        # and the copies of its values merge records and the duplicate index keep.
        register_former_contacts(merged_into)
        person_anonymised.connect(
            receivers.erase_anonymised, dispatch_uid="duplicates.erase_anonymised"
        )
        # The change log links a merge's changes to its record.
        register_cause_url(ContactMerge, _merge_record_url)
        from history.signals import records_restored

        # A contact restored from the change log is indexed again.
        records_restored.connect(
            receivers.index_restored_contacts,
            sender=Contact,
            dispatch_uid="duplicates.index_restored_contacts",
        )

        pre_save.connect(
            receivers.remember_watched_values,
            sender=Contact,
            dispatch_uid="duplicates.remember_watched_values",
        )
        post_save.connect(
            receivers.check_duplicates, sender=Contact, dispatch_uid="duplicates.check_duplicates"
        )
        contacts_bulk_created.connect(
            receivers.index_bulk_changed_contacts, dispatch_uid="duplicates.index_bulk_created"
        )
        contacts_bulk_updated.connect(
            receivers.index_bulk_changed_contacts, dispatch_uid="duplicates.index_bulk_updated"
        )
        # A large import's companies are searched for duplicates by a job of their own.
        contacts_imported.connect(
            receivers.search_imported_companies, dispatch_uid="duplicates.search_imported"
        )
        pre_save.connect(
            receivers.remember_line,
            sender=DuplicateSearchStringSetup,
            dispatch_uid="duplicates.remember_line",
        )
        post_save.connect(
            receivers.rebuild_line_strings,
            sender=DuplicateSearchStringSetup,
            dispatch_uid="duplicates.rebuild_line_strings",
        )
        post_delete.connect(
            receivers.delete_line_strings,
            sender=DuplicateSearchStringSetup,
            dispatch_uid="duplicates.delete_line_strings",
        )
        from duplicates import tasks
        from jobs.runner import register_periodic
        from marketing_setup.panels import register_setup_panel

        # Workers queue the re-estimation of the learned model when the data changed enough.
        register_periodic("duplicates.estimate_model", tasks.estimate_when_stale)

        register_setup_panel(
            "duplicates",
            after_field="search_hit_pct",
            template_name="duplicates/setup_model.html",
            context=selectors.setup_model_context,
        )
        register_card_panel(
            "duplicates",
            "duplicates/card_panel.html",
            selectors.card_panel_context,
            order=20,
            permission="duplicates.view_contactduplicate",
        )


def _merge_record_url(pk: str) -> str:
    from django.urls import reverse

    return reverse("duplicates:merge_record", kwargs={"pk": int(pk)})
