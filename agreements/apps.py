from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        from accounts.paging import forget_counts_on_writes

        # The list pages' counts (accounts.paging) follow every write to the
        # agreements and the review coverage list.
        forget_counts_on_writes(*(self.get_model(name) for name in ("Agreement", "Review")))
