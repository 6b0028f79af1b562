"""Thin Celery tasks of the agreements registry: each calls one service."""

from celery import shared_task

from . import services


@shared_task(name="agreements.tasks.expire_agreements")
def expire_agreements() -> int:
    """Daily: move agreements past their end date to "expired" (see agreements_expire_due)."""
    return services.agreements_expire_due()
