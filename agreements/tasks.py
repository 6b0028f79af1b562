"""Thin Celery tasks of the agreements registry: each calls one service.

Celery's autodiscovery imports this module only, so the tasks kept in other modules are
imported here to be registered in the worker.
"""

from celery import shared_task

from . import services
from .dossier_tasks import build_dossier, purge_dossiers

__all__ = ["build_dossier", "expire_agreements", "purge_dossiers"]


@shared_task(name="agreements.tasks.expire_agreements")
def expire_agreements() -> int:
    """Daily: move agreements past their end date to "expired" (see agreements_expire_due)."""
    return services.agreements_expire_due()
