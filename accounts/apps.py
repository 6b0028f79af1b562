from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Users and agencies")

    def ready(self) -> None:
        from .paging import forget_counts_on_writes

        # The lists show the agencies' names (accounts.paging keeps pages of them).
        forget_counts_on_writes(self.get_model("Agency"))
