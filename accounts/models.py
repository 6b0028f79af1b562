from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AgencyQuerySet(models.QuerySet):
    def active(self) -> "AgencyQuerySet":
        return self.filter(is_active=True)

    def owner(self) -> "AgencyQuerySet":
        """The department that runs the portal (Sở Ngoại vụ), named in settings.PORTAL."""
        return self.filter(short_name=settings.PORTAL["DEPARTMENT_ABBR"])


class Agency(models.Model):
    """A reporting unit: a department, board or sector, a commune, the armed forces…"""

    class Kind(models.TextChoices):
        PROVINCIAL_BODY = "provincial_body", _("Provincial Party or People's Committee body")
        DEPARTMENT = "department", _("Department, board or sector")
        COMMUNE = "commune", _("Commune People's Committee")
        ARMED_FORCES = "armed_forces", _("Armed forces and police")
        PRESS = "press", _("Press and media")
        ORGANISATION = "organisation", _("Mass or friendship organisation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=255, unique=True)
    short_name = models.CharField(
        _("short name"),
        max_length=32,
        unique=True,
        help_text=_("Abbreviation used in document numbers, e.g. SNgV."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)

    history = HistoricalRecords()
    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="agency_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:agency_detail", args=[self.pk])

    @property
    def is_owner(self) -> bool:
        return self.short_name == settings.PORTAL["DEPARTMENT_ABBR"]


class Role(models.TextChoices):
    OFFICIAL = "official", _("Foreign-affairs official")
    REPORTER = "reporter", _("Agency reporter")
    LEADER = "leader", _("Leader (read-only)")
    ADMIN = "admin", _("Administrator")


class PortalUserManager(UserManager):
    def get_queryset(self):
        # Every page shows the user's agency: fetch it with the user.
        return super().get_queryset().select_related("agency")


class User(AbstractUser):
    """A portal user. Every user belongs to one agency and has one role."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.REPORTER)
    is_agency_head = models.BooleanField(
        _("head of agency"),
        default=False,
        help_text=_("Receives escalations when the agency's report is late."),
    )

    objects = PortalUserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agency__isnull=False) | Q(role="admin") | Q(is_superuser=True),
                name="user_agency_required_unless_admin",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    def clean(self) -> None:
        super().clean()
        if self.agency_id is None and self.role != Role.ADMIN and not self.is_superuser:
            raise ValidationError(
                {"agency": _("Every user except administrators belongs to an agency.")}
            )
        if (
            self.role == Role.OFFICIAL
            and self.agency_id
            and not Agency.objects.owner().filter(pk=self.agency_id).exists()
        ):
            raise ValidationError(
                {
                    "role": _("Foreign-affairs officials belong to %(department)s.")
                    % {"department": settings.PORTAL["DEPARTMENT_NAME"]}
                }
            )

    def save(self, *args, **kwargs) -> None:
        # Only administrators reach the Django admin.
        self.is_staff = self.role == Role.ADMIN or self.is_superuser
        super().save(*args, **kwargs)

    # The administrator role is what grants the Django admin: nothing assigns per-model
    # permissions, so without these an administrator met "no permission" on every page.
    def has_perm(self, perm: str, obj=None) -> bool:
        if self.is_active and self.role == Role.ADMIN:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_active and self.role == Role.ADMIN:
            return True
        return super().has_module_perms(app_label)


class DigestLog(models.Model):
    """One row per user and day a digest was sent: at most one digest per person per day."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="digests")
    sent_on = models.DateField()
    item_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="digest_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.sent_on:%d/%m/%Y}"
