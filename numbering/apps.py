from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NumberingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "numbering"
    verbose_name = _("Numbering")

    def ready(self) -> None:
        from django.urls import register_converter

        from numbering.codes import NumberConverter

        # <number:no> in every app's routes: every valid number, "/" included.
        register_converter(NumberConverter, "number")
