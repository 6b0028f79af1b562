"""Reporting periods, agency reports with their frozen versions, consolidated reports with
their issued versions, and the jobs that render them (PDFs are rendered only in tasks)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .periods import Period, PeriodKind


class ReportingPeriodQuerySet(models.QuerySet):
    def open_on(self, today: date) -> ReportingPeriodQuerySet:
        """Periods whose reports are still being written or chased: until 30 days after
        their deadline."""
        return self.filter(deadline__gte=today - timedelta(days=30)).order_by("deadline")


class ReportingPeriod(models.Model):
    """A 6-month or annual reporting round, with its deadline and the agencies expected."""

    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=16, choices=PeriodKind.choices)
    deadline = models.DateField(_("submission deadline"))
    expected_agencies = models.ManyToManyField(
        "accounts.Agency",
        verbose_name=_("agencies expected to report"),
        related_name="expected_in_periods",
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[expected_agencies])
    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["-year", "-kind"]
        constraints = [
            models.UniqueConstraint(fields=["year", "kind"], name="reporting_period_unique"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="reporting_period_year_range"
            ),
        ]

    def __str__(self) -> str:
        return self.period.label

    def get_absolute_url(self) -> str:
        return reverse("reports:period_detail", args=[self.pk])

    @property
    def period(self) -> Period:
        return Period(self.year, self.kind)

    @property
    def is_past_deadline(self) -> bool:
        return timezone.localdate() > self.deadline

    @property
    def start(self) -> date:
        return self.period.start

    @property
    def end(self) -> date:
        return self.period.end


class AgencyReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> AgencyReportQuerySet:
        """Officials, leaders and administrators see every agency's reports; a reporter sees
        their own agency's."""
        from accounts import permissions as perms

        if perms.can_view_all_agencies(user):
            return self
        if not user.is_authenticated or not user.agency_id:
            return self.none()
        return self.filter(agency_id=user.agency_id)

    def with_last_comment(self) -> AgencyReportQuerySet:
        """Each report's latest comment (a return's reason, when returned) as
        ``last_comment_text``, read in the same query."""
        latest = ReportComment.objects.filter(report_id=OuterRef("pk")).order_by(
            "-created_at", "-id"
        )
        return self.annotate(last_comment_text=Subquery(latest.values("text")[:1]))


