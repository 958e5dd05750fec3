from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from marketing_setup.roles import ADMINISTRATORS, ALL, STAFF


class RelationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "relations"
    verbose_name = _("Relations")
    # What each role (Django group) may do with this app's models.
    role_permissions = {ADMINISTRATORS: ALL, STAFF: ALL}
