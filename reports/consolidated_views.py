"""Consolidated reports: start or regenerate a draft, edit it section by section, issue it,
download the issued PDFs. Officials write; leaders and administrators read."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.errors import DomainError
from agreements.views import _form_error

from . import permissions, services
from .forms import ConsolidatedStartForm, IssueForm, SectionForm, SubjectForm
from .models import ConsolidatedReport, ConsolidatedSection, IssuedReport, ReportJob
from .views import pdf_response


def _require_view(request: HttpRequest) -> None:
    if not permissions.can_view_consolidated(request.user):
        raise PermissionDenied


def _require_edit(request: HttpRequest) -> None:
    _require_view(request)
    if not permissions.can_edit_consolidated(request.user):
        raise PermissionDenied


@require_GET
def consolidated_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    reports = ConsolidatedReport.objects.order_by("-year", "kind")
    issues = IssuedReport.objects.select_related("report", "issued_by").order_by("-issued_at")[:20]
    return render(
        request,
        "reports/consolidated_list.html",
        {
            "reports": reports,
            "issues": issues,
            "form": ConsolidatedStartForm(),
            "can_edit": permissions.can_edit_consolidated(request.user),
        },
    )


@require_POST
def consolidated_start(request: HttpRequest) -> HttpResponse:
    """Create the report if needed and queue the gathering of its draft (never renders here)."""
    _require_edit(request)
    form = ConsolidatedStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a report and a year."))
        return redirect("reports:consolidated_list")
    job = services.consolidated_start(
        user=request.user, kind=form.cleaned_data["kind"], year=form.cleaned_data["year"]
    )
    messages.info(
        request, _("The draft is being prepared from the agencies' reports and the portal's data.")
    )
    return redirect(job.consolidated)


@require_POST
def consolidated_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    _require_edit(request)
    report = get_object_or_404(ConsolidatedReport, pk=pk)
    services.consolidated_start(user=request.user, kind=report.kind, year=report.year)
    messages.info(request, _("The draft is being prepared again; the issued versions are kept."))
    return redirect(report)


@require_GET
def consolidated_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    report = get_object_or_404(ConsolidatedReport, pk=pk)
    bodies = {s.key: s for s in report.sections.all()}
    sections = [(s, bodies.get(s.key)) for s in services.sections_for(report.kind)]
    issues = list(report.issues.select_related("issued_by").order_by("-version"))
    issue_jobs = {}
    for job in ReportJob.objects.filter(issued__in=issues).order_by("created_at"):
        issue_jobs[job.issued_id] = job
    gather = report.jobs.filter(kind=ReportJob.Kind.GATHER).order_by("-created_at").first()
    return render(
        request,
        "reports/consolidated_detail.html",
        {
            "report": report,
            "sections": sections,
            "issues": [(issue, issue_jobs.get(issue.pk)) for issue in issues],
            "gather": gather,
            "figures": report.figures,
            "can_edit": permissions.can_edit_consolidated(request.user),
            "subject_form": SubjectForm(initial={"subject": report.subject}),
        },
    )


@require_POST
def subject_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_edit(request)
    report = get_object_or_404(ConsolidatedReport, pk=pk)
    try:
        services.subject_save(
            report=report, user=request.user, subject=request.POST.get("subject", "")
        )
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The subject has been saved."))
    return redirect(report)


@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    _require_edit(request)
    report = get_object_or_404(ConsolidatedReport, pk=pk)
    section = get_object_or_404(ConsolidatedSection, report=report, key=key)
    meta = next((s for s in services.sections_for(report.kind) if s.key == key), None)
    if meta is None:
        raise Http404
    form = SectionForm(request.POST or None, initial={"body": section.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.section_save(
                section=section, user=request.user, body=form.cleaned_data["body"]
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The section has been saved."))
            return redirect(f"{report.get_absolute_url()}#section-{key}")
    return render(
        request,
        "reports/section_form.html",
        {"report": report, "section": section, "meta": meta, "form": form},
    )


@require_http_methods(["GET", "POST"])
def consolidated_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a new version: number, date line, signer, recipients; the PDF renders in a job."""
    _require_edit(request)
    report = get_object_or_404(ConsolidatedReport, pk=pk)
    form = IssueForm(request.POST or None, initial=IssueForm.initial_for(report))
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.consolidated_issue(
                report=report, user=request.user, **form.cleaned_data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("Report No. %(number)s has been issued; its PDF is being prepared.")
                % {"number": issued.document_number},
            )
            return redirect(report)
    return render(
        request,
        "reports/issue_form.html",
        {
            "report": report,
            "form": form,
            "next_number": services.next_number(form.initial["issued_on"].year),
        },
    )


@require_GET
@never_cache
def issued_pdf(request: HttpRequest, pk: int) -> FileResponse:
    _require_view(request)
    issued = get_object_or_404(IssuedReport.objects.select_related("report"), pk=pk)
    if not issued.pdf:
        raise Http404
    name = f"bao-cao-{issued.number:02d}-BC-{issued.number_year}-v{issued.version}.pdf"
    return pdf_response(issued.pdf, name)
