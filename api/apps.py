from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API (/api/v1/): thin DRF views over the apps' services and selectors,
    per-user API tokens and webhooks. It stands above every domain app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from api import schema  # noqa: F401  (registers the OpenAPI extensions)
        from api.webhooks import deliveries_erase_anonymised, queue_for_changes
        from contacts.signals import person_anonymised
        from history.signals import changes_recorded

        changes_recorded.connect(queue_for_changes, dispatch_uid="api.queue_webhooks")
        # Stored deliveries carry changed fields: an anonymised person's are blanked.
        person_anonymised.connect(
            deliveries_erase_anonymised, dispatch_uid="api.erase_anonymised_deliveries"
        )
