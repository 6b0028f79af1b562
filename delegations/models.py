"""Annual delegation plans, delegations (đoàn ra / đoàn vào) and international conferences.

Conferences live here too: they share the plan-vs-actual counting, the calendar and the
15-day results report with delegations, and are approved by the same authorities.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

REPORT_DAYS = 15  # results report within 15 days of the return / of the closing


class Direction(models.TextChoices):
    OUTBOUND = "outbound", _("Outbound (đoàn ra)")
    INBOUND = "inbound", _("Inbound (đoàn vào)")


class Purpose(models.TextChoices):
    COOPERATION = "cooperation", _("Implementing cooperation agreements")
    INVESTMENT = "investment", _("Investment promotion")
    TRADE = "trade", _("Trade promotion")
    TOURISM = "tourism", _("Tourism promotion")
    CULTURE = "culture", _("Culture and people-to-people exchange")
    EDUCATION = "education", _("Education and human resources")
    LABOUR = "labour", _("Labour")
    BORDER = "border", _("Border affairs")
    OTHER = "other", _("Other")

    @classmethod
    def promotion(cls) -> list[str]:
        """Purposes counted as investment/trade/tourism promotion (2030 target)."""
        return [cls.INVESTMENT, cls.TRADE, cls.TOURISM]


class FundingSource(models.TextChoices):
    STATE_BUDGET = "state_budget", _("State budget")
    PARTNER = "partner", _("Paid by the partner")
    MIXED = "mixed", _("State budget and partner")
    OTHER = "other", _("Other lawful sources")


class DelegationPlan(models.Model):
    """The year's plan of outbound or inbound delegations (kế hoạch đoàn ra / đoàn vào)."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    title = models.CharField(_("title"), max_length=300)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delegation plan")
        verbose_name_plural = _("delegation plans")
        ordering = ["-year", "direction"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "direction"], name="plan_one_per_year_direction"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("delegations:plan_detail", args=[self.pk])


class PlanItem(models.Model):
    """One planned delegation of the annual plan."""

    plan = models.ForeignKey(DelegationPlan, on_delete=models.CASCADE, related_name="items")
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    description = models.CharField(_("description"), max_length=500)
    country = CountryField(_("country"), blank=True)
    partners = models.ManyToManyField(
        "partners.Partner", verbose_name=_("partners"), blank=True, related_name="plan_items"
    )
    fields = models.ManyToManyField(
        "agreements.FieldOfCooperation", verbose_name=_("fields of cooperation"), blank=True
    )
    expected_month = models.PositiveSmallIntegerField(
        _("expected month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    expected_timing = models.CharField(
        _("expected timing"), max_length=100, blank=True, help_text=_("e.g. Quarter II")
    )
    expected_size = models.PositiveSmallIntegerField(_("expected size"), null=True, blank=True)
    lead_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("lead agency"),
        on_delete=models.PROTECT,
        related_name="plan_items",
    )
    funding_source = models.CharField(
        _("funding source"),
        max_length=16,
        choices=FundingSource.choices,
        default=FundingSource.STATE_BUDGET,
    )

    history = HistoricalRecords(m2m_fields=[partners, fields])

    class Meta:
        verbose_name = _("planned delegation")
        verbose_name_plural = _("planned delegations")
        ordering = ["plan", "expected_month", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_month__isnull=True)
                | Q(expected_month__gte=1, expected_month__lte=12),
                name="plan_item_month_valid",
            )
        ]

    def __str__(self) -> str:
        return self.description


