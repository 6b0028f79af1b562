"""The dossier task. Kept out of ``tasks.py`` (another module owner); ``tasks.py`` imports it
so that Celery's autodiscovery registers it."""

from celery import shared_task
from django.db import OperationalError

from .dossier import dossier_build, dossiers_purge, dossiers_sweep


# Named after the module Celery autodiscovers, so the name stays stable wherever it lives.
@shared_task(
    bind=True,
    name="agreements.tasks.build_dossier",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=5,
)
def build_dossier(self, job_id: int) -> None:
    """Build the dossier of one job (re-read from the database; idempotent)."""
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    dossier_build(job_id=job_id, redelivered=redelivered, task_id=self.request.id or "")


@shared_task(name="agreements.tasks.sweep_dossier_jobs")
def sweep_dossier_jobs() -> int:
    """Every minute: send the dossier jobs requested while the broker was down."""
    return dossiers_sweep()


@shared_task(name="agreements.tasks.purge_dossiers")
def purge_dossiers() -> int:
    """Daily: delete dossiers older than a week, with their files."""
    return dossiers_purge()
