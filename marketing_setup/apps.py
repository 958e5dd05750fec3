from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingSetupConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "marketing_setup"
    verbose_name = _("Marketing setup")

    def ready(self) -> None:
        from django.urls import reverse

        from history.registry import track
        from marketing_setup.models import MarketingSetup

        track(MarketingSetup, url=lambda object_id, repr_: reverse("marketing_setup:setup"))
