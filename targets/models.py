"""The province's 2030 targets, their measurements, and the task-assignment tables of plans."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reports.periods import Period, PeriodKind


class Target(models.Model):
    class Group(models.TextChoices):
        CAPACITY = "capacity", _("Awareness and leadership capacity")
        ECONOMY = "economy", _("International economic integration")
        RELATIONS = "relations", _("Foreign relations and cooperation")
        SOCIETY = "society", _("Culture, education, tourism, labour")

    class Kind(models.TextChoices):
        CUMULATIVE = "cumulative", _("Cumulative count over 2026-2030")
        PER_YEAR = "per_year", _("Count per year")
        PERCENTAGE = "percentage", _("Percentage")
        INDEX = "index", _("Index value")
        MILESTONE = "milestone", _("Milestone (yes/no)")

    class Source(models.TextChoices):
        ENTERED = "entered", _("Entered by the owner agency")
        COMPUTED = "computed", _("Computed from the portal's data")

    class Computed(models.TextChoices):
        NEW_PARTNERS = "new_partners", _("New partners since 2026")
        NEW_PROGRAMMES = "new_programmes", _("New cooperation programmes and projects since 2026")
        REVIEW_SHARE = "review_share", _("Share of agreements in force reviewed in the period")
        PROMOTION = "promotion", _("Investment, trade and tourism promotion activities")
        GEOPARKS = "geoparks", _("Partner geoparks of the UNESCO Global Geoparks Network")

    code = models.CharField(_("code"), max_length=16, unique=True)
    text_vi = models.TextField(_("target (Vietnamese)"))
    text_en = models.TextField(_("target (English)"), blank=True)
    group = models.CharField(_("group"), max_length=16, choices=Group.choices)
    unit = models.CharField(_("unit"), max_length=50)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    target_min = models.DecimalField(
        _("target (lower bound or floor)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_max = models.DecimalField(
        _("target (upper bound)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"), default=2026)
    deadline_year = models.PositiveSmallIntegerField(_("deadline year"), default=2030)
    owner_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("owner agency"),
        on_delete=models.PROTECT,
        related_name="owned_targets",
    )
    contributing_agencies = models.ManyToManyField(
        "accounts.Agency",
        verbose_name=_("contributing agencies"),
        blank=True,
        related_name="contributed_targets",
    )
    source = models.CharField(
        _("how it is measured"), max_length=16, choices=Source.choices, default=Source.ENTERED
    )
    computed = models.CharField(
        _("computation"), max_length=32, choices=Computed.choices, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords(m2m_fields=[contributing_agencies])

    class Meta:
        verbose_name = _("2030 target")
        verbose_name_plural = _("2030 targets")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_max__isnull=True)
                | Q(target_min__isnull=True)
                | Q(target_max__gte=models.F("target_min")),
                name="target_range_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(source="computed") | ~Q(computed=""),
                name="target_computed_has_computation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.text_vi}"

    def get_absolute_url(self) -> str:
        return reverse("targets:detail", args=[self.pk])

    @property
    def is_range(self) -> bool:
        return self.target_min is not None and self.target_max is not None


class Measurement(models.Model):
    """A target's value for a reporting period, entered by its owner agency."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="measurements")
    period_year = models.PositiveSmallIntegerField(_("year"))
    period_kind = models.CharField(_("period"), max_length=16, choices=PeriodKind.choices)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to="targets/evidence/", blank=True, max_length=500
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["target", "period_year", "period_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "period_year", "period_kind"], name="measurement_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target.code} {self.period}: {self.value}"

    @property
    def period(self) -> Period:
        return Period(self.period_year, self.period_kind)


class TaskPlan(models.Model):
    """A programme, plan or resolution that carries a task-assignment table."""

    class Kind(models.TextChoices):
        RESOLUTION = "resolution", _("Resolution")
        PROGRAMME = "programme", _("Programme")
        PLAN = "plan", _("Plan")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=64)
    issued_on = models.DateField(_("issued on"))
    issuer = models.CharField(_("issuer"), max_length=200)
    title = models.CharField(_("title"), max_length=500)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan with tasks")
        verbose_name_plural = _("plans with tasks")
        ordering = ["-issued_on"]
        constraints = [
            models.UniqueConstraint(fields=["number", "issuer"], name="task_plan_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.title}"


class TaskQuerySet(models.QuerySet):
    def overdue(self, today: date) -> TaskQuerySet:
        return self.exclude(state=Task.State.DONE).filter(deadline__lt=today)


class Task(models.Model):
    """A row of a plan's task-assignment table (biểu phân công nhiệm vụ)."""

    class State(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    plan = models.ForeignKey(TaskPlan, on_delete=models.CASCADE, related_name="tasks")
    text = models.TextField(_("task"))
    lead_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("lead agency"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    coordinating_agencies = models.ManyToManyField(
        "accounts.Agency", verbose_name=_("coordinating agencies"), blank=True, related_name="+"
    )
    deadline = models.DateField(
        _("deadline"),
        null=True,
        blank=True,
        help_text=_("The date the task is late after (e.g. 31/03/2026 for “within March 2026”)."),
    )
    deadline_text = models.CharField(
        _("deadline as written"),
        max_length=200,
        blank=True,
        help_text=_("e.g. “within March 2026”, “every 6 months”"),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.NOT_STARTED
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords(m2m_fields=[coordinating_agencies])
    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "order", "id"]
        indexes = [models.Index(fields=["lead_agency", "state"], name="task_agency_state_idx")]

    def __str__(self) -> str:
        return self.text[:80]

    def is_overdue(self, today: date) -> bool:
        return self.state != self.State.DONE and self.deadline is not None and self.deadline < today


class TaskProgress(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="progress")
    noted_on = models.DateField(_("date"))
    note = models.TextField(_("progress"))
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task progress note")
        verbose_name_plural = _("task progress notes")
        ordering = ["-noted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.noted_on:%d/%m/%Y}: {self.note[:60]}"
