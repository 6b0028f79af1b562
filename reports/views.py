"""Periods, completeness and the agency report workflow. Consolidated reports are in
``consolidated_views``. Views fetch, check the predicate, call a service, redirect."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions as perms
from accounts.errors import DomainError
from agreements.views import _form_error

from . import permissions, services
from .figures import agency_figures
from .forms import AcceptForm, AgencyReportForm, PeriodForm, ReturnForm
from .models import AgencyReport, AgencyReportVersion, ReportingPeriod, ReportJob

# Agencies listed per page of a period's completeness.
COMPLETENESS_PAGE_SIZE = 50


class CountedPaginator(Paginator):
    """A paginator told its count (already known from an aggregate): no COUNT query."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count


def _visible_report(request: HttpRequest, pk: int, queryset=None) -> AgencyReport:
    queryset = AgencyReport.objects.all() if queryset is None else queryset
    report = get_object_or_404(queryset.select_related("agency", "period", "submitted_by"), pk=pk)
    if not permissions.can_view_report(request.user, report):
        raise Http404
    return report


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Periods with their completeness (officials, leaders); a reporter's own reports."""
    periods = ReportingPeriod.objects.annotate(
        expected=Count("expected_agencies", distinct=True),
        submitted=Count(
            "agency_reports",
            filter=Q(agency_reports__first_submitted_at__isnull=False),
            distinct=True,
        ),
        accepted=Count(
            "agency_reports",
            filter=Q(agency_reports__state=AgencyReport.State.ACCEPTED),
            distinct=True,
        ),
    ).order_by("-year", "-kind")
    mine = {}
    if request.user.agency_id and not permissions.can_view_completeness(request.user):
        mine = {
            r.period_id: r for r in AgencyReport.objects.filter(agency_id=request.user.agency_id)
        }
        periods = periods.filter(expected_agencies=request.user.agency_id)
    rows = [(period, mine.get(period.pk)) for period in periods]
    return render(
        request,
        "reports/index.html",
        {
            "rows": rows,
            "sees_all": permissions.can_view_completeness(request.user),
            "can_manage": permissions.can_manage_periods(request.user),
            "can_write": perms.is_reporter(request.user),
            "today": timezone.localdate(),
        },
    )


