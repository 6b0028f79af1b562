from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelegationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "delegations"
    verbose_name = _("Delegations and conferences")

    def ready(self) -> None:
        from accounts.paging import forget_counts_on_writes

        # The list pages' counts (accounts.paging) follow every write to the
        # delegations and conferences.
        forget_counts_on_writes(*(self.get_model(name) for name in ("Delegation", "Conference")))
