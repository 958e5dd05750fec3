from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "opportunities"
    verbose_name = _("Opportunities")

    def ready(self) -> None:
        from django.db.models.signals import pre_delete
        from django.urls import reverse

        from history.registry import track
        from opportunities.models import Opportunity

        track(
            Opportunity,
            repr_field="no",
            exclude=("created_at", "updated_at"),
            url=lambda object_id, no: reverse("opportunities:detail", kwargs={"no": no}),
        )

        from contacts.models import Contact
        from contacts.panels import register_card_panel
        from contacts.signals import person_company_changed
        from opportunities import receivers
        from opportunities.views import contact_panel_context

        pre_delete.connect(
            receivers.refuse_contact_delete_with_open_opportunities,
            sender=Contact,
            dispatch_uid="opportunities.refuse_contact_delete_with_open_opportunities",
        )
        person_company_changed.connect(
            receivers.rehome_opportunities_of_moved_person,
            sender=Contact,
            dispatch_uid="opportunities.rehome_opportunities_of_moved_person",
        )
        register_card_panel(
            "opportunities",
            "opportunities/_contact_panel.html",
            contact_panel_context,
            order=50,
            permission="opportunities.view_opportunity",
        )