def _period_form_view(request: HttpRequest, period: ReportingPeriod | None) -> HttpResponse:
    if not permissions.can_manage_periods(request.user):
        raise PermissionDenied
    initial = {}
    if period is not None:
        initial = {
            "year": period.year,
            "kind": period.kind,
            "deadline": period.deadline,
            "expected_agencies": list(period.expected_agencies.all()),
        }
    form = PeriodForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period = services.period_save(
                user=request.user,
                year=data["year"],
                kind=data["kind"],
                deadline=data["deadline"],
                expected_agencies=data["expected_agencies"] or None,
                period=period,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The reporting period has been saved."))
            return redirect(period)
    return render(request, "reports/period_form.html", {"form": form, "period": period})


@require_http_methods(["GET", "POST"])
def period_create(request: HttpRequest) -> HttpResponse:
    return _period_form_view(request, None)


@require_http_methods(["GET", "POST"])
def period_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _period_form_view(request, get_object_or_404(ReportingPeriod, pk=pk))


@require_GET
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Completeness and timeliness: who has reported, who is late, with their contacts."""
    period = get_object_or_404(ReportingPeriod, pk=pk)
    if not permissions.can_view_completeness(request.user):
        if request.user.agency_id:
            report = AgencyReport.objects.filter(
                period=period, agency_id=request.user.agency_id
            ).first()
            if report:
                return redirect(report)
        raise PermissionDenied
    status = request.GET.get("status", "")
    result = services.completeness_counts(period=period)
    # The figures count every expected agency; the list shows a page of them (thousands at
    # national scale), its length known from the figures.
    paginator = CountedPaginator(
        services.expected_agencies(period=period, status=status),
        COMPLETENESS_PAGE_SIZE,
        count=result.listed(status),
    )
    page = paginator.get_page(request.GET.get("page"))
    rows = _completeness_row_values(
        services.completeness_rows(period=period, agencies=page.object_list), period
    )
    return render(
        request,
        "reports/period_detail.html",
        {
            "period": period,
            "result": result,
            "rows": rows,
            "page_obj": page,
            "status": status,
            "query_string": urlencode({"status": status}) if status else "",
            "today": timezone.localdate(),
            "can_manage": permissions.can_manage_periods(request.user),
        },
    )


BADGE_CLASSES = {
    AgencyReport.State.ACCEPTED: "text-bg-success",
    AgencyReport.State.SUBMITTED: "text-bg-primary",
    AgencyReport.State.RETURNED: "text-bg-warning",
}


def _completeness_row_values(rows: list[services.CompletenessRow], period) -> list[dict]:
    """What each row of the completeness table prints (the badge of
    reports/_state_badge.html, the submission time, the contacts), worked out once per page
    rather than by template lookups, includes and filters in every row."""
    labels = {value: str(label) for value, label in AgencyReport.State.choices}
    not_started = _("Not started")
    missing_badge = "text-bg-danger" if period.is_past_deadline else "text-bg-secondary"
    values = []
    for row in rows:
        agency, report = row.agency, row.report
        submitted = report.first_submitted_at if report else None
        values.append(
            {
                "short_name": agency.short_name,
                "name": agency.name,
                "url": report.get_absolute_url() if report else "",
                "status": row.status,
                "badge": BADGE_CLASSES.get(row.status, "text-bg-secondary")
                if report
                else missing_badge,
                "label": labels.get(report.state, report.state) if report else not_started,
                "submitted_on": formats.date_format(
                    timezone.localtime(submitted), "SHORT_DATETIME_FORMAT"
                )
                if submitted
                else "—",
                "late": row.late,
                "email": agency.email,
                "phone": agency.phone,
                "heads": [
                    (head.get_full_name() or head.username, head.phone, head.email)
                    for head in getattr(agency, "heads", ())
                ],
            }
        )
    return values


@require_POST
def report_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Open (create on first use) the user's agency report for the period."""
    period = get_object_or_404(ReportingPeriod, pk=pk)
    if not request.user.agency_id:
        raise PermissionDenied
    report = services.report_open(period=period, agency=request.user.agency, user=request.user)
    if not report.is_editable:  # already submitted (e.g. from a stale page): show it
        return redirect(report)
    return redirect("reports:report_edit", pk=report.pk)


def _latest_jobs(versions) -> dict[int, ReportJob]:
    jobs = {}
    for job in ReportJob.objects.filter(agency_version__in=versions).order_by("created_at"):
        jobs[job.agency_version_id] = job
    return jobs


@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    versions = list(report.versions.select_related("submitted_by").order_by("-number"))
    jobs = _latest_jobs(versions)
    latest = versions[0] if versions else None
    if report.is_editable or latest is None:
        sections, figures = (
            report.sections,
            agency_figures(agency=report.agency, period=report.period.period),
        )
    else:
        sections, figures = latest.sections, latest.figures
    form = AgencyReportForm(initial=sections)
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "groups": form.grouped(),
            "sections": sections,
            "figures": figures,
            "versions": [(v, jobs.get(v.pk)) for v in versions],
            "comments": report.comments.select_related("author", "version"),
            "can_edit": permissions.can_edit_report(request.user, report),
            "can_submit": permissions.can_submit_report(request.user, report),
            "can_decide": permissions.can_decide_report(request.user, report),
            "return_form": ReturnForm(),
            "accept_form": AcceptForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk, AgencyReport.objects.with_last_comment())
    if not permissions.can_edit_report(request.user, report):
        raise PermissionDenied
    form = AgencyReportForm(request.POST or None, initial=report.sections)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_save_draft(report=report, user=request.user, sections=form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The draft has been saved."))
            if "submit" in request.POST:
                return _submit(request, report)
            return redirect("reports:report_edit", pk=report.pk)
    return render(
        request,
        "reports/report_form.html",
        {
            "report": report,
            "form": form,
            "groups": form.grouped(),
            "figures": agency_figures(agency=report.agency, period=report.period.period),
            "can_submit": permissions.can_submit_report(request.user, report),
        },
    )


@require_POST
def report_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: save the draft as the reporter types; answers a short status line."""
    report = _visible_report(request, pk)
    form = AgencyReportForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("Not saved: a section is too long.")
    else:
        try:
            report = services.report_save_draft(
                report=report, user=request.user, sections=form.cleaned_data
            )
        except DomainError as exc:
            error = "; ".join(exc.messages)
    return render(
        request,
        "reports/_autosave_status.html",
        {"report": report, "error": error},
        status=200 if not error else 422,
    )


def _submit(request: HttpRequest, report: AgencyReport) -> HttpResponse:
    try:
        version = services.report_submit(report=report, user=request.user)
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:report_edit", pk=report.pk)
    messages.success(
        request,
        _("Version %(number)s of the report has been submitted to %(department)s.")
        % {"number": version.number, "department": settings.PORTAL["DEPARTMENT_NAME"]},
    )
    return redirect(report)


@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    if not permissions.can_edit_report(request.user, report):
        raise PermissionDenied
    return _submit(request, report)


@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    try:
        services.report_return(
            report=report, user=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report has been returned to the agency."))
    return redirect(report)


@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    try:
        services.report_accept(report=report, user=request.user, note=request.POST.get("note", ""))
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report has been accepted."))
    return redirect(report)


def pdf_response(file, filename: str) -> FileResponse:
    try:
        handle = file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@never_cache
def version_pdf(request: HttpRequest, pk: int) -> FileResponse:
    version = get_object_or_404(
        AgencyReportVersion.objects.select_related("report__agency", "report__period"), pk=pk
    )
    if not permissions.can_view_report(request.user, version.report):
        raise Http404
    if not version.pdf:
        raise Http404
    report = version.report
    name = (
        f"bao-cao-{report.agency.short_name or report.agency_id}-{report.period.year}-"
        f"{report.period.kind}-v{version.number}.pdf"
    )
    return pdf_response(version.pdf, name)


@require_GET
@never_cache
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's state; the fragment polls itself every 2 s while the job is active."""
    job = get_object_or_404(
        ReportJob.objects.select_related("agency_version__report", "issued"), pk=pk
    )
    if not permissions.can_view_job(request.user, job):
        raise Http404
    response = render(request, "reports/_job_status.html", {"job": job})
    if request.htmx and job.kind == ReportJob.Kind.GATHER and not job.is_active:
        # The gathered sections (and the "Issue" button) are the page itself, not this
        # fragment: the polling page reloads once, as it promises.
        response["HX-Refresh"] = "true"
    return response


@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ReportJob.objects.select_related("agency_version__report"), pk=pk)
    if not permissions.can_view_job(request.user, job):
        raise Http404
    if not permissions.can_retry_job(request.user, job):
        raise PermissionDenied
    job = services.job_retry(job=job, user=request.user)
    return render(request, "reports/_job_status.html", {"job": job})
