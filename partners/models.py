from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from accounts.search import matching_every_word
from accounts.text import fold, nfc


class PartnerQuerySet(models.QuerySet):
    def localities(self) -> "PartnerQuerySet":
        return self.filter(kind__in=Partner.LOCALITY_KINDS)

    def with_related(self) -> "PartnerQuerySet":
        return self.select_related("parent")

    def search(self, query: str) -> "PartnerQuerySet":
        """Every word of ``query`` in the search text, with or without accents."""
        return matching_every_word(self, query)


class Partner(models.Model):
    """A foreign partner of the province: a locality, an organisation, a network…"""

    class Kind(models.TextChoices):
        PROVINCE_STATE = "province_state", _("Province / state")
        PREFECTURE = "prefecture", _("Prefecture")
        CITY = "city", _("City")
        COUNTY_DISTRICT = "county_district", _("County / district")
        INTERNATIONAL_ORGANISATION = "intl_org", _("International organisation")
        GOVERNMENT_AGENCY = "gov_agency", _("Foreign government agency / representative office")
        ASSOCIATION = "association", _("Association")
        NGO = "ngo", _("Non-governmental organisation")
        ENTERPRISE = "enterprise", _("Enterprise")
        UNIVERSITY = "university", _("University")
        NETWORK = "network", _("Network")

    class RelationStatus(models.TextChoices):
        TRADITIONAL = "traditional", _("Traditional")
        ESTABLISHED = "established", _("Established")
        NEW = "new", _("New")
        PROSPECTIVE = "prospective", _("Prospective")

    LOCALITY_KINDS = (
        Kind.PROVINCE_STATE,
        Kind.PREFECTURE,
        Kind.CITY,
        Kind.COUNTY_DISTRICT,
    )

    name_vi = models.CharField(_("Vietnamese name"), max_length=255)
    name_native = models.CharField(_("native or English name"), max_length=255, blank=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=32, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    country = CountryField(_("country"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent locality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    relation_status = models.CharField(
        _("relation status"),
        max_length=16,
        choices=RelationStatus.choices,
        default=RelationStatus.PROSPECTIVE,
    )
    relation_established_on = models.DateField(_("relation established on"), null=True, blank=True)
    is_twinned = models.BooleanField(_("twinning (sister relation)"), default=False)
    contacts = models.TextField(_("contacts"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name_vi"]
        constraints = [
            models.UniqueConstraint(
                fields=["name_vi", "country"], name="partner_unique_name_per_country"
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="partner_not_own_parent"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "country"], name="partner_kind_country_idx"),
            # The officials' home page lists the newest partners: read from the index, not by
            # sorting every partner (15,000 at national scale: 16 ms).
            models.Index(fields=["-created_at"], name="partner_newest_idx"),
        ]

    def __str__(self) -> str:
        return self.name_vi

    def save(self, *args, **kwargs) -> None:
        self.name_vi = nfc(self.name_vi)
        self.name_native = nfc(self.name_native)
        self.search_text = fold(f"{self.name_vi} {self.name_native} {self.abbreviation}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("partners:detail", args=[self.pk])
