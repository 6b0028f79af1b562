"""Report jobs: queued on commit, claimed by a worker, swept when the broker was down.

A web request creates a ``ReportJob`` row and asks for it to be sent to the broker once the
transaction commits. If the broker is unreachable at that moment the request still succeeds:
the row stays "queued" with no ``sent_at`` and ``jobs_sweep`` (a beat job every minute) sends
it when the broker is back. The worker claims the row before working (so a duplicated or
redelivered message finds it running or done and stops), re-checks the requester's
permission, and writes the outcome on the row; the row is what the pages poll.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import queueing

from .models import ReportJob

logger = logging.getLogger(__name__)

PDF_LANGUAGE = "vi"
PDF_TIME_ZONE = "Asia/Ho_Chi_Minh"
# Errors worth another attempt: the task retries them.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError,)


class JobError(Exception):
    """A permanent failure whose message (in Vietnamese) is shown on the page."""


def job_create(*, kind: str, user, **subject) -> ReportJob:
    """Create the job row and send it to the broker after the commit."""
    job = ReportJob.objects.create(kind=kind, requested_by=user, **subject)
    transaction.on_commit(lambda: job_send(job.pk))
    return job


def job_send(job_id: int) -> bool:
    """Hand the job to the broker; on failure leave it queued for the sweep."""
    from .tasks import run_report_job

    return queueing.job_send(run_report_job, ReportJob, job_id)


def jobs_sweep(*, now=None) -> int:
    """Send the queued jobs that never reached the broker, or were lost (beat, every minute)."""
    from .tasks import run_report_job

    return queueing.jobs_sweep(run_report_job, ReportJob, now=now)


def _vi(text_factory) -> str:
    with translation.override(PDF_LANGUAGE):
        return str(text_factory())


def _set(job_id: int, **values) -> None:
    ReportJob.objects.filter(pk=job_id).update(**values)


def job_progress(job: ReportJob, progress: int) -> None:
    _set(job.pk, progress=progress)


def _claim(job_id: int, redelivered: bool, task_id: str) -> ReportJob | None:
    """Mark the job running, or return None when there is nothing to do: it is gone, finished,
    or running in another worker. A message redelivered because its worker died (acks_late
    with reject_on_worker_lost) takes over a job left "running": Celery marks it redelivered
    and it carries the task id of the run that died; a duplicate message has another id."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (ReportJob.Status.DONE, ReportJob.Status.FAILED):
            return None
        now = timezone.now()
        busy = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
        if (
            job.status == ReportJob.Status.RUNNING
            and not redelivered
            and not (task_id and job.task_id == task_id)
            and job.started_at
            and job.started_at > now - busy
        ):
            return None
        job.status = ReportJob.Status.RUNNING
        job.started_at = now
        job.progress = 5
        job.error = ""
        job.attempts += 1
        job.task_id = task_id
        job.save(update_fields=["status", "started_at", "progress", "error", "attempts", "task_id"])
        return job


def job_fail(job_id: int, error: str) -> None:
    _set(
        job_id,
        status=ReportJob.Status.FAILED,
        error=error[:2000],
        finished_at=timezone.now(),
    )


def job_run(*, job_id: int, redelivered: bool = False, task_id: str = "") -> None:
    """Run one job (called by the ``run_report_job`` task)."""
    from . import services

    job = _claim(job_id, redelivered, task_id or "")
    if job is None:
        logger.info("report job %s: nothing to do", job_id)
        return
    handlers = {
        ReportJob.Kind.AGENCY_PDF: services.agency_version_render,
        ReportJob.Kind.GATHER: services.consolidated_gather,
        ReportJob.Kind.ISSUE_PDF: services.issued_render,
    }
    try:
        with translation.override(PDF_LANGUAGE), timezone.override(PDF_TIME_ZONE):
            handlers[job.kind](job=job)
    except TRANSIENT_ERRORS as error:
        logger.warning("report job %s: transient error, will retry: %s", job_id, error)
        _set(job.pk, status=ReportJob.Status.QUEUED, progress=0, started_at=None)
        raise
    except JobError as error:
        job_fail(job.pk, str(error))
        return
    except Exception as error:
        logger.exception("report job %s failed", job_id)
        message = _vi(lambda: _("The document could not be prepared."))
        job_fail(job.pk, f"{message} ({type(error).__name__}: {error})")
        return
    _set(job.pk, status=ReportJob.Status.DONE, progress=100, finished_at=timezone.now())
