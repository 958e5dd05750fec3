from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NumberingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "numbering"
    verbose_name = _("Numbering")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_save
        from django.urls import register_converter, reverse

        from history.registry import track
        from numbering import receivers
        from numbering.codes import NumberConverter
        from numbering.formatting import FAST_FIELDS
        from numbering.models import NoSeries, NoSeriesLine

        # <number:no> in every app's routes: every valid number, "/" included.
        register_converter(NumberConverter, "number")

        track(NoSeries, url=lambda object_id, repr_: reverse("numbering:list"))
        # The counter (last no./date used, open) moves with every number drawn: drawing
        # is raw SQL and not logged (the numbered record's creation is); a hand edit of
        # a line is. The database sequence's name and the integer form of the numbers
        # are internal (they follow the logged fields).
        track(
            NoSeriesLine,
            repr_field="series_id",
            exclude=("sequence_name", *FAST_FIELDS),
            url=lambda oid, r: reverse("numbering:list"),
        )

        # After track(): a save's own changes are logged before what these do.
        pre_save.connect(
            receivers.line_sequence_before_save,
            sender=NoSeriesLine,
            dispatch_uid="numbering.line_sequence_before_save",
        )
        post_save.connect(
            receivers.line_sequence_after_save,
            sender=NoSeriesLine,
            dispatch_uid="numbering.line_sequence_after_save",
        )
        post_delete.connect(
            receivers.line_sequence_after_delete,
            sender=NoSeriesLine,
            dispatch_uid="numbering.line_sequence_after_delete",
        )
        for signal in (post_save, post_delete):
            signal.connect(
                receivers.series_changed,
                sender=NoSeries,
                dispatch_uid=f"numbering.series_changed.{signal is post_save}",
            )
