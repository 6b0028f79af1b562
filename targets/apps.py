from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "targets"
    verbose_name = _("2030 targets and tasks")

    def ready(self) -> None:
        from . import signals

        signals.connect()
