from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmSiteConfig(AppConfig):
    """The site itself: settings, URLs, roles and site-wide pages.

    Listed last in INSTALLED_APPS. It may import every app; no app imports it except
    for the role names (`crm_site.roles`, which imports nothing of ours).
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "crm_site"
    verbose_name = _("CRM site")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_migrate

        from crm_site.roles import grant_roles_after_migrate, make_administrators_staff

        post_migrate.connect(grant_roles_after_migrate, dispatch_uid="crm_site.roles")
        m2m_changed.connect(
            make_administrators_staff,
            sender=get_user_model().groups.through,
            dispatch_uid="crm_site.make_administrators_staff",
        )
