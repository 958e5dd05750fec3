from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from marketing_setup.roles import ADMINISTRATORS, ALL, STAFF


class MarketingSetupConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "marketing_setup"
    verbose_name = _("Marketing setup")
    # What each role (Django group) may do with this app's models.
    role_permissions = {ADMINISTRATORS: ALL, STAFF: ("view",)}

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_migrate

        from marketing_setup.roles import grant_roles_after_migrate, make_administrators_staff

        post_migrate.connect(grant_roles_after_migrate, dispatch_uid="marketing_setup.roles")
        m2m_changed.connect(
            make_administrators_staff,
            sender=get_user_model().groups.through,
            dispatch_uid="marketing_setup.make_administrators_staff",
        )
