"""Writes for reports: periods, the agency report workflow, consolidated reports and their
issue. Views, the admin, beat jobs and the demo all go through these functions.

Agency report workflow::

    draft ──submit──▶ submitted ──accept──▶ accepted
      ▲                   │
      └── returned ◀──return (reason required)

Submitting freezes a new ``AgencyReportVersion`` (text and figures) and queues its PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import (
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from accounts.counting import count_each
from accounts.errors import DomainError
from accounts.models import Agency, User
from accounts.text import nfc

from . import jobs, permissions
from .figures import agency_figures, province_figures
from .models import (
    AgencyReport,
    AgencyReportVersion,
    ConsolidatedReport,
    ConsolidatedSection,
    IssuedReport,
    ReportComment,
    ReportingPeriod,
    ReportJob,
)
from .periods import Period, PeriodKind
from .sections import AGREEMENT_SECTIONS, CONFERENCE_SECTIONS, PERIOD_KEYS, PERIOD_SECTIONS

# Sections of an agency report that are long enough for anyone.
MAX_SECTION_LENGTH = 20_000


# ---------------------------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------------------------
def add_working_days(day: date, count: int) -> date:
    """``count`` working days (Monday to Friday) after ``day``."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def default_deadline(period: Period) -> date:
    """The cut-off plus ``REPORT_DEADLINE_WORKING_DAYS`` working days (a province setting)."""
    return add_working_days(period.end, settings.REPORT_DEADLINE_WORKING_DAYS)


def default_expected_agencies():
    """Every active agency but the portal's owner (which consolidates) and the provincial
    bodies the reports go to (the People's Committee)."""
    return (
        Agency.objects.filter(is_active=True)
        .exclude(short_name=settings.PORTAL["DEPARTMENT_ABBR"])
        .exclude(kind=Agency.Kind.PROVINCIAL_BODY)
    )


def period_save(
    *,
    user,
    year: int,
    kind: str,
    deadline: date | None = None,
    expected_agencies=None,
    period: ReportingPeriod | None = None,
) -> ReportingPeriod:
    """Create (or, given ``period``, update) a reporting period."""
    if user is not None and not permissions.can_manage_periods(user):
        raise PermissionDenied
    with transaction.atomic():
        period = period or ReportingPeriod(year=year, kind=kind)
        if ReportingPeriod.objects.filter(year=year, kind=kind).exclude(pk=period.pk).exists():
            raise DomainError(
                {
                    "year": _("The %(period)s reporting period already exists.")
                    % {"period": Period(year, kind).label}
                }
            )
        period.year, period.kind = year, kind
        period.deadline = deadline or default_deadline(Period(year, kind))
        if period.deadline <= period.end:
            raise DomainError(
                {
                    "deadline": _("The deadline must be after the data cut-off (%(date)s).")
                    % {"date": period.end.strftime("%d/%m/%Y")}
                }
            )
        period.full_clean()
        period.save()
        period.expected_agencies.set(
            expected_agencies if expected_agencies is not None else default_expected_agencies()
        )
    return period


def periods_ensure_year(*, year: int) -> list[ReportingPeriod]:
    """The year's two periods, created with the default deadline and agencies if missing."""
    periods = []
    for kind in (PeriodKind.SEMIANNUAL, PeriodKind.ANNUAL):
        existing = ReportingPeriod.objects.filter(year=year, kind=kind).first()
        periods.append(existing or period_save(user=None, year=year, kind=kind))
    return periods


# ---------------------------------------------------------------------------------------------
# Agency reports
# ---------------------------------------------------------------------------------------------
def report_open(*, period: ReportingPeriod, agency: Agency, user) -> AgencyReport:
    """The agency's report for the period, created as an empty draft on first use; only for
    an agency the period expects."""
    if not permissions.can_write_report(user, agency):
        raise PermissionDenied
    if not period.expected_agencies.filter(pk=agency.pk).exists():
        raise PermissionDenied
    report, _created = AgencyReport.objects.get_or_create(
        period=period, agency=agency, defaults={"updated_by": user}
    )
    return report