class DelegationQuerySet(models.QuerySet):
    def visible_to(self, user) -> DelegationQuerySet:
        """Everyone who can log in reads the delegations (they are reported province-wide)."""
        return self if user.is_authenticated else self.none()

    def with_people(self) -> DelegationQuerySet:
        """``member_count``: the members (head not included), by a correlated subquery, so
        that the list's COUNT(*) for pagination needs neither the join nor a GROUP BY."""
        members = (
            DelegationMember.objects.filter(delegation_id=models.OuterRef("pk"))
            .order_by()
            .values("delegation_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            member_count=Coalesce(models.Subquery(members), 0, output_field=models.IntegerField())
        )

    def between(self, start: date, end: date) -> DelegationQuerySet:
        """Delegations whose (actual, else planned) start falls in [start, end]."""
        return self.filter(
            Q(actual_start__range=(start, end))
            | Q(actual_start__isnull=True, planned_start__range=(start, end))
        )

    def done(self) -> DelegationQuerySet:
        return self.filter(state=Delegation.State.DONE)

    def report_overdue(self, today: date) -> DelegationQuerySet:
        return self.done().filter(
            report_received_on__isnull=True, actual_end__lt=today - timedelta(days=REPORT_DAYS)
        )


class Delegation(models.Model):
    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        DONE = "done", _("Done")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    plan_item = models.ForeignKey(
        PlanItem,
        verbose_name=_("plan item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delegations",
    )
    title = models.CharField(_("title"), max_length=300)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    head_name = models.CharField(_("head of delegation"), max_length=200)
    head_title = models.CharField(_("head's title"), max_length=200, blank=True)
    country = CountryField(_("country"))
    partners = models.ManyToManyField(
        "partners.Partner", verbose_name=_("partners"), blank=True, related_name="delegations"
    )
    places = models.CharField(_("places"), max_length=300, blank=True)
    programme = models.TextField(_("programme"), blank=True)
    fields = models.ManyToManyField(
        "agreements.FieldOfCooperation",
        verbose_name=_("fields of cooperation"),
        blank=True,
        related_name="+",
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_authority = models.CharField(_("approving authority"), max_length=200, blank=True)
    funding_source = models.CharField(
        _("funding source"),
        max_length=16,
        choices=FundingSource.choices,
        default=FundingSource.STATE_BUDGET,
    )
    budget = models.DecimalField(
        _("budget (VND)"),
        max_digits=16,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    host_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("lead / host agency"),
        on_delete=models.PROTECT,
        related_name="delegations",
    )
    agreements_signed = models.ManyToManyField(
        "agreements.Agreement",
        verbose_name=_("agreements signed during the visit"),
        blank=True,
        related_name="delegations",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PROPOSED, db_index=True
    )
    state_reason = models.TextField(_("reason"), blank=True)
    results = models.TextField(_("results"), blank=True)
    report_received_on = models.DateField(_("results report received on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[partners, fields, agreements_signed])
    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-planned_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=models.F("planned_start")),
                name="delegation_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=models.F("actual_start")),
                name="delegation_actual_end_after_start",
            ),
        ]
        indexes = [
            # Plan vs actual groups a year's delegations of a direction by state, country,
            # purpose and plan item: every column it reads is in the index (an index-only scan).
            models.Index(
                fields=[
                    "direction",
                    "planned_start",
                    "state",
                    "country",
                    "purpose",
                    "plan_item",
                    "id",
                ],
                name="delegation_dir_start_idx",
            ),
            # Delegations done that started in a range, per direction, and (by id) their
            # members: the person-trips of plan vs actual and of the reports.
            models.Index(
                fields=["state", "actual_start", "direction", "id"],
                name="delegation_state_actual_idx",
            ),
            models.Index(fields=["host_agency", "state"], name="delegation_agency_state_idx"),
            # The list's order: its first page without sorting every delegation.
            models.Index(fields=["-planned_start", "-id"], name="delegation_start_id_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("delegations:detail", args=[self.pk])

    @property
    def in_plan(self) -> bool:
        return self.plan_item_id is not None

    @property
    def start(self) -> date:
        return self.actual_start or self.planned_start

    @property
    def end(self) -> date:
        return self.actual_end or self.planned_end

    @property
    def report_due_on(self) -> date | None:
        if self.state != self.State.DONE:
            return None
        return self.end + timedelta(days=REPORT_DAYS)

    def report_status(self, today: date) -> str | None:
        if self.report_due_on is None:
            return None
        if self.report_received_on:
            return "received"
        return "overdue" if today > self.report_due_on else "due"


class DelegationMember(models.Model):
    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("full name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.CharField(
        _("organisation"),
        max_length=200,
        blank=True,
        help_text=_("For members from outside the province's agencies."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ConferenceQuerySet(models.QuerySet):
    def between(self, start: date, end: date) -> ConferenceQuerySet:
        return self.filter(start_on__range=(start, end))

    def report_overdue(self, today: date) -> ConferenceQuerySet:
        """Held (or approved and already closed) conferences with no results report 15 days
        after closing."""
        return self.filter(
            state__in=[Conference.State.HELD, Conference.State.APPROVED],
            report_received_on__isnull=True,
            end_on__lt=today - timedelta(days=REPORT_DAYS),
        )


class Conference(models.Model):
    """An international conference or workshop held in the province (Decision 06/2020)."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online, with a site in Viet Nam")
        HYBRID = "hybrid", _("In person and online")

    class Authority(models.TextChoices):
        PROVINCE = "province", _("Chairman of the Provincial People's Committee")
        PRIME_MINISTER = "prime_minister", _("Prime Minister")

    title = models.CharField(_("title"), max_length=300)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    organiser = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="conferences",
    )
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"))
    place = models.CharField(_("place"), max_length=300)
    format = models.CharField(
        _("format"), max_length=16, choices=Format.choices, default=Format.IN_PERSON
    )
    partners = models.ManyToManyField(
        "partners.Partner", verbose_name=_("partners"), blank=True, related_name="conferences"
    )
    foreign_participants = models.PositiveIntegerField(_("foreign participants"), default=0)
    participants_note = models.TextField(_("participants"), blank=True)
    approval_authority = models.CharField(
        _("approving authority"),
        max_length=16,
        choices=Authority.choices,
        default=Authority.PROVINCE,
    )
    application_date = models.DateField(_("application date"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PROPOSED, db_index=True
    )
    state_reason = models.TextField(_("reason"), blank=True)
    results = models.TextField(_("results"), blank=True)
    report_received_on = models.DateField(_("results report received on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[partners])
    objects = ConferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("international conference")
        verbose_name_plural = _("international conferences")
        ordering = ["-start_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=models.F("start_on")), name="conference_end_after_start"
            )
        ]
        indexes = [
            # Conferences held in a range (counted by plan vs actual and the reports).
            models.Index(fields=["state", "start_on"], name="conference_state_start_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("delegations:conference_detail", args=[self.pk])

    @property
    def lead_days(self) -> int:
        """Days ahead the application must be filed (Decision 06/2020/QĐ-TTg)."""
        return 40 if self.approval_authority == self.Authority.PRIME_MINISTER else 30

    @property
    def application_deadline(self) -> date:
        return self.start_on - timedelta(days=self.lead_days)

    def lead_time_ok(self, today: date) -> bool:
        """False when the application was (or can now only be) filed too late."""
        filed = self.application_date or today
        return filed <= self.application_deadline

    @property
    def report_due_on(self) -> date | None:
        """Within 15 days of closing, once it has been held (or approved and has closed)."""
        if self.state in {self.State.HELD, self.State.APPROVED}:
            return self.end_on + timedelta(days=REPORT_DAYS)
        return None

    def report_status(self, today: date) -> str | None:
        if self.report_due_on is None or (
            self.state == self.State.APPROVED and today <= self.end_on
        ):
            return None
        if self.report_received_on:
            return "received"
        return "overdue" if today > self.report_due_on else "due"
