from datetime import date
from smtplib import SMTPException

from celery import shared_task
from django.core.management import call_command
from django.utils import timezone

from . import dbstats, digest
from .models import User


@shared_task(name="accounts.tasks.purge_expired_sessions")
def purge_expired_sessions() -> None:
    """Delete expired sessions (database-backed sessions otherwise grow forever)."""
    call_command("clearsessions")


@shared_task(name="accounts.tasks.refresh_statistics")
def refresh_statistics() -> bool:
    """Nightly: SQLite's query planner statistics (PostgreSQL's autovacuum keeps its own)."""
    return dbstats.refresh_statistics()


@shared_task(name="accounts.tasks.send_daily_digests")
def send_daily_digests() -> int:
    """Daily beat job: queue one digest task per recipient who has not had today's digest."""
    today = timezone.localdate()
    user_ids = list(
        digest.recipients().exclude(digests__sent_on=today).values_list("pk", flat=True)
    )
    for user_id in user_ids:
        send_digest.delay(user_id, today.isoformat())
    return len(user_ids)


@shared_task(
    name="accounts.tasks.send_digest",
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=60,
    retry_jitter=True,
    max_retries=5,
)
def send_digest(user_id: int, day_iso: str) -> bool:
    """Send one user's digest for one day; a duplicate or a retry sends nothing twice."""
    user = User.objects.filter(pk=user_id, is_active=True).select_related("agency").first()
    if user is None:
        return False
    return digest.digest_send(user=user, today=date.fromisoformat(day_iso)) is not None