def _clean_sections(sections: dict) -> dict[str, str]:
    cleaned = {}
    errors = {}
    for key in PERIOD_KEYS:
        text = nfc(str(sections.get(key, "") or "")).strip().replace("\r\n", "\n")
        if len(text) > MAX_SECTION_LENGTH:
            errors[key] = _("At most %(count)s characters.") % {"count": f"{MAX_SECTION_LENGTH:,}"}
        cleaned[key] = text
    if errors:
        raise DomainError(errors)
    return cleaned


def report_save_draft(*, report: AgencyReport, user, sections: dict) -> AgencyReport:
    """Save the narrative (autosave and the "save" button both come here)."""
    with transaction.atomic():
        report = AgencyReport.objects.select_for_update().get(pk=report.pk)
        if not permissions.can_edit_report(user, report):
            # Only the agency's own reporters learn that the report was submitted meanwhile.
            if report.is_editable or not permissions.can_write_report(user, report.agency):
                raise PermissionDenied
            raise DomainError(
                _("This report was submitted and can no longer be edited (state: %(state)s).")
                % {"state": report.get_state_display()}
            )
        report.sections = _clean_sections(sections)
        report.updated_by = user
        report._change_reason = "draft saved"
        report.save()
    return report


def report_submit(*, report: AgencyReport, user, today: date | None = None) -> AgencyReportVersion:
    """Freeze an exact copy of the report (text and today's figures) and queue its PDF."""
    with transaction.atomic():
        report = (
            AgencyReport.objects.select_for_update()
            .select_related("agency", "period")
            .get(pk=report.pk)
        )
        if not permissions.can_submit_report(user, report):
            if permissions.can_edit_report(user, report):
                raise DomainError(_("Only the head of the agency can submit its report."))
            if not report.is_editable:
                raise DomainError(_("This report has already been submitted."))
            raise PermissionDenied
        sections = _clean_sections(report.sections)
        if not any(sections.values()):
            raise DomainError(_("The report is empty: write at least one section."))
        now = timezone.now()
        number = (report.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = AgencyReportVersion.objects.create(
            report=report,
            number=number,
            sections=sections,
            figures=agency_figures(agency=report.agency, period=report.period.period, today=today),
            submitted_at=now,
            submitted_by=user,
        )
        report.state = AgencyReport.State.SUBMITTED
        report.submitted_at = now
        report.submitted_by = user
        report.first_submitted_at = report.first_submitted_at or now
        report._change_reason = f"submitted v{number}"
        report.save()
        jobs.job_create(kind=ReportJob.Kind.AGENCY_PDF, user=user, agency_version=version)
    return version


def _decide(report: AgencyReport, user) -> AgencyReport:
    report = AgencyReport.objects.select_for_update().get(pk=report.pk)
    if not permissions.can_decide_report(user, report):
        if report.state != AgencyReport.State.SUBMITTED and permissions.can_edit_consolidated(user):
            raise DomainError(_("Only a submitted report can be returned or accepted."))
        raise PermissionDenied
    return report


def report_return(*, report: AgencyReport, user, reason: str) -> AgencyReport:
    """Send the report back to the agency with a reason (required); it becomes editable."""
    reason = nfc(reason or "").strip()
    with transaction.atomic():
        report = _decide(report, user)
        if not reason:
            raise DomainError({"reason": _("Give the reason for returning the report.")})
        report.state = AgencyReport.State.RETURNED
        report._change_reason = "returned"
        report.save()
        ReportComment.objects.create(
            report=report,
            version=report.versions.order_by("-number").first(),
            kind=ReportComment.Kind.RETURNED,
            text=reason,
            author=user,
        )
    return report


def report_accept(*, report: AgencyReport, user, note: str = "") -> AgencyReport:
    with transaction.atomic():
        report = _decide(report, user)
        report.state = AgencyReport.State.ACCEPTED
        report._change_reason = "accepted"
        report.save()
        ReportComment.objects.create(
            report=report,
            version=report.versions.order_by("-number").first(),
            kind=ReportComment.Kind.ACCEPTED,
            text=nfc(note or "").strip(),
            author=user,
        )
    return report


def agency_version_render(*, job: ReportJob) -> None:
    """Job handler: render the PDF of a submitted version (once)."""
    from .pdf import render_agency_version_pdf

    version = AgencyReportVersion.objects.select_related(
        "report__agency", "report__period", "submitted_by"
    ).get(pk=job.agency_version_id)
    if version.pdf:
        return
    if job.requested_by is None or not permissions.can_view_report(
        job.requested_by, version.report
    ):
        raise jobs.JobError(_("The requester can no longer view this report."))
    content = render_agency_version_pdf(version)
    jobs.job_progress(job, 80)
    name = f"bao-cao-{version.report.agency_id}-{version.report.period_id}-v{version.number}.pdf"
    version.pdf.save(name, ContentFile(content), save=False)
    version.save(update_fields=["pdf"])


# ---------------------------------------------------------------------------------------------
# Completeness and timeliness
# ---------------------------------------------------------------------------------------------
@dataclass
class CompletenessRow:
    agency: Agency
    report: AgencyReport | None
    status: str  # missing, draft, submitted, returned, accepted
    late: bool | None


# The states an expected agency can be listed under: "missing" is no report at all.
COMPLETENESS_STATUSES = ("missing", *AgencyReport.State.values)


@dataclass
class Completeness:
    """How many expected agencies have reported, on time or late, by state (counted over all
    of them); ``rows`` holds the agencies listed, when asked for."""

    period: ReportingPeriod
    expected: int = 0
    submitted: int = 0  # reached Sở Ngoại vụ (submitted, returned or accepted)
    on_time: int = 0
    late: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    rows: list[CompletenessRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)

    def listed(self, status: str = "") -> int:
        """How many agencies the page lists under ``status`` (every one without it)."""
        return self.expected if not status else self.count(status)

    @property
    def missing(self) -> int:
        """Expected agencies with nothing submitted yet (no report, or a draft)."""
        return self.expected - self.submitted

    @property
    def returned(self) -> int:
        return self.count(AgencyReport.State.RETURNED)

    @property
    def accepted(self) -> int:
        return self.count(AgencyReport.State.ACCEPTED)

    @property
    def percent(self) -> int | None:
        return round(100 * self.submitted / self.expected) if self.expected else None


def _late_from(period: ReportingPeriod) -> datetime:
    """The first late moment: midnight, local time, after the deadline (``was_late``)."""
    return timezone.make_aware(datetime.combine(period.deadline + timedelta(days=1), time.min))


def completeness_querysets(period: ReportingPeriod) -> dict[str, QuerySet | tuple[QuerySet, Q]]:
    """The rows behind each figure of ``Completeness`` (a queryset, or a queryset and a
    condition), to be counted (``count_each``) alone or together with other figures;
    ``completeness_from_counts`` reads the counts."""
    # The expected agencies as rows of the many-to-many table: no join to the agencies.
    expected = ReportingPeriod.expected_agencies.through.objects.filter(reportingperiod=period)
    reports = AgencyReport.objects.filter(period=period, agency_id__in=expected.values("agency_id"))
    late_from = _late_from(period)
    counted = {
        "expected": expected,
        "reports": reports,
        "submitted": (reports, Q(first_submitted_at__isnull=False)),
        "on_time": (reports, Q(first_submitted_at__lt=late_from)),
        "late": (reports, Q(first_submitted_at__gte=late_from)),
        **{f"state:{state}": (reports, Q(state=state)) for state in AgencyReport.State.values},
    }
    return {f"completeness:{name}": entry for name, entry in counted.items()}


def completeness_from_counts(period: ReportingPeriod, counts: dict[str, int]) -> Completeness:
    def count(name: str) -> int:
        return counts[f"completeness:{name}"]

    by_status = {state: count(f"state:{state}") for state in AgencyReport.State.values}
    by_status["missing"] = count("expected") - count("reports")
    return Completeness(
        period=period,
        expected=count("expected"),
        submitted=count("submitted"),
        on_time=count("on_time"),
        late=count("late"),
        by_status=by_status,
    )


def completeness_counts(*, period: ReportingPeriod) -> Completeness:
    """The figures of every expected agency, in one query (no rows)."""
    return completeness_from_counts(period, count_each(completeness_querysets(period)))


def expected_agencies(*, period: ReportingPeriod, status: str = "") -> QuerySet:
    """The period's expected agencies by name, those under ``status`` only if given."""
    agencies = period.expected_agencies.order_by("name", "pk")
    if not status:
        return agencies
    if status not in COMPLETENESS_STATUSES:
        return agencies.none()
    reports = AgencyReport.objects.filter(period=period, agency_id=OuterRef("pk"))
    if status == "missing":
        return agencies.exclude(Exists(reports))
    return agencies.filter(Exists(reports.filter(state=status)))


def completeness_rows(
    *, period: ReportingPeriod, agencies: QuerySet, contacts: bool = True
) -> list[CompletenessRow]:
    """One row per agency of ``agencies`` (e.g. a page of ``expected_agencies``) with its
    report, read in the same query; with ``contacts``, each agency's active heads as
    ``agency.heads``. Two queries at most, whatever the number of agencies."""
    if contacts:
        heads = User.objects.filter(is_agency_head=True, is_active=True).only(
            "agency_id", "username", "first_name", "last_name", "full_name", "phone", "email"
        )
        agencies = agencies.prefetch_related(Prefetch("users", queryset=heads, to_attr="heads"))
    agencies = agencies.annotate(
        period_report=FilteredRelation("reports", condition=Q(reports__period=period)),
        report_pk=F("period_report__id"),
        report_state=F("period_report__state"),
        report_first_submitted_at=F("period_report__first_submitted_at"),
        report_submitted_at=F("period_report__submitted_at"),
    )
    rows = []
    for agency in agencies:
        report = None
        if agency.report_pk is not None:
            report = AgencyReport(
                pk=agency.report_pk,
                period=period,  # was_late reads the deadline without a query
                agency=agency,
                state=agency.report_state,
                first_submitted_at=agency.report_first_submitted_at,
                submitted_at=agency.report_submitted_at,
            )
        rows.append(
            CompletenessRow(
                agency=agency,
                report=report,
                status=report.state if report else "missing",
                late=report.was_late if report else None,
            )
        )
    return rows


def completeness(*, period: ReportingPeriod, contacts: bool = True) -> Completeness:
    """The figures and every expected agency's row, in a fixed number of queries."""
    result = completeness_counts(period=period)
    result.rows = completeness_rows(
        period=period, agencies=expected_agencies(period=period), contacts=contacts
    )
    return result


# ---------------------------------------------------------------------------------------------
# Consolidated reports
# ---------------------------------------------------------------------------------------------
def sections_for(kind: str):
    if kind == ConsolidatedReport.Kind.AGREEMENTS:
        return AGREEMENT_SECTIONS
    if kind == ConsolidatedReport.Kind.CONFERENCES:
        return CONFERENCE_SECTIONS
    return PERIOD_SECTIONS


def default_subject(kind: str, year: int) -> str:
    if kind == ConsolidatedReport.Kind.SEMIANNUAL:
        return _(
            "Results of foreign affairs in the first 6 months of %(year)s and key tasks for "
            "the last 6 months of %(year)s"
        ) % {"year": year}
    if kind == ConsolidatedReport.Kind.ANNUAL:
        return _("Results of foreign affairs in %(year)s and key tasks for %(next)s") % {
            "year": year,
            "next": year + 1,
        }
    if kind == ConsolidatedReport.Kind.AGREEMENTS:
        return _(
            "Signing and implementation of international agreements in %(year)s and the "
            "signing plan for %(next)s"
        ) % {"year": year, "next": year + 1}
    return _("International conferences and workshops organised in %(year)s") % {"year": year}


def consolidated_start(*, user, kind: str, year: int) -> ReportJob:
    """Create the consolidated report if needed and queue the gathering of its draft.

    Regenerating replaces the draft's sections and figures with fresh ones; the issued
    versions are never touched. A gathering already queued or running is returned as is.
    """
    if user is not None and not permissions.can_edit_consolidated(user):
        raise PermissionDenied
    if kind not in ConsolidatedReport.Kind.values:
        raise DomainError(_("Unknown report kind."))
    with transaction.atomic():
        with translation.override(jobs.PDF_LANGUAGE):
            subject = default_subject(kind, year)
        report, _created = ConsolidatedReport.objects.get_or_create(
            kind=kind, year=year, defaults={"subject": subject, "created_by": user}
        )
        report = ConsolidatedReport.objects.select_for_update().get(pk=report.pk)
        running = report.jobs.filter(kind=ReportJob.Kind.GATHER).active().first()
        if running is not None:
            return running
        return jobs.job_create(kind=ReportJob.Kind.GATHER, user=user, consolidated=report)


def _narratives(report: ConsolidatedReport) -> dict[str, list[tuple[str, str]]]:
    """key → [(agency name, text)] from the latest version of each accepted agency report."""
    if report.kind in (ConsolidatedReport.Kind.SEMIANNUAL, ConsolidatedReport.Kind.ANNUAL):
        period_kind = report.period.kind
    else:
        period_kind = PeriodKind.ANNUAL
    accepted = (
        AgencyReport.objects.filter(
            period__year=report.year,
            period__kind=period_kind,
            state=AgencyReport.State.ACCEPTED,
        )
        .select_related("agency")
        .order_by("agency__name")
    )
    latest = {}
    for version in AgencyReportVersion.objects.filter(report__in=accepted).order_by(
        "report_id", "number"
    ):
        latest[version.report_id] = version
    by_key: dict[str, list[tuple[str, str]]] = {}
    for agency_report in accepted:
        version = latest.get(agency_report.pk)
        if version is None:
            continue
        for key, text in version.sections.items():
            if text.strip():
                by_key.setdefault(key, []).append((agency_report.agency.name, text.strip()))
    return by_key


def _figure_sentences(kind: str, figures: dict) -> dict[str, str]:
    """Opening sentences written from the portal's figures, per section key."""
    sentences = {}
    if kind in (ConsolidatedReport.Kind.SEMIANNUAL, ConsolidatedReport.Kind.ANNUAL):
        sentences["relations"] = _(
            "In the period, %(signed)s international agreements were signed; %(in_force)s are "
            "in force, of which %(reviewed)s were reviewed in the period."
        ) % {
            "signed": figures["agreements_signed"],
            "in_force": figures["agreements_in_force"],
            "reviewed": figures["agreements_reviewed"],
        }
        sentences["delegations"] = _(
            "The province sent %(out)s outbound delegations (%(out_people)s person-trips) and "
            "received %(in)s inbound delegations (%(in_people)s person-trips)."
        ) % {
            "out": figures["outbound_delegations"],
            "out_people": figures["outbound_people"],
            "in": figures["inbound_delegations"],
            "in_people": figures["inbound_people"],
        }
        sentences["conferences"] = _(
            "%(count)s international conferences and workshops were held."
        ) % {"count": figures["conferences"]}
    elif kind == ConsolidatedReport.Kind.AGREEMENTS:
        sentences["signing"] = _(
            "In the year, %(signed)s international agreements were signed (Annex I)."
        ) % {"signed": figures["agreements_signed"]}
        sentences["implementing"] = _(
            "%(in_force)s agreements are in force; %(reviewed)s of them were reviewed in the year."
        ) % {"in_force": figures["agreements_in_force"], "reviewed": figures["agreements_reviewed"]}
    else:
        sentences["held"] = _(
            "%(count)s international conferences and workshops were held (Annex I)."
        ) % {"count": figures["conferences"]}
    return sentences


def consolidated_gather(*, job: ReportJob) -> None:
    """Job handler: fill the draft's sections and figures from accepted agency reports and
    the portal's data. Officials then edit the sections."""
    report = ConsolidatedReport.objects.get(pk=job.consolidated_id)
    if job.requested_by is not None and not permissions.can_edit_consolidated(job.requested_by):
        raise jobs.JobError(_("The requester may no longer prepare consolidated reports."))
    figures = province_figures(period=report.period)
    jobs.job_progress(job, 50)
    narratives = _narratives(report)
    sentences = _figure_sentences(report.kind, figures)
    with transaction.atomic():
        for order, section in enumerate(sections_for(report.kind)):
            parts = []
            if section.key in sentences:
                parts.append(sentences[section.key])
            source_key = "relations" if section.key in ("signing", "implementing") else section.key
            if report.kind == ConsolidatedReport.Kind.CONFERENCES and section.key == "held":
                source_key = "conferences"
            for agency_name, text in narratives.get(source_key, []):
                parts.append(f"- {agency_name}: {text}")
            ConsolidatedSection.objects.update_or_create(
                report=report,
                key=section.key,
                defaults={"order": order, "body": "\n\n".join(parts), "updated_by": None},
            )
        report.figures = figures
        report.gathered_at = timezone.now()
        report.save(update_fields=["figures", "gathered_at", "updated_at"])


def consolidated_prepare_due(*, today: date | None = None) -> int:
    """Beat: prepare the draft of each period whose cut-off has passed and has none yet."""
    today = today or timezone.localdate()
    started = 0
    for period in ReportingPeriod.objects.filter(year__gte=today.year - 1):
        if period.end >= today:
            continue
        kind = (
            ConsolidatedReport.Kind.SEMIANNUAL
            if period.kind == PeriodKind.SEMIANNUAL
            else ConsolidatedReport.Kind.ANNUAL
        )
        if not ConsolidatedReport.objects.filter(kind=kind, year=period.year).exists():
            consolidated_start(user=None, kind=kind, year=period.year)
            started += 1
    return started


def section_save(*, section: ConsolidatedSection, user, body: str) -> ConsolidatedSection:
    if not permissions.can_edit_consolidated(user):
        raise PermissionDenied
    body = nfc(body or "").strip().replace("\r\n", "\n")
    if len(body) > 4 * MAX_SECTION_LENGTH:
        raise DomainError({"body": _("The section is too long.")})
    section.body = body
    section.updated_by = user
    section.save(update_fields=["body", "updated_by", "updated_at"])
    return section


def subject_save(*, report: ConsolidatedReport, user, subject: str) -> ConsolidatedReport:
    if not permissions.can_edit_consolidated(user):
        raise PermissionDenied
    subject = nfc(subject or "").strip()
    if not subject:
        raise DomainError({"subject": _("The subject is required.")})
    report.subject = subject
    # Drafts the beat prepares (consolidated_prepare_due) have no creator.
    report.full_clean(exclude=["created_by"])
    report.save(update_fields=["subject", "updated_at"])
    return report


def next_number(year: int) -> int:
    return (IssuedReport.objects.filter(number_year=year).aggregate(n=Max("number"))["n"] or 0) + 1


def default_recipients(kind: str) -> str:
    """The usual "Nơi nhận" of a kind of report, in the document's language (the issue form
    proposes them whatever language the official reads the portal in)."""
    with translation.override(jobs.PDF_LANGUAGE):
        return _default_recipients(kind)


def _default_recipients(kind: str) -> str:
    abbr = settings.PORTAL["DEPARTMENT_ABBR"]
    lines = [
        _("Provincial People's Committee (to report)"),
        _("Party Standing Committee (to report)"),
    ]
    if kind in (ConsolidatedReport.Kind.AGREEMENTS, ConsolidatedReport.Kind.CONFERENCES):
        lines.insert(0, _("Ministry of Foreign Affairs (to report)"))
    lines += [_("Director and deputy directors"), _("Archive: VT, %(unit)s") % {"unit": abbr}]
    return "\n".join(lines)


def consolidated_issue(
    *,
    report: ConsolidatedReport,
    user,
    issued_on: date,
    signer_authority: str,
    signer_title: str,
    signer_name: str,
    recipients: str,
    number: int | None = None,
) -> IssuedReport:
    """Issue a new version: assign its number (restarting each year), freeze the text and
    figures, and queue the PDF. Earlier issued versions stay as they are."""
    if not permissions.can_edit_consolidated(user):
        raise PermissionDenied
    lines = [nfc(line).strip(" -;.\t") for line in (recipients or "").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise DomainError({"recipients": _("List at least one recipient.")})
    for attempt in range(3):
        try:
            with transaction.atomic():
                report = ConsolidatedReport.objects.select_for_update().get(pk=report.pk)
                if report.gathered_at is None:
                    raise DomainError(_("The draft has not been prepared yet."))
                year = issued_on.year
                chosen = number or next_number(year)
                if IssuedReport.objects.filter(number_year=year, number=chosen).exists():
                    raise DomainError(
                        {
                            "number": _("Number %(number)s is already used in %(year)s.")
                            % {"number": f"{chosen:02d}", "year": year}
                        }
                    )
                version = (report.issues.aggregate(n=Max("version"))["n"] or 0) + 1
                sections = [
                    {"key": s.key, "body": s.body} for s in report.sections.order_by("order")
                ]
                issued = IssuedReport(
                    report=report,
                    version=version,
                    number=chosen,
                    number_year=year,
                    issued_on=issued_on,
                    signer_authority=nfc(signer_authority).strip(),
                    signer_title=nfc(signer_title).strip(),
                    signer_name=nfc(signer_name).strip(),
                    recipients="\n".join(lines),
                    snapshot={
                        "kind": report.kind,
                        "year": report.year,
                        "subject": report.subject,
                        "sections": sections,
                        "figures": report.figures,
                    },
                    issued_by=user,
                )
                issued.full_clean()
                issued.save()
                jobs.job_create(kind=ReportJob.Kind.ISSUE_PDF, user=user, issued=issued)
                return issued
        except IntegrityError:
            # Two officials issued at the same moment: take the next free number.
            if number is not None or attempt == 2:
                raise DomainError(_("The number was just taken; try again.")) from None
    raise AssertionError("unreachable")


def issued_render(*, job: ReportJob) -> None:
    """Job handler: render an issued version's PDF (once)."""
    from .pdf import render_issued_pdf

    issued = IssuedReport.objects.select_related("report").get(pk=job.issued_id)
    if issued.pdf:
        return
    if job.requested_by is None or not permissions.can_edit_consolidated(job.requested_by):
        raise jobs.JobError(_("The requester may no longer issue consolidated reports."))
    content = render_issued_pdf(issued)
    jobs.job_progress(job, 80)
    name = f"bao-cao-{issued.number:02d}-{issued.number_year}-{get_random_string(6).lower()}.pdf"
    issued.pdf.save(name, ContentFile(content), save=False)
    issued.save(update_fields=["pdf"])


def job_retry(*, job: ReportJob, user) -> ReportJob:
    """Queue a failed job again (the page's "try again")."""
    if job.status != ReportJob.Status.FAILED:
        return job
    subject = {
        "agency_version": job.agency_version,
        "consolidated": job.consolidated,
        "issued": job.issued,
    }
    with transaction.atomic():
        return jobs.job_create(
            kind=job.kind, user=user, **{k: v for k, v in subject.items() if v is not None}
        )
