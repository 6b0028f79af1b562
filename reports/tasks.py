"""Thin task interfaces: each takes ids and calls one function of ``reports.jobs``/services."""

from celery import shared_task
from django.db import OperationalError

from . import jobs, services


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=5,
)
def run_report_job(self, job_id: int) -> None:
    """Gather a consolidated draft or render a report PDF (the job row says which)."""
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    jobs.job_run(job_id=job_id, redelivered=redelivered, task_id=self.request.id or "")


@shared_task
def sweep_report_jobs() -> int:
    """Every minute: send the jobs that were requested while the broker was down."""
    return jobs.jobs_sweep()


@shared_task
def prepare_due_drafts() -> int:
    """Daily: start the consolidated draft of each period whose data cut-off has passed."""
    return services.consolidated_prepare_due()