class AgencyReport(models.Model):
    """One agency's report for one period. ``sections`` maps a section key
    (``reports.sections.PERIOD_KEYS``) to the narrative written by the agency; the figures
    are computed from the portal's data while it is a draft and frozen in each version."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for revision")
        ACCEPTED = "accepted", _("Accepted")

    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("period"),
        on_delete=models.PROTECT,
        related_name="agency_reports",
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    sections = models.JSONField(_("sections"), default=dict, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = AgencyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency report")
        verbose_name_plural = _("agency reports")
        ordering = ["period", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "agency"], name="agency_report_one_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("reports:report_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    @property
    def was_late(self) -> bool | None:
        """Whether the first submission came after the deadline (None if never submitted)."""
        if self.first_submitted_at is None:
            return None
        return timezone.localtime(self.first_submitted_at).date() > self.period.deadline


def version_pdf_path(instance: AgencyReportVersion, filename: str) -> str:
    return f"reports/agency/{instance.report.period.year}/{filename}"


class AgencyReportVersion(models.Model):
    """The exact copy of what an agency submitted: text, figures and (once rendered) PDF.
    Later edits to the portal's data never change it. Each submission is a new version."""

    report = models.ForeignKey(
        AgencyReport, on_delete=models.CASCADE, related_name="versions", verbose_name=_("report")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    sections = models.JSONField(_("sections"))
    figures = models.JSONField(_("figures"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    pdf = models.FileField(_("PDF"), upload_to=version_pdf_path, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="agency_report_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} — v{self.number}"


class ReportComment(models.Model):
    """A decision or remark on an agency report: the reason for a return is required."""

    class Kind(models.TextChoices):
        RETURNED = "returned", _("Returned for revision")
        ACCEPTED = "accepted", _("Accepted")
        COMMENT = "comment", _("Comment")

    report = models.ForeignKey(AgencyReport, on_delete=models.CASCADE, related_name="comments")
    version = models.ForeignKey(
        AgencyReportVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("comment"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="returned") | ~Q(text=""), name="report_return_needs_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.report}"


class ConsolidatedReport(models.Model):
    """Sở Ngoại vụ's report for a period (or a legal annual report), built from the accepted
    agency reports and the portal's figures; officials edit its sections, then issue it."""

    class Kind(models.TextChoices):
        SEMIANNUAL = "semiannual", _("6-month report")
        ANNUAL = "annual", _("Annual report")
        AGREEMENTS = "agreements", _("Annual report on international agreements")
        CONFERENCES = "conferences", _("Annual report on international conferences")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    subject = models.CharField(_("subject"), max_length=500)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    gathered_at = models.DateTimeField(_("gathered at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consolidated report")
        verbose_name_plural = _("consolidated reports")
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="consolidated_one_per_kind_year")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("reports:consolidated_detail", args=[self.pk])

    @property
    def period(self) -> Period:
        """The data range: the 6-month report's, or the whole reporting year's."""
        kind = PeriodKind.SEMIANNUAL if self.kind == self.Kind.SEMIANNUAL else PeriodKind.ANNUAL
        return Period(self.year, kind)


class ConsolidatedSection(models.Model):
    report = models.ForeignKey(
        ConsolidatedReport, on_delete=models.CASCADE, related_name="sections"
    )
    key = models.CharField(max_length=32)
    order = models.PositiveSmallIntegerField(default=0)
    body = models.TextField(_("text"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["report", "order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="consolidated_section_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.key}"


def issue_pdf_path(instance: IssuedReport, filename: str) -> str:
    return f"reports/issued/{instance.number_year}/{filename}"


class IssuedReport(models.Model):
    """An issued version of a consolidated report: its number ("Số: 25/BC-SNgV", restarting
    each year), date, signer and recipients, the frozen text and figures, and the PDF."""

    report = models.ForeignKey(
        ConsolidatedReport,
        on_delete=models.PROTECT,
        related_name="issues",
        verbose_name=_("report"),
    )
    version = models.PositiveSmallIntegerField(_("version"))
    number = models.PositiveIntegerField(_("number"))
    number_year = models.PositiveSmallIntegerField(_("numbering year"))
    issued_on = models.DateField(_("date of issue"))
    signer_authority = models.CharField(_("signing authority"), max_length=100, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=100)
    signer_name = models.CharField(_("signer's name"), max_length=150)
    recipients = models.TextField(_("recipients"))
    snapshot = models.JSONField(_("content"))
    pdf = models.FileField(_("PDF"), upload_to=issue_pdf_path, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("issued report")
        verbose_name_plural = _("issued reports")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "version"], name="issued_report_version"),
            models.UniqueConstraint(
                fields=["number_year", "number"], name="issued_report_number_per_year"
            ),
        ]

    def __str__(self) -> str:
        return self.document_number

    @property
    def document_number(self) -> str:
        """ "25/BC-SNgV"; numbers under 10 take a leading zero (Decree 30)."""
        return f"{self.number:02d}/BC-{settings.PORTAL['DEPARTMENT_ABBR']}"


class ReportJobQuerySet(models.QuerySet):
    def active(self) -> ReportJobQuerySet:
        return self.filter(status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING])


class ReportJob(models.Model):
    """One background job (gather a draft, render a PDF): the row is the source of truth, the
    task only carries its id. A retried or duplicated task finds the row done and stops."""

    class Kind(models.TextChoices):
        AGENCY_PDF = "agency_pdf", _("Agency report PDF")
        GATHER = "gather", _("Consolidated draft")
        ISSUE_PDF = "issue_pdf", _("Issued report PDF")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    agency_version = models.ForeignKey(
        AgencyReportVersion, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    consolidated = models.ForeignKey(
        ConsolidatedReport, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    issued = models.ForeignKey(
        IssuedReport, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The Celery task id of the run that claimed the job: a redelivery of the same message
    # (its worker died) carries the same id and may take over; a duplicate message may not.
    task_id = models.CharField(max_length=64, blank=True)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="agency_pdf", agency_version__isnull=False)
                    | Q(kind="gather", consolidated__isnull=False)
                    | Q(kind="issue_pdf", issued__isnull=False)
                ),
                name="report_job_has_subject",
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="report_job_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
