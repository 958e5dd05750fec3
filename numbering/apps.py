from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NumberingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "numbering"
    verbose_name = _("Numbering")

    def ready(self) -> None:
        from django.urls import register_converter, reverse

        from history.registry import track
        from numbering.codes import NumberConverter
        from numbering.models import NoSeries, NoSeriesLine

        # <number:no> in every app's routes: every valid number, "/" included.
        register_converter(NumberConverter, "number")

        track(NoSeries, url=lambda object_id, repr_: reverse("numbering:list"))
        # The counter (last no./date used, open) moves with every number drawn: drawing
        # is raw SQL and not logged (the numbered record's creation is); a hand edit of
        # a line is.
        track(NoSeriesLine, repr_field="series_id", url=lambda oid, r: reverse("numbering:list"))
