from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListingConfig(AppConfig):
    name = "listing"
    verbose_name = _("Lists")
