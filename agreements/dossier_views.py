"""Dossier pages: request a dossier, follow its preparation, download it.

Who sees a job: its requester only, and only while they can still view the agreement
(``can_view_agreement``). Anyone else gets a 404, as for an agreement outside their scope. A
dossier holds nothing its requester could not see on the agreement's page, but job ids are
sequential and a job is a personal request (like an export): a colleague who wants the dossier
asks for their own in one click.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .dossier import dossier_download_name, dossier_is_stale, dossier_request
from .models import Agreement, DossierJob
from .permissions import can_view_agreement


def _visible_job(request: HttpRequest, job_pk: int) -> DossierJob:
    job = get_object_or_404(
        DossierJob.objects.select_related("agreement", "agreement__lead_agency"), pk=job_pk
    )
    if job.requested_by_id != request.user.pk or not can_view_agreement(
        request.user, job.agreement
    ):
        raise Http404
    return job


def _status_context(job: DossierJob) -> dict:
    return {
        "job": job,
        "agreement": job.agreement,
        "active": job.status in (DossierJob.Status.QUEUED, DossierJob.Status.RUNNING),
        "stale": dossier_is_stale(job),
    }


@require_POST
def dossier_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the dossier (a read: leaders may) and show its progress. Never renders here."""
    agreement = get_object_or_404(Agreement, pk=pk)
    if not can_view_agreement(request.user, agreement):
        raise Http404
    job = dossier_request(agreement=agreement, user=request.user)
    if request.htmx:
        return render(request, "agreements/dossier_status_fragment.html", _status_context(job))
    return redirect("agreements:dossier_status", job_pk=job.pk)


@require_GET
@never_cache
def dossier_status(request: HttpRequest, job_pk: int) -> HttpResponse:
    """The job's progress; the fragment polls itself every 2 s while the job is active."""
    job = _visible_job(request, job_pk)
    template = (
        "agreements/dossier_status_fragment.html"
        if request.htmx
        else "agreements/dossier_status.html"
    )
    return render(request, template, _status_context(job))


@require_GET
@never_cache
def dossier_download(request: HttpRequest, job_pk: int) -> FileResponse:
    job = _visible_job(request, job_pk)
    if job.status != DossierJob.Status.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=dossier_download_name(job),
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
