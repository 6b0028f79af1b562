from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from accounts.paging import forget_counts_on_writes

        # The list pages' counts (accounts.paging) follow every write to the partners.
        forget_counts_on_writes(self.get_model("Partner"))
