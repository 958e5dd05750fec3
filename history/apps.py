from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "history"
    verbose_name = _("History")

    def ready(self) -> None:
        checks.register(check_tracked_managers, checks.Tags.models)


def check_tracked_managers(app_configs=None, **kwargs):
    """history.E001: a tracked model whose default or base manager does not log update()
    and bulk_create() (they would bypass the change log)."""
    from history.queryset import HistoryQuerySet
    from history.registry import tracked_models

    errors = []
    for registration in tracked_models():
        model = registration.model
        for name, manager in (
            ("default", model._default_manager),
            ("base", model._base_manager),
        ):
            if not issubclass(manager._queryset_class, HistoryQuerySet):
                errors.append(
                    checks.Error(
                        f"The {name} manager of {model._meta.label} does not use "
                        "history.queryset.HistoryQuerySet.",
                        hint="Use HistoryManager (or a HistoryQuerySet subclass) as "
                        "`objects` and set Meta.base_manager_name = 'objects'.",
                        obj=model,
                        id="history.E001",
                    )
                )
    return errors
